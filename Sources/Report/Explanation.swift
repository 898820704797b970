import ServingModel

/// What `headroom explain` prints: a one-line diagnosis and the lever that
/// moves it, where the requests at or above each percentile spent their
/// time, and the errors by cause. Built by ``ExplainReport``.
package struct Explanation: Sendable, Encodable, Equatable {
    /// The scenario's name.
    package var scenario: String
    /// One line naming the cause, with the measured share or count behind it.
    package var diagnosis: String
    /// What moves it, in the scenario's own keys.
    package var lever: String
    /// Which rule decided: `retry_storm`, `errors` or `latency`.
    package var basis: String
    /// The decompositions: p50 and p99 of TTFT and end-to-end latency.
    package var groups: [Group]
    /// Errors by cause, largest first (causes with none left out).
    package var errors: [Cause]
    /// Measured user requests (with a client layer) or requests.
    package var requests: Int
    /// Attempts sent (equal to ``requests`` without a client layer).
    package var attempts: Int
    /// Whether the run had a client layer or gateway (``requests`` are then user requests).
    package var userRequests: Bool

    /// The requests at or above one percentile of one latency.
    package struct Group: Sendable, Encodable, Equatable {
        /// `ttft` or `e2e`.
        package var latency: String
        /// `p50` or `p99`.
        package var percentile: String
        /// Lower edge of the 2%-wide latency bin holding the percentile (s).
        package var thresholdSeconds: Double
        /// Requests in the group.
        package var count: Int
        /// The group's mean latency (s): the sum of ``parts``.
        package var meanSeconds: Double
        /// Each part's mean seconds and share, in ``AttributionPart`` order,
        /// the empty ones left out.
        package var parts: [Part]
    }

    /// One part of a group's latency.
    package struct Part: Sendable, Encodable, Equatable {
        /// The part's key (``AttributionPart/key``).
        package var part: String
        /// Mean seconds over the group.
        package var seconds: Double
        /// Share of the group's mean latency.
        package var share: Double
    }

    /// One cause of error.
    package struct Cause: Sendable, Encodable, Equatable {
        /// Its key, e.g. `injected_error`.
        package var cause: String
        /// Words for it.
        package var label: String
        /// How many (attempts, or user requests for `abandoned`).
        package var count: Int
        /// The replica with the most of them, when it has at least half of
        /// them in a fleet of two or more (nil otherwise).
        package var replica: Int?
        /// That replica's share of them.
        package var replicaShare: Double?
    }
}
