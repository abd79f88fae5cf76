/// Which fields of an entity a campaign's work tables carry (`PopulationShape.carried`).
///
/// A field is carried when an expression of an activity that runs on a population names it, or
/// names a link that starts from it: those activities then read the copy, and follow the link
/// from it, instead of joining the whole entity again. Names are the words of the expressions
/// that do not follow a `.` (those are fields of a linked row), whatever entity the expression
/// runs on, so the set is a superset of what is read: a copy nobody reads costs a column, a
/// missing one costs a join, and neither changes a result. Targeting rules run before there is a
/// population, so they name nothing.
struct CarriedFields: Sendable {
    /// Every word the campaign's expressions, paths and field lists use.
    let names: Set<String>

    /// `profile` is the model's profile entity: a channel activity reaches it whether or not the
    /// campaign names the way.
    init(_ definition: CampaignDefinition, profile: String?) {
        var texts: [String] = []
        for activity in definition.activities {
            switch activity.kind {
            case .dedup(let options): texts += options.by + [options.expression].compactMap { $0 } + (options.fields ?? [])
            case .enrichment(let options):
                texts += options.add?.pairs.map(\.value) ?? []
                texts += (options.collect ?? []).map(\.link)
            case .split(let options): texts += options.subsets.flatMap { [$0.filter, $0.sort].compactMap { $0 } }
            case .changeDimension(let options): texts.append(options.to)
            case .channel(_, let options): texts += (options.fields ?? []) + [options.profile ?? profile].compactMap { $0 }
            default: break
            }
        }
        var names: Set<String> = []
        for text in texts {
            guard case .success(let tokens) = RuleLexer.tokenize(text) else { continue }
            for (index, token) in tokens.enumerated() {
                guard case .identifier(let name) = token.kind else { continue }
                if index > 0, tokens[index - 1].kind == .symbol(".") { continue }
                names.insert(name)
            }
        }
        self.names = names
    }

    /// The fields of `entity` to carry, in the model's order: not the key (the work table holds it
    /// already). A link is named by its own name or, in a change of dimension, its target's.
    func fields(of entity: Entity) -> [String] {
        let linked = Set(entity.links.filter { names.contains($0.name) || names.contains($0.target) }.flatMap(\.fields))
        return entity.fields.map(\.name).filter { !entity.key.contains($0) && (names.contains($0) || linked.contains($0)) }
    }
}
