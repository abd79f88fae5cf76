import CrescendoCore
import Foundation

/// Reads and validates the next batches on a thread of its own while the store writes the current
/// one, so that parsing and writing use both cores instead of taking turns.
///
/// At most `depth` batches wait in between, which bounds memory whatever the input's size. An
/// error of the inner source reaches the store at the batch where it happened, and a store that
/// stops early (its own error) stops the reader through `deinit`.
public final class PrefetchingBatchSource: ChangeBatchSource {
    private let state: SharedState

    /// Starts reading `source` at once. After this call only the reader thread touches `source`.
    public init(_ source: some ChangeBatchSource, depth: Int = 3) {
        state = SharedState(depth: max(1, depth))
        let handoff = Handoff(source: source, state: state)
        let thread = Thread { handoff.run() }
        thread.name = "crescendo-ingest-reader"
        thread.stackSize = 1 << 22
        thread.start()
    }

    deinit {
        state.cancel()
    }

    public func nextBatch() throws -> ChangeBatch? {
        try state.take()
    }

    /// The queue between the reader thread and the store.
    private final class SharedState: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [Result<ChangeBatch?, any Error>] = []
        private var cancelled = false
        private var finished = false
        private let depth: Int

        init(depth: Int) { self.depth = depth }

        /// Reader side: waits for room; false when the consumer has gone away.
        func put(_ item: Result<ChangeBatch?, any Error>) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while queue.count >= depth && !cancelled { condition.wait() }
            guard !cancelled else { return false }
            queue.append(item)
            condition.broadcast()
            return true
        }

        func take() throws -> ChangeBatch? {
            condition.lock()
            defer { condition.unlock() }
            if finished { return nil }
            while queue.isEmpty { condition.wait() }
            let item = queue.removeFirst()
            condition.broadcast()
            switch item {
            case .success(let batch):
                if batch == nil { finished = true }
                return batch
            case .failure(let error):
                finished = true
                throw error
            }
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Carries the source to the reader thread, which owns it from then on.
    private final class Handoff: @unchecked Sendable {
        let source: any ChangeBatchSource
        let state: SharedState

        init(source: any ChangeBatchSource, state: SharedState) {
            self.source = source
            self.state = state
        }

        func run() {
            while true {
                let item: Result<ChangeBatch?, any Error>
                do {
                    item = .success(try source.nextBatch())
                } catch {
                    item = .failure(error)
                }
                guard state.put(item) else { return }
                switch item {
                case .success(nil), .failure: return
                case .success: continue
                }
            }
        }
    }
}
