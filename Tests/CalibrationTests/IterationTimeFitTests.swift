import Foundation
import SimulationCore
import Testing
@testable import Calibration
import ServingModel

/// The iteration-time fitter against data generated from known coefficients.
@Suite struct IterationTimeFitCalibrationTests {
    /// Decode-only, prefill-only and mixed batch shapes spanning 1–4,096
    /// tokens, timed by `model` (one stage) times `noise(i)`.
    static func samples(_ model: IterationTimeModel, noise: (Int) -> Double = { _ in 1 }) -> [IterationTimeFit.Sample] {
        var shapes: [(prefill: Int, decode: Int, kv: Int, pairs: Double)] = []
        for b in [1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 192, 256] {
            for context in [64, 512, 2048] { shapes.append((0, b, b * context, 0)) }
        }
        for prompt in [1, 16, 50, 100, 150, 300, 700, 1500, 3000, 4096] {
            shapes.append((prompt, 0, 0, IterationTimeModel.prefillPairs(chunk: prompt, prior: 0)))
            shapes.append((prompt, 0, 0, IterationTimeModel.prefillPairs(chunk: prompt, prior: 1024)))
        }
        for (decodes, chunk) in [(8, 248), (32, 480), (64, 960), (128, 1920), (200, 3896)] {
            shapes.append((chunk, decodes, decodes * 900, IterationTimeModel.prefillPairs(chunk: chunk, prior: 512)))
        }
        return shapes.enumerated().map { i, s in
            let t = model.stageTime(tokens: s.prefill + s.decode, kvTokens: s.kv, prefillPairs: s.pairs)
            return IterationTimeFit.Sample(prefillTokens: s.prefill, decodeSequences: s.decode, kvTokens: s.kv,
                                           prefillPairs: s.pairs, seconds: t * noise(i))
        }
    }

    static let truth = IterationTimeModel(fixed: 0.0025, linearFloor: 0.0072, perToken: 6.7e-5, perKVToken: 3.8e-7,
                                          perPrefillPair: 4.5e-9, perTokenComm: 0)

    static func close(_ a: Double, _ b: Double, _ relative: Double) -> Bool {
        abs(a - b) <= relative * abs(b)
    }

    @Test func recoversTheCoefficientsOfExactData() throws {
        let fit = try IterationTimeFit.fit(Self.samples(Self.truth), fitsCommunication: false)
        let m = fit.model
        #expect(Self.close(m.fixed, 0.0025, 0.005))
        #expect(Self.close(m.linearFloor, 0.0072, 0.005))
        #expect(Self.close(m.perToken, 6.7e-5, 0.005))
        #expect(Self.close(m.perKVToken, 3.8e-7, 0.005))
        #expect(Self.close(m.perPrefillPair, 4.5e-9, 0.005))
        #expect(m.perTokenComm == 0)
        #expect(Self.close(fit.knee, 0.0072 / 6.7e-5, 0.005))
        #expect(fit.errors.maxAPE < 1e-3)
        #expect(fit.errors.rows == Self.samples(Self.truth).count)
        #expect(Set(fit.errorsByKind.keys) == [.decode, .prefill, .mixed])
        #expect(fit.unconstrained.isEmpty)
    }

    @Test func recoversACommunicationSlopeOnlyWhenAskedTo() throws {
        var truth = Self.truth
        truth.perTokenComm = 2.4e-5
        let data = Self.samples(truth)
        let fit = try IterationTimeFit.fit(data, fitsCommunication: true)
        #expect(Self.close(fit.model.perTokenComm, 2.4e-5, 0.01))
        #expect(Self.close(fit.model.perToken, 6.7e-5, 0.01))
        #expect(Self.close(fit.model.linearFloor, 0.0072, 0.01))
        #expect(fit.errors.maxAPE < 1e-3)
        // Without the column the slope below the knee cannot be matched.
        let without = try IterationTimeFit.fit(data, fitsCommunication: false)
        #expect(without.model.perTokenComm == 0)
        #expect(without.errors.mape > 10 * fit.errors.mape)
    }

    @Test func noisyDataGivesCoefficientsWithinTheNoise() throws {
        var random = RandomStream(seed: 11)
        var factors: [Double] = []
        for _ in 0..<200 { factors.append(1 + 0.04 * (2 * random.nextUniform() - 1)) }
        let fit = try IterationTimeFit.fit(Self.samples(Self.truth) { factors[$0] }, fitsCommunication: false)
        let m = fit.model
        // Attention is at most ~12% of a prefill's time, so ±4% noise moves
        // per_prefill_pair by more than the other coefficients.
        #expect(Self.close(m.fixed + m.linearFloor, 0.0097, 0.03))
        #expect(Self.close(m.perToken, 6.7e-5, 0.03))
        #expect(Self.close(m.perKVToken, 3.8e-7, 0.05))
        #expect(Self.close(m.perPrefillPair, 4.5e-9, 0.15))
        // Uniform ±4% noise: mean absolute error near 2%, none far above 4%.
        #expect(fit.errors.mape > 0.01 && fit.errors.mape < 0.03)
        #expect(fit.errors.maxAPE < 0.06)
    }

    @Test func coefficientsStayNonNegativeWhenLeastSquaresWouldMakeThemNegative() throws {
        // Times fall as the KV cache grows: unconstrained least squares gives
        // per_kv_token < 0; NNLS pins it at 0 and still fits the rest.
        let data = (1...40).map { i -> IterationTimeFit.Sample in
            let kv = 1000 * ((i * 7) % 13)
            return IterationTimeFit.Sample(prefillTokens: 0, decodeSequences: i, kvTokens: kv, prefillPairs: 0,
                                           seconds: 0.010 + 1e-4 * Double(i) - 2e-7 * Double(kv))
        }
        let fit = try IterationTimeFit.fit(data, fitsCommunication: true)
        let m = fit.model
        for c in [m.fixed, m.linearFloor, m.perToken, m.perKVToken, m.perPrefillPair, m.perTokenComm] { #expect(c >= 0) }
        #expect(m.perKVToken == 0)
        #expect(fit.unconstrained == ["per_prefill_pair"])
        #expect(m.perPrefillPair == 0)
    }

    @Test func errorsUseLinearInterpolationForThe95thPercentile() {
        let model = IterationTimeModel(fixed: 1, linearFloor: 0, perToken: 0, perKVToken: 0, perPrefillPair: 0, perTokenComm: 0)
        // Predictions are 1 s; measured times give APEs 0, 0.1, ..., 1.0 (rounded by division).
        let data = (0...10).map { i in
            IterationTimeFit.Sample(prefillTokens: 1, decodeSequences: 0, kvTokens: 0, prefillPairs: 0, seconds: 1 / (1 + 0.1 * Double(i)))
        }
        let e = IterationTimeFit.Errors(model: model, samples: data)
        #expect(e.rows == 11)
        #expect(abs(e.mape - 0.5) < 1e-12)
        #expect(abs(e.p95APE - 0.95) < 1e-12)
        #expect(abs(e.maxAPE - 1.0) < 1e-12)
    }

    @Test func rejectsTooFewRowsAndEmptyIterations() {
        let one = IterationTimeFit.Sample(prefillTokens: 10, decodeSequences: 0, kvTokens: 0, prefillPairs: 50, seconds: 0.01)
        #expect(throws: ServingModelError.self) { try IterationTimeFit.fit([one, one], fitsCommunication: false) }
        let empty = IterationTimeFit.Sample(prefillTokens: 0, decodeSequences: 0, kvTokens: 0, prefillPairs: 0, seconds: 0.01)
        #expect(throws: ServingModelError.self) { try IterationTimeFit.fit([one, one, empty], fitsCommunication: false) }
        let instant = IterationTimeFit.Sample(prefillTokens: 1, decodeSequences: 0, kvTokens: 0, prefillPairs: 0, seconds: 0)
        #expect(throws: ServingModelError.self) { try IterationTimeFit.fit([one, one, instant], fitsCommunication: false) }
    }
}
