import Foundation
import SimulationCore

/// How long a client waits before a retry. `k` is the number of retries
/// already taken (0 before the first retry) throughout.
///
/// Sources (docs/mechanisms.md#backoff-and-jitter has their links):
/// - `exponential`, `fullJitter`, `equalJitter`, `decorrelated`: AWS
///   "Exponential Backoff and Jitter" (Brooker, 2015), as coded in the
///   simulator the post used, aws-samples/aws-arch-backoff-simulator
///   `src/backoff_simulator.py` [src]. Differs from the source: there the
///   first retry already has `attempt = 1`, so the non-decorrelated waits
///   start at `min(cap, 2·base)`; here k starts at 0, so at `min(cap, base)`.
/// - `stainlessSDK`: the OpenAI and Anthropic Python SDKs (`_base_client.py`,
///   `_constants.py`) [src], at HEAD.
/// - `urllib3`: `urllib3/util/retry.py` [src].
/// - `grpc`: grpc/proposal `A6-client-retries.md` [src].
/// - `envoy`: Envoy's router filter docs [src].
///
/// ```swift
/// var rng = RandomStream(seed: 1).stream("retry-jitter")
/// let wait = Backoff.openAI.delay(retriesTaken: 0, previous: 0, &rng)   // 0.375–0.5 s
/// ```
package enum Backoff: Sendable, Equatable {
    /// Retry at once.
    case none
    /// `min(cap, base·2^k)`.
    case exponential(base: Double, cap: Double)
    /// `U(0, min(cap, base·2^k))`.
    case fullJitter(base: Double, cap: Double)
    /// `t = min(cap, base·2^k)`, then `t/2 + U(0, t/2)`.
    case equalJitter(base: Double, cap: Double)
    /// `min(cap, U(base, 3·previous))`, with `previous = base` before the
    /// first retry.
    case decorrelated(base: Double, cap: Double)
    /// The Stainless-generated SDKs (OpenAI, Anthropic, and DeepSeek through
    /// the OpenAI SDK): `min(initial·2^k, max)·(1 − 0.25·U)`, with
    /// `INITIAL_RETRY_DELAY = 0.5` and `MAX_RETRY_DELAY = 8.0`.
    case stainlessSDK(initial: Double, max: Double)
    /// urllib3 `Retry`: 0 before the first retry, then
    /// `backoff_factor·2^k + U(0, backoff_jitter)`, at most `backoff_max`
    /// (`2^k` is `2^(consecutive_errors − 1)` with k + 1 errors so far).
    case urllib3(backoffFactor: Double, backoffJitter: Double, backoffMax: Double)
    /// gRPC A6: the (k+1)-th attempt's retry waits
    /// `U(0, min(initialBackoff·multiplier^k, maxBackoff))`.
    case grpc(initialBackoff: Double, multiplier: Double, maxBackoff: Double)
    /// Envoy route retries: `U[0, min((2^(k+1) − 1)·base, max))`, with base
    /// 25 ms and max 10× base (250 ms).
    case envoy(base: Double, max: Double)

    /// A scenario's backoff parameters when its kind is given without them
    /// (`client.retry.backoff`: `base` 1 s, `cap` 30 s, `multiplier` 2,
    /// `jitter` 0); each kind reads the ones it has.
    package static let defaultBase = 1.0
    /// See ``defaultBase``.
    package static let defaultCap = 30.0
    /// See ``defaultBase``.
    package static let defaultMultiplier = 2.0
    /// See ``defaultBase``.
    package static let defaultJitter = 0.0

    /// OpenAI Python SDK defaults (0.375–0.5 s, then 0.75–1 s, …, ≤ 8 s).
    package static let openAI = Backoff.stainlessSDK(initial: 0.5, max: 8)
    /// Anthropic Python SDK defaults (the same Stainless constants).
    package static let anthropic = Backoff.stainlessSDK(initial: 0.5, max: 8)
    /// urllib3 defaults: `backoff_factor = 0`, so no wait at all.
    package static let urllib3Default = Backoff.urllib3(backoffFactor: 0, backoffJitter: 0, backoffMax: 120)
    /// The retry policy example of gRPC A6: 0.1 s initial, ×2, at most 1 s
    /// (grpc/proposal `A6-client-retries.md`, its example `retryPolicy`
    /// [src]; gRPC has no default policy).
    package static let grpcExample = Backoff.grpc(initialBackoff: 0.1, multiplier: 2, maxBackoff: 1)
    /// Envoy's default retry back-off: base 25 ms, max 250 ms.
    package static let envoyDefault = Backoff.envoy(base: 0.025, max: 0.25)

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the backoff's mapping (`client.retry.backoff`), where
    /// every kind states its first wait as `base`, its largest as `cap`,
    /// and gRPC's growth as `multiplier`, urllib3's as `jitter`.
    package func validate(at path: String = "client.retry.backoff") throws(ServingModelError) {
        func positive(_ v: Double, _ name: String) throws(ServingModelError) {
            try ServingModelError.check(v.isFinite && v > 0, "\(path).\(name)", v, "a duration > 0")
        }
        func atLeast(_ cap: Double, _ base: Double) throws(ServingModelError) {
            try ServingModelError.check(cap.isFinite && cap >= base, "\(path).cap", cap, "a duration >= the base (\(base))")
        }
        switch self {
        case .none: return
        case .exponential(let b, let c), .fullJitter(let b, let c), .equalJitter(let b, let c), .decorrelated(let b, let c),
             .stainlessSDK(let b, let c), .envoy(let b, let c):
            try positive(b, "base")
            try atLeast(c, b)
        case .urllib3(let f, let j, let m):
            try ServingModelError.check(f.isFinite && f >= 0, path + ".base", f, "a duration >= 0")
            try ServingModelError.check(j.isFinite && j >= 0, path + ".jitter", j, "a duration >= 0")
            try ServingModelError.check(m.isFinite && m >= 0, path + ".cap", m, "a duration >= 0")
        case .grpc(let i, let mult, let m):
            try positive(i, "base")
            try ServingModelError.check(mult.isFinite && mult > 0, path + ".multiplier", mult, "a number > 0")
            try positive(m, "cap")
        }
    }

    /// The wait before the next retry after `retriesTaken` retries;
    /// `previous` is the last wait (used only by `decorrelated`).
    package func delay(retriesTaken k: Int, previous: Double, _ rng: inout RandomStream) -> Double {
        let k = Double(min(k, 1000))
        switch self {
        case .none:
            return 0
        case .exponential(let base, let cap):
            return min(cap, base * pow(2, k))
        case .fullJitter(let base, let cap):
            return rng.nextUniform() * min(cap, base * pow(2, k))
        case .equalJitter(let base, let cap):
            let t = min(cap, base * pow(2, k))
            return t / 2 + rng.nextUniform() * t / 2
        case .decorrelated(let base, let cap):
            let high = 3 * (k == 0 ? base : previous)
            return min(cap, base + rng.nextUniform() * (high - base))
        case .stainlessSDK(let initial, let maxDelay):
            return min(initial * pow(2, k), maxDelay) * (1 - 0.25 * rng.nextUniform())
        case .urllib3(let factor, let jitter, let maxDelay):
            guard k >= 1 else { return 0 }
            let value = factor * pow(2, k) + (jitter > 0 ? rng.nextUniform() * jitter : 0)
            return max(0, min(maxDelay, value))
        case .grpc(let initial, let multiplier, let maxBackoff):
            return rng.nextUniform() * min(initial * pow(multiplier, k), maxBackoff)
        case .envoy(let base, let maxInterval):
            return rng.nextUniform() * min((pow(2, k + 1) - 1) * base, maxInterval)
        }
    }
}
