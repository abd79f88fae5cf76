/// One thing wrong with a campaign, naming the activity (and the line, when the file is known).
public struct CampaignProblem: Sendable, Hashable, CustomStringConvertible, Codable {
    public var line: Int?
    public var activity: String?
    public var message: String

    public init(line: Int? = nil, activity: String? = nil, _ message: String) {
        self.line = line
        self.activity = activity
        self.message = message
    }

    public var description: String {
        let prefix = line.map { "line \($0): " } ?? ""
        return prefix + (activity.map { "activity \"\($0)\": " } ?? "") + message
    }
}

extension CrescendoError.Code {
    /// A campaign file or definition does not pass validation.
    public static let invalidCampaign = CrescendoError.Code("invalid_campaign")
}

extension CrescendoError {
    public static func invalidCampaign(_ source: String, _ problems: [CampaignProblem]) -> CrescendoError {
        let count = problems.count
        let lines = problems.map { "  \($0)" }.joined(separator: "\n")
        return CrescendoError(.invalidCampaign, "\(source): \(count) problem\(count == 1 ? "" : "s"):\n\(lines)", cause: CampaignProblems(problems: problems))
    }
}

/// The problems, kept whole for `--json` output.
public struct CampaignProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [CampaignProblem]
    public var description: String { "\(problems.count) problem(s)" }
}

/// Durations as campaign files write them: `90s`, `30m`, `2h`, `3d`, `1w`.
public enum CampaignDuration {
    public static func seconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let amount = Int64(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), amount >= 0 else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        case "w": return amount * 604_800
        default: return nil
        }
    }
}

import Foundation
