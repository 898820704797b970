import Foundation
import SimulationCore
import Workload

/// Runs a serving simulation from a configuration and summarises it.
///
/// ```swift
/// let run = try ServingRun(configuration: config)
/// let result = try run.execute()
/// ```
package struct ServingRun {
    /// The configuration.
    package let configuration: ServingConfiguration

    /// Checks a configuration can be simulated. A replayed trace must have a
    /// first request; a bad row further on stops the run with its error
    /// (nothing is written), without reading the file twice. `headroom
    /// validate` reads it through with ``checkTrace(_:)``.
    /// An absurd configuration (see ``ServingLimits/checkScale(_:)``) is
    /// refused here, before anything is allocated, as is a combination the
    /// model does not simulate.
    package init(configuration: ServingConfiguration) throws {
        self.configuration = configuration
        try ServingLimits.checkScale(configuration)
        if case .trace(let replay) = configuration.arrivals {
            let reader = try TraceReader(path: replay.path, format: replay.format)
            if try reader.next() == nil { throw WorkloadError(replay.path, "the trace has no requests") }
        }
        let needsProfile: Bool
        switch configuration.replicas.batching {
        case .continuous: needsProfile = true
        case .unbatched, .dynamic: needsProfile = configuration.replicas.service == nil
        }
        if needsProfile && configuration.replicas.hardware == nil {
            throw ServingModelError(key: "replicas.hardware", "policy '\(configuration.replicas.batching.name)' needs replicas.hardware (or replicas.service for none/dynamic)")
        }
        try ServingSimulation.validate(configuration,
                                       slots: max(configuration.replicas.count, configuration.replicas.dynamics?.maxReplicas ?? 0))
    }

    /// Reads a replayed trace through once, in constant memory; returns its
    /// rows. A bad row is an error naming its line; rows × the rate scale
    /// above ``ServingLimits/maxArrivals`` are refused.
    package static func checkTrace(_ replay: TraceReplay) throws -> Int {
        let reader = try TraceReader(path: replay.path, format: replay.format)
        var rows = 0
        while try reader.next() != nil { rows += 1 }
        if rows == 0 { throw WorkloadError(replay.path, "the trace has no requests") }
        if let error = traceVolumeError(rows: rows, rateScale: replay.rateScale) { throw error }
        return rows
    }

    /// The error for a replay of `rows` records at `rateScale` when it
    /// exceeds ``ServingLimits/maxArrivals`` arrivals, else nil.
    static func traceVolumeError(rows: Int, rateScale: Double) -> ServingModelError? {
        let arrivals = Double(rows) * rateScale
        guard arrivals > ServingLimits.maxArrivals else { return nil }
        return ServingModelError(key: "workload.arrivals.scale",
                                 "\(rows) trace records at \(rateScale)x make \(ServingLimits.count(arrivals)) arrivals, "
                                 + "above the limit of \(ServingLimits.count(ServingLimits.maxArrivals)) per run; lower the rate scale")
    }

    /// Simulates, reporting progress (0...1) every 1% of simulated time.
    package func execute(progress: ((Double) -> Void)? = nil) throws -> (result: ServingResult, metrics: ServingMetrics) {
        let wallStart = Date()
        var sim = Simulation(model: try ServingSimulation(configuration: configuration))
        sim.model.start(&sim.scheduler)
        let end = configuration.duration
        if configuration.drain {
            // Arrivals stop at the duration (or the request limit); run until
            // the last request is done.
            sim.run(while: { _ in true })
        } else if let progress {
            for step in 1...100 {
                sim.run(until: end * Double(step) / 100)
                progress(Double(step) / 100)
            }
        } else {
            sim.run(until: end)
        }
        if let error = sim.model.traceError { throw error }
        let wall = Date().timeIntervalSince(wallStart)
        var metrics = sim.model.metrics
        if sim.model.layered { metrics.client = sim.model.clientMetrics }
        var result = summarise(sim.model, events: sim.eventCount, wall: wall, now: sim.now)
        if case .continuous(let cb) = configuration.replicas.batching, cb.prefixCaching {
            result.prefixCache = .init(metrics.prefixCache)
        }
        result.conversations = sim.model.arrivals.conversations?.summary
        if case .processes(let ps) = configuration.arrivals, ps.count == 1, case .constantStages(let c) = ps[0] {
            let origins = c.origins
            result.stages = metrics.stages.enumerated().map { k, s in
                .init(rate: c.stages[k].rate, duration: c.stages[k].duration, start: origins[k], arrivals: s.arrivals,
                      completed: s.completed, failed: s.failed, queueWait: LatencySummary(s.queueWait),
                      ttft: LatencySummary(s.ttft), tpot: LatencySummary(s.tpot), e2e: LatencySummary(s.e2e))
            }
        }
        result.alerts = configuration.alerts.map { $0.evaluate(metrics, duration: configuration.duration) }
        return (result, metrics)
    }

    func interval(_ b: TimeBatchMeans) -> ServingResult.Interval {
        let ci = b.confidenceInterval(level: 0.95)
        return .init(mean: ci.mean, halfWidth: ci.halfWidth, level: 0.95)
    }

    func summarise(_ model: ServingSimulation, events: Int, wall: Double, now: Double) -> ServingResult {
        let m = model.metrics
        // Draining runs measure up to the last completion; others to the end.
        let end = configuration.drain ? m.lastCompletion : configuration.duration
        let measured = max(end - configuration.warmup, 1e-9)
        let unfinished = m.offered - m.completed - m.rejected - m.timedOut - m.failed - m.cancelled
        let gpus = Double(configuration.replicas.hardware?.gpusPerReplica ?? 1)
        let throughput = Double(m.completed) / measured
        return ServingResult(
            scenario: configuration.name, seed: configuration.seed,
            simulatedSeconds: end, measuredSeconds: measured,
            wallSeconds: wall, events: events,
            requests: .init(offered: m.offered, completed: m.completed, rejected: m.rejected,
                            rejectedTooLong: m.rejectedTooLong > 0 ? m.rejectedTooLong : nil,
                            timedOut: m.timedOut, failed: m.failed, cancelled: m.cancelled, unfinished: unfinished),
            latencySeconds: .init(queueWait: LatencySummary(m.queueWait), ttft: LatencySummary(m.ttft),
                                  tpot: LatencySummary(m.tpot), e2e: LatencySummary(m.e2e)),
            throughput: .init(requestsPerSecond: throughput,
                              outputTokensPerSecond: Double(m.outputTokens) / measured),
            goodputRequestsPerSecond: Double(m.goodCompletions) / measured,
            sloAttainment: configuration.slo == nil ? nil : m.completed > 0 ? Double(m.goodCompletions) / Double(m.completed) : 0,
            utilization: m.provisioned.integral(at: end) > 0 ? m.busyReplicas.integral(at: end) / m.provisioned.integral(at: end) : 0,
            kvCacheUtilization: configuration.replicas.hardware != nil && m.provisioned.integral(at: end) > 0
                ? m.kvBlocksInUse.integral(at: end) / (m.provisioned.integral(at: end) * Double(model.replicas.blocksPerReplica)) : 0,
            batchOccupancy: batchOccupancy(m.series),
            overload: .init(unfinished: unfinished, admitted: m.offered - m.rejected, throughput: throughput, meanLatency: m.e2e.mean),
            preemptions: m.preemptions,
            cluster: .init(meanReplicas: m.provisioned.average(at: end), peakReplicas: m.provisioned.peak,
                           gpuHours: m.provisioned.integral(at: end) * gpus / 3600),
            confidence: .init(queueWaitMean: interval(m.queueWaitBatches), e2eMean: interval(m.e2eBatches)),
            clients: model.layered ? ServingResult.Clients(model.clientMetrics) : nil,
            kvTransfers: configuration.replicas.disaggregation == nil ? nil
                : .init(count: m.kvTransfers, meanSeconds: m.kvTransfers > 0 ? m.kvTransferSeconds / Double(m.kvTransfers) : 0,
                        meanWaitSeconds: m.kvTransfers > 0 ? m.kvTransferWaitSeconds / Double(m.kvTransfers) : 0),
            predictive: model.cluster.predictive.map { Self.predictiveSummary($0, end: end) })
    }

    /// Running sequences per ready replica and KV-cache use, from the samples
    /// taken at the end of each time-series interval in the measured window
    /// (nil unless the replicas batch continuously).
    func batchOccupancy(_ s: TimeSeries) -> ServingResult.BatchOccupancy? {
        guard case .continuous(let policy) = configuration.replicas.batching else { return nil }
        var running = 0.0, ready = 0.0, peakKV = 0.0
        for b in 0..<min(s.running.count, s.ready.count, s.kvUse.count) where Double(b + 1) * s.interval > configuration.warmup {
            running += s.running[b]
            ready += s.ready[b]
            peakKV = max(peakKV, s.kvUse[b])
        }
        let mean = ready > 0 ? running / ready : 0
        return .init(meanRunningSequences: mean, maxNumSeqs: policy.maxNumSeqs, occupancy: mean / Double(policy.maxNumSeqs),
                     peakKVCacheUse: peakKV)
    }

    /// Scores the forecasts of the whole intervals that ended by `end`.
    static func predictiveSummary(_ p: PredictiveState, end: Double) -> ServingResult.Predictive {
        let whole = min(Int((end / p.interval + 1e-9).rounded(.down)), p.forecast.count)
        var errors: [Double] = [], floors: [Double] = []
        for j in 0..<max(0, whole) {
            let seen = p.observed.value(inBin: j)
            guard let f = p.forecast[j], seen > 0 else { continue }
            errors.append(abs(f - seen) / seen)
            floors.append(Double(p.plan[j] ?? 0))
        }
        func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
        return .init(refreshes: p.refreshes, skipped: p.skipped, lastSkip: p.lastSkip, intervalsScored: errors.count,
                     forecastMAPE: mean(errors).map { $0 * 100 }, meanPlannedReplicas: mean(floors))
    }
}
