/// Refusals and losses the attribution counts where they happen, beyond
/// the counters ``ServingMetrics`` and ``ClientMetrics`` keep: those a
/// replica causes, per replica, so a diagnosis can tell one bad replica
/// from a fleet-wide cause.
package struct AttributionErrors: Sendable, Equatable {
    /// Attempts answered with an injected error by a replica
    /// (`cluster.faults.errors`), per replica.
    package var injectedByReplica: [Int] = []
    /// Attempts aborted by the gateway's fault filter (`gateway.faults.abort`).
    package var faultAborts = 0
    /// Tries reset by the gateway's per-try timeout, per replica.
    package var perTryTimeoutsByReplica: [Int] = []
    /// Attempts the client's per-try timeout gave up on, per replica
    /// (those still at the gateway are not counted here).
    package var attemptTimeoutsByReplica: [Int] = []
    /// User requests whose deadline passed while their attempt was at a
    /// replica, per replica.
    package var abandonedByReplica: [Int] = []

    /// Empty.
    package init() {}

    @inline(__always) static func bump(_ a: inout [Int], _ r: Int) {
        guard r >= 0 else { return }
        if r >= a.count { a.append(contentsOf: repeatElement(0, count: r + 1 - a.count)) }
        a[r] += 1
    }

    /// Total injected errors.
    package var injected: Int { injectedByReplica.reduce(0, +) }
}
