import ServingModel
import Workload

/// What `headroom plan --format json` prints and `plan.json` holds: the
/// keys `design_rate`, `static`, `schedule`, `autoscaler`, `verification`
/// and `cost`, and `period` (the day planned) and `recommended` (the cheapest
/// plan that met the SLA) for a plan of a history, nothing else at the top
/// level.
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
    /// The plan to apply: the cheapest in GPU-hours of those that met the
    /// SLA (absent for a single design rate, or when none met it).
    package var recommended: Recommendation?

    /// Which plan to apply and why.
    package struct Recommendation: Sendable, Encodable, Equatable {
        /// `static`, `schedule` or `autoscaler`.
        package var plan: String
        /// Its GPU-hours over the horizon.
        package var gpuHours: Double
        /// One sentence: why this one.
        package var reason: String
    }

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
        /// Start, ISO 8601 with the plan's zone offset (as ``Period``).
        package var start: String
        /// End (exclusive), ISO 8601 with the plan's zone offset.
        package var end: String
        /// Replicas in force.
        package var replicas: Int
        /// The highest design rate (requests/s, headroom included) of the
        /// intervals the step covers or launches early for; `design_rate`
        /// as in `timeseries.csv`.
        package var designRate: Double
    }

    /// Kubernetes HPA or Knative KPA settings.
    package struct Autoscaler: Sendable, Encodable, Equatable {
        /// `hpa` or `kpa`.
        package var kind: String
        /// The metric: `in_flight` (HPA: requests held per ready replica),
        /// the scenario's own HPA metric (`queue_depth`, `kv_cache`, ...) or
        /// `concurrency` (KPA: requests held per pod, averaged over the
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
        /// GPU-hours as simulated over the horizon.
        package var gpuHours: Double
        /// Whether it used more GPU-hours than the static plan: then it is
        /// not recommended (see ``PlanDocument/recommended``).
        package var costsMoreThanStatic: Bool
        /// Every autoscaler verified (the scenario's own HPA among them),
        /// in the order tried.
        package var candidates: [Candidate]
    }

    /// One autoscaler verified.
    package struct Candidate: Sendable, Encodable, Equatable {
        /// `hpa` or `kpa`.
        package var kind: String
        /// Its metric (as ``Autoscaler/metric``).
        package var metric: String
        /// Its target, whole in the metric's unit.
        package var target: Double
        /// Whether the scenario's cluster declares this metric's HPA.
        package var declared: Bool
        /// Whether it met the SLA in every interval.
        package var slaMet: Bool
        /// GPU-hours as simulated.
        package var gpuHours: Double
    }

    /// Verification by simulation.
    package struct Verification: Sendable, Encodable, Equatable {
        /// Whether every plan met every target in every interval.
        package var slaMet: Bool
        /// Per plan (`static`, `schedule`, `autoscaler`): share of intervals meeting every target.
        package var attainment: [String: Double]
        /// The interval that came closest to (or furthest past) a limit.
        package var worstInterval: Worst?
        /// Per plan (`static`, `schedule`, `autoscaler`): why its worst
        /// interval came out as it did (key `worst_by_plan`).
        package var worstByPlan: [String: WorstIntervalExplanation] = [:]
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
        /// Interval start and end, ISO 8601 with the plan's zone offset.
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
        /// The autoscaler as simulated, money (absent without one).
        package var autoscaledCost: Double?
        /// The price used, per GPU-hour.
        package var pricePerGpuHour: Double?
        /// Where the price comes from, with its date.
        package var priceSource: String?
        /// Per plan (`static`, `schedule`, `autoscaler`): money per million
        /// tokens served within the SLA.
        package var perMillionTokens: [String: TokenCost]?
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

    /// What a plan's tokens cost: its money over the horizon divided by the
    /// tokens of the requests completed in the intervals where it met every
    /// target (a request in an interval that missed counts as not served
    /// within the SLA). Each figure charges the whole cost to that kind of
    /// token alone, as per-token price lists do; `total` divides by both.
    package struct TokenCost: Sendable, Encodable, Equatable {
        /// Input (prompt) tokens served within the SLA: completed requests
        /// × the scenario's mean prompt length (millions).
        package var inputTokensMillions: Double
        /// Output tokens served within the SLA, counted (millions).
        package var outputTokensMillions: Double
        /// Money per million input tokens.
        package var perMillionInput: Double?
        /// Money per million output tokens.
        package var perMillionOutput: Double?
        /// Money per million tokens, input and output together.
        package var perMillionTotal: Double?
    }

    /// The price source of a hardware profile's `price_per_gpu_hour`.
    package static let profilePriceSource = "the hardware profile's price_per_gpu_hour (on-demand GPU-cloud list prices of early 2026; "
        + "models/hardware/README.md, Price)"

    /// The document of a horizon plan starting at `origin` (s since 1970),
    /// its times written on `zone`'s clock.
    package init(_ r: HorizonPlanner.Result, sla: SLA, origin: Double, zone: HistoryTimeZone = .utc, gpusPerReplica: Int, pricePerGPUHour: Double?,
                 priceSource: String = PlanDocument.profilePriceSource, meanPromptTokens: Double? = nil) {
        func time(_ s: Double) -> String { zone.format(origin + s) }
        designRate = r.rates.max() ?? 0
        `static` = r.staticPlan.map { Static(replicas: $0.plan, gpus: $0.plan * gpusPerReplica) }
        schedule = (r.schedule?.plan ?? []).map {
            Entry(start: time($0.start), end: time($0.end), replicas: $0.replicas, designRate: $0.expectedRate)
        }
        let hours = Double(r.rates.count) * r.interval / 3600
        let staticHours = r.staticPlan.map { Double($0.plan * gpusPerReplica) * hours }
        let declared = r.declaredMetric
        func kind(_ a: AutoscalerPlan) -> String { if case .kpa = a { "kpa" } else { "hpa" } }
        autoscaler = r.autoscaler.map { v in
            let gpuHours = v.verification.simulatedGPUHours
            var a: Autoscaler
            switch v.plan {
            case .hpa(let h, _, _):
                a = Autoscaler(kind: "hpa", metric: v.plan.metricName, minReplicas: h.minReplicas, maxReplicas: h.maxReplicas,
                               target: h.target, syncPeriod: h.syncPeriod, scaleDownStabilization: h.scaleDownStabilization,
                               gpuHours: gpuHours, costsMoreThanStatic: false, candidates: [])
            case .kpa(let k, _):
                a = Autoscaler(kind: "kpa", metric: "concurrency", minReplicas: k.minReplicas, maxReplicas: k.maxReplicas,
                               target: k.target, syncPeriod: k.tickInterval, scaleDownStabilization: k.stableWindow,
                               gpuHours: gpuHours, costsMoreThanStatic: false, candidates: [])
            }
            a.costsMoreThanStatic = staticHours.map { gpuHours > $0 } ?? false
            a.candidates = r.autoscalerCandidates.map {
                Candidate(kind: kind($0.plan), metric: $0.plan.metricName, target: $0.plan.target,
                          declared: declared != nil && $0.plan.metric == declared, slaMet: $0.verification.slaMet,
                          gpuHours: $0.verification.simulatedGPUHours)
            }
            return a
        }
        let options: [(String, Double, Bool)] = [
            r.staticPlan.map { ("static", staticHours!, $0.verification.slaMet) },
            r.schedule.map { ("schedule", ScheduleBuilder.gpuHours($0.plan, gpusPerReplica: gpusPerReplica), $0.verification.slaMet) },
            r.autoscaler.map { ("autoscaler", $0.verification.simulatedGPUHours, $0.verification.slaMet) },
        ].compactMap { $0 }
        if let best = options.filter(\.2).min(by: { $0.1 < $1.1 }) {
            let dearer = options.filter { $0.2 && $0.1 > best.1 }.map { "\($0.0) +\(Self.percent($0.1 / best.1 - 1))" }
            recommended = Recommendation(plan: best.0, gpuHours: best.1,
                                         reason: "the fewest GPU-hours of the plans that met the SLA"
                                             + (dearer.isEmpty ? "" : " (\(dearer.joined(separator: ", ")) GPU-hours)"))
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
        for (name, v) in verified {
            guard var e = v.worstExplanation else { continue }
            e.startTime = time(e.start)
            e.endTime = time(e.end)
            verification.worstByPlan[name] = e
        }
        cost = pricePerGPUHour.map { price in
            let s = Double(r.staticPlan?.plan ?? 0) * Double(gpusPerReplica) * hours
            let sch = ScheduleBuilder.gpuHours(r.schedule?.plan ?? [], gpusPerReplica: gpusPerReplica)
            let auto = r.autoscaler?.verification.simulatedGPUHours
            var c = Cost(staticGpuHours: s, scheduleGpuHours: sch, autoscaledGpuHours: auto ?? 0,
                         currency: "USD", staticCost: s * price, scheduleCost: sch * price)
            c.autoscaledCost = auto.map { $0 * price }
            c.pricePerGpuHour = price
            c.priceSource = priceSource
            if let prompt = meanPromptTokens {
                var per: [String: TokenCost] = [:]
                for (name, v, money) in [("static", r.staticPlan?.verification, s * price), ("schedule", r.schedule?.verification, sch * price),
                                         ("autoscaler", r.autoscaler?.verification, (auto ?? 0) * price)] {
                    guard let v else { continue }
                    let held = v.intervals.filter(\.slaMet)
                    let input = Double(held.reduce(0) { $0 + $1.completed }) * prompt / 1e6
                    let output = held.reduce(0) { $0 + $1.outputTokens } / 1e6
                    func rate(_ m: Double) -> Double? { m > 0 ? money / m : nil }
                    per[name] = TokenCost(inputTokensMillions: input, outputTokensMillions: output, perMillionInput: rate(input),
                                          perMillionOutput: rate(output), perMillionTotal: rate(input + output))
                }
                c.perMillionTokens = per
            }
            return c
        }
    }

    /// `x` (a fraction) as a percentage with one decimal: `2.1%`.
    static func percent(_ x: Double) -> String {
        String(format: "%.1f%%", x * 100)
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
