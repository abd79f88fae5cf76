import CrescendoCore

/// The exit codes of every command, so that scripts can tell outcomes apart (listed in README.md).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The command ran to its end but rejected some input rows (see the rejects file).
    case completedWithRejections = 3
    /// A model, value, argument or name is not valid; nothing was changed.
    case invalidInput = 4
    /// A destructive model change was not confirmed; nothing was changed.
    case confirmationNeeded = 5
    /// An input file could not be read, or an output file written.
    case fileProblem = 6
    /// The store could not be opened or refused the work.
    case storeFailure = 7
    /// What was asked for does not exist (`data get` of an absent key).
    case notFound = 8
    /// More rows were rejected than `--max-errors` allows; the file was rolled back.
    case errorBudgetExceeded = 9
    /// A campaign execution ran and failed (its log says why).
    case executionFailed = 10
    /// A campaign execution is parked at a wait; a worker carries it on.
    case executionWaiting = 11

    public init(for error: CrescendoError) {
        switch error.code {
        case .destructiveChange: self = .confirmationNeeded
        case .unreadableInput, .unwritableOutput: self = .fileProblem
        case .storeFailure: self = .storeFailure
        case .errorBudgetExceeded: self = .errorBudgetExceeded
        case .notFound: self = .notFound
        case .guardrail: self = .invalidInput
        default: self = .invalidInput
        }
    }
}
