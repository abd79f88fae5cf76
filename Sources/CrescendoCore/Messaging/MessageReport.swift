/// Per channel activity of an execution: what was targeted and what became of it. Rates are
/// over the messages sent (delivered, bounced) or attempted (failed), as marketing teams read them.
public struct MessageReport: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var campaign: String
        public var execution: Int64
        public var activity: String
        public var channel: String
        /// Every message the activity produced, excluded ones included.
        public var targeted: Int
        public var excluded: [String: Int]
        public var pending: Int
        public var sent: Int
        public var delivered: Int
        public var bounced: Int
        public var failed: Int
        public var expired: Int
        public var failedReasons: [String: Int]
        /// Messages whose recipient complained or unsubscribed (feedback).
        public var complaints: Int
        public var unsubscribes: Int
        public var opens: Int
        public var uniqueOpens: Int
        public var clicks: Int
        public var uniqueClicks: Int
        /// SMS segments billed for what was sent (GSM-7: 160 or 153 characters each, UCS-2: 70 or 67).
        public var segments: Int
        /// Direct mail: where the activity's extract went and how many letters it holds, once written.
        public var extract: String?
        public var extractRows: Int?

        public init(campaign: String, execution: Int64, activity: String, channel: String) {
            self.campaign = campaign
            self.execution = execution
            self.activity = activity
            self.channel = channel
            targeted = 0
            excluded = [:]
            pending = 0
            sent = 0
            delivered = 0
            bounced = 0
            failed = 0
            expired = 0
            failedReasons = [:]
            complaints = 0
            unsubscribes = 0
            segments = 0
            opens = 0
            uniqueOpens = 0
            clicks = 0
            uniqueClicks = 0
        }

        /// Messages that reached the provider (whatever happened after).
        public var accepted: Int { sent + delivered + bounced }
        public var excludedTotal: Int { excluded.values.reduce(0, +) }
        /// Nil until the providers have reported on at least one message (delivery receipts and
        /// bounces come with feedback): a rate of 0% before any report would say something false.
        public var deliveryRate: Double? { delivered + bounced == 0 ? nil : Double(delivered) / Double(accepted) }
        public var bounceRate: Double? { delivered + bounced == 0 ? nil : Double(bounced) / Double(accepted) }
        public var failureRate: Double? { accepted + failed == 0 ? nil : Double(failed) / Double(accepted + failed) }
        public var complaintRate: Double? { accepted == 0 ? nil : Double(complaints) / Double(accepted) }
        public var unsubscribeRate: Double? { accepted == 0 ? nil : Double(unsubscribes) / Double(accepted) }
        /// Unique opens over messages sent (pixels are blocked by some clients: a lower bound).
        public var openRate: Double? { accepted == 0 ? nil : Double(uniqueOpens) / Double(accepted) }
        public var clickRate: Double? { accepted == 0 ? nil : Double(uniqueClicks) / Double(accepted) }

        enum CodingKeys: String, CodingKey {
            case campaign, execution, activity, channel, targeted, excluded, pending, sent, delivered, bounced, failed, expired
            case failedReasons = "failed_reasons", complaints, unsubscribes, segments, opens
            case uniqueOpens = "unique_opens", clicks, uniqueClicks = "unique_clicks"
            case extract, extractRows = "extract_rows"
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// The whole campaign, all executions and activities together.
    public var total: Row {
        var total = Row(campaign: rows.first?.campaign ?? "", execution: 0, activity: "*", channel: "*")
        for row in rows {
            total.targeted += row.targeted
            total.pending += row.pending
            total.sent += row.sent
            total.delivered += row.delivered
            total.bounced += row.bounced
            total.failed += row.failed
            total.expired += row.expired
            total.complaints += row.complaints
            total.segments += row.segments
            total.opens += row.opens
            total.uniqueOpens += row.uniqueOpens
            total.clicks += row.clicks
            total.uniqueClicks += row.uniqueClicks
            total.unsubscribes += row.unsubscribes
            total.excluded.merge(row.excluded, uniquingKeysWith: +)
            total.failedReasons.merge(row.failedReasons, uniquingKeysWith: +)
        }
        return total
    }
}

extension MessageRepository {
    /// The report of a campaign (every execution), or of one execution.
    public func report(campaign: String, execution: Int64? = nil) async throws -> MessageReport {
        var text = "SELECT campaign, execution, activity, channel, status, coalesce(reason, ''), count(*), coalesce(sum(segments), 0) FROM crescendo_message WHERE campaign = ?"
        var values = [Self.text(campaign)]
        if let execution {
            text += " AND execution = ?"
            values.append(Self.int(execution))
        }
        text += " GROUP BY campaign, execution, activity, channel, status, coalesce(reason, '') ORDER BY execution, activity"
        var rows: [String: MessageReport.Row] = [:]
        var order: [String] = []
        for row in try await store.rows(query(text, values, columns: [.text, .integer, .text, .text, .text, .text, .integer, .integer])) {
            guard let name = row[0].text, case .integer(let execution) = row[1], let activity = row[2].text, let channel = row[3].text,
                let status = row[4].text.flatMap(MessageStatus.init(rawValue:)), case .integer(let count) = row[6]
            else { continue }
            let key = "\(execution)/\(activity)"
            if rows[key] == nil {
                rows[key] = MessageReport.Row(campaign: name, execution: execution, activity: activity, channel: channel)
                order.append(key)
            }
            let reason = row[5].text ?? ""
            let n = Int(count)
            rows[key]!.targeted += n
            if case .integer(let segments) = row[7] { rows[key]!.segments += Int(segments) }
            switch status {
            case .pending: rows[key]!.pending += n
            case .sent: rows[key]!.sent += n
            case .delivered: rows[key]!.delivered += n
            case .bounced: rows[key]!.bounced += n
            case .failed:
                rows[key]!.failed += n
                rows[key]!.failedReasons[reason.isEmpty ? "unknown" : reason, default: 0] += n
            case .expired: rows[key]!.expired += n
            case .excluded: rows[key]!.excluded[reason.isEmpty ? "unknown" : reason, default: 0] += n
            }
        }
        for (key, kinds) in try await feedbackCounts(campaign: campaign, execution: execution) where rows[key] != nil {
            rows[key]!.complaints = kinds[.complaint]?.unique ?? 0
            rows[key]!.unsubscribes = kinds[.unsubscribe]?.unique ?? 0
            rows[key]!.opens = kinds[.open]?.total ?? 0
            rows[key]!.uniqueOpens = kinds[.open]?.unique ?? 0
            rows[key]!.clicks = kinds[.click]?.total ?? 0
            rows[key]!.uniqueClicks = kinds[.click]?.unique ?? 0
        }
        for extract in try await extracts(campaign: campaign, execution: execution) where rows["\(extract.execution)/\(extract.activity)"] != nil {
            rows["\(extract.execution)/\(extract.activity)"]!.extract = extract.location
            rows["\(extract.execution)/\(extract.activity)"]!.extractRows = extract.rows
        }
        return MessageReport(rows: order.map { rows[$0]! })
    }
}
