/// A mailbox as it appears in From/To/Reply-To: an optional display name plus an addr-spec.
///
/// Validation is deliberately syntactic and permissive about Unicode: UTF-8 local parts
/// (RFC 6531 SMTPUTF8) and IDN domains are kept exactly as given, because rewriting a
/// recipient's address is never this layer's call. What it refuses is anything that could
/// break a header or an SMTP command: whitespace, control characters, angle brackets and
/// the like, a missing `@`, or an empty side.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The human-readable name, if any; stored decoded, encoded only when rendered.
    public let displayName: String?
    /// The addr-spec (`local@domain`), used verbatim in headers and the SMTP envelope.
    public let address: String

    /// Builds an address from parts already separated by the caller.
    public init(_ address: String, displayName: String? = nil) throws {
        try Self.validate(addrSpec: address)
        if let displayName {
            try Self.validate(displayName: displayName)
        }
        self.address = address
        let trimmed = displayName?.trimmingASCIIWhitespace()
        self.displayName = (trimmed?.isEmpty ?? true) ? nil : trimmed
    }

    /// Parses `Name <local@domain>`, `"Quoted, Name" <local@domain>`, `<local@domain>` or a
    /// bare `local@domain`, as found in configuration files and CSV columns.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingASCIIWhitespace()
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            try self.init(trimmed)
            return
        }
        let addr = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = String(trimmed[..<open]).trimmingASCIIWhitespace()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = try Self.unquote(String(name.dropFirst().dropLast()), original: text)
        } else if name.contains("\"") {
            throw EmailError(.invalidAddress, "unbalanced quotes in display name of \(text.debugDescription)")
        }
        try self.init(addr.trimmingASCIIWhitespace(), displayName: name.isEmpty ? nil : name)
    }

    /// The local part, before the last `@`.
    public var localPart: Substring { address[..<address.lastIndex(of: "@")!] }
    /// The domain, after the last `@`; kept as given (no punycode conversion).
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    /// True when the address itself is non-ASCII, so delivery needs an SMTPUTF8-capable server.
    public var requiresSMTPUTF8: Bool { address.utf8.contains { $0 >= 0x80 } }

    /// The header form: RFC 2047 encoded-words for a non-ASCII name, a quoted-string when the
    /// name contains specials, so every reader recovers the same name.
    public var rendered: String {
        rendered(offset: "Reply-To: ".utf8.count)
    }

    public var description: String { rendered }

    // MARK: - Validation

    static func validate(addrSpec: String) throws {
        let bytes = Array(addrSpec.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
            throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) has no @")
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty else {
            throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) has an empty local part")
        }
        guard !domain.isEmpty else {
            throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) has an empty domain")
        }
        guard local.count <= 64, bytes.count <= 254 else {
            throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) is too long")
        }
        // Scalars, not bytes, so that non-ASCII whitespace and controls are caught too.
        for scalar in addrSpec.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) contains whitespace or a control character")
            }
            if "<>()[]\\,;:\"".unicodeScalars.contains(scalar) {
                throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) contains the character \(String(scalar).debugDescription)")
            }
        }
        if local.contains(UInt8(ascii: "@")) {
            throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) has more than one @")
        }
        if local.first == UInt8(ascii: ".") || local.last == UInt8(ascii: ".") || containsDoubleDot(local) {
            throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) has a misplaced dot in its local part")
        }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            if label.isEmpty || label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
                throw EmailError(.invalidAddress, "address \(addrSpec.debugDescription) has an invalid domain")
            }
        }
    }

    private static func containsDoubleDot(_ bytes: ArraySlice<UInt8>) -> Bool {
        var previousDot = false
        for byte in bytes {
            let dot = byte == UInt8(ascii: ".")
            if dot && previousDot { return true }
            previousDot = dot
        }
        return false
    }

    static func validate(displayName: String) throws {
        for scalar in displayName.unicodeScalars where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            _ = scalar
            throw EmailError(.invalidAddress, "display name \(displayName.debugDescription) contains a control character")
        }
        guard displayName.utf8.count <= 500 else {
            throw EmailError(.invalidAddress, "display name is longer than 500 bytes")
        }
    }

    private static func unquote(_ text: String, original: String) throws -> String {
        var out = ""
        var escaped = false
        for ch in text {
            if escaped {
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                throw EmailError(.invalidAddress, "unescaped quote in display name of \(original.debugDescription)")
            } else {
                out.append(ch)
            }
        }
        if escaped {
            throw EmailError(.invalidAddress, "dangling backslash in display name of \(original.debugDescription)")
        }
        return out
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isWS($0) }) else { return "" }
        let end = lastIndex(where: { !isWS($0) })!
        return String(self[start...end])
    }
}
