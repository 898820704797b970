import Foundation
import Scenario
import Sweep
import TestSupport
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

    /// A sweep's cells are checked against their profiles as a single run is: a generated H100
    /// profile was fitted on sequences of at most 1,039 tokens, so the 3,000-token cells say so,
    /// naming the cells, and the 500-token cells do not.
    @Test func cellsBeyondTheProfilesFittedRangeAreNamed() throws {
        let scenario = """
            name: long-prompts
            duration: 1m
            workload:
              arrivals: {process: poisson, rate: 1/s}
              sizes: {prompt: {distribution: deterministic, value: 500}, output: {distribution: deterministic, value: 100}}
            replicas:
              count: 1
              hardware: {model: \(TestData.path("models/configs/llama-2-7b-hf.json")), gpu: h100-sxm}
              batching: {policy: continuous, max_num_seqs: 64, max_num_batched_tokens: 4096, chunked_prefill: true}
            """
        let sweep = """
            name: long-prompts
            scenario: base.yaml
            seeds: 2
            axes:
              workload.sizes.prompt.value: [500, 3000]
              replicas.count: [1, 2]
            """
        let d = try SweepDefinition.load(path: try SweepTestFiles.write(sweep: sweep, scenario: scenario))
        let warnings = d.profileWarnings()
        #expect(warnings.count == 1, "\(warnings)")
        let w = try #require(warnings.first)
        #expect(w.hasPrefix("2 of 4 cells (first: workload.sizes.prompt.value=3000, replicas.count=1): every request is longer than the 1039 tokens"), "\(w)")
        // Every cell beyond it: said once.
        let all = try SweepDefinition.load(path: try SweepTestFiles.write(
            sweep: sweep.replacingOccurrences(of: "[500, 3000]", with: "[2000, 3000]"), scenario: scenario))
        #expect(all.profileWarnings().count == 2)
        #expect(all.profileWarnings().allSatisfy { $0.hasPrefix("2 of 4 cells") })
        #expect(try SweepDefinition.load(path: try SweepTestFiles.write()).profileWarnings().isEmpty)
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
