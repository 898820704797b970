import Foundation
import Scenario
import TestSupport
import Testing

/// Case-study manifests (`claims.yaml`) as ``CaseStudyManifest`` reads them:
/// the bundled one, a small good one, and every problem of a bad one at once.
@Suite struct CaseStudyManifestTests {
    @Test func theBundledManifestReads() throws {
        let studies = try CaseStudyManifest.load(path: TestData.path("examples/case-studies/claims.yaml"))
        #expect(studies.count == 7)
        for s in studies {
            #expect(s.scenario.hasPrefix(TestData.root.path + "/examples/case-studies/"), "\(s.scenario)")
            #expect(FileManager.default.fileExists(atPath: s.scenario))
        }
    }

    @Test func claimsAreValuesOrBoundsAndPathsResolveBesideTheManifest() throws {
        let scenario = try TestData.write("name: s\n", name: "s.yaml")
        let folder = (scenario as NSString).deletingLastPathComponent
        let studies = try CaseStudyManifest.parse(text: """
            studies:
              - {name: a, claim: "about", scenario: s.yaml, metric: utilization, claimed: {value: 30%, tolerance: 5%}}
              - {name: b, claim: "saved", scenario: s.yaml, baseline: s.yaml, metric: calls_saved, claimed: {above: 0.5}}
              - {name: c, claim: "bound", scenario: s.yaml, baseline: s.yaml, metric: lost_share, claimed: {below: 1%},
                 baseline_claimed: {above: 20%}}
            """, file: folder + "/claims.yaml")
        #expect(studies == [
            CaseStudy(name: "a", claim: "about", scenario: scenario, metric: .utilization, claimed: .about(0.3, tolerance: 0.05)),
            CaseStudy(name: "b", claim: "saved", scenario: scenario, baseline: scenario, metric: .callsSaved, claimed: .above(0.5)),
            CaseStudy(name: "c", claim: "bound", scenario: scenario, baseline: scenario, metric: .lostShare, claimed: .below(0.01),
                      baselineClaimed: .above(0.2)),
        ])
    }

    @Test func everyBadEntryIsReportedWithItsLineAndKey() throws {
        let e = #expect(throws: ScenarioError.self) {
            _ = try CaseStudyManifest.parse(text: """
                studies:
                  - name: x
                    scenario: missing.yaml
                    metric: nope
                    claimed: {value: 30%}
                    extra: 1
                  - 5
                other: 1
                """, file: "/nowhere/claims.yaml")
        }
        #expect(e?.issues.map(\.description) == [
            "/nowhere/claims.yaml:8: other: unknown key; expected studies",
            "/nowhere/claims.yaml:6: studies[0].extra: unknown key; expected one of name, claim, scenario, baseline, metric, claimed, baseline_claimed",
            "/nowhere/claims.yaml:2: studies[0].claim: missing",
            "/nowhere/claims.yaml:3: studies[0].scenario: no scenario file at /nowhere/missing.yaml",
            "/nowhere/claims.yaml:4: studies[0].metric: 'nope' is not a metric; expected one of rejected_share, lost_share, success_rate, failure_rate, calls_saved, utilization, peak_replicas",
            "/nowhere/claims.yaml:5: studies[0].claimed: expected {value: 30%, tolerance: 5%}, {above: 85%} or {below: 30%}",
            "/nowhere/claims.yaml:7: studies[1]: expected a mapping with name, claim, scenario, metric and claimed",
        ])
    }

    @Test func aManifestThatIsNotOneIsOneError() {
        func message(_ text: String) -> String? {
            do { _ = try CaseStudyManifest.parse(text: text, file: "c.yaml"); return nil } catch let e as CaseStudyError { return e.message } catch { return "\(error)" }
        }
        #expect(message("studies: []") == "c.yaml: studies: expected a non-empty list of case studies")
        #expect(message("[unclosed")?.hasPrefix("c.yaml: not valid YAML: ") == true)
        #expect(throws: CaseStudyError("/nowhere/claims.yaml: cannot read the case-study manifest: no such file")) {
            _ = try CaseStudyManifest.load(path: "/nowhere/claims.yaml")
        }
    }
}
