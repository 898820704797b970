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
