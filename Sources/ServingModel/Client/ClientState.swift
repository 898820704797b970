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
    var breaker: CircuitBreaker?
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
        breaker = c.breaker
        cache = c.cache?.cache
        throttle = c.throttle
        budget = c.budget
        jitter = stream.stream("jitter")
        patience = stream.stream("patience")
        keys = stream.stream("keys")
        think = stream.stream("think")
        fallbackStream = stream.stream("fallback")
    }
}
