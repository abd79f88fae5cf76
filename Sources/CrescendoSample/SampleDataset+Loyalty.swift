/// Loyalty transactions over the last two years: frequent small earns, rarer large redemptions,
/// concentrated on the same busy guests who book most.
extension SampleDataset {
    func writeLoyalty(into buffer: inout CSVByteBuffer, sink: inout some CSVSink) throws {
        let permutation = profilePermutation()
        let anchorDay = self.anchorDay
        for i in 0..<loyaltyTransactions {
            var rng = random(.loyalty, i)
            let member = skewedProfile(&rng, permutation)
            let earn = rng.chance(0.72)
            let u = rng.unit()
            let points = earn ? 10 * (5 + Int(u * u * 495)) : -500 * rng.int(1, 40)
            let day = anchorDay - rng.below(731)
            let at = day * 86_400 + rng.below(86_400)
            buffer.row(maxBytes: 256) { w in
                w.byte(UInt8(ascii: "L"))
                w.unsigned(i + 1, width: 8)
                w.comma()
                w.byte(UInt8(ascii: "P"))
                w.unsigned(member + 1, width: 7)
                w.comma()
                w.integer(points)
                w.comma()
                w.raw(earn ? "earn" : "redeem")
                w.comma()
                w.date(day)
                w.comma()
                w.timestamp(at)
                w.newline()
            }
            try buffer.flushIfNeeded(into: &sink)
        }
    }
}
