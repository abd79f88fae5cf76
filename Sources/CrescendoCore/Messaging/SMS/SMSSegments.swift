/// How a message body will be split into SMS segments, and in which encoding.
///
/// Campaign budgets and throttling are per segment, not per message, so this is
/// computed up front from the text alone, matching what carriers bill.
///
/// Empty text is reported as **1 segment of 0 units** in GSM-7: an empty SMS is
/// still one submitted (and billed) message, so reporting 0 would under-budget.
public struct SMSSegments: Sendable, Hashable, Codable {
    /// Encoding the text requires (GSM-7 unless any character is outside it).
    public let encoding: SMSEncoding
    /// Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2.
    public let units: Int
    /// Number of segments the carrier will send and bill.
    public let segments: Int
    /// Capacity of each segment in `units`: 160/70 for a single segment,
    /// 153/67 once a user-data header for concatenation is needed.
    public let perSegment: Int

    public init(encoding: SMSEncoding, units: Int, segments: Int, perSegment: Int) {
        self.encoding = encoding
        self.units = units
        self.segments = segments
        self.perSegment = perSegment
    }

    /// Single-segment capacity in GSM-7 septets.
    public static let gsm7Single = 160
    /// Per-segment capacity in GSM-7 septets once a concatenation header is present.
    public static let gsm7Multi = 153
    /// Single-segment capacity in UCS-2 code units.
    public static let ucs2Single = 70
    /// Per-segment capacity in UCS-2 code units once a concatenation header is present.
    public static let ucs2Multi = 67

    /// Counts units and segments for `text`.
    ///
    /// Works on Unicode scalars (not `Character`s) because GSM-7 and UTF-16 are
    /// scalar-level encodings: `"\r\n"` is one `Character` but two septets.
    /// Text is counted as given, without Unicode normalisation, because that is
    /// what will be transmitted; normalise to NFC beforehand if you want a
    /// decomposed `é` to stay GSM-7.
    public static func count(_ text: String) -> SMSSegments {
        var costs: [Int] = []
        costs.reserveCapacity(text.unicodeScalars.count)
        var isGSM = true
        for scalar in text.unicodeScalars {
            guard let cost = GSM7Alphabet.septets(for: scalar) else {
                isGSM = false
                break
            }
            costs.append(cost)
        }
        if isGSM {
            return pack(costs, encoding: .gsm7, single: gsm7Single, multi: gsm7Multi)
        }
        // Surrogate pairs are 2 code units and must stay within one segment.
        let utf16Costs = text.unicodeScalars.map { $0.utf16.count }
        return pack(utf16Costs, encoding: .ucs2, single: ucs2Single, multi: ucs2Multi)
    }

    /// Greedily packs indivisible items (1 or 2 units each) into segments.
    ///
    /// A plain `ceil(units / multi)` is wrong whenever a 2-unit item (ESC pair or
    /// surrogate pair) would straddle a boundary: the item moves to the next
    /// segment, leaving one unit unused, which can add a whole segment.
    private static func pack(_ costs: [Int], encoding: SMSEncoding, single: Int, multi: Int) -> SMSSegments {
        let units = costs.reduce(0, +)
        if units <= single {
            return SMSSegments(encoding: encoding, units: units, segments: 1, perSegment: single)
        }
        var segments = 1
        var used = 0
        for cost in costs {
            if used + cost > multi {
                segments += 1
                used = 0
            }
            used += cost
        }
        return SMSSegments(encoding: encoding, units: units, segments: segments, perSegment: multi)
    }
}
