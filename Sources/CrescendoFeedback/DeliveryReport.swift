/// The useful content of a Delivery Status Notification (RFC 3464).
///
/// Campaign orchestration needs to know, per recipient, whether to suppress
/// the address (permanent failure), retry or watch it (temporary), or ignore
/// the notice (delivered/relayed), and to tie the notice back to the send via
/// the returned Message-ID. Everything else in a DSN is left out on purpose.
public struct DeliveryReport: Sendable, Equatable {
    /// `Reporting-MTA` without its `dns;` type, e.g. `mail.example.com`.
    public var reportingMTA: String?
    /// `Message-ID` of the returned original, as written (with `<>`).
    public var originalMessageID: String?
    /// One entry per per-recipient block.
    public var recipients: [Recipient]

    public init(reportingMTA: String?, originalMessageID: String?, recipients: [Recipient]) {
        self.reportingMTA = reportingMTA
        self.originalMessageID = originalMessageID
        self.recipients = recipients
    }
}
