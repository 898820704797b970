import DequeModule
import SimulationCore

/// The clients' mutable state: user requests in flight, the semaphore and
/// its queue, breaker, cache, retry throttles, and their random streams.
struct ClientState: Sendable {
    var calls = CallTable()
    /// Attempts holding a permit of the concurrency limit.
    var permitsInUse = 0
    /// Calls waiting for a permit (first attempt or a retry).
    var waitingForPermit = Deque<(call: Int32, generation: UInt32)>()
    /// Attempts in flight over all users (Envoy's "active requests").
    var attemptsInFlight = 0
    /// The breaker, kept by kind so that calls mutate it in place.
    var hystrix: HystrixCircuitBreaker?
    var resilience4j: Resilience4jCircuitBreaker?
    var cache: ResponseCache?
    var throttle: RetryThrottle?
    var budget: RetryBudget?
    /// Start of the current run of 503s/timeouts without a success.
    var errorStreakStart: Double?
    var jitter: RandomStream
    var patience: RandomStream
    var keys: RandomStream
    var think: RandomStream
    var fallbackStream: RandomStream

    init(configuration c: ClientConfiguration, stream: RandomStream) {
        switch c.breaker {
        case .hystrix(let b)?: hystrix = b
        case .resilience4j(let b)?: resilience4j = b
        case nil: break
        }
        cache = c.cache?.cache
        throttle = c.throttle
        budget = c.budget
        jitter = stream.stream("jitter")
        patience = stream.stream("patience")
        keys = stream.stream("keys")
        think = stream.stream("think")
        fallbackStream = stream.stream("fallback")
    }

    /// Whether the breaker (if any) lets a call out at `now`.
    mutating func breakerPermits(now: Double) -> Bool {
        if hystrix != nil { return hystrix!.tryAcquirePermission(now: now) }
        if resilience4j != nil { return resilience4j!.tryAcquirePermission(now: now) }
        return true
    }

    /// Records a permitted call's outcome with the breaker (if any).
    mutating func breakerRecord(failed: Bool, duration: Double, now: Double) {
        if hystrix != nil { hystrix!.record(failed: failed, now: now) }
        if resilience4j != nil { resilience4j!.record(failed: failed, duration: duration, now: now) }
    }

    /// The breaker's state (nil without one).
    var breakerState: CircuitState? { hystrix?.state ?? resilience4j?.state }
}
