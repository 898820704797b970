import ServingModel

/// A static plan at one peak rate (`headroom plan --peak-rate`), with what
/// its table shows: the design load, the replicas found and how, the
/// verification's targets, the replica counts tried and the daily cost.
/// `--format json` prints its ``document``, the `plan.json` form.
public struct StaticPlanReport: Sendable, Encodable {
    /// The scenario's name.
    public var scenario: String
    /// The SLA, as written (`p99 ttft < 2s, ...`).
    public var sla: String
    /// The peak rate given, requests per second.
    public var peakRate: Double
    /// The headroom factor applied to it.
    public var headroom: Double
    /// Peak × headroom, requests per second.
    public var designRate: Double
    /// The size found; `nil` when no size meets the SLA.
    public var `static`: Static?
    /// How it was found: `erlang_c` (verified by simulation) or `simulation`.
    public var method: String
    /// Whether the size holds the SLA, and each target's value there.
    public var verification: Verification
    /// GPU-hours and money per day, when the profile has a price.
    public var cost: Cost?
    /// Every size simulated, smallest first.
    public var evaluations: [StaticPlanner.Evaluation]

    /// Replicas and the GPUs they hold.
    public struct Static: Sendable, Encodable {
        public var replicas: Int
        public var gpus: Int
    }

    /// The verification of the size found (of the largest tried when none holds).
    public struct Verification: Sendable, Encodable {
        /// Whether every target holds at the confidence.
        public var slaMet: Bool
        /// The confidence level.
        public var confidence: Double
        /// Replications simulated.
        public var replications: Int
        /// Each target's value and bound.
        public var attainment: [StaticPlanner.TargetValue]
    }

    /// The static size's daily cost.
    public struct Cost: Sendable, Encodable {
        /// Currency of the price (`USD`).
        public var currency: String
        /// GPUs × 24 h.
        public var staticGpuHoursPerDay: Double
        /// GPU-hours × price.
        public var staticCostPerDay: Double
    }

    /// The report of `plan` for `scenario`, planned at `peakRate` × `headroom`.
    public init(_ plan: StaticPlanner.Plan, scenario: String, sla: SLA, peakRate: Double, headroom: Double,
                confidence: Double, replications: Int, pricePerGPUHour price: Double?) {
        let final = plan.evaluations.first { $0.replicas == plan.replicas }
        self.scenario = scenario
        self.sla = sla.description
        self.peakRate = peakRate
        self.headroom = headroom
        designRate = plan.designRate
        `static` = plan.replicas.map { Static(replicas: $0, gpus: plan.gpus ?? $0) }
        method = plan.method
        verification = Verification(slaMet: final?.met ?? false, confidence: confidence, replications: replications,
                                    attainment: final?.targets ?? plan.unreachable)
        cost = plan.gpus.flatMap { gpus in
            price.map { Cost(currency: "USD", staticGpuHoursPerDay: Double(gpus) * 24, staticCostPerDay: Double(gpus) * 24 * $0) }
        }
        evaluations = plan.evaluations
    }

    /// What `--format json` prints: the plan document of one design rate
    /// (the static size, whether it holds, and its daily cost as every
    /// plan's cost).
    public var document: PlanDocument {
        PlanDocument(designRate: designRate, static: `static`.map { .init(replicas: $0.replicas, gpus: $0.gpus) },
                     verification: .init(slaMet: verification.slaMet, attainment: ["static": verification.slaMet ? 1 : 0],
                                         worstInterval: nil),
                     cost: cost.map { .init(staticGpuHours: $0.staticGpuHoursPerDay, scheduleGpuHours: $0.staticGpuHoursPerDay,
                                            autoscaledGpuHours: $0.staticGpuHoursPerDay, currency: $0.currency,
                                            staticCost: $0.staticCostPerDay, scheduleCost: $0.staticCostPerDay) })
    }
}

/// What `headroom plan backtest --format json` prints: the schedule's
/// intervals met and GPU-hours against the oracle's, with every interval.
public struct BacktestReport: Sendable, Encodable {
    /// The history file.
    public var history: String
    /// Test intervals replayed.
    public var hours: Int
    /// Intervals where every target held.
    public var hoursMet: Int
    /// GPU-hours of the schedule.
    public var scheduleGpuHours: Double
    /// GPU-hours of the oracle.
    public var oracleGpuHours: Double
    /// Schedule ÷ oracle.
    public var gpuHoursRatio: Double
    /// Correction rounds on the forecast.
    public var corrections: Int
    /// The forecasting method.
    public var method: String
    /// The forecast quantile planned for.
    public var quantile: Double
    /// Every test interval.
    public var rows: [Backtest.Row]

    /// The report of back-test `r` of `history`.
    public init(history: String, result r: Backtest.Result) {
        self.history = history
        hours = r.rows.count
        hoursMet = r.intervalsMet
        scheduleGpuHours = r.scheduleGpuHours
        oracleGpuHours = r.oracleGpuHours
        gpuHoursRatio = r.gpuHoursRatio
        corrections = r.corrections
        method = r.method
        quantile = r.quantile
        rows = r.rows
    }
}
