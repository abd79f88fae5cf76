import Foundation

// MARK: - Model

/// A postal address as the print vendor needs it for a direct-mail extract.
///
/// The fields mirror what a print vendor prints on the envelope, not how a CRM stores an
/// address: the caller joins first and last name into `name`, passes street lines in
/// order, and gives the country as an ISO 3166-1 alpha-2 code. The struct holds raw values.
/// Call `completenessProblem(...)` to decide whether the row can go into the extract, and
/// `normalized(...)` to get the form that should be written.
public struct PostalAddress: Sendable, Hashable {
    /// The recipient line (first and last name joined by the caller).
    public var name: String?
    /// Street lines, in order. Blank entries are allowed because CRMs often have fixed
    /// "address 1..3" columns. `normalized()` drops them.
    public var lines: [String]
    public var postalCode: String?
    public var city: String?
    /// State or province, for countries whose mail needs one. It is only required when the
    /// caller asks for it (`requireRegion`), because not every data source has a region column.
    public var region: String?
    /// ISO 3166-1 alpha-2 code. Lowercase input is accepted and upper-cased by `normalized()`.
    public var country: String?

    public init(
        name: String? = nil,
        lines: [String] = [],
        postalCode: String? = nil,
        city: String? = nil,
        region: String? = nil,
        country: String? = nil
    ) {
        self.name = name
        self.lines = lines
        self.postalCode = postalCode
        self.city = city
        self.region = region
        self.country = country
    }
}

/// The reason an address cannot be mailed. `field` says which column to fix, so the
/// exclusion report can point an operator at the data, and `message` says what is wrong.
public struct AddressProblem: Sendable, Hashable, CustomStringConvertible {
    /// One of the `Field` constants: "name", "address_line", "postal_code", "city",
    /// "region", "country".
    public var field: String
    /// Human-readable reason, e.g. "missing" or
    /// "\"7501\" is not a postal code of FR (5 digits)".
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `"postal_code: missing"`. This is the form used in exclusion reasons.
    public var description: String { "\(field): \(message)" }

    /// Field names. They are plain strings so that they can go into an exclusion file unchanged.
    public enum Field {
        public static let name = "name"
        public static let addressLine = "address_line"
        public static let postalCode = "postal_code"
        public static let city = "city"
        public static let region = "region"
        public static let country = "country"
    }
}

// MARK: - Public API

extension PostalAddress {
    /// Many print vendors limit an address line to 60 characters. Longer lines get cut or
    /// wrapped by the vendor, and either way the envelope may not be deliverable.
    public static let defaultMaxLineLength = 60

    /// The first problem that makes the address unusable for mail, or nil when it is complete.
    ///
    /// The address is judged in its `normalized(defaultCountry:)` form, which is the form that
    /// goes into the extract. So surrounding whitespace, a lowercase country code or a postal
    /// code written without its separator are not problems.
    ///
    /// Checks run in envelope order: name, street lines, city, region, country, postal code.
    /// The postal code comes last because it can only be judged once the country is known.
    ///
    /// - Parameters:
    ///   - defaultCountry: used when `country` is nil or blank, for example the campaign's
    ///     home market.
    ///   - requireRegion: when true, a missing region is a problem. It is off by default
    ///     because not every data source has a region column.
    ///   - maxLineLength: largest number of characters (grapheme clusters) allowed in the
    ///     name, each street line, the city and the region.
    public func completenessProblem(
        defaultCountry: String? = nil,
        requireRegion: Bool = false,
        maxLineLength: Int = PostalAddress.defaultMaxLineLength
    ) -> AddressProblem? {
        completenessProblems(
            defaultCountry: defaultCountry,
            requireRegion: requireRegion,
            maxLineLength: maxLineLength
        ).first
    }

    /// All problems, in the same order that `completenessProblem` uses. This is useful when a
    /// data-quality report should list everything that needs fixing in a row at once.
    /// The postal code is only checked when the country is valid, because without a country
    /// no format can be checked.
    public func completenessProblems(
        defaultCountry: String? = nil,
        requireRegion: Bool = false,
        maxLineLength: Int = PostalAddress.defaultMaxLineLength
    ) -> [AddressProblem] {
        typealias F = AddressProblem.Field
        var problems: [AddressProblem] = []
        func add(_ field: String, _ message: String) {
            problems.append(AddressProblem(field: field, message: message))
        }

        // Free-text fields: must be free of control characters and fit the vendor's line length.
        func checkText(_ raw: String?, field: String, required: Bool, label: String? = nil) {
            let value = Self.clean(raw)
            let prefix = label.map { "\($0) " } ?? ""
            guard let value else {
                if required { add(field, "missing") }
                return
            }
            if let scalar = Self.firstControlCharacter(in: value) {
                add(field, "\(prefix)contains control character \(Self.codePoint(scalar))")
            } else if value.count > maxLineLength {
                add(field, "\(prefix)longer than \(maxLineLength) characters (\(value.count))")
            }
        }

        checkText(name, field: F.name, required: true)

        // Street lines are numbered by their original position, so the message matches the
        // source columns even when blank lines come before them.
        var hasStreetLine = false
        for (index, line) in lines.enumerated() where Self.clean(line) != nil {
            hasStreetLine = true
            checkText(line, field: F.addressLine, required: true, label: "line \(index + 1)")
        }
        if !hasStreetLine { add(F.addressLine, "missing") }

        checkText(city, field: F.city, required: true)
        checkText(region, field: F.region, required: requireRegion)

        // Country.
        let countryCode = Self.resolvedCountry(country, defaultCountry: defaultCountry)
        var validCountry: String?
        if let countryCode {
            if let scalar = Self.firstControlCharacter(in: countryCode) {
                add(F.country, "contains control character \(Self.codePoint(scalar))")
            } else if Self.isISOCountryCode(countryCode) {
                validCountry = countryCode
            } else {
                var message = "\"\(countryCode)\" is not an ISO 3166-1 alpha-2 country code"
                if let hint = Self.countryCodeHints[countryCode] { message += " (did you mean \(hint)?)" }
                add(F.country, message)
            }
        } else {
            add(F.country, "missing")
        }

        // Postal code, judged against the country's format.
        let code = Self.cleanPostalCode(postalCode)
        if let code, let scalar = Self.firstControlCharacter(in: code) {
            add(F.postalCode, "contains control character \(Self.codePoint(scalar))")
        } else if let country = validCountry {
            if let message = Self.postalCodeProblem(code, country: country) {
                add(F.postalCode, message)
            }
        }
        return problems
    }

    /// The address normalised for the extract.
    ///
    /// - Every field is trimmed and inner whitespace (including tabs, line breaks and no-break
    ///   spaces from copy-pasted data) is collapsed to one space. Blank fields become nil, and
    ///   blank street lines are dropped.
    /// - `country` falls back to `defaultCountry` and is upper-cased.
    /// - `postalCode` is upper-cased. Full-width digits and letters and dash look-alikes
    ///   (common in Japanese data) are folded to ASCII. When the code matches the country's
    ///   format it is rewritten in the canonical form: GB "sw1a1aa" becomes "SW1A 1AA",
    ///   CA "k1a0b1" becomes "K1A 0B1", NL "1234ab" becomes "1234 AB", BR "01310100"
    ///   becomes "01310-100", JP "1000001" becomes "100-0001", PT "1000001" becomes
    ///   "1000-001", US "123456789" becomes "12345-6789" (ZIP+4 is kept).
    ///   A code that does not match is left as it is (only cleaned), so it is never silently
    ///   replaced with something plausible but wrong.
    ///
    /// Normalising twice gives the same result as normalising once.
    public func normalized(defaultCountry: String? = nil) -> PostalAddress {
        let countryCode = Self.resolvedCountry(country, defaultCountry: defaultCountry)
        var code = Self.cleanPostalCode(postalCode)
        if let raw = code, let country = countryCode,
           let canonical = Self.formatPostalCode(raw, country: country) {
            code = canonical
        }
        return PostalAddress(
            name: Self.clean(name),
            lines: lines.compactMap(Self.clean),
            postalCode: code,
            city: Self.clean(city),
            region: Self.clean(region),
            country: countryCode
        )
    }

    /// The canonical form of `code` for `country` (an ISO alpha-2 code, any case), or nil when
    /// the code does not fit that country's format. For countries without a known format, any
    /// plausible code is returned as it is (cleaned and upper-cased). This only checks the
    /// shape: a placeholder such as "00000" is formatted, and `completenessProblem` is what
    /// rejects it.
    public static func formatPostalCode(_ code: String, country: String) -> String? {
        guard let cleaned = cleanPostalCode(code) else { return nil }
        let country = country.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if let format = postalFormats[country] {
            return format.canonical(cleaned)
        }
        return isPlausibleGenericPostalCode(cleaned) ? cleaned : nil
    }

    /// Whether `code` is an officially assigned ISO 3166-1 alpha-2 code. Uppercase only, so
    /// upper-case the code first.
    public static func isISOCountryCode(_ code: String) -> Bool {
        isoAlpha2.contains(code)
    }
}

// MARK: - Cleaning helpers

extension PostalAddress {
    /// Trim, collapse inner whitespace to single spaces, and map blank to nil. Swift's
    /// `Character.isWhitespace` covers tab, CR/LF, NEL, NBSP and the Unicode line and paragraph
    /// separators. These often come from pasted multi-line addresses. Folding them into a
    /// space keeps the mail instead of excluding it. Any other control character is left in
    /// place so that the completeness check can report it.
    static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        let words = value.split(whereSeparator: { $0.isWhitespace })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// `clean`, plus the changes that only make sense for postal codes: upper-case; fold
    /// full-width ASCII (U+FF01 to U+FF5E) and dash look-alikes to ASCII, since Japanese input
    /// methods produce "１００－０００１"; drop a leading postal mark "〒".
    static func cleanPostalCode(_ value: String?) -> String? {
        guard let value else { return nil }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E:
                scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x2010...0x2015, 0x2212, 0x30FC, 0xFE63:
                scalars.append("-")
            case 0x3012: // 〒 postal mark
                scalars.append(" ")
            default:
                scalars.append(scalar)
            }
        }
        return clean(String(scalars))?.uppercased()
    }

    /// Country from the field, or the default when the field is blank. Upper-cased. Not validated.
    static func resolvedCountry(_ country: String?, defaultCountry: String?) -> String? {
        (clean(country) ?? clean(defaultCountry))?.uppercased()
    }

    /// Controls that survive whitespace collapsing (NUL, ESC, DEL, C1 controls, ...). They
    /// break fixed-width and CSV extracts and usually mean corrupted data.
    static func firstControlCharacter(in value: String) -> Unicode.Scalar? {
        value.unicodeScalars.first { $0.properties.generalCategory == .control }
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

// MARK: - Postal code rules

extension PostalAddress {
    /// nil when `code` (already cleaned) is acceptable for `country` (valid ISO code),
    /// otherwise the problem message.
    static func postalCodeProblem(_ code: String?, country: String) -> String? {
        guard let code else {
            if countriesWithoutPostalCodes.contains(country) || countriesWithOptionalPostalCodes.contains(country) {
                return nil
            }
            return "missing"
        }
        let usesPostalCodes = !countriesWithoutPostalCodes.contains(country)
        if usesPostalCodes, code.allSatisfy({ $0 == "0" || $0 == " " || $0 == "-" }) {
            // "00000" is the usual CRM placeholder for "unknown". No postal system uses it
            // for real, and the vendor would print it on the envelope. In countries without
            // postal codes, web forms often force such a value in. The mail is deliverable
            // anyway, so there it is tolerated.
            return "\"\(code)\" is a placeholder, not a postal code of \(country)"
        }
        if let format = postalFormats[country] {
            return format.canonical(code) == nil
                ? "\"\(code)\" is not a postal code of \(country) (\(format.description))"
                : nil
        }
        if isPlausibleGenericPostalCode(code) { return nil }
        if !usesPostalCodes {
            return "\"\(code)\" is not a postal code (\(country) does not use postal codes; leave it empty)"
        }
        return "\"\(code)\" is not a postal code of \(country) (letters, digits, space and hyphen only, at most 12 characters)"
    }

    /// For countries without a specific rule: ASCII letters and digits, with single spaces or
    /// hyphens between them, 2 to 12 characters. The longest formats in the UPU's POST*CODE
    /// list are 10 characters (US ZIP+4, Iran). Anything longer is almost certainly another
    /// field typed into the postal code column.
    static func isPlausibleGenericPostalCode(_ code: String) -> Bool {
        guard (2...12).contains(code.count) else { return false }
        var previousWasSeparator = true  // no leading separator
        for character in code {
            if character.isASCII && (character.isLetter || character.isNumber) {
                previousWasSeparator = false
            } else if character == " " || character == "-" {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator  // no trailing separator
    }
}

/// One country's postal code format: one or more templates, plus an optional extra check for
/// rules that a character template cannot express (for example, reserved NL letter pairs).
///
/// Templates use a small notation instead of `Regex`, because `Regex` is not `Sendable` and
/// so cannot be kept in a static table under Swift 6:
/// `9` is an ASCII digit, `A` is an ASCII uppercase letter, `[...]` is a character class with
/// ranges (`[A-HJK]`), and a space or hyphen is a separator. In the input, a separator may be
/// written as a space, a hyphen or nothing. In the output it is always the template's
/// character. So "1234ab" and "1234-AB" both become "1234 AB", but separators elsewhere are
/// rejected ("12-345" is not a US ZIP).
struct PostalCodeFormat: Sendable {
    enum Token: Sendable {
        case oneOf(Set<Character>)
        case separator(Character)
    }

    let templates: [[Token]]
    /// Shown in problem messages, e.g. "5 digits".
    let description: String
    /// Extra check on the canonical form.
    let accepts: (@Sendable (String) -> Bool)?

    init(_ templates: [String], _ description: String, accepts: (@Sendable (String) -> Bool)? = nil) {
        self.templates = templates.map(Self.parse)
        self.description = description
        self.accepts = accepts
    }

    /// The canonical form of `code` (already cleaned and upper-cased), or nil when no
    /// template matches.
    func canonical(_ code: String) -> String? {
        let input = Array(code)
        for template in templates {
            guard let output = Self.match(input, template) else { continue }
            if let accepts, !accepts(output) { continue }
            return output
        }
        return nil
    }

    private static func match(_ input: [Character], _ template: [Token]) -> String? {
        var output = ""
        var index = 0
        for token in template {
            switch token {
            case .separator(let canonical):
                if index < input.count, input[index] == " " || input[index] == "-" { index += 1 }
                output.append(canonical)
            case .oneOf(let allowed):
                guard index < input.count, allowed.contains(input[index]) else { return nil }
                output.append(input[index])
                index += 1
            }
        }
        return index == input.count ? output : nil
    }

    private static let digits = Set("0123456789")
    private static let letters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    private static func parse(_ template: String) -> [Token] {
        var tokens: [Token] = []
        var characters = Array(template)[...]
        while let character = characters.popFirst() {
            switch character {
            case "9": tokens.append(.oneOf(digits))
            case "A": tokens.append(.oneOf(letters))
            case " ", "-": tokens.append(.separator(character))
            case "[":
                var set = Set<Character>()
                var previous: Character?
                while let next = characters.popFirst(), next != "]" {
                    if next == "-", let low = previous, let high = characters.first, high != "]" {
                        characters.removeFirst()
                        for value in low.unicodeScalars.first!.value...high.unicodeScalars.first!.value {
                            set.insert(Character(Unicode.Scalar(value)!))
                        }
                        previous = nil
                    } else {
                        set.insert(next)
                        previous = next
                    }
                }
                tokens.append(.oneOf(set))
            default:
                preconditionFailure("bad postal template character \(character) in \(template)")
            }
        }
        return tokens
    }
}

extension PostalAddress {
    /// Per-country formats. Sources are the Universal Postal Union's "Postal addressing
    /// systems" / POST*CODE descriptions and the national operators named on each entry.
    /// Formats are deliberately shape checks: they catch typos, truncations (Excel dropping a
    /// leading zero, "7501" for "75001") and values from the wrong column. They do not catch
    /// codes that are well formed but not assigned.
    static let postalFormats: [String: PostalCodeFormat] = {
        let notDoubleZero: @Sendable (String) -> Bool = { !$0.hasPrefix("00") }
        let fiveDigits = PostalCodeFormat(["99999"], "5 digits")
        let fourDigits = PostalCodeFormat(["9999"], "4 digits")
        let fourDigitsNoLeadingZero = PostalCodeFormat(["[1-9]999"], "4 digits, not starting with 0")

        // UK postcode (Royal Mail PAF / UK government data standard): outward code in one of
        // six shapes, then inward code digit + 2 letters. Letters that are never used at a
        // position are excluded. GIR 0AA (Girobank) is the one historic exception.
        let gbFirst = "[A-PR-UWYZ]"          // not Q V X
        let gbSecond = "[A-HK-Y]"            // not I J Z
        let gbThird = "[A-HJKPS-UW]"         // A9A shape
        let gbFourth = "[ABEHMNPRV-Y]"       // AA9A shape
        let gbInward = "9[ABD-HJLNP-UW-Z][ABD-HJLNP-UW-Z]"  // not C I K M O V
        let gb = PostalCodeFormat([
            "\(gbFirst)9 \(gbInward)",
            "\(gbFirst)99 \(gbInward)",
            "\(gbFirst)\(gbSecond)9 \(gbInward)",
            "\(gbFirst)\(gbSecond)99 \(gbInward)",
            "\(gbFirst)9\(gbThird) \(gbInward)",
            "\(gbFirst)\(gbSecond)9\(gbFourth) \(gbInward)",
            "[G][I][R] [0][A][A]",
        ], "UK postcode, e.g. SW1A 1AA")

        // Eircode (Ireland, eircode.ie): routing key = letter + 2 digits, or D6W, then a
        // 4-character unique identifier. Both parts use only the letters
        // A C D E F H K N P R T V W X Y, picked so that they cannot be misread.
        let eirLetter = "ACDEFHKNPRTVWXY"
        let eirChar = "[0-9\(eirLetter)]"
        let ie = PostalCodeFormat([
            "[\(eirLetter)]99 \(eirChar)\(eirChar)\(eirChar)\(eirChar)",
            "[D][6][W] \(eirChar)\(eirChar)\(eirChar)\(eirChar)",
        ], "Eircode, routing key + 4 characters, e.g. D02 X285")

        // Canada Post: A9A 9A9. D F I O Q U are never used (they are easy to misread in OCR).
        // W and Z are not used as the first letter.
        let ca = PostalCodeFormat(
            ["[ABCEGHJ-NPRSTVXY]9[ABCEGHJ-NPRSTV-Z] 9[ABCEGHJ-NPRSTV-Z]9"],
            "A9A 9A9, e.g. K1A 0B1"
        )

        // PostNL: 4 digits (first not 0) + 2 letters. SA, SD and SS are not issued.
        let nl = PostalCodeFormat(["[1-9]999 AA"], "NNNN AA, e.g. 1234 AB") { code in
            !["SA", "SD", "SS"].contains(String(code.suffix(2)))
        }

        // Correos: the first two digits are the province, 01 to 52.
        let es = PostalCodeFormat(["99999"], "5 digits starting with a province number 01-52") { code in
            guard let province = Int(code.prefix(2)) else { return false }
            return (1...52).contains(province)
        }

        return [
            "US": PostalCodeFormat(["99999", "99999-9999"], "5 digits or ZIP+4 NNNNN-NNNN"),  // USPS Pub. 28
            "CA": ca,
            "GB": gb,
            "IE": ie,
            "FR": PostalCodeFormat(["99999"], "5 digits", accepts: notDoubleZero),            // La Poste
            "DE": PostalCodeFormat(["99999"], "5 digits", accepts: notDoubleZero),            // Deutsche Post
            "ES": es,
            "IT": fiveDigits,                                                                 // Poste Italiane CAP
            "MX": fiveDigits,                                                                 // Correos de México
            "PT": PostalCodeFormat(["[1-9]999-999"], "NNNN-NNN"),                             // CTT CP4-CP3
            "NL": nl,
            "BR": PostalCodeFormat(["99999-999"], "NNNNN-NNN"),                               // Correios CEP
            "JP": PostalCodeFormat(["999-9999"], "NNN-NNNN"),                                 // Japan Post
            "AU": fourDigits,                                                                 // Australia Post (NT starts with 0)
            "BE": fourDigitsNoLeadingZero,                                                    // bpost
            "AT": fourDigitsNoLeadingZero,                                                    // Österreichische Post
            "CH": fourDigitsNoLeadingZero,                                                    // Swiss Post
            "DK": fourDigits,                                                                 // PostNord DK (0800-0999 exist)
            "NO": fourDigits,                                                                 // Posten (Oslo is 0xxx)
            "SE": PostalCodeFormat(["[1-9]99 99"], "NNN NN"),                                 // PostNord SE
            "PL": PostalCodeFormat(["99-999"], "NN-NNN"),                                     // Poczta Polska
        ]
    }()

    /// Countries with no national postal code system, so mail is addressed by city (and
    /// district or PO box) only. A missing code is fine. Based on the UPU POST*CODE list and
    /// the Google address metadata (libaddressinput) entries that have no postal code field.
    static let countriesWithoutPostalCodes: Set<String> = [
        "AE", "AG", "AO", "AW", "BF", "BI", "BJ", "BO", "BQ", "BS", "BW", "BZ", "CD", "CF",
        "CG", "CI", "CK", "CM", "CW", "DJ", "DM", "ER", "FJ", "GA", "GD", "GH", "GM", "GQ",
        "GY", "HK", "KI", "KM", "KN", "KP", "LY", "ML", "MO", "MR", "MW", "NR", "NU", "QA",
        "RW", "SB", "SC", "SL", "SR", "ST", "SX", "SY", "TD", "TF", "TG", "TK", "TL", "TO",
        "TV", "UG", "VU", "YE", "ZW",
    ]

    /// Countries that have a postal code system, but where mail is routinely delivered without
    /// the code. A missing code is fine, but a code that is given must be well formed.
    /// Ireland: Eircode (2015) is not required by An Post and many records do not have it.
    static let countriesWithOptionalPostalCodes: Set<String> = ["IE"]

    /// Wrong codes that come up often in real data, with the code that was meant. The hint is
    /// only put in the message. The code is not rewritten, because the mistake could also be
    /// somewhere else in the row.
    static let countryCodeHints: [String: String] = ["UK": "GB", "EL": "GR"]

    /// The 249 officially assigned ISO 3166-1 alpha-2 codes. This is a static list because
    /// `Locale.Region.isoRegions` on Linux (ICU) also returns non-country and exceptionally
    /// reserved codes (AC, CP, DG, EA, EU, EZ, IC, QO, TA, UN, XK), and its contents differ
    /// by platform and ICU version. An extract must not depend on the machine that builds it.
    /// XK (Kosovo) is user-assigned, not ISO, so it is not accepted.
    static let isoAlpha2: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
        BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
        DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
        GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
        KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
        MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
        PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
        SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
        VN VU WF WS YE YT ZA ZM ZW
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init))
}
