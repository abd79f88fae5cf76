/// Normalisation of user-entered phone numbers to E.164 (`+` and 8–15 digits).
///
/// Contact lists arrive in every national format; SMS gateways want E.164.
/// This is deliberately a light, table-driven normaliser (no per-country
/// number-plan validation like libphonenumber) so it stays dependency-free.
public enum PhoneNumber {
    /// Minimum digits accepted after the `+`. Real numbers can be shorter
    /// (a few small territories), but below 8 it is far more often a typo.
    public static let minimumDigits = 8
    /// E.164 maximum length, country code included.
    public static let maximumDigits = 15

    /// Converts `text` to E.164.
    ///
    /// - `+` or `00` prefix: international; the country code is validated.
    /// - Otherwise a national number in `defaultCountry` (ISO 3166-1 alpha-2):
    ///   one trunk prefix is dropped where the country uses one.
    /// Spaces (any whitespace), dots, dashes, slashes and parentheses are
    /// ignored; an `(0)` after an international prefix (`+44 (0)20 …`) is a
    /// trunk hint and is dropped.
    public static func e164(_ text: String, defaultCountry: String?) -> Result<String, PhoneNumberProblem> {
        var body = Substring(text.trimmingWhitespace())
        if body.isEmpty { return .failure(problem(.empty, "The phone number is empty.")) }

        var international = false
        if body.first == "+" {
            international = true
            body = body.dropFirst()
        }

        var digits = ""
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if international, body[index...].hasPrefix("(0)") {
                // "+44 (0)20" – the bracketed trunk zero must not be dialled internationally.
                index = body.index(index, offsetBy: 3)
                continue
            }
            if let ascii = character.asciiValue, ascii >= 48, ascii <= 57 {
                digits.append(character)
            } else if character.isWhitespace || separators.contains(character) {
                // ignored
            } else if character.isLetter {
                return .failure(problem(.letters, "The phone number contains letters: \"\(text)\"."))
            } else {
                return .failure(problem(.invalidCharacter, "Unexpected character \"\(character)\" in \"\(text)\"."))
            }
            index = body.index(after: index)
        }
        if digits.isEmpty { return .failure(problem(.empty, "The phone number has no digits.")) }

        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }

        if international {
            guard CountryCallingCodes.callingCode(prefixOf: digits) != nil else {
                return .failure(problem(.unknownCountryCode, "No country uses the calling code at the start of \"+\(digits)\"."))
            }
            return lengthChecked(digits)
        }

        guard let country = defaultCountry?.trimmingWhitespace().uppercased(), !country.isEmpty else {
            return .failure(problem(.noCountry, "\"\(text)\" is a national number but no default country was given."))
        }
        guard let callingCode = CountryCallingCodes.byISO[country] else {
            return .failure(problem(.unknownCountry, "\"\(country)\" is not a known ISO 3166-1 alpha-2 country code."))
        }
        let national = CountryCallingCodes.droppingTrunkPrefix(digits, country: country)
        return lengthChecked(String(callingCode) + national)
    }

    /// The country calling code for an ISO 3166-1 alpha-2 code (case-insensitive),
    /// e.g. `"PT"` → 351; `nil` if unknown.
    public static func countryCode(forISO iso: String) -> Int? {
        CountryCallingCodes.byISO[iso.trimmingWhitespace().uppercased()]
    }

    /// Characters people use to group digits; they carry no meaning.
    private static let separators: Set<Character> = [".", "-", "(", ")", "/", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2212}"]

    private static func lengthChecked(_ digits: String) -> Result<String, PhoneNumberProblem> {
        if digits.count < minimumDigits {
            return .failure(problem(.tooShort, "\"+\(digits)\" has \(digits.count) digits; at least \(minimumDigits) are required."))
        }
        if digits.count > maximumDigits {
            return .failure(problem(.tooLong, "\"+\(digits)\" has \(digits.count) digits; E.164 allows at most \(maximumDigits)."))
        }
        return .success("+" + digits)
    }

    private static func problem(_ code: PhoneNumberProblem.Code, _ message: String) -> PhoneNumberProblem {
        PhoneNumberProblem(code: code, message: message)
    }
}

extension String {
    /// Foundation-free trim, so the module has no Foundation import to justify.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
