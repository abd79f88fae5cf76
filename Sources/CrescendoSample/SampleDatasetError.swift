/// Why a sample export could not be produced.
public enum SampleDatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The name is not one of `SampleDataset.entities`; a typo here would otherwise produce an empty file.
    case unknownEntity(String)
    /// Rows that must reference a profile were requested from a dataset with none.
    case noProfiles

    public var description: String {
        switch self {
        case .unknownEntity(let name):
            return "unknown sample entity '\(name)'; expected one of \(SampleDataset.entities.joined(separator: ", "))"
        case .noProfiles:
            return "the sample dataset has no profiles to reference"
        }
    }
}
