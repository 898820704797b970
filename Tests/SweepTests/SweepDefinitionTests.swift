import Foundation
import Scenario
import Sweep
import Testing
import Workload

@Suite struct SweepDefinitionTests {
    @Test func cellsAreTheProductOfTheAxesFirstAxisSlowest() throws {
        let d = try SweepDefinition.load(path: try SweepTestFiles.write())
        #expect(d.cells.count == 6)
        #expect(d.runCount == 18)
        #expect(d.configurations.map(\.replicas.count) == [1, 1, 2, 2, 4, 4])
        #expect(d.configurations.map(\.replicas.maxQueue) == [1000, 100_000, 1000, 100_000, 1000, 100_000])
        #expect(d.axes.map(\.key.description) == ["replicas.count", "replicas.max_queue"])
    }

    @Test func anUnknownKeyIsRefusedNamingTheAxis() throws {
        let path = try SweepTestFiles.write(sweep: SweepTestFiles.sweep.replacingOccurrences(of: "replicas.max_queue:", with: "replicas.max_queu:"))
        let error = try #require(throws: InputError.self) { try SweepDefinition.load(path: path) }
        #expect(error.issues.count == 1)
        #expect(error.issues[0].key == "axes.replicas.max_queu")
        #expect(error.issues[0].message.contains("unknown key"))
        #expect(error.issues[0].file == path)
    }

    @Test func aValueOfTheWrongTypeIsRefusedNamingTheKeyAndValue() throws {
        let path = try SweepTestFiles.write(sweep: SweepTestFiles.sweep.replacingOccurrences(of: "[1, 2, 4]", with: "[1, two, 4]"))
        let error = try #require(throws: InputError.self) { try SweepDefinition.load(path: path) }
        #expect(error.issues.count == 1)
        let issue = try #require(error.issues.first)
        #expect(issue.key == "axes.replicas.count")
        #expect(issue.line == 6)
        #expect(issue.message.hasPrefix("value two (cell 2: replicas.count=two, replicas.max_queue=1000): replicas.count:"))
    }

    @Test func theSweepFilesOwnKeysAreChecked() throws {
        let path = try SweepTestFiles.write(sweep: """
            scenario: base.yaml
            seeds: 1
            sla: p99_ttft<=fast
            extra: 1
            axes:
              replicas.count: []
            """)
        let error = try #require(throws: InputError.self) { try SweepDefinition.load(path: path) }
        #expect(Set(error.issues.map(\.key)) == ["extra", "seeds", "sla", "axes.replicas.count"])
    }
}
