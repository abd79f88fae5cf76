import NIOSSL

/// SASL mechanisms the client can use for AUTH.
public enum SMTPAuthMethod: String, Sendable, Hashable, CaseIterable {
    case plain = "PLAIN"
    case login = "LOGIN"
}

/// Everything needed to reach and log in to one SMTP submission server.
public struct SMTPConfiguration: Sendable {
    public enum Security: Sendable, Hashable {
        /// No TLS at all. Credentials are refused unless `allowsInsecureAuthentication` is set.
        case plain
        /// Connect in clear text and upgrade with STARTTLS (RFC 3207). When `required` is false and the
        /// server does not offer STARTTLS the session continues unencrypted.
        case startTLS(required: Bool)
        /// Implicit TLS from the first byte (RFC 8314, usually port 465).
        case tls
    }

    /// Username and password for AUTH. Never printed: `description` and reflection are redacted.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var description: String { "Credentials(username: \(username), password: <redacted>)" }
        public var debugDescription: String { description }
        public var customMirror: Mirror {
            Mirror(self, children: ["username": username, "password": "<redacted>"])
        }
    }

    public struct Timeouts: Sendable, Hashable {
        /// TCP connect.
        public var connect: Duration
        /// Each reply to a command (greeting, EHLO, STARTTLS and its handshake, AUTH, MAIL, RCPT, DATA, RSET, QUIT).
        public var command: Duration
        /// The reply to the final `.` after the message body (RFC 5321 suggests 10 minutes).
        public var data: Duration

        public init(connect: Duration = .seconds(30), command: Duration = .seconds(60), data: Duration = .seconds(600)) {
            self.connect = connect
            self.command = command
            self.data = data
        }
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// TLS settings for `.tls` and `.startTLS`: set `trustRoots` for a private CA, or
    /// `certificateVerification = .none` for tests only.
    public var tlsConfiguration: TLSConfiguration
    /// The name checked against the server certificate and sent as SNI. Defaults to `host` when it is
    /// not an IP address.
    public var tlsServerName: String?
    public var credentials: Credentials?
    /// Mechanisms to try, in order of preference; the first one the server announces is used.
    public var authMethods: [SMTPAuthMethod]
    /// Sending credentials over an unencrypted connection is refused unless this is true.
    public var allowsInsecureAuthentication: Bool
    /// The name sent with EHLO/HELO; should be this host's fully qualified domain name.
    public var heloName: String
    public var timeouts: Timeouts
    /// The most connections an `SMTPConnectionPool` opens at once.
    public var maxConnections: Int
    /// A pooled connection is closed (QUIT) and replaced after this many messages.
    public var maxMessagesPerConnection: Int

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLS(required: true),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        tlsServerName: String? = nil,
        credentials: Credentials? = nil,
        authMethods: [SMTPAuthMethod] = [.plain, .login],
        allowsInsecureAuthentication: Bool = false,
        heloName: String = "localhost",
        timeouts: Timeouts = Timeouts(),
        maxConnections: Int = 4,
        maxMessagesPerConnection: Int = 100
    ) {
        self.host = host
        switch (port, security) {
        case (let port?, _): self.port = port
        case (nil, .tls): self.port = 465
        case (nil, .startTLS): self.port = 587
        case (nil, .plain): self.port = 25
        }
        self.security = security
        self.tlsConfiguration = tlsConfiguration
        self.tlsServerName = tlsServerName
        self.credentials = credentials
        self.authMethods = authMethods
        self.allowsInsecureAuthentication = allowsInsecureAuthentication
        self.heloName = heloName
        self.timeouts = timeouts
        self.maxConnections = max(1, maxConnections)
        self.maxMessagesPerConnection = max(1, maxMessagesPerConnection)
    }

    /// The SNI / verification name: `tlsServerName`, else `host` unless it is an IP literal.
    var effectiveTLSServerName: String? {
        if let tlsServerName { return tlsServerName }
        let isIPLiteral = host.contains(":") || host.allSatisfy { $0 == "." || ("0"..."9").contains($0) }
        return isIPLiteral ? nil : host
    }
}
