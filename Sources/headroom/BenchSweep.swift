import ArgumentParser
import Foundation
import Report
import Sweep
import Workload

/// `headroom bench sweep`: what sharding a sweep costs and gains on this
/// machine. Runs the sweep as one process (`--jobs 1`), then as N shard
/// processes side by side for each N, merges their parts, and reports wall
/// time and total CPU time (the children's user + system time), then runs
/// the same N shards one after another for their CPU time alone (side by
/// side, two processes on one core's hyperthreads or a busy machine bill
/// each other's stalls), the merge's time, the CPU overhead of the serial
/// shards and the merge against the one process, whether the merge
/// equals the one process's output byte for byte, and the fixed cost of a
/// shard (a shard that owns no run: start-up, reading and checking every
/// cell, writing its part).
struct BenchSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Wall and CPU time of a sweep run whole and as N shard processes side by side, the merge, and a shard's fixed cost."
    )

    @Argument(help: "The sweep file.")
    var sweep = "examples/sweep/bench.sweep.yaml"
    @Option(help: "Shard counts to measure, comma-separated.")
    var shards = "1,2,4,8"
    @OptionGroup var output: ReportFormatOptions

    /// One measured configuration.
    struct Row: Encodable {
        /// Shard processes (0: the unsharded process).
        var shards: Int
        var wallSeconds: Double
        /// The shards' CPU summed, side by side.
        var cpuSeconds: Double
        /// The shards' CPU summed, one after another.
        var serialCpuSeconds: Double
        var mergeWallSeconds: Double
        var mergeCpuSeconds: Double
        /// (serial shards' CPU + merge CPU) / the unsharded process's CPU − 1.
        var cpuOverhead: Double
        /// The unsharded wall time over this one's (merge included).
        var speedup: Double
        var identical: Bool
    }

    /// What `--format json` prints.
    struct Output: Encodable {
        var sweep: String
        var runs: Int
        var cores: Int
        /// Wall and CPU seconds of a shard that owns no run.
        var emptyShardWallSeconds: Double
        var emptyShardCpuSeconds: Double
        var rows: [Row]
    }

    func validate() throws {
        let counts = shards.split(separator: ",").map { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 256 }) else {
            throw ValidationError("--shards: expected shard counts from 1 to 256 separated by commas, got '\(shards)'")
        }
    }

    func run() throws {
        let definition = try SweepDefinition.load(path: sweep)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.path
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-bench-sweep-\(getpid())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let whole = try Self.measure([[executable, "sweep", sweep, "--jobs", "1", "--format", "json", "--output", "\(work)/whole.json"]])
        let expected = try Data(contentsOf: URL(fileURLWithPath: "\(work)/whole.json"))
        let n = definition.runCount + 1
        let empty = try Self.measure([[executable, "sweep", sweep, "--shard", "\(n - 1)/\(n)", "--jobs", "1", "--part", "\(work)/empty.json"]])
        var rows = [Row(shards: 0, wallSeconds: whole.wall, cpuSeconds: whole.cpu, serialCpuSeconds: whole.cpu, mergeWallSeconds: 0, mergeCpuSeconds: 0,
                        cpuOverhead: 0, speedup: 1, identical: true)]
        for count in shards.split(separator: ",").compactMap({ Int($0) }) {
            let dir = "\(work)/\(count)"
            let commands = (0..<count).map { [executable, "sweep", sweep, "--shard", "\($0)/\(count)", "--jobs", "1", "--part", dir + "/"] }
            let serial = try commands.reduce(0.0) { $0 + (try Self.measure([$1])).cpu }
            let run = try Self.measure(commands)
            let merge = try Self.measure([[executable, "merge", dir, "--format", "json", "--output", "\(dir).json"]])
            let merged = try Data(contentsOf: URL(fileURLWithPath: "\(dir).json"))
            rows.append(Row(shards: count, wallSeconds: run.wall, cpuSeconds: run.cpu, serialCpuSeconds: serial, mergeWallSeconds: merge.wall,
                            mergeCpuSeconds: merge.cpu, cpuOverhead: (serial + merge.cpu) / whole.cpu - 1, speedup: whole.wall / (run.wall + merge.wall),
                            identical: merged == expected))
        }
        let out = Output(sweep: definition.name, runs: definition.runCount, cores: ProcessInfo.processInfo.activeProcessorCount,
                         emptyShardWallSeconds: empty.wall, emptyShardCpuSeconds: empty.cpu, rows: rows)
        switch output.format {
        case .json: print(try JSONOutput.encode(out))
        case .table:
            print("sweep \(out.sweep): \(out.runs) runs on \(out.cores) cores; a shard with no run costs \(NumberFormatting.fixed(empty.wall, decimals: 3)) s wall, \(NumberFormatting.fixed(empty.cpu, decimals: 3)) s CPU")
            var t = TextTable(header: ["shards", "wall s", "CPU s", "CPU s one by one", "merge wall s", "merge CPU s", "CPU overhead", "speed-up", "same bytes"])
            for r in rows {
                t.append([r.shards == 0 ? "whole" : String(r.shards), NumberFormatting.fixed(r.wallSeconds, decimals: 2),
                          NumberFormatting.fixed(r.cpuSeconds, decimals: 2), NumberFormatting.fixed(r.serialCpuSeconds, decimals: 2),
                          NumberFormatting.fixed(r.mergeWallSeconds, decimals: 3),
                          NumberFormatting.fixed(r.mergeCpuSeconds, decimals: 3), NumberFormatting.fixed(r.cpuOverhead * 100, decimals: 1) + "%",
                          NumberFormatting.fixed(r.speedup, decimals: 2) + "x", r.identical ? "yes" : "NO"])
            }
            print(t.render())
        }
        if rows.contains(where: { !$0.identical }) { throw ExitCode(1) }
    }

    /// Runs `commands` as processes side by side; wall seconds until the
    /// last ends, and their summed user + system CPU seconds.
    static func measure(_ commands: [[String]]) throws -> (wall: Double, cpu: Double) {
        let before = childrenCPU()
        let start = CPUClock.wallSeconds()
        let processes = try commands.map { command -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: command[0])
            p.arguments = Array(command.dropFirst())
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in processes { p.waitUntilExit() }
        let wall = CPUClock.wallSeconds() - start
        for (p, command) in zip(processes, commands) where p.terminationStatus != 0 {
            throw ValidationError("bench sweep: '\(command.dropFirst().joined(separator: " "))' exited with status \(p.terminationStatus)")
        }
        return (wall, childrenCPU() - before)
    }

    /// User + system CPU seconds of the children waited for so far.
    static func childrenCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
