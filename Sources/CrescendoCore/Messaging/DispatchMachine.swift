/// The life of one claimed message, as a plain struct that returns what to do next; the
/// dispatcher performs the I/O (render, send, write) around it, the way NIO's state machines work.
///
/// The rule that makes sends neither lost nor doubled lives here: nothing is recorded as done
/// until the provider has answered, and the record of a send is the only thing that moves the
/// message out of the outbox. A worker that dies between the send and the record leaves the
/// message claimed; its lease runs out and another worker sends it again, with the same id.
public struct DispatchMachine: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case claimed(attempt: Int)
        case sending(attempt: Int)
        case done
    }

    public enum Action: Sendable, Hashable {
        /// Render and hand the message to its provider.
        case send
        case recordSent(providerID: String?)
        case recordExcluded(reason: String, detail: String?)
        /// Put it back in the outbox, due at the instant (seconds), with a note why.
        case reschedule(at: Int64, reason: String, detail: String?)
        case recordExpired
        /// A permanent failure; `suppress` when it says the address itself is bad.
        case recordFailed(reason: String, detail: String, suppress: Bool)
    }

    /// How temporary failures are retried.
    public struct RetryPolicy: Sendable, Hashable {
        public var maxAttempts: Int
        /// Seconds before the first retry; each following wait doubles, up to `maxDelay`.
        public var firstDelay: Int64
        public var maxDelay: Int64

        public init(maxAttempts: Int = 6, firstDelay: Int64 = 60, maxDelay: Int64 = 3600) {
            self.maxAttempts = maxAttempts
            self.firstDelay = firstDelay
            self.maxDelay = maxDelay
        }

        /// The wait after failed attempt `attempt` (1-based).
        public func delay(after attempt: Int) -> Int64 {
            let exponent = min(max(attempt - 1, 0), 30)
            return min(maxDelay, firstDelay << Int64(exponent))
        }
    }

    /// What the provider answered.
    public enum ProviderAnswer: Sendable, Hashable {
        case accepted(providerID: String?)
        case temporaryFailure(String)
        /// `addressRejected`: the failure is about the address (SMTP 5.1.x, an unregistered token).
        case permanentFailure(String, addressRejected: Bool)
    }

    public private(set) var state: State
    /// The previous send was cut short; it may have reached the provider.
    public let interrupted: Bool
    public let retry: RetryPolicy
    public let expiresAt: Int64?

    /// `attempt` is the number the next send would have (sends that started count, claims do
    /// not), so a message whose sends keep killing the worker is failed after `maxAttempts`
    /// instead of looping forever, while a batch cut short by a crash costs its tail nothing.
    public init(attempt: Int, retry: RetryPolicy, expiresAt: Int64?, interrupted: Bool = false) {
        self.interrupted = interrupted
        self.state = .claimed(attempt: attempt)
        self.retry = retry
        self.expiresAt = expiresAt
    }

    public mutating func policyDecided(_ decision: PolicyDecision) -> Action {
        guard case .claimed(let attempt) = state else { preconditionFailure("policy decided twice") }
        switch decision {
        case .send:
            if attempt > retry.maxAttempts {
                state = .done
                return .recordFailed(reason: ExclusionReason.retriesExhausted, detail: interrupted ? "\(attempt - 1) sends started and none was answered (the last one was cut short: it may have been delivered)" : "\(attempt - 1) sends failed", suppress: false)
            }
            state = .sending(attempt: attempt)
            return .send
        case .exclude(let reason, let detail):
            state = .done
            return .recordExcluded(reason: reason, detail: detail)
        case .delay(let until, let reason):
            state = .done
            return .reschedule(at: until, reason: reason, detail: nil)
        case .expire:
            state = .done
            return .recordExpired
        }
    }

    /// Rendering failed: the template cannot produce this message, which retrying won't change.
    public mutating func renderingFailed(_ detail: String) -> Action {
        state = .done
        return .recordFailed(reason: ExclusionReason.rendering, detail: detail, suppress: false)
    }

    public mutating func providerAnswered(_ answer: ProviderAnswer, now: Int64) -> Action {
        guard case .sending(let attempt) = state else { preconditionFailure("no send in progress") }
        state = .done
        switch answer {
        case .accepted(let id):
            return .recordSent(providerID: id)
        case .permanentFailure(let detail, let addressRejected):
            return .recordFailed(reason: ExclusionReason.rejected, detail: detail, suppress: addressRejected)
        case .temporaryFailure(let detail):
            if attempt >= retry.maxAttempts {
                return .recordFailed(reason: ExclusionReason.retriesExhausted, detail: detail, suppress: false)
            }
            let next = now + retry.delay(after: attempt)
            if let expiresAt, next >= expiresAt { return .recordExpired }
            return .reschedule(at: next, reason: "retry", detail: detail)
        }
    }
}
