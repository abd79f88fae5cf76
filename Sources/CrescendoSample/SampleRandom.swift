/// A seedable SplitMix64 generator.
///
/// `SystemRandomNumberGenerator` cannot be seeded, and Foundation offers nothing reproducible across
/// platforms. Each row gets its own generator derived from (seed, entity stream, row index), so any row
/// can be regenerated on its own: reservations look up hotels, and the CDC file re-derives the original
/// reservation it changes, without generating everything that came before.
struct SampleRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one row of one stream; distinct (stream, index) pairs give unrelated sequences.
    @inline(__always)
    init(seed: UInt64, stream: UInt64, index: Int) {
        let base = Self.mix(seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = Self.mix(base &+ UInt64(bitPattern: Int64(index)) &* 0x9E37_79B9_7F4A_7C15)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in `0..<n` (Lemire's multiply-high; the tiny bias is irrelevant for sample data).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in `lower...upper`.
    @inline(__always)
    mutating func int(_ lower: Int, _ upper: Int) -> Int {
        lower + below(upper - lower + 1)
    }

    /// Uniform in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// Index into a table of cumulative integer weights (last element is the total).
    @inline(__always)
    mutating func pick(cumulative: [Int]) -> Int {
        let r = below(cumulative[cumulative.count - 1])
        var i = 0
        while cumulative[i] <= r { i += 1 }
        return i
    }

    /// Prefix sums of `weights`, the form `pick(cumulative:)` wants.
    static func cumulative(_ weights: [Int]) -> [Int] {
        var total = 0
        return weights.map { total += $0; return total }
    }
}
