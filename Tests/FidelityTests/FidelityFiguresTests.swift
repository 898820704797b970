import Foundation
import Testing
@testable import Fidelity
@testable import Calibration
import ModelProfiles
import TestSupport

/// The error arithmetic and the summary of the fidelity benchmark.
@Suite struct FidelityFiguresTests {
    @Test func apeIsRelativeToTheMeasurement() {
        let m = FidelityFigures(ttftP50: 0.020, e2eMean: 2.0, failures: 0)
        let p = FidelityFigures(ttftP50: 0.025, e2eMean: 1.9, failures: 3)
        let ape = FidelityFigures.ape(measured: m, predicted: p)
        #expect(abs(ape.ttftP50! - 0.25) < 1e-12)
        #expect(abs(ape.e2eMean! - 0.05) < 1e-12)
        // No failure measured, some predicted: no relative error exists.
        #expect(ape.failures == nil)
        #expect(ape.ttftP90 == nil)
        #expect(FidelityFigures.ape(measured: m, predicted: FidelityFigures(failures: 0)).failures == 0)
    }

    static func stage(_ e2eAPE: Double, overloaded: Bool) -> FidelityBenchmark.Stage {
        FidelityBenchmark.Stage(experiment: "x", model: "m", stage: 0, rate: 1, overloaded: overloaded,
                                measured: FidelityFigures(), predicted: FidelityFigures(), ape: FidelityFigures(e2eMean: e2eAPE))
    }

    @Test func summaryLeavesOverloadOut() {
        let s = FidelityBenchmark.summarise([Self.stage(0.01, overloaded: false), Self.stage(0.03, overloaded: false),
                                             Self.stage(0.10, overloaded: false), Self.stage(5.0, overloaded: true)])
        #expect(s.stages == 3)
        #expect(s.medianAPE.e2eMean == 0.03)
        #expect(s.maxAPE.e2eMean == 0.10)
        let even = FidelityBenchmark.summarise([Self.stage(0.01, overloaded: false), Self.stage(0.03, overloaded: false)])
        #expect(abs(even.medianAPE.e2eMean! - 0.02) < 1e-12)
    }

    @Test func jsonHasEveryKeyInOrder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(FidelityFigures(ttftMean: 1)), as: UTF8.self)
        for key in FidelityFigures.keys { #expect(text.contains("\"\(key)\":")) }
        #expect(text.contains("\"ttft_p50\":null"))
    }
}

/// How the benchmark finds a model's config by its name.
@Suite struct ModelConfigLookupTests {
    @Test func theNameAfterTheSlashLowerCasedNamesTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hr-configs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "{}".write(to: dir.appendingPathComponent("llama-2-7b-hf.json"), atomically: true, encoding: .utf8)
        let found = try FidelityBenchmark.modelConfig(named: "meta-llama/Llama-2-7b-hf", in: dir.path, file: "exp-config.yaml")
        #expect(found.hasSuffix("/llama-2-7b-hf.json"))
        #expect(try FidelityBenchmark.modelConfig(named: "Llama-2-7b-hf", in: dir.path, file: "p.yaml") == found)
        do {
            _ = try FidelityBenchmark.modelConfig(named: "mistralai/Mixtral-8x7B-v0.1", in: dir.path, file: "exp-config.yaml")
            Issue.record("found a config that is not there")
        } catch let e as ModelProfileError {
            #expect(e.file == "exp-config.yaml" && e.key == "model" && e.message.contains("mixtral-8x7b-v0.1.json"))
        }
    }
}

/// The scenario that replays a stage: inference-perf's multi-turn chat
/// continues its conversations from stage to stage.
@Suite struct FidelityScenarioTests {
    static func experiment(multiTurn: Bool?) -> InferencePerfExperiment {
        let stage = InferencePerfExperiment.Stage.self
        let measured = StageMeasurement(requestedRate: 5, achievedRate: 5, count: 3000, successes: 3000, failures: 0,
                                        requestLatency: nil, timeToFirstToken: nil, timePerOutputToken: nil, interTokenLatency: nil,
                                        stepTime: nil, meanPromptLength: 600)
        return InferencePerfExperiment(
            folder: "/x/run", model: "meta-llama/Llama-2-7b-hf", tensorParallel: 1, pipelineParallel: 1, maxModelLength: 4096,
            maxNumBatchedTokens: 2048, maxNumSeqs: 128, gpuMemoryUtilization: nil,
            sharedPrefix: SharedPrefixSettings(numGroups: 10, numPromptsPerGroup: 10, systemPromptLength: 100, questionLength: 466,
                                               outputLength: 247, multiTurnChat: multiTurn),
            dataType: "shared_prefix", loadType: "constant", ignoreEOS: true, requestTimeout: nil,
            stages: [stage.init(rate: 5, duration: 600, measured: measured), stage.init(rate: 10, duration: 600, measured: measured)],
            summary: nil)
    }

    @Test func aMultiTurnStageIsReplayedAfterTheStagesBeforeIt() throws {
        let multi = try FidelityBenchmark.scenario(Self.experiment(multiTurn: true), stage: 1, configPath: "c.json", gpu: "h100-sxm", seed: 1)
        #expect(multi.contains("stages: [{rate: 5/s, duration: 600s}, {rate: 10/s, duration: 600s}]"), "\(multi)")
        #expect(multi.contains("multi_turn: true"))
        // Measured prompts carry earlier rounds: no inflation read from them.
        #expect(multi.contains("token_inflation: 1.0000"))
        let single = try FidelityBenchmark.scenario(Self.experiment(multiTurn: nil), stage: 1, configPath: "c.json", gpu: "h100-sxm", seed: 1)
        #expect(single.contains("stages: [{rate: 10/s, duration: 600s}]"), "\(single)")
        #expect(!single.contains("multi_turn"))
        #expect(single.contains("token_inflation: 1.0601"))
    }
}

/// The whole comparison on a measured run marked multi-turn: its
/// conversations outgrow the 4,096-token context, and the second stage
/// continues the first stage's conversations.
@Suite struct FidelityMultiTurnTests {
    @Test func aMultiTurnRunsConversationsCarryIntoItsSecondStage() throws {
        let source = TestData.data("ground-truth/vllm-h100/20260217-155451-llama-2-7b-tp1-codegen")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hr-fid-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: source, toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/results/config.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains("    output_len: 247\n"))
        try text.replacingOccurrences(of: "    output_len: 247\n", with: "    output_len: 247\n    enable_multi_turn_chat: true\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let options = FidelityBenchmark.Options(modelConfigs: TestData.root.appendingPathComponent("models/configs").path, gpu: "h100-sxm")
        let report = try FidelityBenchmark.run(experiments: [dir], options: options)
        #expect(report.stages.count == 2)
        // 100 conversations of 566 + 713 k prompt tokens and 247 answer
        // tokens: 5 rounds each fit in 4,096; stage 0's other 2,500 rounds
        // and all 6,000 of stage 1 are refused with 400.
        #expect(report.stages[0].predicted.failures == 2500)
        #expect(report.stages[1].predicted.failures == 6000)
        #expect(report.stages[1].predicted.e2eMean == nil)
    }

    /// The fitted range Hopper's generated profiles state is what its fit
    /// replays: over the 12 runs' stages not in overload, the longest prompt
    /// as measured plus its output (`roleplay`: 788 + 251).
    @Test func hoppersFittedRangeIsTheLongestSequenceItsFitReplays() throws {
        let root = TestData.data("ground-truth/vllm-h100")
        let folders = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
            .map { (root as NSString).appendingPathComponent($0) }.filter { InferencePerfExperiment.recognises(folder: $0) }
        #expect(folders.count == 12)
        let runs = try folders.map { try InferencePerfExperiment.read(folder: $0) }
        #expect(EfficiencyFit.fittedSequenceTokens(runs) == 1039)
        #expect(GPUEfficiency.hopper.fittedSequenceTokens == EfficiencyFit.fittedSequenceTokens(runs))
        // The overloaded reasoning runs alone serve 2,500-token sequences and give none.
        #expect(EfficiencyFit.fittedSequenceTokens(runs.filter { $0.folder.hasSuffix("reasoning") }) == nil)
    }

    /// The table says which overload stages the replay did not reproduce.
    @Test func theTableNamesTheOverloadStagesNotReproduced() {
        func stage(_ name: String, measured: Double, predicted: Double) -> FidelityBenchmark.Stage {
            FidelityBenchmark.Stage(experiment: name, model: "m", stage: 0, rate: 4, overloaded: measured > 0,
                                    measured: FidelityFigures(failures: measured), predicted: FidelityFigures(failures: predicted),
                                    ape: FidelityFigures())
        }
        let line = FidelityTable.overloadLine([stage("a", measured: 4068, predicted: 4124), stage("b", measured: 1600, predicted: 0),
                                               stage("c", measured: 0, predicted: 0)])
        #expect(line == "Over 2 stages in overload: the replay failed requests in 1 of them, as the run did; NOT reproduced (measured failures → none predicted): "
                + "b stage 0 (1600 → 0). Near saturation, treat the predicted capacity as optimistic (docs/profiles.md, \"Overload\")\n")
        #expect(FidelityTable.overloadLine([stage("c", measured: 0, predicted: 0)]).isEmpty)
    }
}
