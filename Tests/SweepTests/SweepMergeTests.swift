import Foundation
import Sweep
import Testing
import TestSupport
import Workload

/// Sharded sweeps merge to the same bytes as the unsharded run: every
/// split, in any order of its parts, through part files on disk.
@Suite struct SweepMergeTests {
    static let version = "test-version"
    static let definition = try! SweepDefinition.load(path: try! SweepTestFiles.write())
    /// The unsharded run, and the parts of each split (run once for all tests).
    static let whole = try! SweepExecutor.run(definition, shard: .whole, jobs: 2, version: version)
    static let splits = Dictionary(uniqueKeysWithValues: [1, 2, 3, 7].map { n in (n, try! parts(n, jobs: n % 2 + 1)) })

    /// The three renderings of an outcome.
    func rendered(_ o: SweepOutcome) throws -> [String] {
        [SweepReport.table(o), try SweepReport.json(o), SweepReport.csv(o)]
    }

    /// The parts of an `n`-way split, written to files and read back.
    static func parts(_ n: Int, jobs: Int) throws -> [(path: String, part: SweepPart)] {
        try (0..<n).map { k in
            let part = try SweepExecutor.run(definition, shard: SweepShard(index: k, count: n), jobs: jobs, version: version)
            let path = try TestData.write(try part.encoded(), suffix: ".json")
            return (path, try SweepPart.read(path: path))
        }
    }

    func parts(_ n: Int) -> [(path: String, part: SweepPart)] { Self.splits[n]! }

    @Test func anySplitInAnyOrderMergesToTheUnshardedBytes() throws {
        let expected = try rendered(try SweepMerge.outcome(of: [("whole", Self.whole)], version: Self.version))
        for n in [1, 2, 3, 7] {
            let split = parts(n)
            // Forward, reversed, and rotated by one.
            for order in [split, split.reversed(), Array(split.dropFirst() + split.prefix(1))] {
                #expect(try rendered(try SweepMerge.outcome(of: order, version: Self.version)) == expected, "\(n) shards")
            }
        }
    }

    @Test func aPartFileGivesBackTheSameBits() throws {
        let part = Self.whole
        let read = try SweepPart.read(path: try TestData.write(try part.encoded(), suffix: ".json"))
        // Every value's bits (NaN, the cost without a price, included), and everything else.
        #expect(read.runs.map { $0.values.map(\.bitPattern) } == part.runs.map { $0.values.map(\.bitPattern) })
        #expect(read.pools == part.pools)
        #expect(read.header == part.header)
        #expect(read.runs.map(\.requests) == part.runs.map(\.requests))
        #expect(part.runs.contains { $0.values.contains { $0.isNaN } })
    }

    @Test func theOutcomeJudgesTheSLAAndNamesTheCheapestCellMeetingIt() throws {
        let whole = Self.whole
        let o = try SweepMerge.outcome(of: [("whole", whole)], version: Self.version)
        // One replica at 150/s and 10 ms is overloaded (ρ = 1.5); two run at ρ = 0.75, a p99 wait of tens of ms.
        #expect(o.cells.map(\.meetsSla) == [false, false, true, true, true, true])
        #expect(o.cheapest == 2)
        #expect(o.rankedBy == "gpus")
        #expect(o.cells[2].pooled.requests.offered == whole.runs.filter { $0.cell == 2 }.reduce(0) { $0 + $1.requests.offered })
        let mean = try #require(o.cells[4].metrics["replicas"])
        #expect(mean.mean == 4 && mean.halfWidth == 0)
        #expect(SweepReport.table(o).contains("cheapest meeting the SLA: cell 2 (replicas.count=2, replicas.max_queue=1000)"))
    }

    @Test func refusesAMissingOrDuplicatePart() throws {
        let split = parts(3)
        #expect(throws: SweepError("merge: 1 of 3 parts missing: shard 1")) {
            try SweepMerge.outcome(of: [split[0], split[2]], version: Self.version)
        }
        #expect(throws: SweepError("merge: shard 2 of 3 given twice: \(split[2].path) and \(split[2].path)")) {
            try SweepMerge.outcome(of: split + [split[2]], version: Self.version)
        }
    }

    @Test func refusesPartsOfAnotherSweepVersionOrSplit() throws {
        let split = parts(2)
        let other = try SweepDefinition.load(path: try SweepTestFiles.write(sweep: SweepTestFiles.sweep.replacingOccurrences(of: "seeds: 3", with: "seeds: 4")))
        let foreign = try SweepExecutor.run(other, shard: SweepShard(index: 1, count: 2), jobs: 1, version: Self.version)
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: [split[0], ("foreign.json", foreign)], version: Self.version) }
        let error = try #require(throws: SweepError.self) { try SweepMerge.outcome(of: [split[0], ("foreign.json", foreign)], version: Self.version) }
        #expect(error.description.contains("foreign.json is a part of another sweep"))

        #expect(throws: SweepError("merge: \(split[0].path) was written by headroom test-version, this is 9.9.9; rerun its shard with this version")) {
            try SweepMerge.outcome(of: split, version: "9.9.9")
        }
        let third = parts(3)
        #expect(throws: SweepError("merge: \(third[1].path) is shard 1 of 3, \(split[0].path) of 2: the parts come from different splits")) {
            try SweepMerge.outcome(of: [split[0], third[1]], version: Self.version)
        }
    }

    @Test func refusesAPartWhoseRunsAreNotItsShards() throws {
        var split = parts(2)
        split[1].part.runs.removeLast()
        #expect(throws: SweepError("merge: \(split[1].path) holds 8 runs; shard 1 of 2 has 9")) {
            try SweepMerge.outcome(of: split, version: Self.version)
        }
        split = parts(2)
        split[1].part.runs[0].seed += 1
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: split, version: Self.version) }
    }

    /// A damaged header cannot make the merge allocate, loop or crash on its numbers or names.
    @Test func aPartAskingForHugeCountsIsRefused() throws {
        var one = parts(1)
        one[0].part.header.seeds = Int.max
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: one, version: Self.version) }
        one = parts(1)
        // Five axes of 100,000 values: 10^25 cells, past Int.
        var axis = one[0].part.header.axes[0]
        axis.values = Array(repeating: "x", count: 100_000)
        one[0].part.header.axes = Array(repeating: axis, count: 5)
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: one, version: Self.version) }
        one = parts(1)
        one[0].part.shards = Int.max
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: one, version: Self.version) }
        one = parts(1)
        one[0].part.header.metrics[0] = "e2a_p99"  // found by make fuzz (target part): the CSV read a metric by name
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: one, version: Self.version) }
        one = parts(1)
        one[0].part.runs[0].cell = Int.max
        #expect(throws: SweepError.self) { try SweepMerge.outcome(of: one, version: Self.version) }
    }

    @Test func aPartOfAnotherFormatIsRefusedByItsFormat() throws {
        let path = try TestData.write(#"{"format": "headroom-sweep-part/0", "runs": []}"#, suffix: ".json")
        let error = try #require(throws: InputError.self) { try SweepPart.read(path: path) }
        #expect(error.issues.first?.message == "'headroom-sweep-part/0': this headroom reads headroom-sweep-part/1")
    }
}
