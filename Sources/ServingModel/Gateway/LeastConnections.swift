/// nginx `least_conn` (`src/http/modules/ngx_http_upstream_least_conn_module.c`,
/// https://github.com/nginx/nginx [src]): the eligible peer with the fewest connections
/// per unit of configured weight (`conns/weight`, compared as
/// `conns_a·weight_b < conns_b·weight_a`) wins; when several tie, smooth
/// weighted round robin among just those decides. Eligibility, failure
/// accounting (`max_fails`, `fail_timeout`, effective weight, a lone server
/// never failing) and backup servers follow ``SmoothWeightedRoundRobin``.
///
/// - Complexity: O(peers) per pick.
package struct LeastConnections: Sendable, Equatable {
    /// The upstream servers, with their state.
    package private(set) var peers: [UpstreamPeer]

    /// A group over `peers`.
    package init(peers: [UpstreamPeer]) {
        self.peers = peers
    }

    /// Checks every peer and that there is at least one primary.
    package func validate() throws(ServingModelError) {
        try SmoothWeightedRoundRobin(peers: peers).validate()
    }

    /// Chooses a peer at `now`, skipping `tried`, and counts a connection
    /// to it; `nil` when none is eligible.
    package mutating func pick(now: Double, excluding tried: Set<Int> = []) -> Int? {
        guard let best = pick(now: now, tried: tried, backup: false) ?? pick(now: now, tried: tried, backup: true)
        else { return nil }
        peers[best].markChosen(now: now)
        return best
    }

    /// Reports the end of a request to `peer`.
    package mutating func finished(_ peer: Int, failed: Bool, now: Double) {
        peers[peer].markFinished(failed: failed && peers.count > 1, now: now)
    }

    private mutating func pick(now: Double, tried: Set<Int>, backup: Bool) -> Int? {
        var best: Int?
        var many = false
        for i in peers.indices where peers[i].isBackup == backup && !tried.contains(i) && peers[i].isEligible(now: now) {
            guard let b = best else { best = i; continue }
            let lhs = peers[i].conns * peers[b].weight
            let rhs = peers[b].conns * peers[i].weight
            if lhs < rhs {
                best = i
                many = false
            } else if lhs == rhs {
                many = true
            }
        }
        guard let b = best else { return nil }
        guard many else { return b }
        return SmoothWeightedRoundRobin.smoothPick(&peers, now: now, tried: tried, backup: backup,
                                                   tiedWith: (peers[b].conns, peers[b].weight))
    }
}
