import Testing
@testable import ServingModel

/// Envoy's HTTP/1.1 connection pools under `max_connections`.
@Suite struct ConnectionPoolToolboxTests {
    /// Acquires a connection to each host in `hosts`, in order.
    static func acquire(_ pool: inout ConnectionPool, _ hosts: [Int]) -> [Bool] {
        hosts.map { pool.acquire($0) }
    }

    @Test func idleConnectionsAreReusedAndTheBreakerCapsNewOnes() {
        var pool = ConnectionPool(maxConnections: 3, maxPendingRequests: 10, hosts: 2)
        #expect(Self.acquire(&pool, [0, 0, 1]) == [true, true, true])
        #expect(pool.totalOpen == 3)
        // The cluster holds 3: host 0 can open no fourth.
        #expect(Self.acquire(&pool, [0]) == [false])
        pool.release(0, close: false)
        // The idle connection is reused: no new one opens.
        #expect(Self.acquire(&pool, [0]) == [true])
        #expect(pool.totalOpen == 3 && pool.open == [2, 1] && pool.active == [2, 1])
        // A reset closes its connection: room for one more.
        pool.release(1, close: true)
        #expect(pool.totalOpen == 2 && pool.open == [2, 0])
        #expect(Self.acquire(&pool, [0]) == [true])
        #expect(pool.open == [3, 0])
    }

    /// "Even if this circuit breaker has overflowed, Envoy will ensure that a
    /// host selected by cluster load balancing has at least one connection."
    @Test func aChosenHostAlwaysGetsOneConnection() {
        var pool = ConnectionPool(maxConnections: 1, maxPendingRequests: 0, hosts: 3)
        #expect(Self.acquire(&pool, [0, 1, 2, 1]) == [true, true, true, false])
        #expect(pool.totalOpen == 3)
        #expect(!pool.hasPendingRoom)
    }

    @Test func pendingRoomCountsLiveWaitersOnly() {
        var pool = ConnectionPool(maxConnections: 1, maxPendingRequests: 2, hosts: 1)
        pool.wait(7, for: 0)
        pool.wait(8, for: 0)
        #expect(!pool.hasPendingRoom && pool.livePending == 2)
        pool.leftPending()
        #expect(pool.hasPendingRoom && pool.pending[0].count == 2)
    }

    @Test func aFailedHostLosesItsConnections() {
        var pool = ConnectionPool(maxConnections: 4, maxPendingRequests: 4, hosts: 2)
        #expect(Self.acquire(&pool, [0, 0, 1]) == [true, true, true])
        pool.release(0, close: false)  // idle
        pool.release(0, close: true)   // reset
        pool.closeAll(0)
        #expect(pool.totalOpen == 1 && pool.open == [0, 1])
    }
}
