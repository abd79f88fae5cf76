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

extension FaultInjection {
    /// `CRESCENDO_FAULT=after-send:N` kills the process with SIGKILL after its Nth send, before
    /// the send is recorded: the worst moment for a dispatcher, the one the outbox must survive.
    static let dispatchHook: (@Sendable (String) async -> Void)? = {
        guard let spec = ProcessInfo.processInfo.environment["CRESCENDO_FAULT"], spec.hasPrefix("after-send:"), let limit = Int(spec.dropFirst("after-send:".count)) else { return nil }
        let counter = SendCounter()
        return { id in
            if await counter.next() >= limit {
                FileHandle.standardError.write(Data("crescendo: fault injection: killing the process after sending \(id)\n".utf8))
                kill(getpid(), SIGKILL)
            }
        }
    }()

    actor SendCounter {
        var count = 0
        func next() -> Int {
            count += 1
            return count
        }
    }
}
