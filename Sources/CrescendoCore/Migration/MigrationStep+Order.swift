extension MigrationPlan {
    /// The steps in the order engines run them: indexes are dropped before the columns and tables
    /// they cover, and created after the columns they need.
    public var orderedSteps: [MigrationStep] {
        steps.enumerated().sorted { lhs, rhs in
            (lhs.element.phase, lhs.offset) < (rhs.element.phase, rhs.offset)
        }.map(\.element)
    }
}

extension MigrationStep {
    var phase: Int {
        switch self {
        case .dropIndex: 0
        case .dropEntity, .dropField: 1
        case .recreateEntity, .createEntity, .addField, .changeFieldType, .tightenField, .alterField, .metadata: 2
        case .createIndex: 3
        }
    }
}

extension MigrationOutcome {
    /// The error for a plan with destructive steps that were not confirmed.
    public static func confirmationError(_ plan: MigrationPlan) -> CrescendoError {
        let list = plan.destructiveSteps.map { "  - \($0)" }.joined(separator: "\n")
        return CrescendoError(
            .destructiveChange,
            "the new model needs destructive changes; nothing was changed. Re-run with --allow-destructive to apply:\n\(list)"
        )
    }
}
