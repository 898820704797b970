import SimulationCore

/// Replica failures: random (exponential time to failure per replica) and
/// scheduled ones.
public struct Faults: Sendable, Equatable {
    /// Mean time between failures of one replica (nil: no random failures).
    public var mtbf: Double?
    /// Time to repair: down time before the replica restarts (then a cold start).
    public var mttr: Distribution
    /// Scheduled failures.
    public var scheduled: [ScheduledFault]
    /// Scheduled slowdowns.
    public var slowdowns: [Slowdown]
    /// Scheduled losses of a whole zone.
    public var zoneOutages: [ZoneOutage]
    /// Scheduled gateway–replica partitions.
    public var partitions: [Partition]
    /// Scheduled error responses from one replica.
    public var errors: [ErrorInjection]

    /// The time to repair a random failure unless given (5 minutes).
    public static let defaultMTTR = Distribution.deterministic(300)

    /// A fault model.
    public init(mtbf: Double? = nil, mttr: Distribution = defaultMTTR, scheduled: [ScheduledFault] = [],
                slowdowns: [Slowdown] = [], zoneOutages: [ZoneOutage] = [], partitions: [Partition] = [],
                errors: [ErrorInjection] = []) {
        self.mtbf = mtbf
        self.mttr = mttr
        self.scheduled = scheduled
        self.slowdowns = slowdowns
        self.zoneOutages = zoneOutages
        self.partitions = partitions
        self.errors = errors
    }
}

/// A replica that answers a share of the requests sent to it with an error
/// at once, for a while: a bad canary, or a dependency of that replica
/// failing. The request never reaches the engine; its attempt ends with
/// `status`, which the gateway (retries, outlier detection) and the client
/// (retries, breakers) see like any upstream error.
public struct ErrorInjection: Sendable, Equatable {
    /// When it starts (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// Share of the requests sent to the replica that fail, in (0, 1].
    public var rate: Double
    /// The status they fail with (400–599).
    public var status: Int
    /// How long it lasts (s).
    public var duration: Double

    /// The status an injected error answers unless given (500).
    public static let defaultStatus = 500

    /// An error injection.
    public init(at: Double, replica: Int, rate: Double, status: Int = defaultStatus, duration: Double) {
        self.at = at
        self.replica = replica
        self.rate = rate
        self.status = status
        self.duration = duration
    }
}

/// A network partition between the gateway and one replica: the replica
/// keeps running (and, with a shared queue, cannot pull work), but the
/// gateway cannot reach it and its answers are lost.
public struct Partition: Sendable, Equatable {
    /// When it starts (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// How long it lasts (s).
    public var duration: Double

    /// A partition.
    public init(at: Double, replica: Int, duration: Double) {
        self.at = at
        self.replica = replica
        self.duration = duration
    }
}

/// One planned failure.
public struct ScheduledFault: Sendable, Equatable {
    /// When (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// How long it stays down before restarting (s).
    public var downFor: Double

    /// A planned failure.
    public init(at: Double, replica: Int, downFor: Double) {
        self.at = at
        self.replica = replica
        self.downFor = downFor
    }
}

/// A replica running at a fraction of its speed for a while (thermal
/// throttling, a noisy neighbour, a degraded link).
public struct Slowdown: Sendable, Equatable {
    /// When it starts (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// Speed as a fraction of normal (0.5 = every iteration takes twice as long).
    public var speed: Double
    /// How long it lasts (s).
    public var duration: Double

    /// A slowdown.
    public init(at: Double, replica: Int, speed: Double, duration: Double) {
        self.at = at
        self.replica = replica
        self.speed = speed
        self.duration = duration
    }
}

/// Every replica of a zone lost at once.
public struct ZoneOutage: Sendable, Equatable {
    /// When (s).
    public var at: Double
    /// Which zone (0-based).
    public var zone: Int
    /// Down time before its replicas restart (s).
    public var downFor: Double

    /// A zone outage.
    public init(at: Double, zone: Int, downFor: Double) {
        self.at = at
        self.zone = zone
        self.downFor = downFor
    }
}
