import Foundation
import Testing

@testable import CrescendoCore

/// Send-time rules: calendar periods and quiet hours in the recipient's time zone, the order of the
/// policies, the dispatch state machine and the token bucket. Every expected instant is written
/// by hand as a wall-clock time with the offset the zone has that day (from the published rules:
/// Paris springs forward on 2026-03-29 at 02:00 CET, New York falls back on 2026-11-01 at 02:00 EDT,
/// Auckland falls back on 2026-04-05 at 03:00 NZDT, Kolkata is +05:30 all year).
@Suite struct MessagingPolicyTests {
    // MARK: Helpers (independent of the code under test: Foundation's ISO 8601 parser)

    /// The instant of an ISO 8601 timestamp with its offset ("2026-03-29T23:30:00+02:00").
    static func at(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { preconditionFailure("bad timestamp \(text)") }
        return Int64(date.timeIntervalSince1970)
    }

    /// An instant as UTC text, so that failures read as dates.
    static func utc(_ instant: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(instant)))
    }

    static func zone(_ name: String) -> TimeZone { TimeZone(identifier: name)! }

    /// The start of the period holding the instant written as `local`, as UTC text.
    static func start(_ period: CalendarPeriod, of local: String, in zone: String) -> String {
        utc(period.start(of: at(local), in: Self.zone(zone)))
    }

    /// The same instant as `local`, as UTC text.
    static func same(_ local: String) -> String { utc(at(local)) }

    static func time(_ hour: Int, _ minute: Int = 0) -> LocalTime { LocalTime(hour: hour, minute: minute) }

    static let night = QuietHours(from: Self.time(21), until: Self.time(8), action: .delay)
    static let lunch = QuietHours(from: Self.time(12), until: Self.time(14), action: .delay)

    static func quietEnd(_ quiet: QuietHours, after local: String, in zone: String) -> String? {
        quiet.end(after: at(local), in: Self.zone(zone)).map(utc)
    }

    static func mail(_ category: MessageCategory = .marketing, address: String? = "ann@example.com", expiresAt: Int64? = nil,
                     window: (from: LocalTime, until: LocalTime)? = nil) -> PolicyMessage {
        PolicyMessage(channel: .email, category: category, address: address, expiresAt: expiresAt, window: window)
    }

    static func text(_ category: MessageCategory = .marketing, address: String? = "+33 6 12 34 56 78") -> PolicyMessage {
        PolicyMessage(channel: .sms, category: category, address: address)
    }

    static let optedIn = RecipientState(consent: .optedIn)
    static let bounced = SuppressionEntry(channel: .email, address: "ann@example.com", reason: "hard_bounce", createdAt: 0)
    static let plain = PolicyRuleSet(name: "plain")

    // MARK: CalendarPeriod.start

    @Test func anHourStartsOnTheLocalHourIncludingHalfHourZones() {
        #expect(Self.start(.hour, of: "2026-05-13T10:47:12Z", in: "UTC") == Self.same("2026-05-13T10:00:00Z"))
        // 10:47Z is 16:17 in Kolkata: the local hour began at 16:00 IST, 10:30Z.
        #expect(Self.start(.hour, of: "2026-05-13T16:17:12+05:30", in: "Asia/Kolkata") == Self.same("2026-05-13T16:00:00+05:30"))
        // The first hour after Paris springs forward is 03:00 CEST (01:00Z).
        #expect(Self.start(.hour, of: "2026-03-29T03:30:00+02:00", in: "Europe/Paris") == Self.same("2026-03-29T03:00:00+02:00"))
        #expect(Self.start(.hour, of: "2026-03-29T01:59:59+01:00", in: "Europe/Paris") == Self.same("2026-03-29T01:00:00+01:00"))
    }

    @Test func theRepeatedAutumnHourStartsAtItsOwnOccurrence() {
        // New York 2026-11-01: 01:00–02:00 happens twice. 01:30 EST (06:30Z) is in the second
        // one, which began at 01:00 EST (06:00Z), not at 01:00 EDT (05:00Z) two hours earlier.
        #expect(Self.start(.hour, of: "2026-11-01T01:30:00-04:00", in: "America/New_York") == Self.same("2026-11-01T01:00:00-04:00"))
        #expect(Self.start(.hour, of: "2026-11-01T01:30:00-05:00", in: "America/New_York") == Self.same("2026-11-01T01:00:00-05:00"))
    }

    @Test func aDayStartsAtLocalMidnightInEachZone() {
        #expect(Self.start(.day, of: "2026-05-13T23:59:59Z", in: "UTC") == Self.same("2026-05-13T00:00:00Z"))
        // 20:00Z on the 13th is already 01:30 on the 14th in Kolkata and 08:00 on the 14th in Auckland.
        #expect(Self.start(.day, of: "2026-05-14T01:30:00+05:30", in: "Asia/Kolkata") == Self.same("2026-05-14T00:00:00+05:30"))
        #expect(Self.start(.day, of: "2026-05-14T08:00:00+12:00", in: "Pacific/Auckland") == Self.same("2026-05-14T00:00:00+12:00"))
        // 03:00Z on the 14th is still the 13th in New York.
        #expect(Self.start(.day, of: "2026-05-13T23:00:00-04:00", in: "America/New_York") == Self.same("2026-05-13T00:00:00-04:00"))
    }

    @Test func theSpringForwardDayInParisIs23HoursLong() {
        let sunday = Self.at(Self.start(.day, of: "2026-03-29T23:59:00+02:00", in: "Europe/Paris"))
        let monday = Self.at(Self.start(.day, of: "2026-03-30T00:30:00+02:00", in: "Europe/Paris"))
        #expect(Self.utc(sunday) == Self.same("2026-03-29T00:00:00+01:00"))
        #expect(Self.utc(monday) == Self.same("2026-03-30T00:00:00+02:00"))
        #expect(monday - sunday == 23 * 3600)
    }

    @Test func theFallBackDayIs25HoursLongInNewYorkAndAuckland() {
        let sunday = Self.at(Self.start(.day, of: "2026-11-01T23:30:00-05:00", in: "America/New_York"))
        let monday = Self.at(Self.start(.day, of: "2026-11-02T00:30:00-05:00", in: "America/New_York"))
        #expect(Self.utc(sunday) == Self.same("2026-11-01T00:00:00-04:00"))
        #expect(Self.utc(monday) == Self.same("2026-11-02T00:00:00-05:00"))
        #expect(monday - sunday == 25 * 3600)
        // Auckland (southern hemisphere) falls back on 2026-04-05.
        let aucklandSunday = Self.at(Self.start(.day, of: "2026-04-05T23:00:00+12:00", in: "Pacific/Auckland"))
        #expect(Self.utc(aucklandSunday) == Self.same("2026-04-05T00:00:00+13:00"))
        #expect(Self.at(Self.start(.day, of: "2026-04-06T00:00:00+12:00", in: "Pacific/Auckland")) - aucklandSunday == 25 * 3600)
    }

    @Test func weeksStartOnMonday() {
        // 2026-05-13 is a Wednesday; 2026-05-11 a Monday.
        #expect(Self.start(.week, of: "2026-05-13T10:00:00Z", in: "UTC") == Self.same("2026-05-11T00:00:00Z"))
        #expect(Self.start(.week, of: "2026-05-11T00:00:00Z", in: "UTC") == Self.same("2026-05-11T00:00:00Z"))
        #expect(Self.start(.week, of: "2026-05-10T23:59:59Z", in: "UTC") == Self.same("2026-05-04T00:00:00Z"))
        #expect(Self.start(.week, of: "2026-05-17T12:00:00Z", in: "UTC") == Self.same("2026-05-11T00:00:00Z"))
    }

    @Test func aSundayAt2330LocalBelongsToTheWeekThatStartedTheMondayBefore() {
        // Paris, the Sunday of the spring change: the week began on Monday 2026-03-23 in CET.
        #expect(Self.start(.week, of: "2026-03-29T23:30:00+02:00", in: "Europe/Paris") == Self.same("2026-03-23T00:00:00+01:00"))
        // New York, the Sunday of the autumn change: 04:30Z is already Monday in UTC.
        #expect(Self.start(.week, of: "2026-11-01T23:30:00-05:00", in: "America/New_York") == Self.same("2026-10-26T00:00:00-04:00"))
        // Kolkata: 18:00Z on Sunday 2026-05-10.
        #expect(Self.start(.week, of: "2026-05-10T23:30:00+05:30", in: "Asia/Kolkata") == Self.same("2026-05-04T00:00:00+05:30"))
    }

    @Test func aMondayMorningInAucklandStartsANewWeekWhileUTCIsStillSunday() {
        // 13:00Z on Sunday 2026-05-10 is 01:00 on Monday the 11th in Auckland (NZST, +12).
        #expect(Self.start(.week, of: "2026-05-11T01:00:00+12:00", in: "Pacific/Auckland") == Self.same("2026-05-11T00:00:00+12:00"))
        #expect(Self.start(.week, of: "2026-05-11T01:00:00+12:00", in: "UTC") == Self.same("2026-05-04T00:00:00Z"))
    }

    @Test func aMonthStartsOnTheFirstLocalDay() {
        #expect(Self.start(.month, of: "2026-01-31T23:59:59Z", in: "UTC") == Self.same("2026-01-01T00:00:00Z"))
        #expect(Self.start(.month, of: "2026-02-01T00:00:00Z", in: "UTC") == Self.same("2026-02-01T00:00:00Z"))
        // 03:00Z on 1 February is still 31 January in New York…
        #expect(Self.start(.month, of: "2026-01-31T22:00:00-05:00", in: "America/New_York") == Self.same("2026-01-01T00:00:00-05:00"))
        // …and 12:00Z on 31 January is already 1 February in Auckland (NZDT, +13).
        #expect(Self.start(.month, of: "2026-02-01T01:00:00+13:00", in: "Pacific/Auckland") == Self.same("2026-02-01T00:00:00+13:00"))
        // A month holding a change starts in the offset of its first day.
        #expect(Self.start(.month, of: "2026-03-31T12:00:00+02:00", in: "Europe/Paris") == Self.same("2026-03-01T00:00:00+01:00"))
        #expect(Self.start(.month, of: "2026-04-15T12:00:00+02:00", in: "Europe/Paris") == Self.same("2026-04-01T00:00:00+02:00"))
        #expect(Self.start(.month, of: "2026-05-01T00:30:00+05:30", in: "Asia/Kolkata") == Self.same("2026-05-01T00:00:00+05:30"))
    }

    @Test func februaryOfALeapYearHas29Days() {
        #expect(Self.start(.month, of: "2028-02-29T23:59:59Z", in: "UTC") == Self.same("2028-02-01T00:00:00Z"))
        #expect(Self.start(.month, of: "2028-03-01T00:00:00Z", in: "UTC") == Self.same("2028-03-01T00:00:00Z"))
        #expect(Self.start(.day, of: "2028-02-29T12:00:00Z", in: "UTC") == Self.same("2028-02-29T00:00:00Z"))
        // Tuesday 29 February 2028 is in the week of Monday the 28th.
        #expect(Self.start(.week, of: "2028-02-29T12:00:00Z", in: "UTC") == Self.same("2028-02-28T00:00:00Z"))
        // Friday 3 March 2028: the week began on Monday 28 February.
        #expect(Self.start(.week, of: "2028-03-03T12:00:00Z", in: "UTC") == Self.same("2028-02-28T00:00:00Z"))
    }

    // MARK: QuietHours

    @Test func aSpanThatWrapsMidnightHoldsTheNight() {
        for quiet in [21 * 60, 22 * 60 + 30, 23 * 60 + 59, 0, 3 * 60, 7 * 60 + 59] { #expect(Self.night.contains(minutes: quiet)) }
        for awake in [8 * 60, 12 * 60, 20 * 60 + 59] { #expect(!Self.night.contains(minutes: awake)) }
    }

    @Test func aSpanWithinADayHoldsOnlyItsHours() {
        for quiet in [12 * 60, 13 * 60 + 59] { #expect(Self.lunch.contains(minutes: quiet)) }
        for awake in [0, 11 * 60 + 59, 14 * 60, 23 * 60] { #expect(!Self.lunch.contains(minutes: awake)) }
    }

    @Test func fromEqualToUntilIsNeverQuiet() {
        let none = QuietHours(from: Self.time(9), until: Self.time(9), action: .drop)
        #expect((0..<1440).allSatisfy { !none.contains(minutes: $0) })
        #expect(none.end(after: Self.at("2026-05-13T09:00:00Z"), in: Self.zone("UTC")) == nil)
        #expect(none.end(after: Self.at("2026-05-13T03:00:00Z"), in: Self.zone("UTC")) == nil)
        let rules = PolicyRuleSet(name: "q", quietHours: none)
        #expect(SendPolicy.decide(Self.mail(), recipient: Self.optedIn, rules: rules, now: Self.at("2026-05-13T09:00:00Z")) == .send)
    }

    @Test func quietHoursEndInTheRecipientsZone() {
        #expect(Self.quietEnd(Self.night, after: "2026-05-13T22:00:00Z", in: "UTC") == Self.same("2026-05-14T08:00:00Z"))
        #expect(Self.quietEnd(Self.night, after: "2026-05-14T03:00:00Z", in: "UTC") == Self.same("2026-05-14T08:00:00Z"))
        #expect(Self.quietEnd(Self.night, after: "2026-05-14T08:00:00Z", in: "UTC") == nil)
        #expect(Self.quietEnd(Self.night, after: "2026-05-14T20:59:00Z", in: "UTC") == nil)
        // 02:00Z is 22:00 the evening before in New York: quiet until 08:00 EDT, 12:00Z.
        #expect(Self.quietEnd(Self.night, after: "2026-05-13T22:00:00-04:00", in: "America/New_York") == Self.same("2026-05-14T08:00:00-04:00"))
        // …while 12:00Z is not quiet there (08:00 EDT), though it is midnight in Auckland (NZST, +12).
        #expect(Self.quietEnd(Self.night, after: "2026-05-14T08:00:00-04:00", in: "America/New_York") == nil)
        #expect(Self.quietEnd(Self.night, after: "2026-05-14T12:00:00Z", in: "Pacific/Auckland") == Self.same("2026-05-15T08:00:00+12:00"))
        #expect(Self.quietEnd(Self.night, after: "2026-05-13T21:30:00+05:30", in: "Asia/Kolkata") == Self.same("2026-05-14T08:00:00+05:30"))
        // A span that does not wrap ends the same day.
        #expect(Self.quietEnd(Self.lunch, after: "2026-05-13T12:30:00+12:00", in: "Pacific/Auckland") == Self.same("2026-05-13T14:00:00+12:00"))
        #expect(Self.quietEnd(Self.lunch, after: "2026-05-13T14:00:00+12:00", in: "Pacific/Auckland") == nil)
    }

    @Test func aNightWithAClockChangeEndsAtTheWallClockTime() {
        // Paris, Saturday 22:30 CET: the night ends at 08:00 CEST, 8½ hours later, not 9½.
        let paris = Self.at("2026-03-28T22:30:00+01:00")
        let parisEnd = Self.night.end(after: paris, in: Self.zone("Europe/Paris"))
        #expect(parisEnd.map(Self.utc) == Self.same("2026-03-29T08:00:00+02:00"))
        let parisNight: Int64? = parisEnd.map { $0 - paris }
        let eightAndAHalfHours: Int64 = 8 * 3600 + 1800
        #expect(parisNight == eightAndAHalfHours)
        // New York, Saturday 21:30 EDT: the night ends at 08:00 EST, 11½ hours later.
        let newYork = Self.at("2026-10-31T21:30:00-04:00")
        let newYorkEnd = Self.night.end(after: newYork, in: Self.zone("America/New_York"))
        #expect(newYorkEnd.map(Self.utc) == Self.same("2026-11-01T08:00:00-05:00"))
        let newYorkNight: Int64? = newYorkEnd.map { $0 - newYork }
        let elevenAndAHalfHours: Int64 = 11 * 3600 + 1800
        #expect(newYorkNight == elevenAndAHalfHours)
        // Inside the night, after the change.
        #expect(Self.quietEnd(Self.night, after: "2026-03-29T04:00:00+02:00", in: "Europe/Paris") == Self.same("2026-03-29T08:00:00+02:00"))
    }

    @Test func quietHoursEndingInTheSpringGapEndWhenTheClockJumps() {
        // Paris, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 never happens that night.
        let quiet = QuietHours(from: LocalTime(hour: 22), until: LocalTime(hour: 2, minute: 30), action: .delay)
        let now = Self.at("2026-03-29T01:30:00+01:00")
        #expect(quiet.end(after: now, in: Self.zone("Europe/Paris")).map(Self.utc) == Self.same("2026-03-29T03:00:00+02:00"))
        // Just after the jump it is no longer quiet.
        #expect(quiet.end(after: Self.at("2026-03-29T03:00:00+02:00"), in: Self.zone("Europe/Paris")) == nil)
    }

    @Test func quietHoursNeverEndBeforeTheInstantInTheRepeatedHour() {
        // Quiet 22:00–01:30 in New York. At 01:15 EDT they end at 01:30 EDT (05:30Z)…
        let late = QuietHours(from: Self.time(22), until: Self.time(1, 30), action: .delay)
        #expect(Self.quietEnd(late, after: "2026-11-01T01:15:00-04:00", in: "America/New_York") == Self.same("2026-11-01T01:30:00-04:00"))
        // …but the clock falls back and 01:15 EST (06:15Z) is quiet again, until 01:30 EST (06:30Z).
        let now = Self.at("2026-11-01T01:15:00-05:00")
        #expect(late.end(after: now, in: Self.zone("America/New_York")).map(Self.utc) == Self.same("2026-11-01T01:30:00-05:00"))
        let recipient = RecipientState(consent: .optedIn, timeZone: Self.zone("America/New_York"))
        let decision = SendPolicy.decide(Self.mail(), recipient: recipient, rules: PolicyRuleSet(name: "q", quietHours: late), now: now)
        #expect(decision == .delay(until: Self.at("2026-11-01T01:30:00-05:00"), reason: "quiet_hours"))
    }

    // MARK: SendPolicy.decide

    @Test func anExpiredMessageIsExpiredWhateverElseHolds() {
        let now = Self.at("2026-05-13T10:00:00Z")
        let suppressed = RecipientState(consent: .optedOut, suppression: Self.bounced)
        #expect(SendPolicy.decide(Self.mail(address: nil, expiresAt: now), recipient: suppressed, rules: Self.plain, now: now) == .expire)
        #expect(SendPolicy.decide(Self.mail(.transactional, expiresAt: now - 1), recipient: Self.optedIn, rules: Self.plain, now: now) == .expire)
        // One second before the window closes the other rules apply.
        #expect(SendPolicy.decide(Self.mail(address: nil, expiresAt: now + 1), recipient: suppressed, rules: Self.plain, now: now)
            == .exclude(reason: "no_address", detail: nil))
    }

    @Test func aMissingAddressIsExcluded() {
        let now = Self.at("2026-05-13T10:00:00Z")
        #expect(SendPolicy.decide(Self.mail(address: nil), recipient: Self.optedIn, rules: Self.plain, now: now) == .exclude(reason: "no_address", detail: nil))
        #expect(SendPolicy.decide(Self.mail(address: ""), recipient: Self.optedIn, rules: Self.plain, now: now) == .exclude(reason: "no_address", detail: nil))
        #expect(SendPolicy.decide(Self.text(address: nil), recipient: Self.optedIn, rules: Self.plain, now: now) == .exclude(reason: "no_address", detail: nil))
    }

    @Test func anInvalidAddressIsExcludedBeforeSuppression() {
        let now = Self.at("2026-05-13T10:00:00Z")
        #expect(SendPolicy.decide(Self.mail(address: "ann.example.com"), recipient: Self.optedIn, rules: Self.plain, now: now)
            == .exclude(reason: "invalid_address", detail: "\"ann.example.com\" is not a valid email address"))
        #expect(SendPolicy.decide(Self.mail(address: "ann@example"), recipient: RecipientState(consent: .optedIn, suppression: Self.bounced), rules: Self.plain, now: now)
            == .exclude(reason: "invalid_address", detail: "\"ann@example\" is not a valid email address"))
        #expect(SendPolicy.decide(Self.text(address: "call me"), recipient: Self.optedIn, rules: Self.plain, now: now)
            == .exclude(reason: "invalid_address", detail: "\"call me\" is not a valid sms address"))
        #expect(SendPolicy.decide(Self.text(address: "12345"), recipient: Self.optedIn, rules: Self.plain, now: now)
            == .exclude(reason: "invalid_address", detail: "\"12345\" is not a valid sms address"))
        // Valid ones go.
        #expect(SendPolicy.decide(Self.mail(address: "Ann.Lee@Example.co.uk"), recipient: Self.optedIn, rules: Self.plain, now: now) == .send)
        #expect(SendPolicy.decide(Self.text(), recipient: Self.optedIn, rules: Self.plain, now: now) == .send)
    }

    @Test func suppressionBeatsConsent() {
        let now = Self.at("2026-05-13T10:00:00Z")
        let recipient = RecipientState(consent: .optedIn, consentField: true, suppression: Self.bounced)
        #expect(SendPolicy.decide(Self.mail(), recipient: recipient, rules: Self.plain, now: now) == .exclude(reason: "suppressed", detail: "hard_bounce"))
    }

    @Test func transactionalSkipsConsentCapsAndQuietHoursButNotSuppression() {
        // 23:00 in Paris, no consent anywhere, three mails today against a cap of one.
        let now = Self.at("2026-05-13T23:00:00+02:00")
        let rules = PolicyRuleSet(name: "strict", consentDefault: .optIn, caps: [FrequencyCap(channel: nil, limit: 1, period: .day)],
                                  quietHours: QuietHours(from: Self.time(21), until: Self.time(8), action: .drop))
        let today = [Self.at("2026-05-13T09:00:00+02:00"), Self.at("2026-05-13T12:00:00+02:00"), Self.at("2026-05-13T18:00:00+02:00")]
        var recipient = RecipientState(consent: .optedOut, consentField: false, received: [.email: today], timeZone: Self.zone("Europe/Paris"))
        #expect(SendPolicy.decide(Self.mail(.transactional), recipient: recipient, rules: rules, now: now) == .send)
        #expect(SendPolicy.decide(Self.mail(.marketing), recipient: recipient, rules: rules, now: now) == .exclude(reason: "opted_out", detail: nil))
        recipient.suppression = Self.bounced
        #expect(SendPolicy.decide(Self.mail(.transactional), recipient: recipient, rules: rules, now: now) == .exclude(reason: "suppressed", detail: "hard_bounce"))
    }

    @Test func anExplicitOptOutBeatsATrueConsentField() {
        let rules = PolicyRuleSet(name: "fields", consentDefault: .optOut, consentFields: [.email: "email_opt_in"])
        let recipient = RecipientState(consent: .optedOut, consentField: true)
        #expect(SendPolicy.decide(Self.mail(), recipient: recipient, rules: rules, now: Self.at("2026-05-13T10:00:00Z")) == .exclude(reason: "opted_out", detail: nil))
    }

    @Test func anOptInRecordBeatsAFalseConsentField() {
        let rules = PolicyRuleSet(name: "fields", consentDefault: .optIn, consentFields: [.email: "email_opt_in"])
        let recipient = RecipientState(consent: .optedIn, consentField: false)
        #expect(SendPolicy.decide(Self.mail(), recipient: recipient, rules: rules, now: Self.at("2026-05-13T10:00:00Z")) == .send)
    }

    @Test func theConsentFieldDecidesWhenThereIsNoRecord() {
        let now = Self.at("2026-05-13T10:00:00Z")
        // A false field excludes even under an opt-out default; a true one admits under opt-in.
        let optOut = PolicyRuleSet(name: "fields", consentDefault: .optOut, consentFields: [.email: "email_opt_in"])
        #expect(SendPolicy.decide(Self.mail(), recipient: RecipientState(consentField: false), rules: optOut, now: now)
            == .exclude(reason: "no_consent", detail: "email_opt_in is false"))
        let optIn = PolicyRuleSet(name: "fields", consentDefault: .optIn, consentFields: [.email: "email_opt_in"])
        #expect(SendPolicy.decide(Self.mail(), recipient: RecipientState(consentField: true), rules: optIn, now: now) == .send)
    }

    @Test func withoutRecordOrFieldTheDefaultDecides() {
        let now = Self.at("2026-05-13T10:00:00Z")
        #expect(SendPolicy.decide(Self.mail(), recipient: RecipientState(), rules: PolicyRuleSet(name: "in", consentDefault: .optIn), now: now)
            == .exclude(reason: "no_consent", detail: "no opt-in on record"))
        #expect(SendPolicy.decide(Self.mail(), recipient: RecipientState(), rules: PolicyRuleSet.standard, now: now)
            == .exclude(reason: "no_consent", detail: "no opt-in on record"))
        #expect(SendPolicy.decide(Self.mail(), recipient: RecipientState(), rules: PolicyRuleSet(name: "out", consentDefault: .optOut), now: now) == .send)
    }

    @Test func aWeeklyCapCountsTheRecipientsCalendarWeek() {
        let rules = PolicyRuleSet(name: "cap", consentDefault: .optOut, caps: [FrequencyCap(channel: .email, limit: 3, period: .week)])
        // Wednesday 2026-11-04 10:00 EST. The week began on Monday 2026-11-02 00:00 EST (05:00Z).
        let now = Self.at("2026-11-04T10:00:00-05:00")
        let lastSunday = Self.at("2026-11-01T23:00:00-05:00")  // 04:00Z on Monday in UTC
        let thisWeek = [Self.at("2026-11-02T09:00:00-05:00"), Self.at("2026-11-03T09:00:00-05:00")]
        let newYork = RecipientState(received: [.email: thisWeek + [lastSunday]], timeZone: Self.zone("America/New_York"))
        #expect(SendPolicy.decide(Self.mail(), recipient: newYork, rules: rules, now: now) == .send)
        // The same history seen in UTC has three mails this week.
        let london = RecipientState(received: [.email: thisWeek + [lastSunday]], timeZone: Self.zone("UTC"))
        #expect(SendPolicy.decide(Self.mail(), recipient: london, rules: rules, now: now) == .exclude(reason: "frequency_cap", detail: "3 per week on email"))
        let full = RecipientState(received: [.email: thisWeek + [lastSunday, Self.at("2026-11-04T08:00:00-05:00")]], timeZone: Self.zone("America/New_York"))
        #expect(SendPolicy.decide(Self.mail(), recipient: full, rules: rules, now: now) == .exclude(reason: "frequency_cap", detail: "3 per week on email"))
    }

    @Test func aCapWithoutChannelCountsEveryChannel() {
        let now = Self.at("2026-05-13T12:00:00Z")
        let rules = PolicyRuleSet(name: "cap", consentDefault: .optOut, caps: [FrequencyCap(channel: nil, limit: 2, period: .day)])
        let both = RecipientState(received: [.email: [Self.at("2026-05-13T08:00:00Z")], .sms: [Self.at("2026-05-13T09:00:00Z")]])
        #expect(SendPolicy.decide(Self.mail(), recipient: both, rules: rules, now: now) == .exclude(reason: "frequency_cap", detail: "2 per day"))
        #expect(SendPolicy.decide(Self.text(), recipient: both, rules: rules, now: now) == .exclude(reason: "frequency_cap", detail: "2 per day"))
        let yesterday = RecipientState(received: [.email: [Self.at("2026-05-13T08:00:00Z")], .sms: [Self.at("2026-05-12T23:59:59Z")]])
        #expect(SendPolicy.decide(Self.mail(), recipient: yesterday, rules: rules, now: now) == .send)
    }

    @Test func aCapOnOneChannelLeavesTheOthersAlone() {
        let now = Self.at("2026-05-13T12:00:00Z")
        let rules = PolicyRuleSet(name: "cap", consentDefault: .optOut, caps: [FrequencyCap(channel: .sms, limit: 1, period: .day)])
        let recipient = RecipientState(received: [.sms: [Self.at("2026-05-13T08:00:00Z")]])
        #expect(SendPolicy.decide(Self.mail(), recipient: recipient, rules: rules, now: now) == .send)
        #expect(SendPolicy.decide(Self.text(), recipient: recipient, rules: rules, now: now) == .exclude(reason: "frequency_cap", detail: "1 per day on sms"))
    }

    @Test func consentComesBeforeCapsAndCapsBeforeQuietHours() {
        // 23:00 in Paris, quiet hours running, one mail already sent today against a cap of one.
        let now = Self.at("2026-05-13T23:00:00+02:00")
        let rules = PolicyRuleSet(name: "all", consentDefault: .optIn, caps: [FrequencyCap(channel: .email, limit: 1, period: .day)], quietHours: Self.night)
        let sent = [Channel.email: [Self.at("2026-05-13T10:00:00+02:00")]]
        let noConsent = RecipientState(received: sent, timeZone: Self.zone("Europe/Paris"))
        #expect(SendPolicy.decide(Self.mail(), recipient: noConsent, rules: rules, now: now) == .exclude(reason: "no_consent", detail: "no opt-in on record"))
        let capped = RecipientState(consent: .optedIn, received: sent, timeZone: Self.zone("Europe/Paris"))
        #expect(SendPolicy.decide(Self.mail(), recipient: capped, rules: rules, now: now) == .exclude(reason: "frequency_cap", detail: "1 per day on email"))
        let fresh = RecipientState(consent: .optedIn, timeZone: Self.zone("Europe/Paris"))
        #expect(SendPolicy.decide(Self.mail(), recipient: fresh, rules: rules, now: now) == .delay(until: Self.at("2026-05-14T08:00:00+02:00"), reason: "quiet_hours"))
    }

    @Test func quietHoursDelayUntilTheyEndOrDrop() {
        let paris = RecipientState(consent: .optedIn, timeZone: Self.zone("Europe/Paris"))
        let now = Self.at("2026-05-13T22:00:00+02:00")  // 20:00Z: not quiet in UTC
        let delay = PolicyRuleSet(name: "d", quietHours: Self.night)
        #expect(SendPolicy.decide(Self.mail(), recipient: paris, rules: delay, now: now) == .delay(until: Self.at("2026-05-14T08:00:00+02:00"), reason: "quiet_hours"))
        let drop = PolicyRuleSet(name: "x", quietHours: QuietHours(from: Self.time(21), until: Self.time(8), action: .drop))
        #expect(SendPolicy.decide(Self.mail(), recipient: paris, rules: drop, now: now) == .exclude(reason: "quiet_hours", detail: "21:00–08:00 Europe/Paris"))
        // At 08:00 local the night is over.
        #expect(SendPolicy.decide(Self.mail(), recipient: paris, rules: drop, now: Self.at("2026-05-14T08:00:00+02:00")) == .send)
    }

    @Test func aDelayThatLandsAfterTheWindowClosesExpires() {
        let paris = RecipientState(consent: .optedIn, timeZone: Self.zone("Europe/Paris"))
        let now = Self.at("2026-05-13T22:00:00+02:00")
        let rules = PolicyRuleSet(name: "d", quietHours: Self.night)
        #expect(SendPolicy.decide(Self.mail(expiresAt: Self.at("2026-05-14T07:00:00+02:00")), recipient: paris, rules: rules, now: now) == .expire)
        #expect(SendPolicy.decide(Self.mail(expiresAt: Self.at("2026-05-14T08:00:00+02:00")), recipient: paris, rules: rules, now: now) == .expire)
        #expect(SendPolicy.decide(Self.mail(expiresAt: Self.at("2026-05-14T09:00:00+02:00")), recipient: paris, rules: rules, now: now)
            == .delay(until: Self.at("2026-05-14T08:00:00+02:00"), reason: "quiet_hours"))
        // The same for the send window.
        let window = (from: Self.time(9), until: Self.time(17))
        #expect(SendPolicy.decide(Self.mail(expiresAt: Self.at("2026-05-14T08:59:00+02:00"), window: window), recipient: paris, rules: Self.plain,
                                  now: Self.at("2026-05-13T18:00:00+02:00")) == .expire)
    }

    @Test func theDailySendWindowDelaysUntilItOpens() {
        let newYork = RecipientState(consent: .optedIn, timeZone: Self.zone("America/New_York"))
        let window = (from: Self.time(9), until: Self.time(17))
        func decide(_ local: String) -> PolicyDecision {
            SendPolicy.decide(Self.mail(window: window), recipient: newYork, rules: Self.plain, now: Self.at(local))
        }
        #expect(decide("2026-05-13T07:00:00-04:00") == .delay(until: Self.at("2026-05-13T09:00:00-04:00"), reason: "send_window"))
        #expect(decide("2026-05-13T09:00:00-04:00") == .send)
        #expect(decide("2026-05-13T16:59:00-04:00") == .send)
        #expect(decide("2026-05-13T17:00:00-04:00") == .delay(until: Self.at("2026-05-14T09:00:00-04:00"), reason: "send_window"))
        // 14:00Z is inside 09:00–17:00 in UTC but 19:30 in Kolkata, after the window.
        let kolkata = RecipientState(consent: .optedIn, timeZone: Self.zone("Asia/Kolkata"))
        #expect(SendPolicy.decide(Self.mail(window: window), recipient: kolkata, rules: Self.plain, now: Self.at("2026-05-13T14:00:00Z"))
            == .delay(until: Self.at("2026-05-14T09:00:00+05:30"), reason: "send_window"))
    }

    @Test func aTransactionalMessageStillKeepsItsActivitysSendWindow() {
        // The window is the activity's own setting, not a marketing rule.
        let newYork = RecipientState(timeZone: Self.zone("America/New_York"))
        let message = Self.mail(.transactional, window: (from: Self.time(9), until: Self.time(17)))
        #expect(SendPolicy.decide(message, recipient: newYork, rules: Self.plain, now: Self.at("2026-05-13T07:00:00-04:00"))
            == .delay(until: Self.at("2026-05-13T09:00:00-04:00"), reason: "send_window"))
    }

    // MARK: DispatchMachine

    static let now: Int64 = 1_800_000_000

    static func sending(attempt: Int, retry: DispatchMachine.RetryPolicy = .init(), expiresAt: Int64? = nil) -> DispatchMachine {
        var machine = DispatchMachine(attempt: attempt, retry: retry, expiresAt: expiresAt)
        let first = machine.policyDecided(.send)
        precondition(first == .send)
        return machine
    }

    @Test func anAcceptedSendIsRecordedAsSent() {
        var machine = DispatchMachine(attempt: 1, retry: .init(), expiresAt: nil)
        #expect(machine.policyDecided(.send) == .send)
        #expect(machine.state == .sending(attempt: 1))
        #expect(machine.providerAnswered(.accepted(providerID: "msg-1"), now: Self.now) == .recordSent(providerID: "msg-1"))
        #expect(machine.state == .done)
    }

    @Test func temporaryFailuresBackOffByDoublingUpToTheMaximum() {
        let retry = DispatchMachine.RetryPolicy(maxAttempts: 8, firstDelay: 60, maxDelay: 600)
        let waits: [Int64] = [60, 120, 240, 480, 600, 600, 600]
        for (index, wait) in waits.enumerated() {
            var machine = Self.sending(attempt: index + 1, retry: retry)
            #expect(machine.providerAnswered(.temporaryFailure("421 busy"), now: Self.now) == .reschedule(at: Self.now + wait, reason: "retry", detail: "421 busy"))
        }
        // The defaults: 60 s doubling, capped at an hour.
        #expect((1...8).map { DispatchMachine.RetryPolicy().delay(after: $0) } == [60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(DispatchMachine.RetryPolicy().delay(after: 200) == 3600)
    }

    @Test func aTemporaryFailureOnTheLastAttemptExhaustsTheRetries() {
        var machine = Self.sending(attempt: 6)  // the default allows 6
        #expect(machine.providerAnswered(.temporaryFailure("421 busy"), now: Self.now)
            == .recordFailed(reason: "retries_exhausted", detail: "421 busy", suppress: false))
        var earlier = Self.sending(attempt: 5)
        #expect(earlier.providerAnswered(.temporaryFailure("421 busy"), now: Self.now) == .reschedule(at: Self.now + 960, reason: "retry", detail: "421 busy"))
    }

    @Test func aRetryThatWouldLandAfterTheWindowClosesExpires() {
        // The second attempt waits 120 s.
        var late = Self.sending(attempt: 2, expiresAt: Self.now + 100)
        #expect(late.providerAnswered(.temporaryFailure("421"), now: Self.now) == .recordExpired)
        var exact = Self.sending(attempt: 2, expiresAt: Self.now + 120)
        #expect(exact.providerAnswered(.temporaryFailure("421"), now: Self.now) == .recordExpired)
        var inTime = Self.sending(attempt: 2, expiresAt: Self.now + 121)
        #expect(inTime.providerAnswered(.temporaryFailure("421"), now: Self.now) == .reschedule(at: Self.now + 120, reason: "retry", detail: "421"))
    }

    @Test func aPermanentFailureSuppressesOnlyWhenTheAddressWasRejected() {
        var rejected = Self.sending(attempt: 1)
        #expect(rejected.providerAnswered(.permanentFailure("550 5.1.1 no such user", addressRejected: true), now: Self.now)
            == .recordFailed(reason: "rejected", detail: "550 5.1.1 no such user", suppress: true))
        var content = Self.sending(attempt: 1)
        #expect(content.providerAnswered(.permanentFailure("554 5.7.1 spam", addressRejected: false), now: Self.now)
            == .recordFailed(reason: "rejected", detail: "554 5.7.1 spam", suppress: false))
    }

    @Test func aClaimBeyondMaxAttemptsFailsWithoutSending() {
        var machine = DispatchMachine(attempt: 7, retry: .init(), expiresAt: nil)
        #expect(machine.policyDecided(.send) == .recordFailed(reason: "retries_exhausted", detail: "6 sends failed", suppress: false))
        // When the last send was cut short (its worker died), the record says it may have gone out.
        var cut = DispatchMachine(attempt: 7, retry: .init(), expiresAt: nil, interrupted: true)
        guard case .recordFailed("retries_exhausted", let detail, false) = cut.policyDecided(.send) else { Issue.record("expected a failure"); return }
        #expect(detail.contains("may have been delivered"))
        #expect(machine.state == .done)
        var last = DispatchMachine(attempt: 6, retry: .init(), expiresAt: nil)
        #expect(last.policyDecided(.send) == .send)
    }

    @Test func policyDecisionsMapToTheirActions() {
        var excluded = DispatchMachine(attempt: 1, retry: .init(), expiresAt: nil)
        #expect(excluded.policyDecided(.exclude(reason: "frequency_cap", detail: "3 per week")) == .recordExcluded(reason: "frequency_cap", detail: "3 per week"))
        #expect(excluded.state == .done)
        var delayed = DispatchMachine(attempt: 1, retry: .init(), expiresAt: nil)
        #expect(delayed.policyDecided(.delay(until: Self.now + 3600, reason: "quiet_hours")) == .reschedule(at: Self.now + 3600, reason: "quiet_hours", detail: nil))
        #expect(delayed.state == .done)
        var expired = DispatchMachine(attempt: 1, retry: .init(), expiresAt: Self.now)
        #expect(expired.policyDecided(.expire) == .recordExpired)
        #expect(expired.state == .done)
    }

    // MARK: TokenBucket

    @Test func aBurstPassesAtOnceAndTheNextWaitsForAToken() {
        var bucket = TokenBucket(rate: 10, burst: 10, now: 1000)
        for _ in 0..<10 { #expect(bucket.take(now: 1000) == 0) }
        #expect(abs(bucket.take(now: 1000) - 0.1) < 1e-9)
        #expect(abs(bucket.take(now: 1000) - 0.2) < 1e-9)
    }

    @Test func tokensRefillWithTimeUpToTheBurst() {
        var bucket = TokenBucket(rate: 10, burst: 10, now: 1000)
        for _ in 0..<10 { _ = bucket.take(now: 1000) }
        // Half a second gives five tokens back.
        for _ in 0..<5 { #expect(bucket.take(now: 1000.5) == 0) }
        #expect(abs(bucket.take(now: 1000.5) - 0.1) < 1e-9)
        // A long pause refills to the burst, not beyond.
        for _ in 0..<10 { #expect(bucket.take(now: 1100) == 0) }
        #expect(abs(bucket.take(now: 1100) - 0.1) < 1e-9)
        // Without a burst, it defaults to the rate (at least one token).
        #expect(TokenBucket(rate: 2, now: 0).burst == 2)
        #expect(TokenBucket(rate: 0.5, now: 0).burst == 1)
        #expect(TokenBucket(rate: 500, now: 0).burst == 50)
    }
}
