import ArgumentParser
import Foundation

/// `headroom-fuzz TARGET`: feeds a parser mutants of its seed corpus for a
/// set time, in one process. Before each input runs it is written to
/// `CRASH_DIR/current-TARGET.EXT`; an input that crashes the process stays
/// there (and `make fuzz` reports it); one that runs past `--hang-seconds`
/// or grows the process past `--max-rss-mb` is moved to
/// `CRASH_DIR/hang-…` or `oom-…` and the process exits 3 or 4. A clean
/// run removes the file and prints one summary line.
@main
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headroom-fuzz",
        abstract: "Feed a parser seeded mutants of its corpus; report crashes, hangs and runaway memory."
    )

    @Argument(help: "The parser: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")).")
    var target: String
    @Option(help: "How long to fuzz, in seconds.")
    var seconds: Double = 60
    @Option(help: "Stop after this many inputs (count; default: no limit).")
    var runs: Int?
    @Option(help: "Seed of the mutations (an integer).")
    var seed: UInt64 = 1
    @Option(name: .customLong("crash-dir"), help: "Folder for the input being run and for findings.")
    var crashDirectory = "fuzz/findings"
    @Option(name: .customLong("hang-seconds"), help: "An input running longer than this (seconds) is a hang.")
    var hangSeconds: Double = 30
    @Option(name: .customLong("max-rss-mb"), help: "A process growing past this resident size (MiB) is a finding.")
    var maxRSS: Int = 1024

    func run() throws {
        guard let fuzz = FuzzTarget(rawValue: target) else {
            throw ValidationError("unknown target '\(target)'; expected one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let seeds = try Self.seeds(of: fuzz)
        guard !seeds.isEmpty else { throw ValidationError("no seeds for \(target) in \(fuzz.seedFolders.joined(separator: ", "))") }
        try FileManager.default.createDirectory(atPath: crashDirectory, withIntermediateDirectories: true)
        let current = "\(crashDirectory)/current-\(target).\(fuzz.fileExtension)"
        Watchdog.start(current: current, hangSeconds: hangSeconds, maxRSSBytes: maxRSS << 20)

        var mutator = Mutator(seed: seed)
        let all = seeds.map(\.bytes)
        let start = Date()
        var executions = 0, refused = 0, accepted = 0
        while Date().timeIntervalSince(start) < seconds && executions < (runs ?? .max) {
            // Every seed unmutated first, then mutants of a random seed.
            let (seedPath, base) = executions < seeds.count ? (seeds[executions].path, seeds[executions].bytes) : {
                let s = seeds[mutator.int(seeds.count)]
                return (s.path, mutator.mutate(s.bytes, others: all))
            }()
            _ = FileManager.default.createFile(atPath: current, contents: Data(base))
            Watchdog.begin()
            do {
                try fuzz.run(bytes: base, path: current, seedPath: seedPath)
                accepted += 1
            } catch {
                refused += 1
            }
            Watchdog.end()
            executions += 1
        }
        try? FileManager.default.removeItem(atPath: current)
        let elapsed = Date().timeIntervalSince(start)
        print("\(target): \(executions) inputs in \(String(format: "%.1f", elapsed)) s (\(accepted) accepted, \(refused) refused), "
              + "no crash, no hang over \(Int(hangSeconds)) s, peak RSS \(Watchdog.peakRSSBytes >> 20) MiB")
    }

    /// The target's seeds, sorted by path so a run is reproducible.
    static func seeds(of target: FuzzTarget) throws -> [(path: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for folder in target.seedFolders {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let relative as String in walker where target.isSeed(relative) {
                let path = "\(folder)/\(relative)"
                out.append((path, Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
