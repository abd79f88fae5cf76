/// Turns header text into bytes every mail reader decodes back to the same string:
/// RFC 2047 encoded-words for anything that is not plain printable ASCII, RFC 5322
/// quoted-strings for display names with specials, and folding at whitespace so lines
/// stay within 78 octets where the content allows and never exceed 998.
enum HeaderEncoding {
    static let softLimit = 78
    static let hardLimit = 998
    /// RFC 2047 section 2: an encoded-word may not be longer than 75 characters.
    static let encodedWordLimit = 75

    // MARK: - Display names

    /// Encodes a display name (an RFC 5322 `phrase`).
    ///
    /// Names of plain atoms stay as they are; ASCII names with specials become a
    /// quoted-string. Otherwise words that are plain atoms stay readable and each run of
    /// other words becomes one encoded-word, separated from the atoms by real spaces.
    /// Adjacent encoded-words are produced only when a run is too long for one word,
    /// because some readers (Python's `email` among them) wrongly show a space between
    /// adjacent encoded-words in a phrase, although RFC 2047 says to drop it.
    static func phrase(_ name: String, offset: Int = "Reply-To: ".count) -> String {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy(isPlainWord) { return name }
        if !needsEncodedWords(name, allowInnerWhitespaceRuns: true) {
            var quoted = "\""
            for ch in name.unicodeScalars {
                if ch == "\"" || ch == "\\" { quoted.append("\\") }
                quoted.unicodeScalars.append(ch)
            }
            quoted.append("\"")
            return quoted
        }
        if words.contains(where: \.isEmpty) {
            // Repeated spaces: only an encoded form keeps them exactly.
            return encodedWords(name, firstMax: min(encodedWordLimit, softLimit - offset))
        }
        var tokens: [String] = []
        var run: [Substring] = []
        var column = offset
        func flushRun() {
            guard !run.isEmpty else { return }
            let text = run.joined(separator: " ")
            let room = softLimit - column - 1
            let encoded = encodedWords(text, firstMax: room >= 20 ? min(encodedWordLimit, room) : encodedWordLimit)
            tokens.append(encoded)
            column = (encoded.split(separator: " ").last?.count ?? 0) + 1
            run = []
        }
        for word in words {
            if isPlainWord(word) {
                flushRun()
                tokens.append(String(word))
                column += word.utf8.count + 1
            } else {
                run.append(word)
            }
        }
        flushRun()
        return tokens.joined(separator: " ")
    }

    /// An atom that no reader could mistake for an encoded-word.
    static func isPlainWord(_ word: Substring) -> Bool {
        !word.isEmpty && word.unicodeScalars.allSatisfy(isAtext) && !word.contains("=?")
    }

    /// RFC 5322 atext: characters allowed in an atom without quoting.
    static func isAtext(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(s)
        }
    }

    // MARK: - Unstructured text (Subject, X- headers)

    /// Encodes an unstructured header value such as Subject.
    static func unstructured(_ text: String, offset: Int) -> String {
        if needsEncodedWords(text, allowInnerWhitespaceRuns: false) {
            return encodedWords(text, firstMax: min(encodedWordLimit, softLimit - offset))
        }
        return text
    }

    /// Plain text survives a header only if it is printable ASCII without sequences a
    /// reader would reinterpret: `=?` starts an encoded-word, and leading, trailing or
    /// repeated whitespace is eaten by unfolding in some readers. Very long unbroken runs
    /// are encoded too, because encoded-words can be folded and a bare run cannot.
    static func needsEncodedWords(_ text: String, allowInnerWhitespaceRuns: Bool) -> Bool {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return false }
        if bytes.first == 0x20 || bytes.last == 0x20 { return true }
        var run = 0
        var previousSpace = false
        for (i, b) in bytes.enumerated() {
            if b >= 0x7F || b < 0x20 { return true }
            if b == UInt8(ascii: "="), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") { return true }
            if b == 0x20 {
                if previousSpace && !allowInnerWhitespaceRuns { return true }
                previousSpace = true
                run = 0
            } else {
                previousSpace = false
                run += 1
                if run > softLimit - 12 { return true }
            }
        }
        return false
    }

    /// Splits text into UTF-8 encoded-words separated by spaces (which readers drop
    /// between adjacent encoded-words). Q is used when it is no longer than B, so mostly
    /// ASCII text stays legible in raw form. Splits fall on Unicode scalar boundaries,
    /// as RFC 2047 requires each word to hold whole characters.
    static func encodedWords(_ text: String, firstMax: Int) -> String {
        let bytes = Array(text.utf8)
        let qLength = bytes.reduce(0) { $0 + (isQLiteral($1) || $1 == 0x20 ? 1 : 3) }
        let bLength = (bytes.count + 2) / 3 * 4
        let useQ = qLength <= bLength
        let prefix = useQ ? "=?utf-8?q?" : "=?utf-8?b?"
        let overhead = prefix.utf8.count + 2

        var words: [String] = []
        var chunk: [UInt8] = []
        var max = Swift.max(firstMax, overhead + 12)
        func encodedLength(_ b: [UInt8]) -> Int {
            useQ ? b.reduce(0) { $0 + (isQLiteral($1) || $1 == 0x20 ? 1 : 3) } : (b.count + 2) / 3 * 4
        }
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append(prefix + (useQ ? qEncode(chunk) : base64Encode(chunk)) + "?=")
            chunk = []
            max = encodedWordLimit
        }
        for scalar in text.unicodeScalars {
            let scalarBytes = Array(String(scalar).utf8)
            if !chunk.isEmpty && overhead + encodedLength(chunk + scalarBytes) > max {
                flush()
            }
            chunk += scalarBytes
        }
        flush()
        return words.joined(separator: " ")
    }

    /// The restricted Q alphabet of RFC 2047 section 5 (3), safe in phrases and text alike.
    static func isQLiteral(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    static func qEncode(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            if isQLiteral(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else if b == 0x20 {
                out.append("_")
            } else {
                out.append("=")
                out.append(hexUpper(b))
            }
        }
        return out
    }

    static func hexUpper(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0x0F)]], as: UTF8.self)
    }

    // MARK: - Folding

    /// Renders `Name: value` with CRLF, inserting CRLF before spaces so that each line fits in 78 octets when the content allows it.
    /// Unfolding (deleting the CRLFs) restores the original value exactly.
    static func fold(name: String, value: String) -> [UInt8] {
        let line = Array((name + ": " + value).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(line.count + 8)
        var lineStart = 0
        var lastBreak: Int? = nil     // index of a space we may break before
        var inQuotes = false
        var escaped = false
        var i = 0
        let firstBreakCandidate = name.utf8.count + 1   // the space after the colon
        while i < line.count {
            let b = line[i]
            // FWS inside a quoted-string is allowed and unfolds to the same text (RFC 5322
            // section 3.2.4), but a quoted-pair such as `\ ` must not be split.
            let afterBackslash = escaped
            if inQuotes {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inQuotes = false }
            } else if b == UInt8(ascii: "\"") {
                inQuotes = true
            }
            if b == 0x20, !afterBackslash, i >= firstBreakCandidate, i > lineStart, hasNonSpace(line, lineStart, i) {
                if i - lineStart > softLimit, let br = lastBreak {
                    out += line[lineStart..<br]
                    out += [0x0D, 0x0A]
                    lineStart = br
                    lastBreak = nil
                    // Re-examine this space against the new line.
                    if i > lineStart, hasNonSpace(line, lineStart, i) { lastBreak = i }
                } else {
                    lastBreak = i
                }
            }
            i += 1
        }
        if line.count - lineStart > softLimit, let br = lastBreak, br > lineStart {
            out += line[lineStart..<br]
            out += [0x0D, 0x0A]
            lineStart = br
        }
        out += line[lineStart...]
        out += [0x0D, 0x0A]
        return out
    }

    private static func hasNonSpace(_ line: [UInt8], _ from: Int, _ to: Int) -> Bool {
        var j = from
        while j < to {
            if line[j] != 0x20 && line[j] != 0x09 { return true }
            j += 1
        }
        return false
    }
}

/// Standard base64 without line breaks.
func base64Encode(_ bytes: some Collection<UInt8>) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var it = bytes.makeIterator()
    while let b0 = it.next() {
        let b1 = it.next()
        let b2 = it.next()
        out.append(table[Int(b0 >> 2)])
        out.append(table[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
        out.append(b1 == nil ? UInt8(ascii: "=") : table[Int(((b1 ?? 0) & 0x0F) << 2 | (b2 ?? 0) >> 6)])
        out.append(b2 == nil ? UInt8(ascii: "=") : table[Int((b2 ?? 0) & 0x3F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Lowercase hexadecimal, as used in Message-IDs and boundaries.
func hexLower(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
