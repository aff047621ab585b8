import Foundation
import Metrics
import Synchronization

/// The database is saturated: no connection came free within the wait allowed. Answered 503 with `Retry-After`.
public struct DatabaseBusy: Error, Sendable, Equatable {
    public init() {}
}

/// Admits at most as many database operations at once as the pool has connections, and makes the others wait at most
/// `timeout` for a turn. PostgresNIO's pool queues lease requests without a time limit; this gate puts one on them, so a
/// saturated database answers 503 in seconds instead of holding every request until the client gives up.
final class ConnectionGate: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>
    let timeout: Duration

    init(permits: Int, timeout: Duration) {
        self.state = Mutex(State(available: max(1, permits)))
        self.timeout = timeout
    }

    /// Takes a turn, waiting at most `timeout`; throws `DatabaseBusy` when none came, `CancellationError` when cancelled.
    func acquire() async throws {
        let id: UInt64? = self.state.withLock { state in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        // a turn had to be waited for: how often and how long is what /metrics shows of the pool
        let waitStarted = ContinuousClock.now
        defer {
            let waited = ContinuousClock.now - waitStarted
            let (seconds, attoseconds) = waited.components
            Metrics.Timer(label: "accord_db_connection_wait_seconds").recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                self.state.withLock { $0.waiters.append(Waiter(id: id, continuation: continuation)) }
                // cancelled before the waiter was queued: the cancellation handler found nothing to fail
                if Task.isCancelled {
                    self.fail(id, with: CancellationError())
                    return
                }
                let timeout = self.timeout
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.fail(id, with: DatabaseBusy())
                }
            }
        } onCancel: {
            self.fail(id, with: CancellationError())
        }
    }

    /// Gives a turn back: to the longest waiter, or to the pool of free turns.
    func release() {
        let next: Waiter? = self.state.withLock { state in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }

    private func fail(_ id: UInt64, with error: any Error) {
        let waiter: Waiter? = self.state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }
}
