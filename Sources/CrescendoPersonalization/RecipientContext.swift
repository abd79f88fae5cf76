import Foundation

/// Who a message is rendered for: drives locale-aware helpers (dates, numbers, currency, case).
public struct RecipientContext: Sendable, Hashable {
    /// ICU/Foundation locale identifier, e.g. `fr_FR`, `en_US`, `de_DE`.
    public var localeIdentifier: String
    /// IANA time zone identifier, e.g. `Europe/Paris`. Unknown identifiers fall back to UTC.
    public var timeZoneIdentifier: String
    /// ISO 4217 code used by `currency` when the value carries none, e.g. `EUR`.
    public var defaultCurrencyCode: String?

    public init(locale: String, timeZone: String, defaultCurrencyCode: String? = nil) {
        self.localeIdentifier = locale
        self.timeZoneIdentifier = timeZone
        self.defaultCurrencyCode = defaultCurrencyCode
    }

    /// Whether `timeZoneIdentifier` is known to Foundation (otherwise rendering uses UTC).
    public var hasValidTimeZone: Bool { TimeZone(identifier: timeZoneIdentifier) != nil }
}
