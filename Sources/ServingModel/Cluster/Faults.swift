import SimulationCore

/// Replica failures: random (exponential time to failure per replica) and
/// scheduled ones.
package struct Faults: Sendable, Equatable {
    /// Mean time between failures of one replica (nil: no random failures).
    package var mtbf: Double?
    /// Time to repair: down time before the replica restarts (then a cold start).
    package var mttr: Distribution
    /// Scheduled failures.
    package var scheduled: [ScheduledFault]
    /// Scheduled slowdowns.
    package var slowdowns: [Slowdown]
    /// Scheduled losses of a whole zone.
    package var zoneOutages: [ZoneOutage]
    /// Scheduled gateway–replica partitions.
    package var partitions: [Partition]
    /// Scheduled error responses from one replica.
    package var errors: [ErrorInjection]

    /// The time to repair a random failure unless given (5 minutes).
    package static let defaultMTTR = Distribution.deterministic(300)

    /// A fault model.
    package init(mtbf: Double? = nil, mttr: Distribution = defaultMTTR, scheduled: [ScheduledFault] = [],
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
package struct ErrorInjection: Sendable, Equatable {
    /// When it starts (s).
    package var at: Double
    /// Which replica.
    package var replica: Int
    /// Share of the requests sent to the replica that fail, in (0, 1].
    package var rate: Double
    /// The status they fail with (400–599).
    package var status: Int
    /// How long it lasts (s).
    package var duration: Double

    /// The status an injected error answers unless given (500).
    package static let defaultStatus = 500

    /// An error injection.
    package init(at: Double, replica: Int, rate: Double, status: Int = defaultStatus, duration: Double) {
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
package struct Partition: Sendable, Equatable {
    /// When it starts (s).
    package var at: Double
    /// Which replica.
    package var replica: Int
    /// How long it lasts (s).
    package var duration: Double

    /// A partition.
    package init(at: Double, replica: Int, duration: Double) {
        self.at = at
        self.replica = replica
        self.duration = duration
    }
}

/// One planned failure.
package struct ScheduledFault: Sendable, Equatable {
    /// When (s).
    package var at: Double
    /// Which replica.
    package var replica: Int
    /// How long it stays down before restarting (s).
    package var downFor: Double

    /// A planned failure.
    package init(at: Double, replica: Int, downFor: Double) {
        self.at = at
        self.replica = replica
        self.downFor = downFor
    }
}

/// A replica running at a fraction of its speed for a while (thermal
/// throttling, a noisy neighbour, a degraded link).
package struct Slowdown: Sendable, Equatable {
    /// When it starts (s).
    package var at: Double
    /// Which replica.
    package var replica: Int
    /// Speed as a fraction of normal (0.5 = every iteration takes twice as long).
    package var speed: Double
    /// How long it lasts (s).
    package var duration: Double

    /// A slowdown.
    package init(at: Double, replica: Int, speed: Double, duration: Double) {
        self.at = at
        self.replica = replica
        self.speed = speed
        self.duration = duration
    }
}

/// Every replica of a zone lost at once.
package struct ZoneOutage: Sendable, Equatable {
    /// When (s).
    package var at: Double
    /// Which zone (0-based).
    package var zone: Int
    /// Down time before its replicas restart (s).
    package var downFor: Double

    /// A zone outage.
    package init(at: Double, zone: Int, downFor: Double) {
        self.at = at
        self.zone = zone
        self.downFor = downFor
    }
}
