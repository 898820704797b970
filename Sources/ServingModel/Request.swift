/// Where a request is in its life.
package enum RequestPhase: UInt8, Sendable {
    /// Waiting in a queue (gateway or replica).
    case waiting
    /// Admitted to a replica's batch (prefilling or decoding).
    case running
    /// Finished or dropped; the slot is free.
    case done
}

/// One request in flight. A small value kept in a slab: no class instance,
/// no reference counting on the hot path.
package struct Request: Sendable {
    /// Arrival time (s).
    package var arrival: Double
    /// Prompt tokens to prefill (grows by generated tokens on a recompute).
    package var prompt: Int32
    /// Output tokens to generate.
    package var output: Int32
    /// Prompt tokens prefilled so far.
    package var prefilled: Int32 = 0
    /// Output tokens generated so far.
    package var generated: Int32 = 0
    /// KV blocks held.
    package var blocks: Int32 = 0
    /// Replica assigned (-1: none yet).
    package var replica: Int32 = -1
    /// Tenant index.
    package var tenant: Int16
    /// Whether it arrived inside the measurement window.
    package var measured: Bool
    /// Phase.
    package var phase: RequestPhase = .waiting
    /// Whether it is a member of a micro-batch in flight.
    package var inFlight = false
    /// Time it was first scheduled (s, -1 before).
    package var firstScheduled: Double = -1
    /// Time its first token was produced (s, -1 before).
    package var firstToken: Double = -1
    /// Reuse counter of the slot, to recognise stale timers.
    package var generation: UInt32 = 0
    /// The user request this is an attempt of (-1: no client layer).
    package var call: Int32 = -1
    /// The call slot's generation when the attempt was sent.
    package var callGeneration: UInt32 = 0
    /// Whether the client stopped waiting for it (timed out, abandoned,
    /// or a hedge already answered): its answer is wasted work.
    package var orphan = false
    /// Whether it is a retry (counts against a retry budget while in flight).
    package var isRetry = false
    /// Whether its client's abort reached the replica while the sequence was
    /// in an iteration: it leaves when that iteration ends.
    package var aborted = false
    /// The call's attempt sent before this one and its slot generation
    /// (-1: none), so a call can close its attempts without a search.
    package var previousAttempt: Int32 = -1
    package var previousAttemptGeneration: UInt32 = 0
    /// Gateway (Envoy route) retries of this attempt so far.
    package var gatewayRetries: UInt8 = 0
    /// Whether it is a gateway retry waiting out its backoff (in no queue yet).
    package var awaitingResend = false
    /// Whether the gateway has reset it (its per-try timeout): the gateway
    /// and the client have let go, and what the replica still does with it
    /// reaches nobody.
    package var resetByGateway = false
    /// Whether the gateway's fault filter holds it, or held it so that its
    /// route (and the route timeout) started the fault's delay after its send.
    var faultHold = FaultHold.never
    /// Its place in the gateway's connection pools.
    var pool = PoolUse.none

    /// A fresh request.
    package init(arrival: Double, prompt: Int32, output: Int32, tenant: Int16, measured: Bool) {
        self.arrival = arrival
        self.prompt = prompt
        self.output = output
        self.tenant = tenant
        self.measured = measured
    }
}

/// The requests in flight.
package typealias RequestTable = Slab<Request>

extension Request: SlabElement {
    /// A freed request reads as done.
    package mutating func release() { phase = .done }
}
