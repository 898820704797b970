import ArgumentParser
import Forecasting
import Foundation
import Sweep
import Workload

/// `headroom sweep`: a base scenario run over axes of scenario keys and
/// seeds, whole, as one shard, or emitted as batch jobs.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over axes of its keys and seeds; print each cell with intervals and the cheapest that meets the SLA.",
        discussion: "The sweep file: docs/commands.md#headroom-sweep. --shard K/N runs a share and writes a part file; headroom merge joins parts into the same bytes as the whole run."
    )

    @Argument(help: "The sweep file (YAML): scenario, seeds, axes, optional sla, confidence and set.")
    var sweep: String
    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table
    @Option(help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?
    @Option(help: "Run shard K of N (0 <= K < N) and write a part file; 'env' or 'env/N' reads K (and N) from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID/_COUNT or AWS_BATCH_JOB_ARRAY_INDEX.")
    var shard: String?
    @Option(help: "With --shard: the part file, or a directory to write part-K-of-N.json in (created when written with a trailing /).")
    var part: String?
    @Option(help: "Simulations run at once (default: one per core).")
    var jobs: Int?
    @Option(parsing: .upToNextOption, help: "Write batch jobs instead of running: 'slurm DIR' or 'kubernetes DIR'.")
    var emit: [String] = []
    @Option(help: "With --emit: the number of shards (default: the runs, at most 100).")
    var shards: Int?
    @Option(help: "With --emit: shards running at once (default: all).")
    var parallelism: Int?
    @Option(help: "With --emit slurm: the headroom executable on the nodes (default: this one).")
    var executable: String?
    @Option(help: "With --emit kubernetes: the container image holding headroom.")
    var image: String = "headroom:\(Headroom.configuration.version)"
    @Option(help: "With --emit kubernetes: the PersistentVolumeClaim holding inputs and parts.")
    var volumeClaim: String = "headroom-sweep"

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 1024 { throw ValidationError("--jobs: expected an integer from 1 to 1024, got \(jobs)") }
        if shard != nil && part == nil { throw ValidationError("--shard needs --part (the part file, or a directory for it)") }
        if part != nil && shard == nil { throw ValidationError("--part needs --shard K/N") }
        if shard != nil && output != nil { throw ValidationError("--shard writes a part file (--part), not --output; headroom merge prints the result") }
        if !emit.isEmpty {
            guard emit.count == 2, SweepSubmission.Engine(rawValue: emit[0]) != nil else {
                throw ValidationError("--emit: expected 'slurm DIR' or 'kubernetes DIR', got '\(emit.joined(separator: " "))'")
            }
            if shard != nil { throw ValidationError("--emit writes batch jobs; it cannot be combined with --shard") }
        }
        if let shards, shards < 1 || shards > SweepShard.maxCount { throw ValidationError("--shards: expected an integer from 1 to \(SweepShard.maxCount), got \(shards)") }
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism: expected an integer >= 1, got \(parallelism)") }
        if let shard { _ = try PlanSize.shardSpec(shard) }
    }

    func run() throws {
        let shardSpec = try shard.map { try PlanSize.shardSpec($0) }
        let partPath = try shardSpec.map { try Self.partPath(self.part!, shard: $0) }
        if let partPath { try AtomicFile.checkFile(partPath, option: "--part") }
        if let output { try AtomicFile.checkFile(output, option: "--output") }
        if emit.count == 2 { try AtomicFile.checkDirectory(emit[1], option: "--emit \(emit[0])") }

        let definition = try SweepDefinition.load(path: sweep, forecasters: ModelLoadForecaster.factory)
        for warning in definition.profileWarnings() {
            FileHandle.standardError.write(Data("headroom: warning: \(sweep): \(warning)\n".utf8))
        }
        let version = Headroom.configuration.version
        if emit.count == 2 {
            try emitJobs(definition, engine: SweepSubmission.Engine(rawValue: emit[0])!, directory: emit[1], version: version)
            return
        }
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        if let shardSpec, let partPath {
            let part = try SweepExecutor.run(definition, shard: shardSpec, jobs: jobs, version: version)
            try AtomicFile.write(try part.encoded(), to: partPath)
            FileHandle.standardError.write(Data("headroom: shard \(shardSpec.index) of \(shardSpec.count): \(part.runs.count) of \(definition.runCount) runs written to \(partPath)\n".utf8))
            return
        }
        // The whole sweep is the merge of one part: the same path as headroom merge.
        let part = try SweepExecutor.run(definition, shard: .whole, jobs: jobs, version: version)
        let outcome = try SweepMerge.outcome(of: [(sweep, part)], version: version)
        try MergeCommand.write(outcome, format: format, to: output)
    }

    /// `--part`: the file, or `DIR/part-K-of-N.json` when it names a
    /// directory (one written with a trailing `/` is created if missing).
    static func partPath(_ part: String, shard: SweepShard) throws -> String {
        try partPath(part, fileName: "part-\(shard.index)-of-\(shard.count).json")
    }

    /// `--part`: the file, or `DIR/fileName` when it names a directory.
    static func partPath(_ part: String, fileName: String) throws -> String {
        var isDirectory: ObjCBool = false
        if part.hasSuffix("/") {
            try AtomicFile.checkDirectory(part, option: "--part")
            try FileManager.default.createDirectory(atPath: part, withIntermediateDirectories: true)
        }
        if FileManager.default.fileExists(atPath: part, isDirectory: &isDirectory) && isDirectory.boolValue {
            return URL(fileURLWithPath: part).appendingPathComponent(fileName).path
        }
        return part
    }

    private func emitJobs(_ definition: SweepDefinition, engine: SweepSubmission.Engine, directory: String, version: String) throws {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        let sweepAbsolute = URL(fileURLWithPath: sweep, relativeTo: URL(fileURLWithPath: cwd + "/")).standardizedFileURL.path
        let submission = SweepSubmission(
            name: definition.name,
            sweepPath: engine == .slurm ? sweepAbsolute : sweep,
            shards: shards ?? min(definition.runCount, 100),
            parallelism: parallelism,
            executable: executable ?? URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: cwd + "/")).standardizedFileURL.path,
            workingDirectory: cwd, image: image, volumeClaim: volumeClaim, version: version)
        try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        let files = submission.files(for: engine, directory: absolute)
        try AtomicFile.write(files.map { ($0.text, absolute + "/" + $0.name) })
        for f in files where f.name.hasSuffix(".sh") || f.name.hasSuffix(".sbatch") {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: absolute + "/" + f.name)
        }
        print("wrote \(files.map { $0.name }.joined(separator: ", ")) to \(directory): \(submission.shards) shards of \(definition.runCount) runs; run \(directory)/submit.sh")
    }
}
