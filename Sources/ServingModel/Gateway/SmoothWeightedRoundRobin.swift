/// nginx's smooth weighted round robin with passive health accounting
/// (`src/http/ngx_http_upstream_round_robin.c`, `ngx_http_upstream_get_peer`
/// and `ngx_http_upstream_free_round_robin_peer`; https://github.com/nginx/nginx [src]).
///
/// Each pick: for every eligible peer `cw += ew; total += ew; if ew < w:
/// ew++`; the peer with the largest `cw` wins (the first on ties) and
/// `best.cw -= total`. Weights 5:1:1 give `a a b a c a a`. A failure does
/// `fails++` and `ew -= w/max_fails` (integer division, floored at 0), so a
/// recovered peer ramps back one unit per round. A peer with
/// `fails ≥ max_fails` is skipped until `fail_timeout` has passed since its
/// last failure; a later success resets `fails`. Backup peers are used only
/// when no primary is eligible (`ngx_http_upstream_get_round_robin_peer`
/// turns to `peers->next` only at its `failed:` label [src]). With no
/// eligible peer at all ``pick(now:excluding:)`` returns `nil` (nginx answers
/// 502 "no live upstreams"). A group of a single server never counts its
/// failures, so it is never considered unavailable (nginx's
/// `peers->single` path in `ngx_http_upstream_free_round_robin_peer` [src];
/// a lone primary with backups does not count as single, since
/// `ngx_http_upstream_init_round_robin` clears `single` when there are
/// backups [src], and here it does not either).
///
/// ```swift
/// var lb = SmoothWeightedRoundRobin(peers: [.init(weight: 5), .init(weight: 1), .init(weight: 1)])
/// let i = lb.pick(now: 0)!     // 0
/// lb.finished(i, failed: false, now: 0.2)
/// ```
///
/// - Complexity: O(peers) per pick.
package struct SmoothWeightedRoundRobin: Sendable, Equatable {
    /// The upstream servers, with their state.
    package private(set) var peers: [UpstreamPeer]

    /// A group over `peers` (primaries and backups in any order).
    package init(peers: [UpstreamPeer]) {
        self.peers = peers
    }

    /// Checks every peer and that there is at least one primary.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(peers.contains { !$0.isBackup }, "upstream.servers", peers.count, "at least one non-backup server")
        for (i, p) in peers.enumerated() { try p.validate(key: "upstream.servers[\(i)]") }
    }

    /// Chooses a peer at `now`, skipping those in `tried` (already tried for
    /// this request), and counts a connection to it. `nil` when none is
    /// eligible.
    package mutating func pick(now: Double, excluding tried: Set<Int> = []) -> Int? {
        guard let best = Self.smoothPick(&peers, now: now, tried: tried, backup: false)
            ?? Self.smoothPick(&peers, now: now, tried: tried, backup: true) else { return nil }
        peers[best].markChosen(now: now)
        return best
    }

    /// Reports the end of a request to `peer`; `failed` per the proxy's
    /// `proxy_next_upstream` conditions (error, timeout, chosen 5xx).
    package mutating func finished(_ peer: Int, failed: Bool, now: Double) {
        peers[peer].markFinished(failed: failed && peers.count > 1, now: now)
    }

    /// One smooth-WRR round over the eligible peers of one tier (backups or
    /// primaries); with `tiedWith` = (conns, weight), only over peers whose
    /// `conns/weight` equals that ratio (least_conn's tie-break).
    static func smoothPick(_ peers: inout [UpstreamPeer], now: Double, tried: Set<Int>, backup: Bool,
                           tiedWith: (conns: Int, weight: Int)? = nil) -> Int? {
        var best: Int?
        var total = 0
        for i in peers.indices where peers[i].isBackup == backup && !tried.contains(i) && peers[i].isEligible(now: now) {
            if let t = tiedWith, peers[i].conns * t.weight != t.conns * peers[i].weight { continue }
            peers[i].currentWeight += peers[i].effectiveWeight
            total += peers[i].effectiveWeight
            if peers[i].effectiveWeight < peers[i].weight { peers[i].effectiveWeight += 1 }
            if best == nil || peers[i].currentWeight > peers[best!].currentWeight { best = i }
        }
        if let b = best { peers[b].currentWeight -= total }
        return best
    }
}
