import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// For work whose progress cannot be measured (one SQL query): after half a second, a line on
/// standard error says what is running and for how long, redrawn five times a second and erased at
/// the end. Only on a terminal, so pipes and `--json` output stay clean.
public enum ElapsedIndicator {
    public static func run<T: Sendable>(
        _ label: String, enabled: Bool = isatty(STDERR_FILENO) == 1, _ body: () async throws -> T
    ) async throws -> T {
        guard enabled else { return try await body() }
        // The work runs in this task; the indicator is a child task cancelled when the work ends.
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let start = ContinuousClock.now
                try? await Task.sleep(for: .milliseconds(500))
                let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
                var frame = 0
                while !Task.isCancelled {
                    let elapsed = ContinuousClock.now - start
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    FileHandle.standardError.write(Data("\r\(frames[frame % frames.count]) \(label) \(String(format: "%.1f", seconds)) s\u{1B}[K".utf8))
                    frame += 1
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { group.cancelAll() }
            do {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        return try result.get()
    }
}
