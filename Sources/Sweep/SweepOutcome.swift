import ServingModel
import SimulationCore

/// A sweep's result, as `headroom sweep` and `headroom merge` print it:
/// one entry per cell with each metric's mean and confidence interval
/// across seeds, the pooled percentiles and request counts of all its
/// runs, each SLA target's judgement, and the cheapest cell meeting the
/// SLA. Computed from runs in run order only, so equal runs give equal
/// bytes however they were split.
package struct SweepOutcome: Sendable, Encodable {
    /// The sweep's name.
    package var sweep: String
    /// The base scenario as the sweep file writes it.
    package var scenario: String
    /// Runs per cell.
    package var seeds: Int
    /// Runs in all.
    package var runs: Int
    /// Confidence level of every interval and SLA bound.
    package var confidence: Double
    /// The SLA as written (nil: none).
    package var sla: String?
    /// The axes' keys.
    package var axes: [String]
    /// The metric the cheapest cell is chosen by: `cost_per_hour` when
    /// every cell's hardware profile has a price, else `gpus`.
    package var rankedBy: String
    /// The cells, in order.
    package var cells: [Cell]
    /// The index of the cheapest cell meeting the SLA (of all cells without
    /// one), by the mean of ``rankedBy`` (ties: the first); nil when no cell
    /// meets it.
    package var cheapest: Int?

    /// One cell's result.
    package struct Cell: Sendable, Encodable {
        /// Position in the sweep.
        package var index: Int
        /// Each axis's value in this cell.
        package var axes: [AxisValue]
        /// Each metric across seeds, by name.
        package var metrics: [String: Interval]
        /// The pooled histograms' percentiles and the summed counts.
        package var pooled: Pooled
        /// Each SLA target's judgement (empty without an SLA).
        package var sla: [SLA.Judgement]
        /// Whether every target holds (nil without an SLA).
        package var meetsSla: Bool?
    }

    /// One axis's value.
    package struct AxisValue: Sendable, Encodable {
        /// The scenario key.
        package var key: String
        /// The value, as a short label.
        package var value: String
    }

    /// A metric across seeds.
    package struct Interval: Sendable, Encodable {
        /// Mean across seeds.
        package var mean: Double
        /// Half-width of the two-sided Student-t interval at the sweep's confidence.
        package var halfWidth: Double
        /// Smallest value of a seed.
        package var min: Double
        /// Largest value of a seed.
        package var max: Double
    }

    /// Every run of a cell pooled: percentiles of the summed log-bucket
    /// histograms (within their 0.2% relative error) and the summed counts.
    package struct Pooled: Sendable, Encodable {
        /// Median time to first token (s).
        package var ttftP50: Double
        /// 99th-percentile time to first token (s).
        package var ttftP99: Double
        /// 99th-percentile time per output token (s).
        package var tpotP99: Double
        /// 99th-percentile end-to-end latency (s).
        package var e2eP99: Double
        /// Request outcomes summed over the runs.
        package var requests: SweepRequests
    }

    /// Folds `runs` (run order: cell, then seed) and each cell's pooled
    /// histograms into the outcome.
    init(header: SweepHeader, runs: [SweepRun], pools: [SweepPool?]) throws {
        let targets = try header.slaTargets()
        let n = header.seeds
        let twoSided = Quantiles.studentT((1 + header.confidence) / 2, degreesOfFreedom: Double(n - 1))
        let oneSided = Quantiles.studentT(header.confidence, degreesOfFreedom: Double(n - 1))
        let counts = header.axes.map(\.values.count)
        var cells: [Cell] = []
        for cell in 0..<header.cells {
            let mine = runs[(cell * n)..<((cell + 1) * n)]
            var stats = [Welford](repeating: Welford(), count: header.metrics.count + targets.count)
            var requests = SweepRequests()
            for run in mine {
                for (i, v) in run.values.enumerated() { stats[i].record(v) }
                requests.add(run.requests)
            }
            var metrics: [String: Interval] = [:]
            for (i, name) in header.metrics.enumerated() {
                let w = stats[i]
                metrics[name] = Interval(mean: w.mean, halfWidth: twoSided * w.standardDeviation / Double(n).squareRoot(), min: w.min, max: w.max)
            }
            // Each target judged as `headroom plan` judges a candidate size.
            let judgements = targets.enumerated().map { k, target in SLA.judge(target, values: stats[header.metrics.count + k], t: oneSided) }
            let pool = pools[cell]
            func histogram(_ s: LogHistogram.State?) -> LogHistogram { s.flatMap { LogHistogram(state: $0) } ?? LogHistogram() }
            let ttft = histogram(pool?.ttft), tpot = histogram(pool?.tpot), e2e = histogram(pool?.e2e)
            let choices = SweepDefinition.choices(of: cell, counts: counts)
            cells.append(Cell(index: cell,
                              axes: zip(header.axes, choices).map { AxisValue(key: $0.key, value: $0.values[$1]) },
                              metrics: metrics,
                              pooled: Pooled(ttftP50: ttft.percentile(0.5), ttftP99: ttft.percentile(0.99), tpotP99: tpot.percentile(0.99),
                                             e2eP99: e2e.percentile(0.99), requests: requests),
                              sla: judgements, meetsSla: targets.isEmpty ? nil : judgements.allSatisfy(\.met)))
        }
        let priced = cells.allSatisfy { $0.metrics[SweepMetric.costPerHour.rawValue]?.mean.isFinite ?? false }
        let rank = priced ? SweepMetric.costPerHour.rawValue : SweepMetric.gpus.rawValue
        var cheapest: Int?
        for c in cells where c.meetsSla ?? true {
            if let best = cheapest, cells[best].metrics[rank]!.mean <= c.metrics[rank]!.mean { continue }
            cheapest = c.index
        }
        self.init(sweep: header.sweep, scenario: header.scenario, seeds: n, runs: runs.count, confidence: header.confidence, sla: header.sla,
                  axes: header.axes.map(\.key), rankedBy: rank, cells: cells, cheapest: cheapest)
    }

    private init(sweep: String, scenario: String, seeds: Int, runs: Int, confidence: Double, sla: String?, axes: [String],
                 rankedBy: String, cells: [Cell], cheapest: Int?) {
        self.sweep = sweep
        self.scenario = scenario
        self.seeds = seeds
        self.runs = runs
        self.confidence = confidence
        self.sla = sla
        self.axes = axes
        self.rankedBy = rankedBy
        self.cells = cells
        self.cheapest = cheapest
    }
}
