import Testing
@testable import CrescendoCore

@Suite("PhoneNumber")
struct PhoneNumberTests {
    @Test("Valid numbers normalise to E.164", arguments: [
        ("+351 912 345 678", nil, "+351912345678"),
        ("912345678", "PT", "+351912345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("1 415 555 2671", "US", "+14155552671"),
        ("0044 20 7946 0958", nil, "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 (0)20 7946 0958", nil, "+442079460958"),
        ("06 1234567", "IT", "+39061234567"),
        ("030.1234.5678", "de", "+493012345678"),
        ("(11) 98765-4321", "BR", "+5511987654321"),
        ("090-1234-5678", "JP", "+819012345678"),
        ("050 123 4567", "AE", "+971501234567"),
        ("8 912 345 67 89", "RU", "+79123456789"),
        ("+1 415 555 2671", "GB", "+14155552671"),
        ("0033 6 12 34 56 78", "US", "+33612345678"),
    ] as [(String, String?, String)])
    func valid(input: String, country: String?, expected: String) {
        #expect(PhoneNumber.e164(input, defaultCountry: country) == .success(expected))
    }

    @Test("Invalid numbers report a problem", arguments: [
        ("abc", "PT", PhoneNumberProblem.Code.letters),
        ("123", "PT", .tooShort),
        ("", "PT", .empty),
        ("  - ", "PT", .empty),
        ("912345678", nil, .noCountry),
        ("912345678", "XX", .unknownCountry),
        ("+999 1234 5678", nil, .unknownCountryCode),
        ("+351 9123 4567 8901 234", nil, .tooLong),
        ("+351 912#345", nil, .invalidCharacter),
    ] as [(String, String?, PhoneNumberProblem.Code)])
    func invalid(input: String, country: String?, code: PhoneNumberProblem.Code) {
        guard case .failure(let problem) = PhoneNumber.e164(input, defaultCountry: country) else {
            Issue.record("expected failure for \(input)")
            return
        }
        #expect(problem.code == code)
        #expect(!problem.message.isEmpty)
    }

    @Test func countryCodeLookup() {
        #expect(PhoneNumber.countryCode(forISO: "PT") == 351)
        #expect(PhoneNumber.countryCode(forISO: "fr") == 33)
        #expect(PhoneNumber.countryCode(forISO: "US") == 1)
        #expect(PhoneNumber.countryCode(forISO: "JP") == 81)
        #expect(PhoneNumber.countryCode(forISO: "AE") == 971)
        #expect(PhoneNumber.countryCode(forISO: "XX") == nil)
        #expect(CountryCallingCodes.byISO.count >= 249)
    }
}
