/// Text helpers used while compiling the catalog (never per row).
enum SampleText {
    /// Lowercase ASCII letters and digits only: "João" -> "joao", "O'Brien" -> "obrien",
    /// "Weiß" -> "weiss", "Ó Súilleabháin" -> "osuilleabhain".
    ///
    /// E-mail local parts must be ASCII to be valid everywhere a campaign sends, and the mapping is done
    /// by hand because Foundation's transliteration differs between Apple platforms and Linux.
    static func asciiSlug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            let v = scalar.value
            if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) {
                out.unicodeScalars.append(scalar)
            } else if let folded = folding[Character(scalar)] {
                out += folded
            }
            // Anything else (spaces, apostrophes, hyphens, combining marks) is dropped.
        }
        return out
    }

    private static let folding: [Character: String] = {
        var table: [Character: String] = ["ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ı": "i", "ł": "l", "đ": "d"]
        let groups: [(String, String)] = [
            ("àáâãäåāă", "a"), ("çćč", "c"), ("èéêëēė", "e"), ("ìíîïī", "i"), ("ñń", "n"),
            ("òóôõöō", "o"), ("ùúûüū", "u"), ("ýÿ", "y"), ("šś", "s"), ("žź", "z"), ("ğ", "g"),
        ]
        for (letters, base) in groups {
            for letter in letters { table[letter] = base }
        }
        return table
    }()
}
