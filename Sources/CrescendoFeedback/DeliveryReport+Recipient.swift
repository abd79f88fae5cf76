extension DeliveryReport {
    /// One per-recipient block of a DSN.
    ///
    /// `isPermanent` and `isTemporary` are derived rather than stored so the
    /// classification rule lives in one place and cannot disagree with the
    /// raw `action`/`status` it is computed from.
    public struct Recipient: Sendable, Equatable {
        /// `Final-Recipient` (or `Original-Recipient`) without `rfc822;`.
        public var finalRecipient: String
        /// The `Action` field.
        public var action: Action
        /// The `Status` code such as `5.1.1`; empty when absent.
        public var status: String
        /// `Diagnostic-Code` without its `smtp;` type, unfolded.
        public var diagnostic: String?

        public init(finalRecipient: String, action: Action, status: String, diagnostic: String?) {
            self.finalRecipient = finalRecipient
            self.action = action
            self.status = status
            self.diagnostic = diagnostic
        }

        /// The status class digit (`2`, `4`, `5`), if the status is well formed.
        public var statusClass: Int? {
            guard let first = status.first, let d = first.wholeNumberValue else { return nil }
            return d
        }

        /// A hard bounce: class 5 status on a failed action; safe to suppress.
        public var isPermanent: Bool { statusClass == 5 && action == .failed }

        /// A transient problem: class 4 status, or any delayed notice.
        public var isTemporary: Bool { statusClass == 4 || action == .delayed }
    }
}
