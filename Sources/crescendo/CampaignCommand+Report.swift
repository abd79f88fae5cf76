import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation

extension CampaignCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Messages per execution and channel activity: targeted, excluded by reason, sent, delivered, bounced, failed, expired, pending; rates.")
        @Argument var name: String
        @Option(name: .long, help: "Only this execution.") var execution: Int64?
        @Flag(name: .long, help: "Print CSV (one row per execution and activity, then the total).") var csv = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (report, links) = try await MessagingDesk.with(options) { desk in
                    _ = try await CampaignDesk(store: desk.store, model: desk.model).require(name)
                    return (try await desk.repository.report(campaign: name, execution: execution), try await desk.repository.clicksByLink(campaign: name, execution: execution))
                }
                let reasons = Array(Swift.Set(report.rows.flatMap { $0.excluded.keys })).sorted()
                if options.json {
                    struct Body: Encodable { var campaign: String; var rows: [MessageReport.Row]; var total: MessageReport.Row; var rates: Rates; var links: [Link] }
                    struct Rates: Encodable { var delivery: Double?; var bounce: Double?; var failure: Double?; var complaint: Double?; var unsubscribe: Double?; var open: Double?; var click: Double? }
                    struct Link: Encodable { var link: String; var clicks: Int; var unique: Int }
                    let total = report.total
                    Output.printJSON(Body(campaign: name, rows: report.rows, total: total, rates: Rates(delivery: total.deliveryRate, bounce: total.bounceRate, failure: total.failureRate, complaint: total.complaintRate, unsubscribe: total.unsubscribeRate, open: total.openRate, click: total.clickRate), links: links.map { Link(link: $0.link, clicks: $0.total, unique: $0.unique) }))
                } else if csv {
                    let header = ["execution", "activity", "channel", "targeted", "excluded"] + reasons.map { "excluded_\($0)" } + ["sent", "delivered", "bounced", "failed", "expired", "pending", "complaints", "unsubscribes", "opens", "unique_opens", "clicks", "unique_clicks", "segments", "extract", "extract_rows"]
                    print(header.joined(separator: ","))
                    for row in report.rows + [report.total] {
                        let fields = [row.execution == 0 ? "total" : String(row.execution), row.activity, row.channel, String(row.targeted), String(row.excludedTotal)]
                            + reasons.map { String(row.excluded[$0] ?? 0) } + [row.sent, row.delivered, row.bounced, row.failed, row.expired, row.pending, row.complaints, row.unsubscribes, row.opens, row.uniqueOpens, row.clicks, row.uniqueClicks, row.segments].map(String.init) + [row.extract ?? "", row.extractRows.map(String.init) ?? ""]
                        print(fields.map(Self.csvField).joined(separator: ","))
                    }
                } else if report.rows.isEmpty {
                    print("campaign \(name) has sent no messages yet")
                } else {
                    Self.printTable(report)
                    if !links.isEmpty {
                        print("")
                        print(Output.table(["link", "clicks", "unique"], links.map { [$0.link, String($0.total), String($0.unique)] }))
                    }
                }
                return .success
            }
        }

        /// The report as a terminal table, one row per execution and activity, then the total.
        static func printTable(_ report: MessageReport) {
            func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
            let rows = (report.rows + (report.rows.count > 1 ? [report.total] : [])).map { row in
                [row.execution == 0 ? "total" : String(row.execution), row.activity, row.channel, String(row.targeted),
                 row.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ").ifEmpty("0"),
                 String(row.accepted), String(row.delivered), String(row.bounced), String(row.failed), String(row.expired), String(row.pending),
                 String(row.complaints), String(row.unsubscribes), "\(row.uniqueOpens)/\(row.opens)", "\(row.uniqueClicks)/\(row.clicks)", percent(row.deliveryRate), percent(row.openRate), percent(row.clickRate),
                 row.channel == Channel.sms.rawValue || row.channel == "*" ? String(row.segments) : ""]
            }
            print(Output.table(["execution", "activity", "channel", "targeted", "excluded", "sent", "delivered", "bounced", "failed", "expired", "pending", "complaints", "unsubscribed", "opens u/t", "clicks u/t", "delivery", "open", "click", "segments"], rows))
            for row in report.rows {
                if let extract = row.extract {
                    print("extract of \(row.activity) (execution \(row.execution)): \(row.extractRows ?? 0) letters in \(extract)")
                } else if row.channel == Channel.directMail.rawValue {
                    print("extract of \(row.activity) (execution \(row.execution)): not written yet (\(row.pending) letters still pending, or no direct-mail provider)")
                }
            }
        }

        static func csvField(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\"" : text
        }
    }
}

extension String {
    func ifEmpty(_ fallback: String) -> String { isEmpty ? fallback : self }
}
