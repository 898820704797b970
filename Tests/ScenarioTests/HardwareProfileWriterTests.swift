import Foundation
import ServingModel
import TestSupport
import Testing
@testable import Scenario

/// Profiles written by ``HardwareProfileWriter`` load back unchanged.
@Suite struct HardwareProfileWriterCalibrationTests {
    @Test func aWrittenProfileLoadsBackEqual() throws {
        let profile = HardwareProfile(
            name: "my \"fast\": box\\1", gpu: "H100-80GB # SXM", model: "Llama-3-70B\tinstruct ✓", tensorParallel: 4,
            pipelineParallel: 2, gpusPerReplica: 8, pricePerGPUHour: 2.49, kvCacheTokens: 512_720, kvBlockSize: 32,
            maxModelLength: 8192,
            iteration: IterationTimeModel(fixed: 0.014326000000000001, linearFloor: 0.011094, perToken: 6.182435e-05,
                                          perKVToken: 3.328607e-08, perPrefillPair: 4.625213e-09, perTokenComm: 1.0 / 3 * 1e-5,
                                          pipelineStages: 2))
        let text = HardwareProfileWriter.yaml(profile, source: "calibrated by headroom calibrate from it.csv",
                                              fit: .init(rows: 425, mape: 0.0218, p95APE: 0.0485, maxAPE: 0.0775))
        let path = try TestData.write(text, name: "p.yaml")
        let loaded = try HardwareProfileLoader.load(path: path)
        #expect(loaded == profile)
        #expect(text.contains("source: \"calibrated by headroom calibrate from it.csv\"\n"))
        #expect(text.contains("fit:\n  rows: 425\n  mape: 0.0218\n  p95_ape: 0.0485\n  max_ape: 0.0775\n"))
    }

    @Test func aQuantisedProfileIsWrittenWithItsFactorFolded() throws {
        let bundled = TestData.root.appendingPathComponent("models/hardware/a100-llama2-7b.yaml").path
        let int8 = try HardwareProfileLoader.load(path: bundled, quantization: "int8")
        let path = try TestData.write(HardwareProfileWriter.yaml(int8, source: "test"), name: "q.yaml")
        let loaded = try HardwareProfileLoader.load(path: path)
        #expect(loaded.iteration.speedFactor == 1)
        #expect(loaded.kvCacheTokens == int8.kvCacheTokens)
        for (t, k, a) in [(1, 500, 0.0), (300, 0, 45_000.0), (2048, 100_000, 1e6)] {
            let want = int8.iteration.iterationTime(tokens: t, kvTokens: k, prefillPairs: a)
            #expect(abs(loaded.iteration.iterationTime(tokens: t, kvTokens: k, prefillPairs: a) - want) <= 1e-15 * want)
        }
        #expect(!HardwareProfileWriter.yaml(int8, source: "test").contains("fit:"))
    }
}

/// Generated profiles (MoE block, request overhead) and the `hardware:`
/// forms of a scenario: a bundled name and a generated mapping.
@Suite struct GeneratedProfileScenarioTests {
    @Test func aGeneratedMoEProfileLoadsBackEqual() throws {
        var profile = HardwareProfile(
            name: "moe", gpu: "NVIDIA H100 SXM 80GB", model: "mixtral", tensorParallel: 2, pipelineParallel: 1, gpusPerReplica: 2,
            pricePerGPUHour: 3, kvCacheTokens: 435_520, kvBlockSize: 16, maxModelLength: 4096,
            iteration: IterationTimeModel(fixed: 0.00246, linearFloor: 0.0005177516614574188, perToken: 2.1252341263264276e-05,
                                          perKVToken: 2.3015276558384547e-08, perPrefillPair: 5.887238223569704e-10,
                                          perTokenComm: 1.6644063492063492e-06))
        profile.iteration.experts = 8
        profile.iteration.expertsPerToken = 2
        profile.iteration.expertRead = 0.001979682028446005
        profile.requestOverhead = 0.006
        profile.fittedSequenceTokens = 1039
        let text = HardwareProfileWriter.yaml(profile, source: "generated", notes: ["MoE: uniform routing"])
        let loaded = try HardwareProfileLoader.load(path: try TestData.write(text, name: "moe.yaml"))
        #expect(loaded == profile)
        #expect(text.contains("\nfitted_sequence_tokens: 1039 "))
        #expect(text.contains("# Assumptions:\n#   MoE: uniform routing\n"))
    }

    @Test func moreExpertsPerTokenThanExpertsIsRefused() throws {
        let text = """
        format: headroom-hardware/1
        tensor_parallel: 1
        pipeline_parallel: 1
        gpus_per_replica: 1
        price_per_gpu_hour: 1
        kv_cache_tokens: 1000
        kv_block_size: 16
        max_model_len: 512
        iteration: {fixed: 0.001, linear_floor: 0.001, per_token: 0, per_kv_token: 0, per_prefill_pair: 0, per_token_comm: 0,
                    moe: {experts: 4, experts_per_token: 5, per_expert_read: 0.001}}
        """
        do {
            _ = try HardwareProfileLoader.load(path: try TestData.write(text, name: "bad-moe.yaml"))
            Issue.record("accepted")
        } catch let e as ScenarioError {
            #expect(e.issues.contains { $0.key == "iteration.moe.experts_per_token" })
        }
    }

    static func scenario(_ hardware: String) -> String {
        """
        name: h
        duration: 1m
        workload:
          arrivals: {process: poisson, rate: 1/s}
          sizes: {prompt: 100, output: 10}
        replicas:
          count: 1
          batching: {policy: continuous}
          hardware: \(hardware)
        """
    }

    @Test func hardwareByBundledNameOrFromAConfig() throws {
        let root = TestData.root.path
        let bundled = try ScenarioLoader.parse(text: Self.scenario("a100-llama3-8b"), file: root + "/x.yaml")
        #expect(bundled.replicas.hardware?.name == "a100-llama3-8b")
        let generated = try ScenarioLoader.parse(text: Self.scenario("{model: models/configs/llama-3.1-8b-instruct.json, gpu: h100-sxm, max_model_len: 8192}"),
                                                 file: root + "/x.yaml")
        #expect(generated.replicas.hardware?.gpu == "NVIDIA H100 SXM 80GB")
        #expect(generated.replicas.hardware?.maxModelLength == 8192)
        #expect(generated.replicas.hardware?.iteration.linearFloor ?? 0 > 0.002)
    }

    @Test func aBadGeneratedHardwareNamesTheKey() throws {
        let root = TestData.root.path
        for (hardware, key) in [("{model: models/configs/llama-3.1-8b-instruct.json, gpu: tpu}", "replicas.hardware.gpu"),
                                ("{model: models/configs/llama-3.1-8b-instruct.json, gpu: h100-sxm, tp: 3}", "replicas.hardware.tp"),
                                ("{model: no/such.json, gpu: h100-sxm}", "replicas.hardware.model"),
                                ("{gpu: h100-sxm}", "replicas.hardware.model")] {
            do {
                _ = try ScenarioLoader.parse(text: Self.scenario(hardware), file: root + "/x.yaml")
                Issue.record("accepted \(hardware)")
            } catch let e as ScenarioError {
                #expect(e.issues.contains { $0.key.hasPrefix(key) }, "\(e.issues)")
                // The reason alone: no follow-on "needs a hardware profile".
                #expect(e.issues.count == 1, "\(e.issues)")
            }
        }
    }

    /// The issue's case: a fitted Llama-3-8B profile on H100 whose decode step
    /// (3.4 ms) beats reading 16 GB of weights at 3.35 TB/s (4.8 ms).
    @Test func aProfileFasterThanTheRooflineIsRefused() throws {
        let fast = HardwareProfile(
            name: "too-fast", gpu: "H100-80GB", model: "llama-3.1-8b-instruct", tensorParallel: 1, pipelineParallel: 1, gpusPerReplica: 1,
            pricePerGPUHour: 3, kvCacheTokens: 100_000, kvBlockSize: 16, maxModelLength: 8192,
            iteration: IterationTimeModel(fixed: 0.0014, linearFloor: 0.002, perToken: 3e-5, perKVToken: 1e-7, perPrefillPair: 1e-9, perTokenComm: 0))
        do {
            try HardwareProfileLoader.checkFloor(fast, path: "fast.yaml")
            Issue.record("accepted")
        } catch let e as ScenarioError {
            #expect(e.issues.first?.message.contains("3.40 ms") == true, "\(e.issues)")
            // 7.5 G parameters read per step (the input embedding's rows only): 4.48 ms.
            #expect(e.issues.first?.message.contains("below the 4.48 ms it takes to read the weights") == true, "\(e.issues)")
        }
        var honest = fast
        honest.iteration.fixed = 0.0015
        honest.iteration.linearFloor = 0.0035
        #expect(try HardwareProfileLoader.checkFloor(honest, path: "ok.yaml"))
        var unknown = fast
        unknown.model = "some-private-model"
        #expect(try !HardwareProfileLoader.checkFloor(unknown, path: "x.yaml"))
    }
}
