import CapacityPlanning
import Foundation
import Workload

/// A plan's capacity curve measured once for all its shards (`headroom plan
/// --curve-only --part FILE|DIR/`), read by each shard with `--curve FILE`
/// instead of measuring it again: the same curve, so the same bytes after
/// the merge, for a single measurement's CPU.
package struct PlanCurvePart: Sendable, Codable {
    /// The format this Headroom writes and reads.
    package static let currentFormat = "headroom-plan-curve/1"
    /// The file name in a `--part` directory.
    package static let fileName = "plan-curve.json"

    /// ``currentFormat`` when written.
    package var format = PlanCurvePart.currentFormat
    /// The Headroom version that wrote it.
    package var headroomVersion: String
    /// ``PlanPart/fingerprint(arguments:files:)`` of the plan's inputs.
    package var fingerprint: String
    /// The design load per interval (requests/s) it covers.
    package var rates: [Double]
    /// The curve.
    package var curve: CapacityCurve

    /// A curve part.
    package init(headroomVersion: String, fingerprint: String, rates: [Double], curve: CapacityCurve) {
        self.headroomVersion = headroomVersion
        self.fingerprint = fingerprint
        self.rates = rates
        self.curve = curve
    }

    /// The part's JSON text.
    package func encoded() throws -> String {
        try PartCoding.text(self, snakeCase: false)
    }

    /// Reads the curve at `path` for the plan whose inputs have `fingerprint`
    /// and whose design load is `rates`, run by Headroom `version`; refuses
    /// another plan's, another version's or a changed load's, naming the file.
    package static func read(path: String, fingerprint: String, rates: [Double], version: String) throws -> CapacityCurve {
        let part = try PartCoding.decode(PlanCurvePart.self, from: PartFile.read(path), kind: "plan curve",
                                         writer: "headroom plan --curve-only", format: currentFormat, snakeCase: false)
        if part.headroomVersion != version {
            throw SweepError("--curve: \(path) was written by headroom \(part.headroomVersion), this is \(version); measure it again with this version")
        }
        if part.fingerprint != fingerprint {
            throw SweepError("--curve: \(path) is the curve of another plan (other arguments or input files); measure it with this plan's arguments")
        }
        if part.rates != rates {
            throw SweepError("--curve: \(path) was measured for another design load; measure it again")
        }
        return part.curve
    }
}
