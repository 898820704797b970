import Calibration
import Foundation
import TestSupport
import Testing
import Workload

/// The inference-perf experiment reader on the bundled fixture (one real
/// vLLM run), on all 12 bundled ground-truth runs, and on broken copies of
/// the fixture: every problem names its file and key path.
@Suite struct InferencePerfExperimentTests {
    static let fixture = TestData.path("Tests/CalibrationTests/Fixtures/inference-perf/20260217-162547-llama-2-7b-tp1-roleplay")

    @Test func readsTheFixtureAsItRan() throws {
        let e = try InferencePerfExperiment.read(folder: Self.fixture)
        #expect(e.model == "meta-llama/Llama-2-7b-hf")
        #expect(e.tensorParallel == 1 && e.pipelineParallel == 1)
        #expect(e.maxModelLength == 4096 && e.maxNumBatchedTokens == 2048 && e.maxNumSeqs == 128)
        #expect(e.gpuMemoryUtilization == nil)
        #expect(e.ignoreEOS && e.loadType == "constant" && e.dataType == "shared_prefix")
        #expect(e.requestTimeout == nil)
        // What ran (results/config.yaml), not what profile.yaml asked for.
        let sp = try #require(e.sharedPrefix)
        #expect(sp.numGroups == 10 && sp.numPromptsPerGroup == 10)
        #expect(sp.systemPromptLength == 150 && sp.questionLength == 600 && sp.outputLength == 251)
        #expect(sp.requested == .init(groups: 10, promptsPerGroup: 5, systemPromptLength: 150, questionLength: 600,
                                      outputLength: 251, multiTurnChat: true))
        #expect(e.stages.count == 1)
        #expect(e.stages[0].rate == 6 && e.stages[0].duration == 1200)
        let m = try #require(e.stages[0].measured)
        #expect(m.requestedRate == 6 && abs(m.achievedRate! - 6.001677137502361) < 1e-12)
        #expect(e.summary?.requestedRate == nil)
        #expect(m.count == 7200 && m.successes == 7200 && m.failures == 0)
        let ttft = try #require(m.timeToFirstToken)
        #expect(ttft.mean == 0.02712883728152974 && ttft.p50 == 0.02682813349974822 && ttft.p99 == 0.03826375239014851)
        #expect(ttft.min == 0.019210810999538808 && ttft.max == 0.0755048569999417)
        // The step time from the means with ignore_eos's 251 tokens:
        // (2.071120309134724 − 0.02712883728152974) / 250 = 8.176 ms, about
        // twice the per-chunk time_per_output_token (4.06 ms).
        let step = try #require(m.stepTime)
        #expect(abs(step - (2.071120309134724 - 0.02712883728152974) / 250) < 1e-15)
        #expect(abs(step / m.timePerOutputToken!.mean - 2) < 0.05)
        #expect(e.summary?.count == 7200)
    }

    /// Every bundled run reads; the overloaded `reasoning` runs show their
    /// failures, the two-stage runs two measured stages.
    @Test func readsEveryBundledRun() throws {
        let root = TestData.data("ground-truth/vllm-h100")
        let folders = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasSuffix(".md") }.sorted()
        #expect(folders.count == 12)
        for name in folders {
            let e = try InferencePerfExperiment.read(folder: "\(root)/\(name)")
            #expect(e.maxModelLength == 4096, "\(name)")
            #expect(e.stages.allSatisfy { $0.measured != nil }, "\(name)")
            #expect(e.stages.count == (name.contains("codegen") || name.contains("general") ? 2 : 1), "\(name)")
            if name.contains("reasoning") {
                #expect(e.stages[0].measured!.failures > 0, "\(name)")
                #expect(e.sharedPrefix?.outputLength == 1448, "\(name)")
            }
            for s in e.stages { #expect(s.measured!.successes + s.measured!.failures == s.measured!.count, "\(name)") }
        }
    }

    /// A copy of the fixture with `file` replaced by `text` (or removed when nil).
    static func brokenCopy(_ file: String, _ text: String?) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hr-ip-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: fixture, toPath: dir)
        let path = "\(dir)/\(file)"
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) } else { try FileManager.default.removeItem(atPath: path) }
        return dir
    }

    static func message(_ file: String, _ text: String?) throws -> String {
        let dir = try brokenCopy(file, text)
        do {
            _ = try InferencePerfExperiment.read(folder: dir)
            return "no error"
        } catch let e as InputError {
            return e.description.replacingOccurrences(of: dir + "/", with: "")
        }
    }

    @Test func brokenFilesNameFileAndKey() throws {
        #expect(try Self.message("exp-config.yaml", "tensor_parallelism: 1\n") == "exp-config.yaml:1: model: missing (required)")
        #expect(try Self.message("exp-config.yaml", "model: m\ntensor_parallelism: two\n")
                == "exp-config.yaml:2: tensor_parallelism: expected a number, got 'two'")
        #expect(try Self.message("exp-config.yaml", "model: m\nmax_model_len: 0\n")
                == "exp-config.yaml:2: max_model_len: expected an integer >= 1, got '0'")
        #expect(try Self.message("exp-config.yaml", nil).hasPrefix("exp-config.yaml: missing"))
        #expect(try Self.message("results/config.yaml", """
            load:
              type: constant
              stages:
              - rate: fast
                duration: 1200
            """) == "results/config.yaml:4: load.stages[0].rate: expected a number, got 'fast'")
        #expect(try Self.message("results/config.yaml", "data:\n  shared_prefix:\n    num_groups: 10\n")
                == "results/config.yaml:3: data.shared_prefix.num_prompts_per_group: missing (required)")
        let stage = try String(contentsOfFile: "\(Self.fixture)/results/stage_0_lifecycle_metrics.json", encoding: .utf8)
        #expect(try Self.message("results/stage_0_lifecycle_metrics.json",
                                 stage.replacingOccurrences(of: "\"median\": 0.02682813349974822", with: "\"median\": \"x\""))
                .hasSuffix("successes.latency.time_to_first_token.median: expected a number, got 'x'"))
        #expect(try Self.message("results/stage_0_lifecycle_metrics.json", "{\"load_summary\": {}}")
                == "results/stage_0_lifecycle_metrics.json:1: successes: missing (required)")
        #expect(try Self.message("profile.yaml", "{\"load\": [1, 2]").hasPrefix("profile.yaml: not valid YAML or JSON"))
    }

    /// Without results/config.yaml, profile.yaml's values are what the
    /// reader has: the requested grouping, under its own key names.
    @Test func profileAloneIsReadWhenNothingWasResolved() throws {
        let dir = try Self.brokenCopy("results/config.yaml", nil)
        let e = try InferencePerfExperiment.read(folder: dir)
        #expect(e.sharedPrefix?.numGroups == 10 && e.sharedPrefix?.numPromptsPerGroup == 5)
        #expect(e.sharedPrefix?.multiTurnChat == true)
        #expect(e.stages.map(\.rate) == [6])
    }
}
