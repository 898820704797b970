import Foundation
import SimulationCore
import Testing
@testable import Forecasting

/// Backward through time against central finite differences, on a network
/// small enough to check every parameter.
@Suite struct LSTMGradientTests {
    /// Loss = Σ weight·output, so ∂loss/∂output = weight and the check sees only the network's backward pass.
    func loss(_ net: LSTMNetwork, _ work: LSTMWorkspace, steps: Int, batch: Int, weights: [Float]) -> Double {
        work.forward(net, steps: steps, batch: batch)
        var total = 0.0
        for k in weights.indices { total += Double(weights[k]) * Double(work.output[k]) }
        return total
    }

    @Test func backwardMatchesFiniteDifferences() {
        var rng = RandomStream(seed: 42)
        let steps = 5, batch = 3
        var net = LSTMNetwork(inputSize: 4, hiddenSize: 8, outputSize: 6, rng: &rng)
        for k in net.parameters.indices { net.parameters[k] *= 3 }  // leave the near-linear regime
        let work = LSTMWorkspace(network: net, steps: steps, batch: batch)
        for r in 0..<(steps * batch) {
            for k in 0..<4 { work.input[r * work.inputStride + k] = Float(rng.nextUniform() * 2 - 1) }
        }
        let weights = (0..<(batch * 6)).map { _ in Float(rng.nextUniform() * 2 - 1) }
        _ = loss(net, work, steps: steps, batch: batch, weights: weights)
        for k in weights.indices { work.outputGradient[k] = weights[k] }
        work.backward(net)
        let analytic = (0..<net.parameters.count).map { Double(work.gradient[$0]) }
        let eps: Float = 1e-2
        var worst = 0.0
        for k in net.parameters.indices {
            let saved = net.parameters[k]
            net.parameters[k] = saved + eps
            let up = loss(net, work, steps: steps, batch: batch, weights: weights)
            net.parameters[k] = saved - eps
            let down = loss(net, work, steps: steps, batch: batch, weights: weights)
            net.parameters[k] = saved
            let numeric = (up - down) / Double(2 * eps)
            let error = abs(numeric - analytic[k]) / max(1, abs(numeric) + abs(analytic[k]))
            worst = max(worst, error)
        }
        #expect(worst < 2e-3, "largest relative gradient error \(worst)")
    }

    @Test func pinballGradientIsTheQuantileSign() {
        let outputs: [Float] = [1, 1, 3, 3]       // batch 1, horizon 2, quantiles 0.5 and 0.9
        let targets: [Float] = [2, 2]
        var gradient = [Float](repeating: 0, count: 4)
        let loss = outputs.withUnsafeBufferPointer { o in
            targets.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    PinballLoss.evaluate(outputs: o.baseAddress!, targets: t.baseAddress!, batch: 1, horizon: 2,
                                         quantiles: [0.5, 0.9], gradient: g.baseAddress!)
                }
            }
        }
        // Under-forecast by 1 at τ=0.5 and 0.9: 0.5 + 0.9; over by 1: 0.5 + 0.1.
        #expect(abs(loss - (0.5 + 0.9 + 0.5 + 0.1) / 4) < 1e-6)
        let expected: [Float] = [-0.125, -0.225, 0.125, 0.025]
        #expect(zip(gradient, expected).allSatisfy { abs($0 - $1) < 1e-7 })
    }

    @Test func fastTanhIsAccurate() {
        var worst: Float = 0
        for i in stride(from: -2000, through: 2000, by: 8) {
            let x = SIMD8<Float>((0..<8).map { Float(i + $0) / 100 })
            let t = FastMath.tanh(x), s = FastMath.sigmoid(x)
            for k in 0..<8 {
                worst = max(worst, abs(t[k] - Float(Foundation.tanh(Double(x[k])))))
                worst = max(worst, abs(s[k] - Float(1 / (1 + Foundation.exp(-Double(x[k]))))))
            }
        }
        #expect(worst < 1e-6)
    }

    @Test func matrixProductGoesThroughSgemm() {
        let a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, cols: 2, values: [1, 0, 0, 1, 1, 1])
        #expect(a.multiplied(by: b) == Matrix(rows: 2, cols: 2, values: [4, 5, 10, 11]))
    }
}
