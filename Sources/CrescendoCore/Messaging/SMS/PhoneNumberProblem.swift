/// Why a phone number could not be normalised to E.164.
///
/// A struct with an open `Code` (rather than a closed enum) so callers can
/// switch on known codes while new ones can be added without breaking them;
/// `message` is human-readable and meant for import reports.
public struct PhoneNumberProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable, machine-readable identifier of the problem.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Nothing but separators (or nothing at all) was given.
        public static let empty = Code(rawValue: "empty")
        /// The text contains letters (vanity numbers are not supported).
        public static let letters = Code(rawValue: "letters")
        /// A character that is neither a digit, a separator nor a leading `+`.
        public static let invalidCharacter = Code(rawValue: "invalid_character")
        /// Fewer than 8 digits after normalisation.
        public static let tooShort = Code(rawValue: "too_short")
        /// More than 15 digits after normalisation (E.164 maximum).
        public static let tooLong = Code(rawValue: "too_long")
        /// A national number was given without a default country.
        public static let noCountry = Code(rawValue: "no_country")
        /// The default country is not a known ISO 3166-1 alpha-2 code.
        public static let unknownCountry = Code(rawValue: "unknown_country")
        /// The international number does not start with an assigned calling code.
        public static let unknownCountryCode = Code(rawValue: "unknown_country_code")
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
