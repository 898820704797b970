import CapacityPlanning
import Foundation
import ServingModel
import Sweep
import Testing
import TestSupport
import Workload

/// A horizon plan's tracks split over shards merge to the plan the whole
/// run gives, byte for byte, for every split and order of its parts; parts
/// that do not make one complete split of one plan are refused by name.
@Suite struct PlanPartTests {
    static let version = "test-version"
    /// M/D/c replicas of 0.5 s, an HPA declared (so two autoscaler metrics,
    /// and with each target a track of its own, six tracks: targets that round
    /// to the same whole number count once), and a curve that claims 8 replicas carry 15.5/s
    /// (ρ = 0.97) so the schedule and static plans need corrections.
    static func planner() throws -> HorizonPlanner {
        var b = ServingConfiguration(name: "md", seed: 11, duration: 300, warmup: 30, arrivals: .processes([.poisson(rate: 1)]),
                                     sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                                     replicas: ReplicaConfiguration(count: 1, batching: .unbatched, service: .deterministic(0.5)))
        b.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: 1, coldStart: .deterministic(120),
                                              scaler: .hpa(HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 1, target: 4), metric: .queueDepth,
                                                           scrape: MetricScrape(interval: 15, lag: 8)))
        var p = try HorizonPlanner(base: b, sla: SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 0.5)]), interval: 600)
        p.minStep = 0
        return p
    }
    static let rates = [4.0, 15.5, 4]
    static let curve = try! CapacityCurve(points: [.init(replicas: 1, maxRate: 2.1, inFlightPerReplica: 1)])
    static let prepared = try! planner().prepare(rates: rates, curve: curve, splitTargets: true)
    /// Every track run once; shards take their tracks from here (a track's
    /// outcome does not depend on the process that runs it).
    static let all = try! planner().outcomes(of: prepared, tracks: Array(0..<prepared.trackCount))

    /// The plan's document as JSON bytes.
    static func bytes(_ r: HorizonPlanner.Result) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(PlanDocument(r, sla: try planner().sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2))
    }

    /// Shard `k` of `n`'s part, written and read back.
    static func part(_ k: Int, of n: Int, fingerprint: String = "f", version: String = version,
                     outcomes: [HorizonPlanner.TrackOutcome]? = nil) throws -> (path: String, part: PlanPart) {
        let shard = SweepShard(index: k, count: n)
        let owned = PlanPart.owned(tracks: prepared.trackCount, by: shard)
        let p = PlanPart(headroomVersion: version, fingerprint: fingerprint, arguments: ["--scenario", "s.yaml"], workingDirectory: "/",
                         shard: shard, rates: rates, curve: curve, tracks: prepared.trackCount,
                         outcomes: outcomes ?? owned.map { all[$0] })
        let path = try TestData.write(try p.encoded(), suffix: ".json")
        return (path, try PlanPart.read(path: path))
    }

    @Test func everySplitInAnyOrderMergesToTheWholePlan() throws {
        #expect(Self.prepared.trackCount == 6)
        let r = try Self.planner().plan(rates: Self.rates, curve: Self.curve)
        let whole = try Self.bytes(r)
        #expect(r.schedule!.corrections >= 1 && r.staticPlan!.corrections >= 1)
        for n in [1, 2, 3, 9] {
            let parts = try (0..<n).map { try Self.part($0, of: n) }
            for order in [parts, parts.reversed()] {
                let (first, outcomes) = try PlanPart.merged(Array(order), version: Self.version)
                #expect(first.shards == n)
                let merged = try Self.planner().assemble(Self.prepared, outcomes: outcomes)
                #expect(try Self.bytes(merged) == whole, "\(n) shards")
            }
        }
    }

    /// Split for shards, each target of a metric is verified; the plan
    /// keeps them down to the first that held, as the unsplit run tries them.
    @Test func aSplitMetricKeepsItsTargetsDownToTheFirstThatHeld() throws {
        var held = Self.all[2].verifications[0]
        for i in held.intervals.indices { held.intervals[i].met = held.intervals[i].met.map { _ in true } }
        var missed = held
        missed.intervals[0].met[0] = false
        var outcomes = Self.all
        // The declared HPA's three targets (tracks 2, 3, 4): missed, held, held.
        (outcomes[2].verifications, outcomes[3].verifications, outcomes[4].verifications) = ([missed], [held], [held])
        let r = try Self.planner().assemble(Self.prepared, outcomes: outcomes)
        #expect(r.autoscalerCandidates.count == 3)
        #expect(r.autoscalerCandidates.dropFirst().map(\.verification.slaMet) == [false, true])
        #expect(r.autoscaler?.verification.slaMet == true)
        // A missing higher target cannot be passed over.
        var gap = outcomes
        gap[2].verifications = []
        #expect(throws: PlanningError.self) { try Self.planner().assemble(Self.prepared, outcomes: gap) }
    }

    @Test func aPartReadsBackToTheSameBytes() throws {
        let (path, p) = try Self.part(0, of: 1)
        #expect(try p.encoded() == String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
        #expect(try PartFile.read(path).format == PlanPart.currentFormat)
    }

    @Test func incompleteOrForeignPartsAreRefusedByName() throws {
        func refusal(_ parts: [(path: String, part: PlanPart)]) -> String {
            do {
                _ = try PlanPart.merged(parts, version: Self.version)
                return ""
            } catch {
                return "\(error)"
            }
        }
        let a = try Self.part(0, of: 2), b = try Self.part(1, of: 2)
        #expect(refusal([a]).contains("1 of 2 parts missing: shard 1"))
        #expect(refusal([a, b, a]).contains("shard 0 of 2 given twice"))
        #expect(refusal([a, try Self.part(1, of: 2, fingerprint: "g")]).contains("part of another plan"))
        #expect(refusal([a, try Self.part(1, of: 2, version: "other")]).contains("written by headroom other"))
        #expect(refusal([a, try Self.part(1, of: 3)]).contains("different splits"))
        #expect(refusal([a, try Self.part(1, of: 2, outcomes: [Self.all[0]])]).contains("holds 1 tracks' outcomes; shard 1 of 2 runs 3 of the plan's 6"))
        #expect(refusal([a, try Self.part(1, of: 2, outcomes: [Self.all[0], Self.all[3], Self.all[5]])]).contains("holds the tracks [0, 3, 5]; shard 1 of 2 runs [1, 3, 5]"))
        // A damaged part cannot make the merge allocate or loop for its numbers.
        var huge = b
        huge.part.tracks = Int.max
        #expect(refusal([a, huge]).contains("differ"))
        var many = a
        many.part.shards = Int.max
        #expect(refusal([many]).contains("expected 1 to 100000 shards"))
        var one = try Self.part(0, of: 1)
        one.part.tracks = Int.max
        #expect(refusal([one]).contains("holds 6 tracks' outcomes; shard 0 of 1 runs 9223372036854775807"))
        var edited = b
        edited.part.curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 2.2, inFlightPerReplica: 1)])
        #expect(refusal([a, edited]).contains("capacity curve, load or tracks differ"))
    }

    /// What a damaged part could make the merge do, refused before it does it.
    @Test func aDamagedCurveOrVerificationIsRefused() throws {
        let empty = try TestData.write(#"{"format": "headroom-plan-curve/1", "headroomVersion": "v", "fingerprint": "f", "rates": [1], "curve": {"points": []}}"#, suffix: ".json")
        #expect(throws: InputError.self) { try PlanCurvePart.read(path: empty, fingerprint: "f", rates: [1], version: "v") }
        let zero = try TestData.write(#"{"format": "headroom-plan-curve/1", "headroomVersion": "v", "fingerprint": "f", "rates": [1], "curve": {"points": [{"replicas": 1, "maxRate": 0, "inFlightPerReplica": 1}]}}"#, suffix: ".json")
        #expect(throws: InputError.self) { try PlanCurvePart.read(path: zero, fingerprint: "f", rates: [1], version: "v") }
        var outcomes = Self.all
        outcomes[0].verifications[0].intervals.removeLast()
        #expect(throws: PlanningError.self) { try Self.planner().assemble(Self.prepared, outcomes: outcomes) }
        outcomes = Self.all
        outcomes[5].replicas = [0]
        #expect(throws: PlanningError.self) { try Self.planner().assemble(Self.prepared, outcomes: outcomes) }
    }

    @Test func aSweepPartIsNotReadAsAPlanPart() throws {
        let path = try TestData.write("{\"format\": \"headroom-sweep-part/1\"}\n", suffix: ".json")
        #expect(try PartFile.read(path).format != PlanPart.currentFormat)
        #expect(throws: InputError.self) { try PlanPart.read(path: path) }
    }

    @Test func thePartRecordsThePlansArgumentsWithoutItsShard() {
        #expect(PlanPart.recordedArguments(["headroom", "plan", "--scenario", "s.yaml", "--shard", "env/4", "--part", "p/", "--history", "h.csv"])
                == ["--scenario", "s.yaml", "--history", "h.csv"])
        #expect(PlanPart.recordedArguments(["headroom", "plan", "size", "--shard=0/2", "--part=x.json", "--peak-rate", "3/s"]) == ["--peak-rate", "3/s"])
        // The curve's job and the shards that read its curve record the same arguments.
        #expect(PlanPart.recordedArguments(["headroom", "plan", "--history", "h.csv", "--curve-only", "--part", "p/"])
                == PlanPart.recordedArguments(["headroom", "plan", "--history", "h.csv", "--shard", "1/3", "--curve", "p/plan-curve.json", "--part", "p/"]))
    }

    @Test func aMeasuredCurveIsReadBackOnlyForItsOwnPlan() throws {
        let part = PlanCurvePart(headroomVersion: Self.version, fingerprint: "f", rates: Self.rates, curve: Self.curve)
        let path = try TestData.write(try part.encoded(), suffix: ".json")
        #expect(try PlanCurvePart.read(path: path, fingerprint: "f", rates: Self.rates, version: Self.version) == Self.curve)
        func refusal(fingerprint: String = "f", rates: [Double] = PlanPartTests.rates, version: String = PlanPartTests.version) -> String {
            do {
                _ = try PlanCurvePart.read(path: path, fingerprint: fingerprint, rates: rates, version: version)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(fingerprint: "g").contains("the curve of another plan"))
        #expect(refusal(rates: [4, 15, 4]).contains("another design load"))
        #expect(refusal(version: "other").contains("written by headroom test-version"))
        // A plan's part is not a curve.
        #expect(throws: InputError.self) {
            try PlanCurvePart.read(path: try Self.part(0, of: 1).path, fingerprint: "f", rates: Self.rates, version: Self.version)
        }
    }
}
