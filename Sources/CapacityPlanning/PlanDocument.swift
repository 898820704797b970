import ServingModel
import Workload

/// What `headroom plan --format json` prints and `plan.json` holds: the
/// keys `design_rate`, `static`, `schedule`, `autoscaler`, `verification`
/// and `cost`, and `period` (the day planned) for a plan of a history,
/// nothing else at the top level.
public struct PlanDocument: Sendable, Encodable, Equatable {
    /// Peak design load (requests/s, headroom included).
    public var designRate: Double
    /// The static size (absent when the targets are unreachable).
    public var `static`: Static?
    /// The schedule, one entry per step (empty for a single design rate).
    public var schedule: [Entry]
    /// The recommended autoscaler settings (absent for a single design rate).
    public var autoscaler: Autoscaler?
    /// How the plans fared when simulated.
    public var verification: Verification
    /// GPU-hours and money over the horizon (absent without a hardware profile's price).
    public var cost: Cost?
    /// The period planned and why (absent for a single design rate).
    public var period: Period?

    /// The period a history's plan covers, in the history's time zone.
    public struct Period: Sendable, Encodable, Equatable {
        /// `busiest_day` (no forecast), `named` (`--from/--to`) or `forecast`.
        public var basis: PlanPeriod.Basis
        /// Start, ISO 8601 with the zone's offset.
        public var start: String
        /// End (exclusive), ISO 8601 with the zone's offset.
        public var end: String
        /// The local date of the start (`2024-01-09`).
        public var day: String
        /// Its weekday (`Tuesday`).
        public var weekday: String
        /// The zone (`UTC`, `+02:00`, `Europe/Berlin`).
        public var timeZone: String
        /// Intervals planned.
        public var intervals: Int
    }

    /// A static cluster.
    public struct Static: Sendable, Encodable, Equatable {
        /// Replicas.
        public var replicas: Int
        /// GPUs (replicas × GPUs per replica).
        public var gpus: Int
        /// A static size.
        public init(replicas: Int, gpus: Int) {
            self.replicas = replicas
            self.gpus = gpus
        }
    }

    /// One schedule step.
    public struct Entry: Sendable, Encodable, Equatable {
        /// Start, ISO 8601 UTC.
        public var start: String
        /// End (exclusive), ISO 8601 UTC.
        public var end: String
        /// Replicas in force.
        public var replicas: Int
        /// Load planned for (requests/s, headroom included).
        public var expectedRate: Double
    }

    /// Kubernetes HPA or Knative KPA settings.
    public struct Autoscaler: Sendable, Encodable, Equatable {
        /// `hpa` or `kpa`.
        public var kind: String
        /// The metric: `in_flight` (HPA: requests held per ready replica)
        /// or `concurrency` (KPA: requests held per pod, averaged over the
        /// stable window).
        public var metric: String
        /// Fewest replicas.
        public var minReplicas: Int
        /// Most replicas.
        public var maxReplicas: Int
        /// Target value of the metric per replica.
        public var target: Double
        /// Seconds between decisions (the KPA's tick).
        public var syncPeriod: Double
        /// The HPA's scale-down stabilisation window; the KPA's stable
        /// window, over which its concurrency is averaged.
        public var scaleDownStabilization: Double
    }

    /// Verification by simulation.
    public struct Verification: Sendable, Encodable, Equatable {
        /// Whether every plan met every target in every interval.
        public var slaMet: Bool
        /// Per plan (`static`, `schedule`, `autoscaler`): share of intervals meeting every target.
        public var attainment: [String: Double]
        /// The interval that came closest to (or furthest past) a limit.
        public var worstInterval: Worst?
        /// A verification summary.
        public init(slaMet: Bool, attainment: [String: Double], worstInterval: Worst?) {
            self.slaMet = slaMet
            self.attainment = attainment
            self.worstInterval = worstInterval
        }
    }

    /// The worst interval of any plan.
    public struct Worst: Sendable, Encodable, Equatable {
        /// Which plan.
        public var plan: String
        /// Interval start and end, ISO 8601 UTC.
        public var start: String
        /// See ``start``.
        public var end: String
        /// The target, as written.
        public var target: String
        /// Its value in the interval (s or a fraction).
        public var value: Double
        /// Whether it held.
        public var met: Bool
    }

    /// Cost over the horizon.
    public struct Cost: Sendable, Encodable, Equatable {
        /// Static peak sizing, GPU-hours.
        public var staticGpuHours: Double
        /// The schedule, GPU-hours.
        public var scheduleGpuHours: Double
        /// The autoscaler as simulated, GPU-hours.
        public var autoscaledGpuHours: Double
        /// Currency of the hardware profile's price (`USD`).
        public var currency: String
        /// Static peak sizing, money.
        public var staticCost: Double
        /// The schedule, money.
        public var scheduleCost: Double
        /// A cost summary.
        public init(staticGpuHours: Double, scheduleGpuHours: Double, autoscaledGpuHours: Double, currency: String,
                    staticCost: Double, scheduleCost: Double) {
            self.staticGpuHours = staticGpuHours
            self.scheduleGpuHours = scheduleGpuHours
            self.autoscaledGpuHours = autoscaledGpuHours
            self.currency = currency
            self.staticCost = staticCost
            self.scheduleCost = scheduleCost
        }
    }

    /// The document of a horizon plan starting at `origin` (s since 1970).
    public init(_ r: HorizonPlanner.Result, sla: SLA, origin: Double, gpusPerReplica: Int, pricePerGPUHour: Double?) {
        func time(_ s: Double) -> String { LoadSeriesCSV.formatISO8601(origin + s) }
        designRate = r.rates.max() ?? 0
        `static` = r.staticPlan.map { Static(replicas: $0.plan, gpus: $0.plan * gpusPerReplica) }
        schedule = (r.schedule?.plan ?? []).map {
            Entry(start: time($0.start), end: time($0.end), replicas: $0.replicas, expectedRate: $0.expectedRate)
        }
        autoscaler = r.autoscaler.map {
            switch $0.plan {
            case .hpa(let h):
                Autoscaler(kind: "hpa", metric: "in_flight", minReplicas: h.minReplicas, maxReplicas: h.maxReplicas,
                           target: h.target, syncPeriod: h.syncPeriod, scaleDownStabilization: h.scaleDownStabilization)
            case .kpa(let k, _):
                Autoscaler(kind: "kpa", metric: "concurrency", minReplicas: k.minReplicas, maxReplicas: k.maxReplicas,
                           target: k.target, syncPeriod: k.tickInterval, scaleDownStabilization: k.stableWindow)
            }
        }
        let verified = r.verifications
        var worst: (Double, Worst)?
        for (name, v) in verified {
            guard let w = v.worstInterval(sla: sla) else { continue }
            let o = v.intervals[w.index]
            if worst == nil || w.ratio > worst!.0 {
                worst = (w.ratio, Worst(plan: name, start: time(o.start), end: time(o.end), target: v.targets[w.target],
                                        value: o.values[w.target], met: o.met[w.target]))
            }
        }
        verification = Verification(slaMet: !verified.isEmpty && verified.allSatisfy { $0.1.slaMet },
                                    attainment: Dictionary(uniqueKeysWithValues: verified.map { ($0.0, $0.1.attainment) }),
                                    worstInterval: worst?.1)
        let hours = Double(r.rates.count) * r.interval / 3600
        cost = pricePerGPUHour.map { price in
            let s = Double(r.staticPlan?.plan ?? 0) * Double(gpusPerReplica) * hours
            let sch = ScheduleBuilder.gpuHours(r.schedule?.plan ?? [], gpusPerReplica: gpusPerReplica)
            return Cost(staticGpuHours: s, scheduleGpuHours: sch, autoscaledGpuHours: r.autoscaler?.verification.simulatedGPUHours ?? 0,
                        currency: "USD", staticCost: s * price, scheduleCost: sch * price)
        }
    }

    /// A document from its parts (the single-design-rate plan).
    public init(designRate: Double, static s: Static?, verification: Verification, cost: Cost?) {
        self.designRate = designRate
        self.static = s
        self.schedule = []
        self.autoscaler = nil
        self.verification = verification
        self.cost = cost
    }
}
