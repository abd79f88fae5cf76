import CrescendoCore
import CrescendoMessaging
import Foundation

extension CampaignDesk {
    /// Texts rendered per SMS activity in test mode; more are estimated from these.
    static let segmentPreviewLimit = 20_000

    /// Renders an SMS activity's texts as the dispatcher would (profiles read now, the campaign's
    /// variables, links as long as real ones) and counts the segments they would bill.
    func segments(_ population: MessagePopulation, definition: CampaignDefinition, execution: StoredExecution) async throws -> ExecutionReport.SegmentEstimate {
        let repository = MessageRepository(store: store, model: model)
        let messages = try await repository.preview(population, campaign: definition.name, execution: execution.id, limit: Self.segmentPreviewLimit)
        var variables: [String: String] = [:]
        for variable in definition.variables { variables[variable.name] = variable.defaultValue }
        variables.merge(execution.variables) { $1 }
        // Links of the real length and the profile fields of the messaging file, when it is known.
        let configuration = ProcessInfo.processInfo.environment["CRESCENDO_MESSAGING"].flatMap { try? MessagingConfiguration.load(path: $0) }
        let renderer = TemplateMessageRenderer(links: LinkSigner(secret: "test-mode", baseURL: configuration?.linkBaseURL ?? "https://links.example.com/c"))
        let localeField = configuration?.localeField ?? "locale", timeZoneField = configuration?.timeZoneField ?? "time_zone"
        let content = population.options.content ?? [:]
        var estimate = ExecutionReport.SegmentEstimate(rendered: 0, segments: 0, unicode: 0, longest: 0, estimated: population.targeted > messages.count, failures: [])
        let now = Self.now()
        for start in stride(from: 0, to: messages.count, by: 500) {
            let chunk = Array(messages[start..<min(start + 500, messages.count)])
            let profiles = try await repository.profiles(keys: chunk.compactMap(\.profileKey))
            for message in chunk {
                let profile = message.profileKey.flatMap { profiles[$0] } ?? [:]
                let context = MessageContext(profile: profile, variables: variables, locale: profile[localeField]?.text, timeZone: profile[timeZoneField]?.text, now: now)
                do {
                    let rendered = try renderer.render(message, content: content, context: context)
                    let count = SMSSegments.count(rendered.parts["text"] ?? "")
                    estimate.rendered += 1
                    estimate.segments += count.segments
                    estimate.longest = max(estimate.longest, count.segments)
                    if count.encoding == .ucs2 { estimate.unicode += 1 }
                } catch {
                    if estimate.failures.count < 5 { estimate.failures.append("\(message.profileKey ?? ""): \(error)") }
                }
            }
        }
        if estimate.estimated, estimate.rendered > 0 {
            // Scaled to the whole population from the texts rendered.
            let scale = Double(population.targeted) / Double(estimate.rendered)
            estimate.segments = Int((Double(estimate.segments) * scale).rounded())
            estimate.unicode = Int((Double(estimate.unicode) * scale).rounded())
        }
        return estimate
    }
}
