/// One server of an nginx-style upstream group: its configuration
/// (`server ... weight= max_fails= fail_timeout= max_conns= backup down`)
/// and the per-peer state nginx keeps in `ngx_http_upstream_rr_peer_t`
/// (nginx/nginx `src/http/ngx_http_upstream_round_robin.h` [src]).
package struct UpstreamPeer: Sendable, Equatable {
    /// Configured weight `w` (nginx default 1).
    package var weight: Int
    /// Failures within `failTimeout` that make the peer unavailable
    /// (nginx `max_fails`, default 1; 0 disables the accounting).
    package var maxFails: Int
    /// Both the window in which failures are counted and how long the peer
    /// then stays unavailable (nginx `fail_timeout`, default 10 s).
    package var failTimeout: Double
    /// Most concurrent connections (nginx `max_conns`, 0 = unlimited).
    package var maxConns: Int
    /// A `backup` server: used only when every primary is unavailable.
    package var isBackup: Bool
    /// Marked `down`: never chosen.
    package var isDown: Bool

    /// The smooth WRR current weight `cw`.
    package internal(set) var currentWeight = 0
    /// The effective weight `ew`, lowered by failures and raised by one per
    /// selection round until it is back at `weight`.
    package internal(set) var effectiveWeight: Int
    /// Failures counted since the last reset (`fails`).
    package internal(set) var fails = 0
    /// Time of the last failure (`accessed`).
    package internal(set) var accessed = -Double.infinity
    /// Start of the current failure window (`checked`).
    package internal(set) var checked = -Double.infinity
    /// Requests in flight (`conns`).
    package internal(set) var conns = 0

    /// A peer with nginx's defaults unless given.
    package init(weight: Int = 1, maxFails: Int = 1, failTimeout: Double = 10, maxConns: Int = 0,
                isBackup: Bool = false, isDown: Bool = false) {
        self.weight = weight
        self.maxFails = maxFails
        self.failTimeout = failTimeout
        self.maxConns = maxConns
        self.isBackup = isBackup
        self.isDown = isDown
        self.effectiveWeight = weight
    }

    /// Checks the configuration; `key` prefixes the parameter names.
    package func validate(key: String) throws(ServingModelError) {
        try ServingModelError.check(weight >= 1, "\(key).weight", weight, "an integer >= 1")
        try ServingModelError.check(maxFails >= 0, "\(key).max_fails", maxFails, "an integer >= 0")
        try ServingModelError.check(failTimeout.isFinite && failTimeout > 0, "\(key).fail_timeout", failTimeout, "a duration > 0")
        try ServingModelError.check(maxConns >= 0, "\(key).max_conns", maxConns, "an integer >= 0 (0 = unlimited)")
    }

    /// Whether nginx would consider the peer at `now` (not down, not failed
    /// out within `fail_timeout`, below `max_conns`).
    package func isEligible(now: Double) -> Bool {
        if isDown { return false }
        if maxFails > 0, fails >= maxFails, now - checked <= failTimeout { return false }
        if maxConns > 0, conns >= maxConns { return false }
        return true
    }

    /// nginx `ngx_http_upstream_get_round_robin_peer`: a chosen peer whose
    /// failure window has expired starts a new one.
    mutating func markChosen(now: Double) {
        conns += 1
        if now - checked > failTimeout { checked = now }
    }

    /// nginx `ngx_http_upstream_free_round_robin_peer`.
    mutating func markFinished(failed: Bool, now: Double) {
        conns -= 1
        if failed {
            fails += 1
            accessed = now
            checked = now
            if maxFails > 0 { effectiveWeight = max(0, effectiveWeight - weight / maxFails) }
        } else if accessed < checked {
            fails = 0
        }
    }
}
