import DequeModule

/// Where an attempt stands with the gateway's connection pools.
enum PoolUse: UInt8, Sendable {
    /// No pool, or not yet through the balancer.
    case none
    /// Waiting in a host's pending list.
    case pending
    /// Holding a connection to its replica.
    case connected
}

/// Envoy's HTTP/1.1 upstream connection pools under the cluster's
/// `max_connections` and `max_pending_requests` circuit breakers.
///
/// One request uses a connection from its dispatch until its response ends
/// (a streamed LLM answer holds it to the last token). The balancer picks a
/// host first; the host's pool then reuses an idle connection, or opens one
/// while the cluster holds fewer than `max_connections` (and always when the
/// host has none: Envoy gives every chosen host at least one). Otherwise the
/// request waits in that host's pending list, first come first served, for
/// one of the host's connections to free; with `max_pending_requests`
/// already waiting it fails at once with a 503 (`upstream_rq_pending_overflow`).
/// Connections stay open for reuse; a reset (the client's cancel, a
/// connection error) closes one, and a host that goes down loses all.
struct ConnectionPool: Sendable {
    /// Envoy's default for both breakers (`max_connections`, `max_pending_requests`).
    static let envoyDefaultLimit = 1024
    /// Cluster-wide connection limit (Envoy default 1024).
    let maxConnections: Int
    /// Cluster-wide limit on requests waiting for a connection (default 1024).
    let maxPendingRequests: Int
    /// Open connections per host.
    private(set) var open: [Int]
    /// Connections per host carrying a request.
    private(set) var active: [Int]
    /// Open connections over all hosts.
    private(set) var totalOpen = 0
    /// Requests waiting for a connection per host, oldest first; a withdrawn
    /// one stays as a tombstone (its slot reads done) until popped.
    var pending: [Deque<Int32>]
    /// Requests waiting, tombstones excluded.
    private(set) var livePending = 0

    /// Pools for `hosts` hosts, none of them connected yet.
    init(maxConnections: Int, maxPendingRequests: Int, hosts: Int) {
        self.maxConnections = maxConnections
        self.maxPendingRequests = maxPendingRequests
        open = Array(repeating: 0, count: hosts)
        active = Array(repeating: 0, count: hosts)
        pending = Array(repeating: Deque(), count: hosts)
    }

    /// Takes a connection to host `h` for a request: an idle one, or a new
    /// one if the breaker allows it. False: none can be had now.
    mutating func acquire(_ h: Int) -> Bool {
        if active[h] < open[h] {
            active[h] += 1
            return true
        }
        guard totalOpen < maxConnections || open[h] == 0 else { return false }
        open[h] += 1
        totalOpen += 1
        active[h] += 1
        return true
    }

    /// A request on host `h` ended: its connection goes idle, or closes
    /// after a reset.
    mutating func release(_ h: Int, close: Bool) {
        active[h] -= 1
        if close {
            open[h] -= 1
            totalOpen -= 1
        }
    }

    /// Whether another request may wait for a connection.
    var hasPendingRoom: Bool { livePending < maxPendingRequests }

    /// Queues request `id` for host `h`.
    mutating func wait(_ id: Int32, for h: Int) {
        pending[h].append(id)
        livePending += 1
    }

    /// A waiting request left its pending list (served, withdrawn or failed).
    mutating func leftPending() { livePending -= 1 }

    /// Host `h` went down or was removed: its connections are gone (its
    /// requests end through their own release first).
    mutating func closeAll(_ h: Int) {
        assert(active[h] == 0, "a request of a failed host still holds a connection")
        totalOpen -= open[h]
        open[h] = 0
    }
}
