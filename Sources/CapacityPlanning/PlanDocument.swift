import ServingModel
import Workload

/// What `headroom plan --format json` prints and `plan.json` holds: the
/// keys `design_rate`, `static`, `schedule`, `autoscaler`, `verification`
/// and `cost`, and `period` (the day planned) for a plan of a history,
/// nothing else at the top level.
package struct PlanDocument: Sendable, Encodable, Equatable {
    /// Peak design load (requests/s, headroom included).
    package var designRate: Double
    /// The static size (absent when the targets are unreachable).
    package var `static`: Static?
    /// The schedule, one entry per step (empty for a single design rate).
    package var schedule: [Entry]
    /// The recommended autoscaler settings (absent for a single design rate).
    package var autoscaler: Autoscaler?
    /// How the plans fared when simulated.
    package var verification: Verification
    /// GPU-hours and money over the horizon (absent without a hardware profile's price).
    package var cost: Cost?
    /// The period planned and why (absent for a single design rate).
    package var period: Period?

    /// The period a history's plan covers, in the history's time zone.
    package struct Period: Sendable, Encodable, Equatable {
        /// `busiest_day` (no forecast), `named` (`--from/--to`) or `forecast`.
        package var basis: PlanPeriod.Basis
        /// Start, ISO 8601 with the zone's offset.
        package var start: String
        /// End (exclusive), ISO 8601 with the zone's offset.
        package var end: String
        /// The local date of the start (`2024-01-09`).
        package var day: String
        /// Its weekday (`Tuesday`).
        package var weekday: String
        /// The zone (`UTC`, `+02:00`, `Europe/Berlin`).
        package var timeZone: String
        /// Intervals planned.
        package var intervals: Int
    }

    /// A static cluster.
    package struct Static: Sendable, Encodable, Equatable {
        /// Replicas.
        package var replicas: Int
        /// GPUs (replicas × GPUs per replica).
        package var gpus: Int
        /// A static size.
        package init(replicas: Int, gpus: Int) {
            self.replicas = replicas
            self.gpus = gpus
        }
    }

    /// One schedule step.
    package struct Entry: Sendable, Encodable, Equatable {
        /// Start, ISO 8601 UTC.
        package var start: String
        /// End (exclusive), ISO 8601 UTC.
        package var end: String
        /// Replicas in force.
        package var replicas: Int
        /// Load planned for (requests/s, headroom included).
        package var expectedRate: Double
    }

    /// Kubernetes HPA or Knative KPA settings.
    package struct Autoscaler: Sendable, Encodable, Equatable {
        /// `hpa` or `kpa`.
        package var kind: String
        /// The metric: `in_flight` (HPA: requests held per ready replica)
        /// or `concurrency` (KPA: requests held per pod, averaged over the
        /// stable window).
        package var metric: String
        /// Fewest replicas.
        package var minReplicas: Int
        /// Most replicas.
        package var maxReplicas: Int
        /// Target value of the metric per replica.
        package var target: Double
        /// Seconds between decisions (the KPA's tick).
        package var syncPeriod: Double
        /// The HPA's scale-down stabilisation window; the KPA's stable
        /// window, over which its concurrency is averaged.
        package var scaleDownStabilization: Double
    }

    /// Verification by simulation.
    package struct Verification: Sendable, Encodable, Equatable {
        /// Whether every plan met every target in every interval.
        package var slaMet: Bool
        /// Per plan (`static`, `schedule`, `autoscaler`): share of intervals meeting every target.
        package var attainment: [String: Double]
        /// The interval that came closest to (or furthest past) a limit.
        package var worstInterval: Worst?
        /// A verification summary.
        package init(slaMet: Bool, attainment: [String: Double], worstInterval: Worst?) {
            self.slaMet = slaMet
            self.attainment = attainment
            self.worstInterval = worstInterval
        }
    }

    /// The worst interval of any plan.
    package struct Worst: Sendable, Encodable, Equatable {
        /// Which plan.
        package var plan: String
        /// Interval start and end, ISO 8601 UTC.
        package var start: String
        /// See ``start``.
        package var end: String
        /// The target, as written.
        package var target: String
        /// Its value in the interval (s or a fraction).
        package var value: Double
        /// Whether it held.
        package var met: Bool
    }

    /// Cost over the horizon.
    package struct Cost: Sendable, Encodable, Equatable {
        /// Static peak sizing, GPU-hours.
        package var staticGpuHours: Double
        /// The schedule, GPU-hours.
        package var scheduleGpuHours: Double
        /// The autoscaler as simulated, GPU-hours.
        package var autoscaledGpuHours: Double
        /// Currency of the hardware profile's price (`USD`).
        package var currency: String
        /// Static peak sizing, money.
        package var staticCost: Double
        /// The schedule, money.
        package var scheduleCost: Double
        /// A cost summary.
        package init(staticGpuHours: Double, scheduleGpuHours: Double, autoscaledGpuHours: Double, currency: String,
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
    package init(_ r: HorizonPlanner.Result, sla: SLA, origin: Double, gpusPerReplica: Int, pricePerGPUHour: Double?) {
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
    package init(designRate: Double, static s: Static?, verification: Verification, cost: Cost?) {
        self.designRate = designRate
        self.static = s
        self.schedule = []
        self.autoscaler = nil
        self.verification = verification
        self.cost = cost
    }
}
