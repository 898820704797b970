import DequeModule

/// A G/G/c first-come-first-served station: `servers` identical servers, one
/// queue, inter-arrival and service times from any ``Distribution``. It is the
/// engine's reference model — checked against Erlang C and
/// Pollaczek–Khinchine in the tests and timed by `headroom bench engine`.
///
/// Customers `0..<warmupCustomers` (in arrival order) are excluded from the
/// statistics; arrivals stop after `warmupCustomers + measuredCustomers`, so a
/// run ends when its calendar empties.
///
/// ```swift
/// var sim = Simulation(model: QueueingStation(servers: 8, interarrival: .exponential(mean: 1 / 7.2),
///                                             service: .exponential(mean: 1), seed: 7,
///                                             warmupCustomers: 10_000, measuredCustomers: 1_000_000))
/// sim.schedule(.arrival, at: 0)
/// sim.run(until: .infinity)
/// sim.model.waits.mean
/// ```
public struct QueueingStation: SimulationModel {
    /// The station's events.
    public enum Event: Sendable {
        /// A customer arrives.
        case arrival
        /// A server finishes its customer.
        case departure
    }

    /// Number of servers.
    public let servers: Int
    /// Inter-arrival time distribution.
    public let interarrival: Distribution
    /// Service time distribution.
    public let service: Distribution
    /// Customers excluded from statistics at the start.
    public let warmupCustomers: Int
    /// Customers whose waits are recorded.
    public let measuredCustomers: Int

    var arrivalStream: RandomStream
    var serviceStream: RandomStream
    var busy = 0
    var waiting = Deque<SimulationTime>()
    var arrivals = 0
    /// Customers who have started service so far.
    public private(set) var started = 0

    /// Waits in queue of measured customers.
    public private(set) var waits = Welford()
    /// Distribution of waits in queue of measured customers.
    public private(set) var waitHistogram = LogHistogram()
    /// Distribution of sojourn times (wait + service) of measured customers.
    public private(set) var sojournHistogram = LogHistogram()
    /// Batch means of measured waits, for confidence intervals.
    public private(set) var waitBatches: BatchMeans
    /// Time-average number waiting, from the first measured service start.
    public private(set) var queueLength = TimeWeightedAverage(start: 0)

    /// A station with its own named random streams derived from `seed`.
    public init(servers: Int, interarrival: Distribution, service: Distribution, seed: UInt64,
                warmupCustomers: Int, measuredCustomers: Int, batches: Int = 30) {
        precondition(servers > 0 && measuredCustomers > 0 && warmupCustomers >= 0)
        self.servers = servers
        self.interarrival = interarrival
        self.service = service
        self.warmupCustomers = warmupCustomers
        self.measuredCustomers = measuredCustomers
        let root = RandomStream(seed: seed)
        arrivalStream = root.stream("arrivals")
        serviceStream = root.stream("service")
        waitBatches = BatchMeans(batchSize: max(1, measuredCustomers / batches))
    }

    /// Whether every measured customer has started service.
    public var isFinished: Bool { started >= warmupCustomers + measuredCustomers }

    public mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        switch event {
        case .arrival:
            arrivals += 1
            if arrivals < warmupCustomers + measuredCustomers {
                scheduler.schedule(.arrival, after: interarrival.sample(&arrivalStream))
            }
            if busy < servers {
                busy += 1
                startService(arrivedAt: now, scheduler: &scheduler)
            } else {
                waiting.append(now)
                queueLength.update(to: Double(waiting.count), at: now)
            }
        case .departure:
            if let arrived = waiting.popFirst() {
                queueLength.update(to: Double(waiting.count), at: now)
                startService(arrivedAt: arrived, scheduler: &scheduler)
            } else {
                busy -= 1
            }
        }
    }

    mutating func startService(arrivedAt arrived: SimulationTime, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let s = service.sample(&serviceStream)
        scheduler.schedule(.departure, after: s)
        if started == warmupCustomers { queueLength.reset(at: now) }
        if started >= warmupCustomers && started < warmupCustomers + measuredCustomers {
            let w = now - arrived
            waits.record(w)
            waitHistogram.record(w)
            sojournHistogram.record(w + s)
            waitBatches.record(w)
        }
        started += 1
    }
}
