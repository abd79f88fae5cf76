/// The useful content of an Abuse Reporting Format report (RFC 5965).
///
/// A complaint means "stop mailing this person", so the orchestration only
/// needs the feedback type, who complained (the original recipient), and
/// which send it was (the returned Message-ID).
public struct ComplaintReport: Sendable, Equatable {
    /// `Feedback-Type`, lowercased: `abuse`, `fraud`, `virus`, `other`,
    /// `not-spam`, ... Defaults to `other` when the field is missing.
    public var feedbackType: String
    /// `User-Agent` of the reporting system.
    public var userAgent: String?
    /// `Original-Rcpt-To`, else the `To` address of the returned message.
    public var originalRecipient: String?
    /// `Message-ID` of the returned message, as written (with `<>`).
    public var originalMessageID: String?
    /// `Arrival-Date` (or legacy `Received-Date`), unparsed.
    public var arrivalDate: String?

    public init(
        feedbackType: String,
        userAgent: String?,
        originalRecipient: String?,
        originalMessageID: String?,
        arrivalDate: String?
    ) {
        self.feedbackType = feedbackType
        self.userAgent = userAgent
        self.originalRecipient = originalRecipient
        self.originalMessageID = originalMessageID
        self.arrivalDate = arrivalDate
    }
}
