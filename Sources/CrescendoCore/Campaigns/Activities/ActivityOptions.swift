/// The options of each activity kind, as written in a campaign file (snake_case keys).
///
/// Rules and expressions are kept as text here and checked against the data model when the
/// campaign is planned (`CampaignPlan`), so that a definition can be read, shown and stored even
/// when the model has moved on since it was written.

/// A rule on a dimension, or a saved audience.
public struct BuildAudienceOptions: Sendable, Hashable, Codable {
    public var entity: String?
    public var rule: String?
    public var audience: String?
    /// A link path or entity name to move the result to (`customer`).
    public var dimension: String?
    /// Go on with an empty population instead of ending the branch.
    public var continueIfEmpty: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case entity, rule, audience, dimension
        case continueIfEmpty = "continue_if_empty"
    }
}

/// A saved or uploaded audience with chosen attributes (`alias: field path`).
public struct ReadAudienceOptions: Sendable, Hashable, Codable {
    public var audience: String
    public var attributes: [String: String]?
    public var continueIfEmpty: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case audience, attributes
        case continueIfEmpty = "continue_if_empty"
    }
}

/// Rows new since the previous execution, by a date or timestamp field.
public struct IncrementalQueryOptions: Sendable, Hashable, Codable {
    public var entity: String
    public var rule: String?
    /// The field whose value must be later than the previous execution's highest one.
    public var since: String
    public var dimension: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case entity, rule, since, dimension }
}

public enum CombineOperation: String, Sendable, Hashable, Codable, CaseIterable {
    case union, intersection, exclusion
}

public struct CombineOptions: Sendable, Hashable, Codable {
    public var operation: CombineOperation
    /// The input the others are taken from (exclusion) or whose attributes are kept; the first
    /// transition's source when absent.
    public var primary: String?
    /// Add a `complement` output: rows of the inputs that are not in the result.
    public var complement: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case operation, primary, complement }
}

public enum DedupChoice: String, Sendable, Hashable, Codable, CaseIterable {
    case random, highest, lowest
    case nonEmpty = "non_empty"
    case preference
}

public struct DedupOptions: Sendable, Hashable, Codable {
    /// Expressions whose equal values make rows duplicates, in order.
    public var by: [String]
    /// How many rows of each duplicate group to keep (1 when absent).
    public var keep: Int?
    public var choose: DedupChoice?
    /// The expression for `highest`/`lowest`/`preference`, or the fields for `non_empty`.
    public var expression: String?
    /// The fields that should be filled, best first, for `non_empty`.
    public var fields: [String]?
    /// The preferred values, best first, for `preference`.
    public var values: [String]?
    /// Add a `duplicates` output with the rows that were removed.
    public var duplicates: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case by, keep, choose, expression, fields, values, duplicates }
}

/// The first rows of a 1-N link, filtered and sorted, as columns `alias_1_field`, `alias_2_field`…
public struct CollectOptions: Sendable, Hashable, Codable {
    public var alias: String
    public var link: String
    public var count: Int?
    public var filter: String?
    /// `field` or `field desc`, on the linked rows.
    public var sort: String?
    public var fields: [String]

    enum CodingKeys: String, CodingKey, CaseIterable { case alias, link, count, filter, sort, fields }
}

public struct EnrichmentOptions: Sendable, Hashable, Codable {
    /// `alias: expression`, in the order written: a field through to-one links, an aggregate over
    /// a 1-N link, arithmetic on them.
    public var add: KeyValueList?
    public var collect: [CollectOptions]?

    enum CodingKeys: String, CodingKey, CaseIterable { case add, collect }
}

public struct SubsetOptions: Sendable, Hashable, Codable {
    public var name: String
    public var filter: String?
    /// A number of rows (`500`) or a share of the candidates (`10%`).
    public var limit: String?
    /// `expression` or `expression desc`: which rows the limit keeps.
    public var sort: String?
    /// Take the limited rows at random.
    public var random: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, filter, limit, sort, random }
}

public struct SplitOptions: Sendable, Hashable, Codable {
    public var subsets: [SubsetOptions]
    /// The name of an output taking the rows no subset took.
    public var complement: String?
    /// Each subset takes from all rows rather than from what earlier subsets left.
    public var overlap: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case subsets, complement, overlap }
}

public struct ChangeDimensionOptions: Sendable, Hashable, Codable {
    /// A link path (`customer`) or an entity name.
    public var to: String
    enum CodingKeys: String, CodingKey, CaseIterable { case to }
}

public struct SaveAudienceOptions: Sendable, Hashable, Codable {
    public var audience: String
    /// Population columns (enrichment aliases) stored with the members.
    public var attributes: [String]?
    enum CodingKeys: String, CodingKey, CaseIterable { case audience, attributes }
}

public struct WaitOptions: Sendable, Hashable, Codable {
    /// `90s`, `30m`, `2h`, `3d`, `1w`.
    public var duration: String?
    /// A local date-time in the campaign's time zone (`2026-12-24 09:00`) or an ISO 8601 instant.
    public var until: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case duration, until }
}

public struct TestBranch: Sendable, Hashable, Codable {
    public var name: String
    /// A condition on `count` (the rows that reached the test) and `$variables`.
    public var when: String
    enum CodingKeys: String, CodingKey, CaseIterable { case name, when }
}

public struct TestOptions: Sendable, Hashable, Codable {
    public var branches: [TestBranch]
    /// The output taken when no condition holds; without it the branch ends there.
    public var `default`: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case branches, `default` }
}

public enum AlertLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case info, warning, error
}

public struct AlertOptions: Sendable, Hashable, Codable {
    /// Text for the operators; `{{count}}`, `{{campaign}}` and `{{execution}}` are replaced.
    public var message: String
    public var level: AlertLevel?
    enum CodingKeys: String, CodingKey, CaseIterable { case message, level }
}

public struct EndOptions: Sendable, Hashable, Codable {
    /// A campaign to trigger when an execution reaches this end.
    public var signal: String?
    /// Its variables (`{{count}}` is replaced by the rows that reached the end).
    public var variables: [String: String]?
    enum CodingKeys: String, CodingKey, CaseIterable { case signal, variables }
}

public struct ForkOptions: Sendable, Hashable, Codable {
    /// Output names, one per branch.
    public var branches: [String]
    enum CodingKeys: String, CodingKey, CaseIterable { case branches }
}

public struct AndJoinOptions: Sendable, Hashable, Codable {
    /// The input whose population continues (the first transition's source when absent).
    public var population: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case population }
}

public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    case email, sms, push
    case directMail = "direct-mail"

    /// The profile field that holds the address when the activity does not name one.
    var defaultRecipient: String? {
        switch self {
        case .email: "email"
        case .sms: "phone"
        case .push: "push_token"
        case .directMail: nil
        }
    }

    /// The content parts a template may have; push also takes `data.KEY` parts and direct mail
    /// any column name (each becomes a column of the extract).
    var contentParts: [String] {
        switch self {
        case .email: ["subject", "text", "html", "preheader"]
        case .sms: ["text"]
        case .push: ["title", "body", "data.KEY"]
        case .directMail: ["COLUMN"]
        }
    }

    func allowsPart(_ part: String) -> Bool {
        switch self {
        case .push: part == "title" || part == "body" || (part.hasPrefix("data.") && part.count > 5 && part != "data.aps")
        case .directMail: !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !PostalFields.isAddressColumn(part)
        default: contentParts.contains(part)
        }
    }
}

public enum MessageCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// Consent and business rules apply.
    case marketing
    /// Receipts and confirmations: they go out regardless of marketing consent.
    case transactional
}

public struct SendWindow: Sendable, Hashable, Codable {
    public var from: String
    public var until: String
    enum CodingKeys: String, CodingKey, CaseIterable { case from, until }
}

/// Email, SMS, push or direct mail: what the message execution will send, to whom, and under
/// which rules. This executor records the population; sending reads it (`MessagePopulation`).
public struct ChannelOptions: Sendable, Hashable, Codable {
    public var category: MessageCategory?
    /// `profile` (one message per person, the default) or `row` (one per row of the population's
    /// own dimension, such as one per reservation).
    public var per: String?
    /// The link path from the population's rows to the profile, when they are not profiles.
    public var profile: String?
    /// The profile field that holds the address (email, phone, device token).
    public var recipient: String?
    /// Fields the templates may use: paths on the population's rows or enrichment aliases.
    public var fields: [String]?
    /// Templates by part (`subject`, `text`, `html`; `title`, `body`).
    public var content: [String: String]?
    public var provider: String?
    /// At most this many messages per profile on this channel in `cap_days` days.
    public var cap: Int?
    public var capDays: Int?
    /// Messages per hour.
    public var throttle: Int?
    public var window: SendWindow?
    public var confirm: Bool?
    /// The consent purpose the message is sent for (`marketing` when not given).
    public var purpose: String?
    /// The rule set (caps, quiet hours, consent defaults) of the messaging configuration.
    public var rules: String?
    /// How long after the activity ran its messages may still go (`24h`, `3d`); what is left
    /// then is reported as expired. Three days when not given.
    public var expireAfter: String?
    /// Direct mail: the profile fields of the postal address (the usual names when not given).
    public var postal: PostalFields?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case category, per, profile, recipient, fields, content, provider, cap
        case capDays = "cap_days"
        case throttle, window, confirm, purpose, rules
        case expireAfter = "expire_after"
        case postal
    }
}

/// A mapping whose order matters (enrichment aliases), read as written.
public struct KeyValueList: Sendable, Hashable, Codable {
    public var pairs: [(key: String, value: String)]

    public init(_ pairs: [(key: String, value: String)]) { self.pairs = pairs }

    public static func == (a: KeyValueList, b: KeyValueList) -> Bool {
        a.pairs.map(\.key) == b.pairs.map(\.key) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        // The loader fills `pairs` in document order from the YAML node; this is the fallback.
        let container = try decoder.container(keyedBy: Key.self)
        pairs = try container.allKeys.map { ($0.stringValue, try container.decode(String.self, forKey: $0)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for pair in pairs { try container.encode(pair.value, forKey: Key(stringValue: pair.key)) }
    }
}

/// A CSV (or JSON Lines) file as a population of its lines, each declared column parsed as its
/// type with ingestion's rules; invalid lines go to `FILE.rejects.csv`.
public struct LoadFileOptions: Sendable, Hashable, Codable {
    public var file: String
    /// `column: type` in the order written (string, integer, decimal, boolean, date, timestamp, email, phone).
    public var columns: KeyValueList
    /// Fail the activity when more lines than this are invalid (default: none may be).
    public var maxErrors: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case file, columns
        case maxErrors = "max_errors"
    }
}

/// Maps a loaded file's lines to an entity's rows by matching fields.
public struct ReconciliationOptions: Sendable, Hashable, Codable {
    public var entity: String
    /// `file column: entity field`; a line matches the rows whose fields all equal its values.
    public var match: [String: String]
    /// `keep` adds an `unmatched` output with the lines that matched nothing; `drop` (default) does not.
    public var unmatched: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case entity, match, unmatched }
}
