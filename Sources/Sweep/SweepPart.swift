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
        String(decoding: try Self.encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads the part file at `path`; throws an ``InputError`` naming the
    /// file and what is wrong with it.
    package static func read(path: String) throws -> SweepPart {
        let data = try PartCoding.read(path: path, kind: "sweep", writer: "headroom sweep --shard", format: currentFormat)
        do {
            return try decoder.decode(SweepPart.self, from: data)
        } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "a damaged \(currentFormat) file: \(error)")])
        }
    }

    static var encoder: JSONEncoder { PartCoding.encoder }
    static var decoder: JSONDecoder { PartCoding.decoder }
}

/// The JSON form of every part file (sweeps' and plans'): sorted keys,
/// numbers in Swift's shortest round-trip form (reading gives back the same
/// bits), `inf`, `-inf` and `nan` as strings. Sweep parts' keys are in snake
/// case; plan parts keep the planner's own key names (snake case would not
/// read back acronyms such as `simulatedGPUHours`).
package enum PartCoding {
    private static let strings = (inf: "inf", minusInf: "-inf", nan: "nan")
    static var encoder: JSONEncoder { encoder(snakeCase: true) }
    static var decoder: JSONDecoder { decoder(snakeCase: true) }

    static func encoder(snakeCase: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        if snakeCase { e.keyEncodingStrategy = .convertToSnakeCase }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: strings.inf, negativeInfinity: strings.minusInf, nan: strings.nan)
        return e
    }
    static func decoder(snakeCase: Bool) -> JSONDecoder {
        let d = JSONDecoder()
        if snakeCase { d.keyDecodingStrategy = .convertFromSnakeCase }
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: strings.inf, negativeInfinity: strings.minusInf, nan: strings.nan)
        return d
    }

    /// The `format` field of the part file at `path`, nil when it cannot
    /// be read or is not a JSON object with one.
    package static func format(at path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { format(of: $0) }
    }

    /// The `format` field of a part file's JSON, nil when the data is not
    /// a JSON object with one.
    static func format(of data: Data) -> String? {
        struct Format: Decodable { var format: String? }
        return (try? JSONDecoder().decode(Format.self, from: data))?.format
    }

    /// The bytes of the part file at `path` after checking its `format`
    /// first, so a part of another version says so instead of failing on
    /// a field; `kind` and `writer` name it in messages.
    static func read(path: String, kind: String, writer: String, format: String) throws -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "cannot read the part: \(FileProblem.reading(path, error))")])
        }
        guard let found = Self.format(of: data) else {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "not a \(kind) part file (expected JSON written by \(writer))")])
        }
        guard found == format else {
            throw InputError(issues: [InputIssue(file: path, key: "format", message: "'\(found)': this headroom reads \(format)")])
        }
        return data
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
