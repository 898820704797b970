import ServingModel

/// A static plan at one peak rate (`headroom plan --peak-rate`), with what
/// its table shows: the design load, the replicas found and how, the
/// verification's targets, the replica counts tried and the daily cost.
/// `--format json` prints its ``document``, the `plan.json` form.
package struct StaticPlanReport: Sendable, Encodable {
    /// The scenario's name.
    package var scenario: String
    /// The SLA, as written (`p99 ttft < 2s, ...`).
    package var sla: String
    /// The peak rate given, requests per second.
    package var peakRate: Double
    /// The headroom factor applied to it.
    package var headroom: Double
    /// Peak × headroom, requests per second.
    package var designRate: Double
    /// The size found; `nil` when no size meets the SLA.
    package var `static`: Static?
    /// How it was found: `erlang_c` (verified by simulation) or `simulation`.
    package var method: String
    /// Whether the size holds the SLA, and each target's value there.
    package var verification: Verification
    /// GPU-hours and money per day, when the profile has a price.
    package var cost: Cost?
    /// Every size simulated, smallest first.
    package var evaluations: [StaticPlanner.Evaluation]

    /// Replicas and the GPUs they hold.
    package struct Static: Sendable, Encodable {
        package var replicas: Int
        package var gpus: Int
    }

    /// The verification of the size found (of the largest tried when none holds).
    package struct Verification: Sendable, Encodable {
        /// Whether every target holds at the confidence.
        package var slaMet: Bool
        /// The confidence level.
        package var confidence: Double
        /// Replications simulated.
        package var replications: Int
        /// Each target's value and bound.
        package var attainment: [SLA.Judgement]
    }

    /// The static size's daily cost.
    package struct Cost: Sendable, Encodable {
        /// Currency of the price (`USD`).
        package var currency: String
        /// GPUs × 24 h.
        package var staticGpuHoursPerDay: Double
        /// GPU-hours × price.
        package var staticCostPerDay: Double
    }

    /// The report of `plan` for `scenario`, planned at `peakRate` × `headroom`.
    package init(_ plan: StaticPlanner.Plan, scenario: String, sla: SLA, peakRate: Double, headroom: Double,
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
    package var document: PlanDocument {
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
package struct BacktestReport: Sendable, Encodable {
    /// The history file.
    package var history: String
    /// Test intervals replayed.
    package var hours: Int
    /// Intervals where every target held.
    package var hoursMet: Int
    /// GPU-hours of the schedule.
    package var scheduleGpuHours: Double
    /// GPU-hours of the oracle.
    package var oracleGpuHours: Double
    /// Schedule ÷ oracle.
    package var gpuHoursRatio: Double
    /// Correction rounds on the forecast.
    package var corrections: Int
    /// The forecasting method.
    package var method: String
    /// The forecast quantile planned for.
    package var quantile: Double
    /// Every test interval.
    package var rows: [Backtest.Row]

    /// The report of back-test `r` of `history`.
    package init(history: String, result r: Backtest.Result) {
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
