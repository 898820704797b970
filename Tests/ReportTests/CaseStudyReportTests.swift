import Foundation
import Report
import Scenario
import ServingModel
import TestSupport
import Testing

/// The rows of `headroom case-studies`: a claim beside the simulation's
/// figure, the verdict, and the table, Markdown and JSON forms.
@Suite struct CaseStudyReportTests {
    /// One M/M/1 replica at ρ = 0.5, with or without a client layer.
    static func run(client: Bool) throws -> ServingResult {
        try ScenarioRunner.run("""
            name: half
            seed: 3
            duration: 10m
            warmup: 1m
            workload: {arrivals: {process: poisson, rate: 5/s}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            \(client ? "client: {retry: {max_attempts: 2}}" : "")
            """).result
    }

    static func study(_ metric: CaseStudy.Metric, _ claimed: CaseStudy.Claim, baseline: CaseStudy.Claim? = nil) -> CaseStudy {
        CaseStudy(name: "half", claim: "half busy", scenario: "s.yaml", baseline: baseline == nil ? nil : "b.yaml", metric: metric,
                  claimed: claimed, baselineClaimed: baseline)
    }

    @Test func aClaimIsJudgedAndFormattedByItsMetric() throws {
        let r = try Self.run(client: true)
        let agrees = try CaseStudyOutcome(study: Self.study(.utilization, .about(0.5, tolerance: 0.05)), scenario: r, baseline: nil)
        #expect(abs(agrees.value - r.utilization) < 1e-15 && agrees.agrees && agrees.verdict == "yes")
        #expect(agrees.claimed == "50.0% ± 5.0%" && agrees.headroom.hasSuffix("%"))
        let refuted = try CaseStudyOutcome(study: Self.study(.successRate, .below(0.1), baseline: .above(0.99)), scenario: r, baseline: r)
        #expect(!refuted.agrees && refuted.claimed == "> 99.0% → < 10.0%")
        #expect(refuted.verdict.hasPrefix("no: ") && refuted.verdict.contains(", not < 10.0%"))
        let peak = try CaseStudyOutcome(study: Self.study(.peakReplicas, .about(1, tolerance: 0)), scenario: r, baseline: nil)
        #expect(peak.agrees && peak.claimed == "1.000 ± 0" && peak.headroom == "1.000")
    }

    @Test func aMetricTheRunCannotGiveIsNamed() throws {
        let r = try Self.run(client: false)
        let e = #expect(throws: CaseStudyError.self) {
            _ = try CaseStudyOutcome(study: Self.study(.failureRate, .below(0.1)), scenario: r, baseline: nil)
        }
        #expect(e?.message == "s.yaml: metric failure_rate reads what users saw; the scenario needs a client: or gateway: section")
        #expect(throws: CaseStudyError.self) {
            _ = try CaseStudyOutcome(study: Self.study(.callsSaved, .above(0.1)), scenario: r, baseline: r)
        }
    }

    @Test func tableMarkdownAndJSON() throws {
        let r = try Self.run(client: true)
        let rows = [try CaseStudyOutcome(study: Self.study(.utilization, .about(0.5, tolerance: 0.05)), scenario: r, baseline: nil)]
        let markdown = CaseStudySummary.markdown(rows).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(markdown == ["| study | claimed | Headroom | agrees? |", "|---|---|---|---|",
                             "| half | 50.0% ± 5.0% | \(rows[0].headroom) | yes |", ""])
        let table = CaseStudySummary.table(rows)
        #expect(table.hasPrefix("study") && table.hasSuffix("yes\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(rows).utf8)) as? [[String: Any]])
        #expect(Set(json[0].keys) == ["name", "claim", "metric", "claimed_value", "value", "agrees", "claimed", "headroom", "verdict"])
        #expect(json[0]["metric"] as? String == "utilization")
        #expect((json[0]["claimed_value"] as? [String: Double]) == ["value": 0.5, "tolerance": 0.05])
    }
}
