import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress display on standard error, drawn only when it is a terminal (so logs and
/// pipes stay clean) and at most ten times a second.
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private let start = Date()
    private var showedFraction = false

    public init(label: String, total: Int? = nil, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Shows `done` units (rows), how far through the input that is when known (0…1), and an
    /// optional note such as "12 rejected".
    public func update(_ done: Int, fraction: Double? = nil, note: String = "") {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        draw(done, fraction: fraction, note: note, now: now)
    }

    public func finish(_ done: Int, note: String = "") {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        draw(done, fraction: showedFraction ? 1 : nil, note: note, now: Date())
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(_ done: Int, fraction known: Double?, note: String, now: Date) {
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Int(Double(done) / elapsed)
        var line = "\r\(label) "
        if let fraction = known ?? total.map({ Double(done) / Double(max($0, 1)) }) {
            let fraction = min(1, max(0, fraction))
            showedFraction = true
            let width = 24
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
            line += "\(Int(fraction * 100))% "
        }
        line += "\(Format.count(done)) rows, \(Format.count(rate))/s"
        if !note.isEmpty { line += ", \(note)" }
        line += "\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Number formatting shared by the human-readable outputs.
public enum Format {
    /// 1234567 → "1,234,567".
    public static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    public static func seconds(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f s" : "%.1f s", value)
    }
}
