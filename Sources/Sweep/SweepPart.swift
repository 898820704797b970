import Foundation
import SimulationCore
import Workload

/// A shard's part file (`headroom sweep --shard K/N --part FILE`): the
/// mergeable state of the runs of shard K, not their summaries, so
/// `headroom merge` computes every figure from the same numbers a whole
/// run would. A part holds:
///
/// - a ``SweepHeader``: the format version, Headroom's version, the sweep's
///   fingerprint and what rendering needs (axes, seeds, SLA);
/// - one ``SweepRun`` per (cell, seed) of the shard: every metric's value
///   (one Welford observation each) and the request counters;
/// - one ``SweepPool`` per cell: its runs' latency histograms summed
///   (log-bucket counts, exact in any order).
///
/// Run `r = cell × seeds + seed` belongs to shard `r mod N`, so every shard
/// gets a share of every cell. Numbers are written in JSON with Swift's
/// shortest round-trip form, so reading a part gives back the same bits;
/// `inf`, `-inf` and `nan` are strings.
package struct SweepPart: Sendable, Equatable, Codable {
    /// The format this Headroom writes and reads.
    package static let currentFormat = "headroom-sweep-part/1"

    /// ``currentFormat`` when written.
    package var format: String
    /// Which sweep, and what rendering it needs.
    package var header: SweepHeader
    /// This part's shard, 0-based.
    package var shard: Int
    /// The number of shards.
    package var shards: Int
    /// The shard's runs, in run order.
    package var runs: [SweepRun]
    /// Each cell's pooled histograms over the shard's runs, by cell.
    package var pools: [SweepPool]

    /// The part's JSON text.
    package func encoded() throws -> String {
        try PartCoding.text(self, snakeCase: true)
    }

    /// Reads the part file at `path`; throws an ``InputError`` naming the
    /// file and what is wrong with it.
    package static func read(path: String) throws -> SweepPart { try read(PartFile.read(path)) }

    /// The part in `file` (see ``read(path:)``).
    package static func read(_ file: PartFile) throws -> SweepPart {
        try PartCoding.decode(SweepPart.self, from: file, kind: "sweep", writer: "headroom sweep --shard", format: currentFormat,
                              snakeCase: true)
    }
}

/// What identifies a sweep in its parts, and what its output shows.
package struct SweepHeader: Sendable, Equatable, Codable {
    /// The Headroom version that ran it.
    package var headroomVersion: String
    /// ``SweepDefinition/fingerprint``.
    package var fingerprint: String
    /// The sweep's name.
    package var sweep: String
    /// The base scenario as the sweep file writes it.
    package var scenario: String
    /// Runs per cell.
    package var seeds: Int
    /// Confidence level.
    package var confidence: Double
    /// The SLA as the sweep file writes it.
    package var sla: String?
    /// The axes: each key and its values' labels.
    package var axes: [SweepAxisHeader]
    /// The metric names, in the order of ``SweepRun/values``; the SLA
    /// targets' values follow them.
    package var metrics: [String]

    /// The number of cells.
    package var cells: Int { axes.reduce(1) { $0 * $1.values.count } }
}

/// One axis in a header.
package struct SweepAxisHeader: Sendable, Equatable, Codable {
    /// The scenario key.
    package var key: String
    /// Its values, as short labels.
    package var values: [String]
}

/// One run's mergeable state.
package struct SweepRun: Sendable, Equatable, Codable {
    /// The cell.
    package var cell: Int
    /// The seed's index in the cell, 0-based (seed = scenario seed + index).
    package var seed: Int
    /// Each metric's value (``SweepHeader/metrics``), then each SLA target's.
    package var values: [Double]
    /// Request outcomes.
    package var requests: SweepRequests
}

/// Request outcome counters of a run, or summed over runs.
package struct SweepRequests: Sendable, Equatable, Codable {
    /// Arrivals in the measured window.
    package var offered = 0
    /// Served to the last token.
    package var completed = 0
    /// Refused.
    package var rejected = 0
    /// Gave up waiting.
    package var timedOut = 0
    /// Lost to failures or injected errors.
    package var failed = 0
    /// Still in flight at the end.
    package var unfinished = 0

    /// Adds `other`'s counts.
    package mutating func add(_ other: SweepRequests) {
        offered += other.offered
        completed += other.completed
        rejected += other.rejected
        timedOut += other.timedOut
        failed += other.failed
        unfinished += other.unfinished
    }
}

/// A cell's latency histograms summed over runs.
package struct SweepPool: Sendable, Equatable, Codable {
    /// The cell.
    package var cell: Int
    /// Time to first token.
    package var ttft: LogHistogram.State
    /// Time per output token.
    package var tpot: LogHistogram.State
    /// End to end.
    package var e2e: LogHistogram.State

    /// Adds `other`'s histograms (same cell).
    package mutating func merge(_ other: SweepPool) {
        ttft.merge(other.ttft)
        tpot.merge(other.tpot)
        e2e.merge(other.e2e)
    }
}
