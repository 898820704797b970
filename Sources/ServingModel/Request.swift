/// Where a request is in its life.
public enum RequestPhase: UInt8, Sendable {
    /// Waiting in a queue (gateway or replica).
    case waiting
    /// Admitted to a replica's batch (prefilling or decoding).
    case running
    /// Finished or dropped; the slot is free.
    case done
}

/// One request in flight. A small value kept in a slab: no class instance,
/// no reference counting on the hot path.
public struct Request: Sendable {
    /// Arrival time (s).
    public var arrival: Double
    /// Prompt tokens to prefill (grows by generated tokens on a recompute).
    public var prompt: Int32
    /// Output tokens to generate.
    public var output: Int32
    /// Prompt tokens prefilled so far.
    public var prefilled: Int32 = 0
    /// Output tokens generated so far.
    public var generated: Int32 = 0
    /// KV blocks held.
    public var blocks: Int32 = 0
    /// Replica assigned (-1: none yet).
    public var replica: Int32 = -1
    /// Tenant index.
    public var tenant: Int16
    /// Whether it arrived inside the measurement window.
    public var measured: Bool
    /// Phase.
    public var phase: RequestPhase = .waiting
    /// Whether it is a member of a micro-batch in flight.
    public var inFlight = false
    /// Time it was first scheduled (s, -1 before).
    public var firstScheduled: Double = -1
    /// Time its first token was produced (s, -1 before).
    public var firstToken: Double = -1
    /// Reuse counter of the slot, to recognise stale timers.
    public var generation: UInt32 = 0
    /// The user request this is an attempt of (-1: no client layer).
    public var call: Int32 = -1
    /// The call slot's generation when the attempt was sent.
    public var callGeneration: UInt32 = 0
    /// Whether the client stopped waiting for it (timed out, abandoned,
    /// or a hedge already answered): its answer is wasted work.
    public var orphan = false
    /// Whether it is a retry (counts against a retry budget while in flight).
    public var isRetry = false
    /// Whether its client's abort reached the replica while the sequence was
    /// in an iteration: it leaves when that iteration ends.
    public var aborted = false
    /// The call's attempt sent before this one and its slot generation
    /// (-1: none), so a call can close its attempts without a search.
    public var previousAttempt: Int32 = -1
    public var previousAttemptGeneration: UInt32 = 0
    /// Gateway (Envoy route) retries of this attempt so far.
    public var gatewayRetries: UInt8 = 0
    /// Whether it is a gateway retry waiting out its backoff (in no queue yet).
    public var awaitingResend = false
    /// Whether the gateway has reset it (its per-try timeout): the gateway
    /// and the client have let go, and what the replica still does with it
    /// reaches nobody.
    public var resetByGateway = false
    /// Whether the gateway's fault filter holds it, or held it so that its
    /// route (and the route timeout) started the fault's delay after its send.
    var faultHold = FaultHold.never
    /// Its place in the gateway's connection pools.
    var pool = PoolUse.none

    /// A fresh request.
    public init(arrival: Double, prompt: Int32, output: Int32, tenant: Int16, measured: Bool) {
        self.arrival = arrival
        self.prompt = prompt
        self.output = output
        self.tenant = tenant
        self.measured = measured
    }
}

/// The requests in flight.
public typealias RequestTable = Slab<Request>

extension Request: SlabElement {
    /// A freed request reads as done.
    public mutating func release() { phase = .done }
}
