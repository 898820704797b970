import Scenario
import ServingModel
import SimulationCore
import Workload

/// Merges a sweep's parts into its outcome. Every part must come from the
/// same sweep (fingerprint), the same Headroom version and the same shard
/// count, every shard must be there exactly once and hold exactly its
/// runs; anything else is refused, naming the part, so nothing is dropped
/// or counted twice. The runs are then taken in run order (cell, then
/// seed) whatever the order of the parts, so any split merges to the same
/// bytes as the unsharded run, which is itself the merge of one part.
package enum SweepMerge {
    /// The outcome of `parts` (each with the path it was read from, for
    /// messages); `version` is this Headroom's.
    package static func outcome(of parts: [(path: String, part: SweepPart)], version: String) throws -> SweepOutcome {
        guard let (firstPath, first) = parts.first else { throw SweepError("merge: no parts given") }
        let header = first.header
        for (path, part) in parts {
            if part.header.fingerprint != header.fingerprint || part.header.sweep != header.sweep {
                throw SweepError("merge: \(path) is a part of another sweep ('\(part.header.sweep)', fingerprint \(part.header.fingerprint)) than \(firstPath) ('\(header.sweep)', fingerprint \(header.fingerprint))")
            }
            if part.header.headroomVersion != version {
                throw SweepError("merge: \(path) was written by headroom \(part.header.headroomVersion), this is \(version); rerun its shard with this version")
            }
            if part.header != header {
                throw SweepError("merge: \(path)'s header differs from \(firstPath)'s although their fingerprints agree (a damaged or edited part)")
            }
            if part.shards != first.shards {
                throw SweepError("merge: \(path) is shard \(part.shard) of \(part.shards), \(firstPath) of \(first.shards): the parts come from different splits")
            }
        }
        let shards = first.shards
        try SweepShard.checkComplete(parts.map { ($0.path, $0.part.shard) }, count: shards)

        // The header's size, checked against the runs the parts hold before
        // anything is allocated for it (a damaged part must not ask for more).
        guard header.metrics == SweepMetric.allCases.map(\.rawValue) else {
            throw SweepError("merge: \(firstPath): its metrics \(header.metrics) are not the ones this headroom records (a damaged part)")
        }
        let seeds = header.seeds
        guard (2...SweepDefinition.maxSeeds).contains(seeds) else {
            throw SweepError("merge: \(firstPath): \(seeds) seeds per cell; a sweep has 2 to \(SweepDefinition.maxSeeds)")
        }
        var cells = 1
        for axis in header.axes {
            let (product, overflow) = cells.multipliedReportingOverflow(by: axis.values.count)
            guard !axis.values.isEmpty, !overflow else { throw SweepError("merge: \(firstPath): the axis \(axis.key) has \(axis.values.count) values, or the axes too many cells") }
            cells = product
        }
        let (total, overflow) = cells.multipliedReportingOverflow(by: seeds)
        guard !overflow else { throw SweepError("merge: \(firstPath): \(cells) cells × \(seeds) seeds is too many runs") }
        // Each part holds its shard's count of runs, so the slots below are
        // as many as the runs read.
        for (path, part) in parts {
            let count = total > part.shard ? (total - part.shard - 1) / shards + 1 : 0
            guard part.runs.count == count else {
                throw SweepError("merge: \(path) holds \(part.runs.count) runs; shard \(part.shard) of \(shards) has \(count)")
            }
        }

        // Every shard holds exactly its runs, in run order; every run lands in its slot.
        let valueCount = header.metrics.count + (try header.slaTargets().count)
        var runs = [SweepRun?](repeating: nil, count: total)
        var pools = [SweepPool?](repeating: nil, count: cells)
        for (path, part) in parts.sorted(by: { $0.part.shard < $1.part.shard }) {
            let shard = SweepShard(index: part.shard, count: shards)
            let expected = stride(from: part.shard, to: total, by: shards)
            for (run, r) in zip(part.runs, expected) {
                guard run.cell >= 0, run.cell < cells, run.seed >= 0, run.seed < seeds, run.cell * seeds + run.seed == r, shard.owns(run: r) else {
                    throw SweepError("merge: \(path) holds run (cell \(run.cell), seed \(run.seed)) where shard \(part.shard) of \(shards) has (cell \(r / seeds), seed \(r % seeds))")
                }
                guard run.values.count == valueCount else { throw SweepError("merge: \(path): run (cell \(run.cell), seed \(run.seed)) has \(run.values.count) values, expected \(valueCount)") }
                runs[r] = run
            }
            for pool in part.pools {
                guard pool.cell >= 0, pool.cell < cells else { throw SweepError("merge: \(path): pooled histograms of cell \(pool.cell), outside 0...\(cells - 1)") }
                guard [pool.ttft, pool.tpot, pool.e2e].allSatisfy({ LogHistogram(state: $0) != nil }) else {
                    throw SweepError("merge: \(path): the pooled histograms of cell \(pool.cell) are damaged (counts do not add up)")
                }
                if pools[pool.cell] == nil { pools[pool.cell] = pool } else { pools[pool.cell]!.merge(pool) }
            }
        }
        return try SweepOutcome(header: header, runs: runs.map { $0! }, pools: pools)
    }
}

extension SweepHeader {
    /// The SLA's targets (none without an SLA).
    func slaTargets() throws -> [SLA.Target] {
        try sla.map { try SLA(parsing: $0).targets } ?? []
    }
}
