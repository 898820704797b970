import CapacityPlanning
import Foundation
import Workload

/// A shard's part file of a horizon plan (`headroom plan --shard K/N --part
/// FILE`): the capacity curve the shard measured and the outcomes of its
/// tracks (``HorizonPlanner/Prepared``: the schedule, each autoscaler
/// metric, the static size), track `t` being shard `t mod N`'s.
///
/// It also carries the plan's command line (without `--shard` and
/// `--part`) and working directory, so `headroom merge` runs the same plan
/// again with every track's outcome taken from the parts, and prints and
/// writes the bytes the unsharded plan does; and a fingerprint of the
/// arguments and the files they name, so a part of another plan, or of
/// inputs changed since, is refused.
package struct PlanPart: Sendable, Codable {
    /// The format this Headroom writes and reads.
    package static let currentFormat = "headroom-plan-part/1"

    /// ``currentFormat`` when written.
    package var format = PlanPart.currentFormat
    /// The Headroom version that wrote it.
    package var headroomVersion: String
    /// ``PlanPart/fingerprint(arguments:files:)`` of the plan's inputs.
    package var fingerprint: String
    /// `headroom plan`'s arguments, without `--shard` and `--part`.
    package var arguments: [String]
    /// The directory they were given in (relative paths resolve from it).
    package var workingDirectory: String
    /// This part's shard, 0-based.
    package var shard: Int
    /// The number of shards.
    package var shards: Int
    /// The design load per interval (requests/s) the tracks verified.
    package var rates: [Double]
    /// The capacity curve (every shard measures the same one).
    package var curve: CapacityCurve
    /// The plan's number of tracks.
    package var tracks: Int
    /// The outcomes of this shard's tracks, by track.
    package var outcomes: [HorizonPlanner.TrackOutcome]

    /// A part.
    package init(headroomVersion: String, fingerprint: String, arguments: [String], workingDirectory: String, shard: SweepShard,
                 rates: [Double], curve: CapacityCurve, tracks: Int, outcomes: [HorizonPlanner.TrackOutcome]) {
        self.headroomVersion = headroomVersion
        self.fingerprint = fingerprint
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.shard = shard.index
        self.shards = shard.count
        self.rates = rates
        self.curve = curve
        self.tracks = tracks
        self.outcomes = outcomes
    }

    /// The tracks of `tracks` that `shard` runs: `t mod N == K`.
    package static func owned(tracks: Int, by shard: SweepShard) -> [Int] {
        Array(stride(from: shard.index, to: tracks, by: shard.count))
    }

    /// A plan's arguments as a part records them, from the process's
    /// `argv`: after `plan` (and `size`), without the options that say how
    /// it is split (`--shard`, `--part`, `--curve`, `--curve-only`), so the
    /// shards, the curve's job and the merge agree on them.
    package static func recordedArguments(_ argv: [String]) -> [String] {
        var a = Array(argv.dropFirst())
        if a.first == "plan" { a.removeFirst() }
        if a.first == "size" { a.removeFirst() }
        var out: [String] = []
        var i = 0
        while i < a.count {
            if ["--shard", "--part", "--curve"].contains(a[i]) { i += 2; continue }
            if a[i] == "--curve-only" || ["--shard=", "--part=", "--curve="].contains(where: { a[i].hasPrefix($0) }) { i += 1; continue }
            out.append(a[i])
            i += 1
        }
        return out
    }

    /// The fingerprint of a plan's arguments and the bytes of the files
    /// they name, in order (``SweepFingerprint``).
    package static func fingerprint(arguments: [String], files: [[UInt8]]) -> String {
        SweepFingerprint.of([Array(arguments.joined(separator: "\u{0}").utf8)] + files)
    }

    /// The part's JSON text.
    package func encoded() throws -> String {
        try PartCoding.text(self, snakeCase: false)
    }

    /// Reads the part file at `path`; throws an ``InputError`` naming the
    /// file and what is wrong with it.
    package static func read(path: String) throws -> PlanPart { try read(PartFile.read(path)) }

    /// The part in `file` (see ``read(path:)``).
    package static func read(_ file: PartFile) throws -> PlanPart {
        try PartCoding.decode(PlanPart.self, from: file, kind: "plan", writer: "headroom plan --shard", format: currentFormat,
                              snakeCase: false)
    }

    /// Checks that `parts` (each with the path it was read from) are the
    /// complete split of one plan by this `version`, every shard once,
    /// each holding exactly its tracks, all with the same curve and load;
    /// returns the first part and every track's outcome in track order.
    package static func merged(_ parts: [(path: String, part: PlanPart)], version: String) throws -> (part: PlanPart, outcomes: [HorizonPlanner.TrackOutcome]) {
        guard let (firstPath, first) = parts.first else { throw SweepError("merge: no parts given") }
        for (path, part) in parts {
            if part.fingerprint != first.fingerprint || part.arguments != first.arguments {
                throw SweepError("merge: \(path) is a part of another plan (fingerprint \(part.fingerprint)) than \(firstPath) (fingerprint \(first.fingerprint))")
            }
            if part.headroomVersion != version {
                throw SweepError("merge: \(path) was written by headroom \(part.headroomVersion), this is \(version); rerun its shard with this version")
            }
            if part.shards != first.shards {
                throw SweepError("merge: \(path) is shard \(part.shard) of \(part.shards), \(firstPath) of \(first.shards): the parts come from different splits")
            }
            if part.curve != first.curve || part.rates != first.rates || part.tracks != first.tracks {
                throw SweepError("merge: \(path)'s capacity curve, load or tracks differ from \(firstPath)'s although their fingerprints agree (a damaged or edited part)")
            }
        }
        try SweepShard.checkComplete(parts.map { ($0.path, $0.part.shard) }, count: first.shards)
        var outcomes: [HorizonPlanner.TrackOutcome] = []
        for (path, part) in parts.sorted(by: { $0.part.shard < $1.part.shard }) {
            // The count first: a damaged part's track count must not size an array.
            let count = part.tracks > part.shard ? (part.tracks - part.shard - 1) / part.shards + 1 : 0
            guard part.outcomes.count == count else {
                throw SweepError("merge: \(path) holds \(part.outcomes.count) tracks' outcomes; shard \(part.shard) of \(part.shards) runs \(count) of the plan's \(part.tracks)")
            }
            let expected = owned(tracks: part.tracks, by: SweepShard(index: part.shard, count: part.shards))
            guard part.outcomes.map(\.track) == expected else {
                throw SweepError("merge: \(path) holds the tracks \(part.outcomes.map(\.track)); shard \(part.shard) of \(part.shards) runs \(expected)")
            }
            outcomes += part.outcomes
        }
        return (first, outcomes.sorted { $0.track < $1.track })
    }
}
