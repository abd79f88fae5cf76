import Crypto
import Foundation
import _CryptoExtras

/// Signs rendered messages with DKIM (RFC 6376): rsa-sha256, relaxed/relaxed.
///
/// Relaxed canonicalization is used for both header and body because relays routinely
/// refold headers and adjust whitespace, which would break a simple-canonicalized
/// signature. The signing time `t=` is an input rather than read from a clock, so
/// re-signing the same message after a crash gives the same bytes.
public struct DKIMSigner: Sendable {
    /// Headers signed by default, when present: the ones receivers display or act on,
    /// including RFC 8058's pair, which must be signed for one-click unsubscribe to count.
    public static let defaultSignedHeaders = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
        "list-unsubscribe", "list-unsubscribe-post",
    ]

    public let domain: String
    public let selector: String
    /// Lower-cased header names to sign, in h= order; absent ones are skipped.
    public let signedHeaders: [String]
    private let key: _RSA.Signing.PrivateKey

    /// - Parameter privateKeyPEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8
    ///   (`BEGIN PRIVATE KEY`) PEM of an RSA key of at least 2048 bits.
    public init(
        privateKeyPEM: String,
        domain: String,
        selector: String,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) throws {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw EmailError(.invalidKey, "DKIM private key is not a readable RSA PEM key of at least 2048 bits", cause: error)
        }
        try self.init(key: key, domain: domain, selector: selector, signedHeaders: signedHeaders)
    }

    /// Reads the PEM key from a file; errors name the file so a misconfigured path is obvious.
    public init(
        keyFile: String,
        domain: String,
        selector: String,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) throws {
        let pem: String
        do {
            pem = try String(contentsOfFile: keyFile, encoding: .utf8)
        } catch {
            throw EmailError(.invalidKey, "cannot read DKIM key file \(keyFile)", cause: error)
        }
        do {
            try self.init(privateKeyPEM: pem, domain: domain, selector: selector, signedHeaders: signedHeaders)
        } catch let error as EmailError where error.code == .invalidKey {
            throw EmailError(.invalidKey, "DKIM key file \(keyFile) does not hold an RSA PEM private key of at least 2048 bits", cause: error.cause)
        }
    }

    /// For keys already loaded, e.g. from a secret store.
    public init(
        key: _RSA.Signing.PrivateKey,
        domain: String,
        selector: String,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) throws {
        for (label, value) in [("domain", domain), ("selector", selector)] {
            guard !value.isEmpty, value.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ";") }) else {
                throw EmailError(.invalidKey, "DKIM \(label) \(value.debugDescription) must be non-empty printable ASCII without ';'")
            }
        }
        var seen = Set<String>()
        var names: [String] = []
        for name in signedHeaders.map({ $0.lowercased() }) where seen.insert(name).inserted {
            guard !name.isEmpty, name.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ":") }) else {
                throw EmailError(.invalidHeader, "cannot sign header named \(name.debugDescription)")
            }
            names.append(name)
        }
        guard names.contains("from") else {
            throw EmailError(.invalidHeader, "DKIM requires the From header to be signed")
        }
        self.key = key
        self.domain = domain
        self.selector = selector
        self.signedHeaders = names
    }

    /// The public key as the `p=` value of the selector's DNS TXT record.
    public var publicKeyBase64: String { base64Encode(Array(key.publicKey.derRepresentation)) }

    /// The complete DNS TXT record value to publish at `<selector>._domainkey.<domain>`.
    public var dnsTXTRecord: String { "v=DKIM1; k=rsa; p=\(publicKeyBase64)" }

    /// Returns the message with a `DKIM-Signature:` header prepended.
    ///
    /// - Parameters:
    ///   - message: a CRLF message as produced by `EmailMessage.render()`.
    ///   - timestamp: written as `t=` when given; pass the message date for repeatable output.
    public func sign(_ message: [UInt8], timestamp: Date? = nil) throws -> [UInt8] {
        let parsed = try DKIMCanonicalization.split(message)
        let bodyHash = base64Encode(Array(SHA256.hash(data: DKIMCanonicalization.relaxedBody(parsed.body))))

        // DKIM selects same-named instances from the bottom up; listing a name once per
        // occurrence signs every instance, so none can be added or altered unnoticed.
        var h: [String] = []
        var selected: [[UInt8]] = []
        for name in signedHeaders {
            let instances = parsed.headers.filter { $0.name == name }
            for instance in instances.reversed() {
                h.append(name)
                selected.append(instance.raw)
            }
        }

        var folder = TagFolder(prefix: "DKIM-Signature:")
        folder.append(" v=1;")
        folder.append(" a=rsa-sha256;")
        folder.append(" c=relaxed/relaxed;")
        folder.append(" d=\(domain);")
        folder.append(" s=\(selector);")
        if let timestamp {
            folder.append(" t=\(Int64(timestamp.timeIntervalSince1970.rounded(.down)));")
        }
        for (i, name) in h.enumerated() {
            let piece = (i == 0 ? "h=" : "") + name + (i == h.count - 1 ? ";" : ":")
            folder.append(i == 0 ? " " + piece : piece, breakable: i > 0)
        }
        folder.append(" bh=\(bodyHash);")
        folder.append(" b=")

        var hashInput: [UInt8] = []
        for raw in selected {
            hashInput += DKIMCanonicalization.relaxedHeader(raw)
            hashInput += [0x0D, 0x0A]
        }
        hashInput += DKIMCanonicalization.relaxedHeader(Array(folder.text.utf8))

        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: hashInput), padding: .insecurePKCS1v1_5)
        } catch {
            throw EmailError(.signingFailed, "RSA signing failed", cause: error)
        }
        folder.appendSplittable(base64Encode(Array(signature.rawRepresentation)))
        return Array((folder.text + "\r\n").utf8) + message
    }
}

/// Folds a tag list at 78 octets. Pieces that start with a space break before the space;
/// pieces marked breakable may break with an inserted space, which DKIM allows as FWS
/// between h= names and inside base64 values.
struct TagFolder {
    private(set) var text: String
    private var column: Int

    init(prefix: String) {
        text = prefix
        column = prefix.utf8.count
    }

    mutating func append(_ piece: String, breakable: Bool = false) {
        let length = piece.utf8.count
        if column + length > HeaderEncoding.softLimit {
            if piece.hasPrefix(" ") {
                text += "\r\n" + piece
                column = length
                return
            } else if breakable {
                text += "\r\n " + piece
                column = length + 1
                return
            }
        }
        text += piece
        column += length
    }

    mutating func appendSplittable(_ value: String) {
        var rest = Substring(value)
        while !rest.isEmpty {
            let room = HeaderEncoding.softLimit - column
            if room <= 0 {
                text += "\r\n "
                column = 1
                continue
            }
            let chunk = rest.prefix(room)
            text += chunk
            column += chunk.utf8.count
            rest = rest.dropFirst(chunk.count)
        }
    }
}
