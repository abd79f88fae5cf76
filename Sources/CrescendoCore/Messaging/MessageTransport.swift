/// A provider that delivers rendered messages of one channel: an SMTP relay, an outbox folder,
/// later an SMS or push API. Small on purpose, so that the dispatcher, its policies and its
/// guarantees are the same whatever sends.
public protocol MessageTransport: Sendable {
    /// Hands one message to the provider and returns the provider's id for it, if it gives one.
    /// Throws `TransportFailure` for failures it can classify; any other error is temporary.
    func send(_ message: RenderedMessage) async throws -> String?
    /// Closes connections; called once when the dispatcher stops.
    func shutdown() async
    /// Why this provider could never deliver to `address` (a malformed device token), checked
    /// before anything is sent; nil when it may.
    func addressProblem(_ address: String) -> String?
}

extension MessageTransport {
    public func addressProblem(_ address: String) -> String? { nil }
}

/// A message ready for its provider: rendered parts by name (`subject`, `text`, `html`; `body`…).
public struct RenderedMessage: Sendable, Hashable {
    /// The outbox id; providers that take an idempotency key get it, SMTP gets a Message-ID made
    /// from it, so a repeat after a crash is recognisable as the same message.
    public var id: String
    public var channel: Channel
    public var address: String
    public var parts: [String: String]
    /// Extra headers or provider fields in order (List-Unsubscribe, campaign tags).
    public var headers: [HeaderField]
    /// Seconds since the epoch, the message's date.
    public var date: Int64

    public init(id: String, channel: Channel, address: String, parts: [String: String], headers: [HeaderField] = [], date: Int64) {
        self.id = id
        self.channel = channel
        self.address = address
        self.parts = parts
        self.headers = headers
        self.date = date
    }

    public struct HeaderField: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }
}

/// A provider's answer that is not a success, classified: temporary ones are retried with
/// backoff, permanent ones are final, and those about the address feed the suppression list.
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    public var permanent: Bool
    public var addressRejected: Bool
    public var message: String

    public init(permanent: Bool, addressRejected: Bool = false, message: String) {
        self.permanent = permanent
        self.addressRejected = addressRejected
        self.message = message
    }

    public var description: String { message }
}

/// Turns an outbox message and what the profile side knows into the parts its provider sends.
public protocol MessageRenderer: Sendable {
    func render(_ message: OutboxMessage, content: [String: String], context: MessageContext) throws -> RenderedMessage
}

/// What templates see besides the activity's fields (the outbox payload).
public struct MessageContext: Sendable {
    /// The profile's fields, read at send time.
    public var profile: [String: Value]
    public var variables: [String: String]
    public var locale: String?
    public var timeZone: String?
    /// Seconds since the epoch.
    public var now: Int64

    public init(profile: [String: Value], variables: [String: String], locale: String?, timeZone: String?, now: Int64) {
        self.profile = profile
        self.variables = variables
        self.locale = locale
        self.timeZone = timeZone
        self.now = now
    }
}
