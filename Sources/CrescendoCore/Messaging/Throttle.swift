import Foundation

/// A token bucket: at most `rate` sends per second on average, with bursts of `burst`. Used per
/// provider and per channel activity; the dispatcher waits for a token before each send.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var updated: Double

    public init(rate: Double, burst: Double? = nil, now: Double) {
        self.rate = rate
        self.burst = max(1, burst ?? min(rate, 50))
        self.tokens = self.burst
        self.updated = now
    }

    /// Takes a token, returning how many seconds the caller must wait before using it.
    public mutating func take(now: Double) -> Double {
        tokens = min(burst, tokens + max(0, now - updated) * rate)
        updated = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }
}

/// The buckets of one dispatcher, shared by its concurrent sends.
public actor ThrottleGate {
    private var buckets: [String: TokenBucket] = [:]

    public init() {}

    /// Waits until every named bucket (created with its rate on first use) grants a send.
    public func pass(_ limits: [(name: String, perSecond: Double)]) async throws {
        var wait = 0.0
        let now = Date().timeIntervalSince1970
        for limit in limits where limit.perSecond > 0 {
            var bucket = buckets[limit.name] ?? TokenBucket(rate: limit.perSecond, now: now)
            wait = max(wait, bucket.take(now: now))
            buckets[limit.name] = bucket
        }
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) }
    }
}
