import Foundation
import ServingModel
import SimulationCore

/// Runs a shard of a sweep's runs and returns its part: the runs in run
/// order and each cell's pooled histograms. The whole sweep is shard 0 of
/// 1, so an unsharded run and a merge of parts render from the same state.
package enum SweepExecutor {
    /// Runs `shard` of `sweep` on `jobs` threads (each run is one
    /// simulation on one thread; results never depend on thread timing).
    /// `version` is Headroom's, recorded in the part.
    package static func run(_ sweep: SweepDefinition, shard: SweepShard, jobs: Int, version: String) throws -> SweepPart {
        let runs = (0..<sweep.runCount).filter(shard.owns)
        let targets = sweep.sla?.targets ?? []
        let outcomes = try Replications.run(count: runs.count, jobs: jobs) { i -> (SweepRun, SweepPool) in
            let r = runs[i]
            let cell = r / sweep.seeds, seed = r % sweep.seeds
            var config = sweep.configurations[cell]
            config.seed = config.seed &+ UInt64(seed)
            let (result, metrics) = try ServingRun(configuration: config).execute()
            let price = config.replicas.hardware?.pricePerGPUHour
            let values = SweepMetric.allCases.map { $0.value(in: result, price: price) } + targets.map { SLA.value(of: $0, in: result) }
            let q = result.requests
            let requests = SweepRequests(offered: q.offered, completed: q.completed, rejected: q.rejected, timedOut: q.timedOut,
                                         failed: q.failed, unfinished: q.unfinished)
            return (SweepRun(cell: cell, seed: seed, values: values, requests: requests),
                    SweepPool(cell: cell, ttft: metrics.ttft.state, tpot: metrics.tpot.state, e2e: metrics.e2e.state))
        }
        var done: [SweepRun] = []
        var pools: [Int: SweepPool] = [:]
        for outcome in outcomes {
            done.append(outcome.0)
            pools[outcome.1.cell, default: SweepPool(cell: outcome.1.cell, ttft: .empty, tpot: .empty, e2e: .empty)].merge(outcome.1)
        }
        return SweepPart(format: SweepPart.currentFormat, header: header(sweep, version: version), shard: shard.index, shards: shard.count,
                         runs: done, pools: pools.keys.sorted().map { pools[$0]! })
    }

    /// The header of `sweep`'s parts.
    package static func header(_ sweep: SweepDefinition, version: String) -> SweepHeader {
        SweepHeader(headroomVersion: version, fingerprint: sweep.fingerprint, sweep: sweep.name, scenario: sweep.scenarioAsWritten,
                    seeds: sweep.seeds, confidence: sweep.confidence, sla: sweep.slaText,
                    axes: sweep.axes.map { SweepAxisHeader(key: $0.key.description, values: $0.labels) },
                    metrics: SweepMetric.allCases.map(\.rawValue))
    }
}
