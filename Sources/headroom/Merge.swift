import ArgumentParser
import Foundation
import Sweep
import Workload

/// `headroom merge`: a sweep's part files into its result, byte for byte
/// what the unsharded `headroom sweep` prints; or a horizon plan's parts
/// (`headroom plan --shard`) into the plan, printed and written as the
/// unsharded `headroom plan` does.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the part files of a sharded sweep or plan into its result (the same bytes as the unsharded run).",
        discussion: "Refuses a missing, duplicate or mismatched part (another sweep or plan, another headroom version, another split). A plan's parts are merged by running the plan again where its shards ran, every verification taken from the parts: its own --format and --output apply."
    )

    @Argument(help: "The part files, or directories whose *.json files are the parts.")
    var parts: [String]
    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table
    @Option(help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
        if parts.isEmpty { throw ValidationError("merge: give the part files (or their directory)") }
    }

    func run() throws {
        if let output { try AtomicFile.checkFile(output, option: "--output") }
        var files: [String] = []
        for path in parts {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && $0 != PlanCurvePart.fileName }.sorted()
                if names.isEmpty { throw ValidationError("merge: no part files (*.json) in \(path)") }
                files += names.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            } else {
                files.append(path)
            }
        }
        // Each file is read once: its declared format says which kind it is.
        let contents = try files.map(PartFile.read)
        if let plan = contents.first(where: { $0.format == PlanPart.currentFormat }) {
            if let other = contents.first(where: { $0.format != PlanPart.currentFormat }) {
                throw ValidationError("merge: \(plan.path) is a plan's part and \(other.path) is not; merge one plan's or one sweep's parts")
            }
            if output != nil || format != .table {
                throw ValidationError("merge: a plan's parts print and write as the plan's own arguments say (--format, --output); drop merge's --format and --output")
            }
            return try PlanSize.merge(try contents.map { ($0.path, try PlanPart.read($0)) })
        }
        let loaded = try contents.map { ($0.path, try SweepPart.read($0)) }
        let outcome = try SweepMerge.outcome(of: loaded, version: Headroom.configuration.version)
        try Self.write(outcome, format: format, to: output)
    }

    /// Prints or writes a sweep's outcome in `format`.
    static func write(_ outcome: SweepOutcome, format: OutputFormat, to output: String?) throws {
        let text: String
        switch format {
        case .table: text = SweepReport.table(outcome) + "\n"
        case .json: text = try SweepReport.json(outcome) + "\n"
        case .csv: text = SweepReport.csv(outcome)
        }
        if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
    }
}
