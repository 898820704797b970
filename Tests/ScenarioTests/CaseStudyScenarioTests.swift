import Foundation
import Scenario
import TestSupport
import Testing
import Yams

/// The case studies of examples/case-studies: every scenario validates, and
/// the manifest names only scenarios that exist there. (Running them is
/// `headroom case-studies`; it takes minutes, too long for a test.)
@Suite struct CaseStudyScenarioTests {
    static let folder = TestData.root.appendingPathComponent("examples/case-studies")

    @Test func everyCaseStudyScenarioValidates() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "claims.yaml" }.sorted()
        #expect(files.count >= 7)
        for file in files {
            let config = try ScenarioLoader.load(path: Self.folder.appendingPathComponent(file).path)
            #expect(config.name == String(file.dropLast(5)), "\(file): name should match the file")
        }
    }

    @Test func theManifestNamesOneScenarioPerStudyAndEveryScenarioIsUsed() throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("claims.yaml"), encoding: .utf8)
        let studies = try #require(try Yams.compose(yaml: text)?.mapping?["studies"]?.sequence)
        #expect(studies.count == 7)
        var named: Set<String> = []
        for study in studies {
            let m = try #require(study.mapping)
            for key in ["name", "claim", "scenario", "metric", "claimed"] { #expect(m[key] != nil, "\(key) missing") }
            for key in ["scenario", "baseline"] {
                if let file = m[key]?.string { named.insert(file) }
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "claims.yaml" }
        #expect(named == Set(files))
    }
}
