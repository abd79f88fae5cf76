import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command and measures it from outside: wall time and peak resident memory (`ru_maxrss`
/// from `wait4`), so every contender — Crescendo or a reference tool — is measured the same way.
///
/// Foundation's `Process` reaps its child itself and does not report the peak memory, hence
/// `posix_spawn` and `wait4` here.
public struct MeasuredProcess: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var seconds: Double
        public var peakMegabytes: Double
        public var stdout: String
        public var stderr: String
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]?
    /// A file fed to standard input (psql scripts, sqlite3 commands).
    public var stdinPath: String?

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdinPath: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.stdinPath = stdinPath
    }

    public func run() throws -> Result {
        let folder = NSTemporaryDirectory() + "crescendo-bench-io-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outPath = folder + "/stdout", errPath = folder + "/stderr"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }

        let started = ContinuousClock.now
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, env)
        guard spawned == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed for \(executable)") }
        }
        let elapsed = ContinuousClock.now - started
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(
            status: exitStatus,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            peakMegabytes: Double(usage.ru_maxrss) / 1024,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
    }

    /// Runs, and fails with the command's own error output unless it exits with one of `accepting`.
    public func check(accepting: Set<Int32> = [0]) throws -> Result {
        let result = try run()
        guard accepting.contains(result.status) else {
            throw BenchError("\(([executable] + arguments).joined(separator: " ")) exited with \(result.status): \(result.stderr.suffix(2_000))")
        }
        return result
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
