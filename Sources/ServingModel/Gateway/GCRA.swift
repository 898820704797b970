/// The generic cell rate algorithm (virtual scheduling form; ITU-T I.371,
/// https://www.itu.int/rec/T-REC-I.371 [2nd: not found in any corpus searched]): one timestamp of state, the theoretical arrival
/// time TAT.
///
/// With emission interval T = 1/rate and burst tolerance τ, a request of
/// cost n at time t is refused if `max(TAT, t) + n·T − t > τ + T`; otherwise
/// `TAT = max(TAT, t) + n·T`. For n = 1 this is the textbook rule "reject if
/// t < TAT − τ, else TAT = max(TAT, t) + T". It admits exactly what a
/// continuously refilled ``TokenBucket`` of depth τ/T + 1 admits (the
/// weighted form follows redis-cell's `allow_at = new_tat − (τ + T)`:
/// `new_tat - delay_variation_tolerance`, the tolerance being
/// `period·(max_burst + 1)`, brandur/redis-cell `src/cell/mod.rs` [src]).
///
/// ```swift
/// // 10 requests/s with bursts of 5: τ = (5 − 1)·0.1
/// var limiter = GCRA(emissionInterval: 0.1, burstTolerance: 0.4)
/// ```
///
/// - Complexity: O(1) per call.
package struct GCRA: Sendable, Equatable {
    /// T, seconds per unit of cost (1/rate).
    package let emissionInterval: Double
    /// τ, how far ahead of schedule requests may run, in seconds.
    package let burstTolerance: Double
    /// The theoretical arrival time.
    package private(set) var theoreticalArrivalTime: Double

    /// A limiter at rate 1/`emissionInterval` with tolerance `burstTolerance`,
    /// idle (a full burst available) from `start`.
    package init(emissionInterval: Double, burstTolerance: Double, start: Double = 0) {
        self.emissionInterval = emissionInterval
        self.burstTolerance = burstTolerance
        self.theoreticalArrivalTime = start
    }

    /// The GCRA equivalent to a token bucket of depth `burst` refilled at
    /// `rate` per second: T = 1/rate, τ = (burst − 1)·T.
    package init(rate: Double, burst: Double, start: Double = 0) {
        self.init(emissionInterval: 1 / rate, burstTolerance: (burst - 1) / rate, start: start)
    }

    /// Checks the parameters, naming the first bad one.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(emissionInterval.isFinite && emissionInterval > 0, "gcra.emission_interval", emissionInterval, "a duration > 0 (1/rate)")
        try ServingModelError.check(burstTolerance.isFinite && burstTolerance >= 0, "gcra.burst_tolerance", burstTolerance, "a duration >= 0")
    }

    /// Admits a request of `cost` units at `now` or says how long until it
    /// would be admitted (`.infinity` when `cost` exceeds the burst depth).
    package mutating func acquire(_ cost: Double = 1, now: Double) -> RateLimitDecision {
        let increment = cost * emissionInterval
        let newTAT = max(theoreticalArrivalTime, now) + increment
        let allowAt = newTAT - (burstTolerance + emissionInterval)
        if now >= allowAt {
            theoreticalArrivalTime = newTAT
            return .admit
        }
        guard increment <= burstTolerance + emissionInterval else { return .reject(retryAfter: .infinity) }
        return .reject(retryAfter: allowAt - now)
    }

    /// Gives back `amount` units charged earlier (a reservation settled
    /// below its estimate): TAT moves back by `amount·T`. A TAT before
    /// `now` acts as `now`, so no credit beyond a full burst builds up.
    package mutating func refund(_ amount: Double, now: Double) {
        theoreticalArrivalTime = max(now, theoreticalArrivalTime - amount * emissionInterval)
    }
}
