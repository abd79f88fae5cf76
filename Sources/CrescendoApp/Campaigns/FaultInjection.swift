import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash tests: `CRESCENDO_FAULT=before-record:ACTIVITY` (or `after-record:ACTIVITY`) kills the
/// process with SIGKILL at that point of that activity, as a power cut would. Only for tests; a
/// process without the variable never stops here.
enum FaultInjection {
    static let hook: (@Sendable (String, String) -> Void)? = {
        guard let spec = ProcessInfo.processInfo.environment["CRESCENDO_FAULT"], let colon = spec.firstIndex(of: ":") else { return nil }
        let point = String(spec[..<colon]), target = String(spec[spec.index(after: colon)...])
        return { activity, at in
            guard activity == target, at == point else { return }
            FileHandle.standardError.write(Data("crescendo: fault injection: killing the process \(at) \(activity)\n".utf8))
            kill(getpid(), SIGKILL)
        }
    }()
}
