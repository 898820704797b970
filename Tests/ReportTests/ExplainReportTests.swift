import Foundation
import Report
import Scenario
import ServingModel
import Testing
import TestSupport

/// `headroom explain` on the bundled failure examples: the first line names
/// the cause each example's README gives. The rules read only the measured
/// counts and shares, never the scenario's name (the runs rename it).
@Suite struct ExplainReportTests {
    static func explain(_ example: String) throws -> Explanation {
        var c = try ScenarioLoader.load(path: TestData.path("examples/\(example)"))
        c.name = "renamed"
        c.attribution = true
        let out = try ServingRun(configuration: c).execute()
        return ExplainReport.explain(out.result, metrics: out.metrics, configuration: c)
    }

    static func firstLine(_ e: Explanation) -> String {
        ExplainReport.text(e).components(separatedBy: "\n")[0]
    }

    @Test func aRetryStormIsNamed() throws {
        let e = try Self.explain("retry-storm/immediate-retries.yaml")
        #expect(e.basis == "retry_storm")
        #expect(Self.firstLine(e).hasPrefix("Retry storm"), "\(Self.firstLine(e))")
    }

    @Test func aFullQueuesRefusalsAreNamed() throws {
        let e = try Self.explain("server-busy/reject.yaml")
        #expect(e.errors.first?.cause == "admission_503")
        #expect(Self.firstLine(e).contains("503"), "\(Self.firstLine(e))")
    }

    @Test func holdingForUsersWhoLeftIsNamed() throws {
        let e = try Self.explain("server-busy/hold.yaml")
        let line = Self.firstLine(e)
        #expect(line.contains("abandoned") && line.contains("wasted"), "\(line)")
    }

    @Test func theHungReplicaIsNamed() throws {
        for file in ["straggler/no-per-try.yaml", "straggler/per-try.yaml"] {
            let e = try Self.explain(file)
            #expect(Self.firstLine(e).contains("on replica 3"), "\(file): \(Self.firstLine(e))")
        }
    }

    @Test func theBadCanaryIsNamed() throws {
        let e = try Self.explain("bad-canary/none.yaml")
        let line = Self.firstLine(e)
        #expect(line.contains("injected errors") && line.contains("on replica 7"), "\(line)")
    }

    @Test func jsonCarriesTheDecomposition() throws {
        var c = try ScenarioLoader.load(path: TestData.path("examples/mmc-check.yaml"))
        c.duration = 900
        c.attribution = true
        let out = try ServingRun(configuration: c).execute()
        let e = ExplainReport.explain(out.result, metrics: out.metrics, configuration: c)
        #expect(e.basis == "latency")
        #expect(e.groups.count == 4)
        for g in e.groups {
            #expect(abs(g.parts.reduce(0) { $0 + $1.seconds } - g.meanSeconds) <= 1e-9 * g.meanSeconds)
            #expect(abs(g.parts.reduce(0) { $0 + $1.share } - 1) <= 1e-9)
        }
        let json = try JSONOutput.encode(e)
        #expect(json.contains("\"threshold_seconds\"") && json.contains("\"gateway_queue\""))
    }
}
