/// Turns a parsed MIME tree into a `FeedbackMessage`.
///
/// Detection prefers the declared `multipart/report; report-type=...`, but
/// falls back to the presence of a `message/delivery-status` or
/// `message/feedback-report` part, because some senders omit or misspell
/// `report-type` or wrap the report inside another multipart.
enum ReportParser {
    static func parse(_ bytes: [UInt8]) -> FeedbackMessage {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) else {
            return .other(reason: "empty message")
        }
        let root = MIMEPart(bytes: bytes)
        guard !root.headers.fields.isEmpty else {
            return .other(reason: "no header fields")
        }
        let all = root.allParts()

        // The report container: a multipart/report, else the root.
        let report = all.first { $0.contentType.mediaType == "multipart/report" }
        let declared = report?.contentType.parameter("report-type")?.lowercased()
        let scope = report?.allParts() ?? all

        func find(_ subtypes: [String]) -> MIMEPart? {
            scope.first { $0.contentType.type == "message" && subtypes.contains($0.contentType.subtype) }
        }
        let statusPart = find(["delivery-status", "global-delivery-status"])
        let feedbackPart = find(["feedback-report"])
        let returned = scope.lazy.compactMap(\.returnedHeaders).first

        switch declared {
        case "delivery-status", "global-delivery-status":
            guard let statusPart else { return .other(reason: "delivery-status part missing") }
            return .delivery(delivery(from: statusPart, returned: returned))
        case "feedback-report":
            guard let feedbackPart else { return .other(reason: "feedback-report part missing") }
            return .complaint(complaint(from: feedbackPart, returned: returned))
        default:
            if let statusPart { return .delivery(delivery(from: statusPart, returned: returned)) }
            if let feedbackPart { return .complaint(complaint(from: feedbackPart, returned: returned)) }
            if let declared { return .other(reason: "unsupported report-type \(declared)") }
            return .other(reason: "not a report (\(root.contentType.mediaType))")
        }
    }

    /// Splits a field-block body into groups separated by blank lines.
    static func fieldGroups(_ text: String) -> [MIMEHeaders] {
        let bytes = Array(text.utf8)
        var groups: [MIMEHeaders] = []
        var pos = 0
        while pos < bytes.count {
            // Skip leading blank lines.
            let lines = ByteLines.split(bytes, in: pos..<bytes.count)
            guard let firstContent = lines.first(where: { !ByteLines.isBlank(bytes, $0) }) else { break }
            let (h, next) = MIMEHeaders.parse(bytes, in: firstContent.start..<bytes.count)
            if !h.fields.isEmpty { groups.append(h) }
            guard next > pos, next > firstContent.start else { break }
            pos = next
        }
        return groups
    }

    static func delivery(from part: MIMEPart, returned: MIMEHeaders?) -> DeliveryReport {
        let groups = fieldGroups(part.text)
        var reportingMTA: String?
        var recipients: [DeliveryReport.Recipient] = []
        for g in groups {
            if reportingMTA == nil, let mta = g["Reporting-MTA"] {
                reportingMTA = Text.stripTypePrefix(mta)
            }
            // Blocks without a recipient are the per-message block or strays.
            guard let rcpt = g["Final-Recipient"] ?? g["Original-Recipient"] else { continue }
            let status = g["Status"].map {
                $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first.map(String.init) ?? ""
            } ?? ""
            recipients.append(DeliveryReport.Recipient(
                finalRecipient: Text.bareAddress(Text.stripTypePrefix(rcpt)),
                action: DeliveryReport.Action(g["Action"] ?? ""),
                status: status,
                diagnostic: g["Diagnostic-Code"].map { Text.collapseWhitespace(Text.stripTypePrefix($0)) }
            ))
        }
        return DeliveryReport(
            reportingMTA: reportingMTA,
            originalMessageID: returned?["Message-ID"].map(Text.collapseWhitespace),
            recipients: recipients
        )
    }

    static func complaint(from part: MIMEPart, returned: MIMEHeaders?) -> ComplaintReport {
        let g = fieldGroups(part.text).reduce(into: MIMEHeaders()) { acc, h in
            acc = MIMEHeaders(fields: acc.fields + h.fields)
        }
        let type = g["Feedback-Type"].map { $0.trimmingWhitespace().lowercased() }
        let rcpt = g["Original-Rcpt-To"] ?? returned?["To"]
        return ComplaintReport(
            feedbackType: (type?.isEmpty ?? true) ? "other" : type!,
            userAgent: g["User-Agent"],
            originalRecipient: rcpt.map(Text.bareAddress),
            originalMessageID: returned?["Message-ID"].map(Text.collapseWhitespace),
            arrivalDate: g["Arrival-Date"] ?? g["Received-Date"]
        )
    }
}
