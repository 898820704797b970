/// The state of a circuit breaker.
package enum CircuitState: Sendable, Equatable {
    /// Calls flow and outcomes are counted.
    case closed
    /// Calls are refused until the wait is over.
    case open
    /// A limited number of trial calls decide whether to close or reopen.
    case halfOpen
}

/// A client-side circuit breaker of one of two kinds (docs/mechanisms.md#circuit-breakers):
/// ``HystrixCircuitBreaker`` (Netflix Hystrix) or
/// ``Resilience4jCircuitBreaker``.
///
/// Use: ask ``tryAcquirePermission(now:)`` before each call (a refused call
/// fails fast without reaching the service and is not counted); report each
/// permitted call's outcome with ``record(failed:duration:now:)``.
package enum CircuitBreaker: Sendable, Equatable {
    /// Netflix Hystrix rules.
    case hystrix(HystrixCircuitBreaker)
    /// resilience4j rules.
    case resilience4j(Resilience4jCircuitBreaker)

    /// Checks the parameters, naming the first bad one.
    package func validate() throws(ServingModelError) {
        switch self {
        case .hystrix(let b): try b.validate()
        case .resilience4j(let b): try b.validate()
        }
    }

    /// The current state (an open breaker whose wait is over reads as open
    /// until a call asks for permission).
    package var state: CircuitState {
        switch self {
        case .hystrix(let b): return b.state
        case .resilience4j(let b): return b.state
        }
    }

    /// Whether a call may go out at `now`.
    package mutating func tryAcquirePermission(now: Double) -> Bool {
        switch self {
        case .hystrix(var b):
            let ok = b.tryAcquirePermission(now: now)
            self = .hystrix(b)
            return ok
        case .resilience4j(var b):
            let ok = b.tryAcquirePermission(now: now)
            self = .resilience4j(b)
            return ok
        }
    }

    /// Records the outcome of a permitted call that took `duration` seconds.
    package mutating func record(failed: Bool, duration: Double, now: Double) {
        switch self {
        case .hystrix(var b):
            b.record(failed: failed, now: now)
            self = .hystrix(b)
        case .resilience4j(var b):
            b.record(failed: failed, duration: duration, now: now)
            self = .resilience4j(b)
        }
    }
}

extension Optional where Wrapped == CircuitBreaker {
    /// Whether the breaker, if there is one, lets a call out at `now`.
    /// The breaker is mutated in place: nil stands in while its payload
    /// changes, so its windows are not copied.
    mutating func permitsCall(now: Double) -> Bool {
        switch self {
        case .hystrix(var b)?:
            self = nil
            defer { self = .hystrix(b) }
            return b.tryAcquirePermission(now: now)
        case .resilience4j(var b)?:
            self = nil
            defer { self = .resilience4j(b) }
            return b.tryAcquirePermission(now: now)
        case nil:
            return true
        }
    }

    /// Records a permitted call's outcome with the breaker, if there is one.
    mutating func recordOutcome(failed: Bool, duration: Double, now: Double) {
        switch self {
        case .hystrix(var b)?:
            self = nil
            b.record(failed: failed, now: now)
            self = .hystrix(b)
        case .resilience4j(var b)?:
            self = nil
            b.record(failed: failed, duration: duration, now: now)
            self = .resilience4j(b)
        case nil:
            break
        }
    }
}
