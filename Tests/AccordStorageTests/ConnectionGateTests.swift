import Testing

@testable import AccordStorage

@Suite("Connection gate")
struct ConnectionGateTests {
    @Test func aTurnIsWaitedForAtMostTheTimeoutThenRefusedAsBusy() async throws {
        // setup: one turn, taken
        let gate = ConnectionGate(permits: 1, timeout: .milliseconds(100))
        try await gate.acquire()
        // MUT + validation: the next caller is refused as busy
        await #expect(throws: DatabaseBusy.self) { try await gate.acquire() }
        // a turn given back goes to the next caller
        async let waiting: Void = gate.acquire()
        try await Task.sleep(for: .milliseconds(20))
        gate.release()
        try await waiting
        gate.release()
        try await gate.acquire()
        gate.release()
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let gate = ConnectionGate(permits: 1, timeout: .seconds(30))
        try await gate.acquire()
        let waiter = Task { try await gate.acquire() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // the turn given back is free again, not handed to the cancelled waiter
        gate.release()
        try await gate.acquire()
        gate.release()
    }
}
