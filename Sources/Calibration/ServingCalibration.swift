import Foundation
import ServingModel
import SimulationCore
import Workload

/// Scale factors on a hardware profile's iteration time that make simulated
/// latency percentiles match those observed on a real deployment.
///
/// Each observation row gives an offered request rate and measured TTFT/TPOT
/// percentiles. For candidate factors the scenario is simulated once per
/// row, at that row's rate, with the scenario's fixed seed (common random
/// numbers: every candidate sees the same arrivals and request sizes), and
/// the loss is Σ ln(simulated/observed)² over every given percentile of
/// every row. The search is deterministic:
///
/// - ``Mode/single``: one factor on the whole iteration time. From 1, steps
///   of ×1.4 downhill until the loss rises, then golden-section search on
///   the log-factor in that bracket, to 1%.
/// - ``Mode/split``: that fit as the start, then coordinate search: the
///   same line search on the prefill-side factor (perToken, perPrefillPair,
///   perTokenComm), then on the decode-side factor (fixed, linearFloor,
///   perKVToken); twice, with steps of ×1.25, then ×1.1.
///
/// Every factor stays within [1/8, 8]. Then, in both modes, the
/// per-iteration overhead (``Factors/overhead``, seconds added to `fixed`)
/// is searched within [0, ``maxOverhead``], the decode-side factor (the
/// single factor in `single`) re-fitted at each candidate, since the two
/// trade against each other: a grid 0, 1, 2, 4, ... ms, then golden
/// section to 0.25 ms.
///
/// ```swift
/// let fit = try ServingCalibration.fit(configuration: scenario, base: profile,
///                                      observations: rows, mode: .single)
/// print(fit.factors, fit.mape)
/// ```
package struct ServingCalibration: Sendable {
    /// A latency that a deployment reports.
    package enum Metric: String, Sendable, CaseIterable {
        /// Time to first token.
        case ttft
        /// Time per output token after the first.
        case tpot
    }

    /// A percentile (or the mean) of a latency summary.
    package enum Percentile: String, Sendable, CaseIterable {
        /// Median.
        case p50
        /// 90th percentile.
        case p90
        /// 99th percentile.
        case p99
        /// 99.9th percentile.
        case p999
        /// The mean (what inference-perf's step time is derived from).
        case mean

        /// This percentile of `summary`.
        package func value(in summary: LatencySummary) -> Double {
            switch self {
            case .p50: return summary.p50
            case .p90: return summary.p90
            case .p99: return summary.p99
            case .p999: return summary.p999
            case .mean: return summary.mean
            }
        }
    }

    /// One measured percentile.
    package struct Target: Sendable, Equatable {
        /// The latency.
        package var metric: Metric
        /// Which percentile.
        package var percentile: Percentile
        /// Its measured value (s).
        package var seconds: Double

        /// A measured percentile.
        package init(metric: Metric, percentile: Percentile, seconds: Double) {
            self.metric = metric
            self.percentile = percentile
            self.seconds = seconds
        }

        /// The column name, e.g. `ttft_p50`.
        package var name: String { "\(metric.rawValue)_\(percentile.rawValue)" }
    }

    /// Latencies measured on the deployment at one offered load.
    package struct Observation: Sendable, Equatable {
        /// Offered request rate (requests per second).
        package var offeredRate: Double
        /// The measured percentiles.
        package var targets: [Target]

        /// An observation row.
        package init(offeredRate: Double, targets: [Target]) {
            self.offeredRate = offeredRate
            self.targets = targets
        }
    }

    /// Which factors are searched.
    package enum Mode: String, Sendable, CaseIterable, Codable {
        /// One factor on the whole iteration time.
        case single
        /// A prefill-side and a decode-side factor.
        case split
    }

    /// Multiplicative factors on the base profile's coefficients, and the
    /// per-iteration overhead added to its `fixed` term.
    package struct Factors: Sendable, Hashable, Codable {
        /// On perToken, perPrefillPair and perTokenComm (work per batched token).
        package var prefill: Double
        /// On fixed, linearFloor, perKVToken and expertRead (per-iteration and decode work).
        package var decode: Double
        /// Seconds added to every iteration's `fixed` term: the CPU work a
        /// real server does per step (scheduling, sampling, detokenising,
        /// streaming) that a GPU-kernel profile leaves out. Fitted within
        /// [0, ``ServingCalibration/maxOverhead``].
        package var overhead: Double

        /// Factors.
        package init(prefill: Double, decode: Double, overhead: Double = 0) {
            self.prefill = prefill
            self.decode = decode
            self.overhead = overhead
        }

        /// `model` with its coefficients scaled and the overhead added to `fixed`.
        package func apply(to model: IterationTimeModel) -> IterationTimeModel {
            var m = model
            m.fixed = m.fixed * decode + overhead
            m.linearFloor *= decode
            m.perKVToken *= decode
            m.expertRead *= decode
            m.perToken *= prefill
            m.perPrefillPair *= prefill
            m.perTokenComm *= prefill
            return m
        }
    }

    /// A target beside its simulated value.
    package struct Comparison: Sendable, Equatable {
        /// The measured percentile.
        package var target: Target
        /// The simulated value (s); the run's duration when no request completed.
        package var simulated: Double

        /// Relative error `simulated/observed − 1`.
        package var relativeError: Double { simulated / target.seconds - 1 }
    }

    /// One observation row after the fit.
    package struct RowResult: Sendable, Equatable {
        /// Offered request rate (requests per second).
        package var offeredRate: Double
        /// Each target beside its simulated value.
        package var comparisons: [Comparison]
        /// Requests completed in the row's simulation (measured window).
        package var completed: Int
    }

    /// The fitted factors (both equal in ``Mode/single``).
    package var factors: Factors
    /// The base profile with the factors applied.
    package var profile: HardwareProfile
    /// Every row at the fitted factors.
    package var rows: [RowResult]
    /// Candidate factor sets simulated (each one run per row).
    package var evaluations: Int
    /// Whether a fitted factor stopped at 1/8 or 8: the loss still falls
    /// beyond, so the observations lie outside what scaling the base
    /// profile within that range can reproduce.
    package var atBound: Bool

    /// The largest per-iteration overhead the fit considers (s): 50 ms,
    /// above any CPU step overhead reported for vLLM (a few ms in V1, up
    /// to tens of ms for large batches in V0), so a fit that reaches it
    /// says the base profile is wrong in shape, not in overhead.
    package static let maxOverhead = 0.05

    /// Mean |simulated/observed − 1| over every target.
    package var mape: Double {
        let errors = rows.flatMap { $0.comparisons.map { abs($0.relativeError) } }
        return errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count)
    }

    /// Largest |simulated/observed − 1| over every target.
    package var maxAPE: Double {
        rows.flatMap { $0.comparisons.map { abs($0.relativeError) } }.max() ?? 0
    }

    /// Fits factors on `base` so `configuration` (workload, batching,
    /// replicas; its hardware is replaced by `base`) reproduces
    /// `observations`.
    ///
    /// - Throws: ``ServingModelError`` when the configuration does not run
    ///   on arrival processes (a trace replay fixes its own rate), when
    ///   there is no observation, or any error of ``ServingRun``.
    package static func fit(configuration: ServingConfiguration, base: HardwareProfile,
                           observations: [Observation], mode: Mode) throws -> ServingCalibration {
        guard !observations.isEmpty else { throw ServingModelError(key: "observations", "need at least one observation row") }
        guard case .processes(let processes) = configuration.arrivals, !processes.isEmpty else {
            throw ServingModelError(key: "workload.arrivals", "calibration sets the offered rate of each row, so the scenario needs arrival processes (poisson, renewal, curve, mmpp, servegen), not a trace replay")
        }
        let meanRate = processes.reduce(0) { $0 + $1.meanRate }
        guard meanRate > 0 else { throw ServingModelError(key: "workload.arrivals", "the arrival processes have no mean rate") }
        var search = Search(configuration: configuration, base: base, processes: processes, meanRate: meanRate,
                            observations: observations)
        let single = try search.minimise(from: 0, step: log(1.4)) { Factors(prefill: exp($0), decode: exp($0)) }
        var best = Factors(prefill: exp(single.u), decode: exp(single.u))
        var atBound = single.atBound
        if mode == .split {
            for step in [log(1.25), log(1.1)] {
                let d0 = log(best.decode)
                let p = try search.minimise(from: log(best.prefill), step: step) { Factors(prefill: exp($0), decode: exp(d0)) }
                let d = try search.minimise(from: d0, step: step) { Factors(prefill: exp(p.u), decode: exp($0)) }
                best = Factors(prefill: exp(p.u), decode: exp(d.u))
                atBound = p.atBound || d.atBound
            }
        }
        // The per-iteration overhead, the factors re-fitted at each candidate.
        let overhead = try search.minimiseOverhead(from: best, mode: mode)
        best = overhead.factors
        if mode == .split {
            let held = best
            let p = try search.minimise(from: log(held.prefill), step: log(1.1)) {
                Factors(prefill: exp($0), decode: held.decode, overhead: held.overhead)
            }
            best.prefill = exp(p.u)
            atBound = overhead.factorAtBound || p.atBound
        } else {
            atBound = overhead.factorAtBound
        }
        atBound = atBound || overhead.atBound
        var profile = base
        profile.iteration = best.apply(to: base.iteration)
        let rows = try search.rows(best)
        return ServingCalibration(factors: best, profile: profile, rows: rows, evaluations: search.cache.count, atBound: atBound)
    }
}

/// The simulations behind a calibration, memoised by factors.
private struct Search {
    let configuration: ServingConfiguration
    let base: HardwareProfile
    let processes: [ArrivalProcess]
    let meanRate: Double
    let observations: [ServingCalibration.Observation]
    /// Loss and rows of every factor set simulated so far.
    var cache: [ServingCalibration.Factors: (loss: Double, rows: [ServingCalibration.RowResult])] = [:]

    init(configuration: ServingConfiguration, base: HardwareProfile, processes: [ArrivalProcess], meanRate: Double,
         observations: [ServingCalibration.Observation]) {
        self.configuration = configuration
        self.base = base
        self.processes = processes
        self.meanRate = meanRate
        self.observations = observations
    }

    /// Every row simulated at `factors`.
    mutating func rows(_ factors: ServingCalibration.Factors) throws -> [ServingCalibration.RowResult] {
        try evaluate(factors).rows
    }

    /// Σ ln(simulated/observed)² at `factors`, and the rows.
    mutating func evaluate(_ factors: ServingCalibration.Factors) throws -> (loss: Double, rows: [ServingCalibration.RowResult]) {
        if let hit = cache[factors] { return hit }
        var profile = base
        profile.iteration = factors.apply(to: base.iteration)
        var loss = 0.0
        var rows: [ServingCalibration.RowResult] = []
        for observation in observations {
            var c = configuration
            c.replicas.hardware = profile
            c.arrivals = .processes(processes.map { $0.scaled(by: observation.offeredRate / meanRate) })
            let (result, _) = try ServingRun(configuration: c).execute()
            let comparisons = observation.targets.map { target -> ServingCalibration.Comparison in
                let summary = target.metric == .ttft ? result.latencySeconds.ttft : result.latencySeconds.tpot
                let simulated = summary.count > 0 ? target.percentile.value(in: summary) : c.duration
                return ServingCalibration.Comparison(target: target, simulated: max(simulated, 1e-9))
            }
            loss += comparisons.reduce(0) { $0 + pow(log($1.simulated / $1.target.seconds), 2) }
            rows.append(.init(offeredRate: observation.offeredRate, comparisons: comparisons, completed: result.requests.completed))
        }
        cache[factors] = (loss, rows)
        return (loss, rows)
    }

    /// The decode-side factor (both factors in ``ServingCalibration/Mode/single``)
    /// that minimises the loss at overhead `overhead`, from `start`.
    mutating func refit(_ start: ServingCalibration.Factors, overhead: Double,
                        mode: ServingCalibration.Mode) throws -> (factors: ServingCalibration.Factors, loss: Double, atBound: Bool) {
        let prefill = start.prefill
        let r = try minimise(from: log(start.decode), step: log(1.1)) {
            ServingCalibration.Factors(prefill: mode == .single ? exp($0) : prefill, decode: exp($0), overhead: overhead)
        }
        let f = ServingCalibration.Factors(prefill: mode == .single ? exp(r.u) : prefill, decode: exp(r.u), overhead: overhead)
        return (f, try evaluate(f).loss, r.atBound)
    }

    /// The overhead in [0, ``ServingCalibration/maxOverhead``] whose
    /// re-fitted factors (``refit(_:overhead:mode:)``) give the lowest
    /// loss. Overhead and the decode factor trade against each other, so
    /// holding the factors while moving the overhead would stall; each
    /// candidate gets its own factor instead (a profile search). The grid
    /// 0, 1, 2, 4, ... ms stops two points past its lowest loss; golden
    /// section between the lowest point's neighbours refines it to about
    /// ``overheadTolerance``.
    mutating func minimiseOverhead(from start: ServingCalibration.Factors, mode: ServingCalibration.Mode) throws
        -> (factors: ServingCalibration.Factors, atBound: Bool, factorAtBound: Bool) {
        let upper = ServingCalibration.maxOverhead
        let grid = [0.0, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, upper]
        var points: [(o: Double, fit: (factors: ServingCalibration.Factors, loss: Double, atBound: Bool))] = []
        var warm = start
        var bestIndex = 0
        for o in grid {
            let r = try refit(warm, overhead: o, mode: mode)
            points.append((o, r))
            warm = r.factors
            if r.loss < points[bestIndex].fit.loss { bestIndex = points.count - 1 }
            if points.count - 1 - bestIndex >= 2 { break }
        }
        var best = points[bestIndex]
        if points.count > 1 {
            var a = points[max(bestIndex - 1, 0)].o, b = points[min(bestIndex + 1, points.count - 1)].o
            let ratio = (sqrt(5.0) - 1) / 2
            var c = b - ratio * (b - a), d = a + ratio * (b - a)
            var fc = try refit(best.fit.factors, overhead: c, mode: mode)
            var fd = try refit(best.fit.factors, overhead: d, mode: mode)
            while b - a > Self.overheadTolerance {
                if fc.loss < fd.loss {
                    b = d; d = c; fd = fc
                    c = b - ratio * (b - a); fc = try refit(fd.factors, overhead: c, mode: mode)
                } else {
                    a = c; c = d; fc = fd
                    d = a + ratio * (b - a); fd = try refit(fc.factors, overhead: d, mode: mode)
                }
            }
            for (o, r) in [(c, fc), (d, fd)] where r.loss < best.fit.loss { best = (o, r) }
        }
        return (best.fit.factors, upper - best.o < Self.overheadTolerance, best.fit.atBound)
    }

    /// The overhead search stops at this bracket width (s): 0.25 ms.
    static let overheadTolerance = 2.5e-4

    /// Factors are searched within [1/8, 8].
    static let bound = log(8.0)
    /// Golden-section search stops when the bracket is this narrow (1% in the factor).
    static let tolerance = 0.01

    /// The log-factor minimising the loss of `factors(u)`: from `u0`, steps
    /// of `step` downhill until the loss rises or the bound is reached,
    /// then golden-section search on the bracket around the lowest point
    /// down to ``tolerance``; `atBound` when the result lies within the
    /// tolerance of ±``bound``.
    mutating func minimise(from u0: Double, step: Double,
                           _ factors: (Double) -> ServingCalibration.Factors) throws -> (u: Double, atBound: Bool) {
        let bound = Self.bound
        func loss(_ u: Double) throws -> Double { try evaluate(factors(u)).loss }
        var centre = (u: u0, loss: try loss(u0))
        var a = max(u0 - step, -bound), b = min(u0 + step, bound)
        let up = try loss(b)
        let direction: Double
        if up < centre.loss {
            direction = 1
        } else {
            let down = try loss(a)
            direction = down < centre.loss ? -1 : 0
        }
        if direction != 0 {
            // Walk downhill; the bracket is the points either side of the lowest.
            var previous = centre.u
            var next = direction > 0 ? b : a
            var nextLoss = try loss(next)
            while nextLoss < centre.loss {
                previous = centre.u
                centre = (next, nextLoss)
                if abs(next) >= bound { break }
                next = min(max(next + direction * step, -bound), bound)
                nextLoss = try loss(next)
            }
            (a, b) = (min(previous, next), max(previous, next))
        }
        let ratio = (sqrt(5.0) - 1) / 2
        var c = b - ratio * (b - a), d = a + ratio * (b - a)
        var fc = try loss(c), fd = try loss(d)
        while b - a > Self.tolerance {
            if fc < fd {
                b = d; d = c; fd = fc
                c = b - ratio * (b - a); fc = try loss(c)
            } else {
                a = c; c = d; fc = fd
                d = a + ratio * (b - a); fd = try loss(d)
            }
        }
        for (u, l) in [(c, fc), (d, fd)] where l < centre.loss { centre = (u, l) }
        return (centre.u, bound - abs(centre.u) < Self.tolerance)
    }
}
