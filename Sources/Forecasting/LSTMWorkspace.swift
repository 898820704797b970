/// Buffers for one forward and backward pass of an ``LSTMNetwork`` over a
/// batch of sequences, allocated once and reused for every batch.
///
/// Inputs are time major: row `t * batch + b` holds step `t` of sequence
/// `b`, at `input + (t * batch + b) * inputStride`. Each row is
/// `[x(t) | h(t-1)]`: the caller writes the `inputSize` features, the forward
/// pass writes the previous hidden state beside them. The input projection of
/// all steps is one GEMM; each step adds `h(t-1) · Wh` with one GEMM over all
/// four gates; backward through time mirrors it, and the gradient of
/// `[Wx; Wh]` (adjacent in the parameters) is one GEMM over all steps.
///
/// - Complexity: O(steps · batch · H · (inputSize + H)) per pass.
package final class LSTMWorkspace {
    /// Largest number of steps a pass may use.
    package let maxSteps: Int
    /// Largest batch a pass may use.
    package let maxBatch: Int
    let inputSize: Int, hidden: Int, outputs: Int
    /// Time-major rows `[x(t) | h(t-1)]`, `maxSteps · maxBatch × inputStride`.
    package let input: UnsafeMutablePointer<Float>
    /// Floats per input row: `inputSize + hiddenSize`.
    package let inputStride: Int
    /// Head outputs of the last forward pass, `batch × outputSize`.
    package let output: UnsafeMutablePointer<Float>
    /// Loss gradient with respect to `output`, filled by the caller before `backward`.
    package let outputGradient: UnsafeMutablePointer<Float>
    /// Parameter gradients of the last backward pass (same layout as the parameters).
    package let gradient: UnsafeMutablePointer<Float>
    /// Activated gates per step, steps·batch × 4H; `backward` overwrites each
    /// step's with its pre-activation gradients once it has read them.
    let gates: UnsafeMutablePointer<Float>
    let cells: UnsafeMutablePointer<Float>       // c(t), steps·batch × H
    let cellTanh: UnsafeMutablePointer<Float>    // tanh(c(t))
    let lastHidden: UnsafeMutablePointer<Float>  // h of the last step, batch × H
    let dh: UnsafeMutablePointer<Float>, dc: UnsafeMutablePointer<Float>
    let zeros: UnsafeMutablePointer<Float>
    let recurrentTransposed: UnsafeMutablePointer<Float>  // Whᵀ, 4H × H, so dh = dG·Whᵀ is a plain GEMM
    let parameterCount: Int
    private(set) var lastSteps = 0, lastBatch = 0

    /// Buffers for `network`'s shape, up to `steps` steps and `batch` sequences.
    package init(network: LSTMNetwork, steps: Int, batch: Int) {
        maxSteps = steps
        maxBatch = batch
        inputSize = network.inputSize
        hidden = network.hiddenSize
        outputs = network.outputSize
        parameterCount = network.parameters.count
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        let rows = steps * batch
        inputStride = inputSize + hidden
        input = buffer(rows * inputStride)
        output = buffer(batch * outputs)
        outputGradient = buffer(batch * outputs)
        gradient = buffer(parameterCount)
        gates = buffer(rows * 4 * hidden)
        cells = buffer(rows * hidden)
        cellTanh = buffer(rows * hidden)
        lastHidden = buffer(batch * hidden)
        dh = buffer(batch * hidden)
        dc = buffer(batch * hidden)
        zeros = buffer(batch * hidden)
        recurrentTransposed = buffer(4 * hidden * hidden)
    }

    deinit {
        for p in [input, output, outputGradient, gradient, gates, cells, cellTanh, lastHidden, dh, dc, zeros,
                  recurrentTransposed] {
            p.deallocate()
        }
    }

    /// Runs the network over `steps` steps of `batch` sequences whose
    /// features are already in `input`; the head's outputs land in `output`.
    package func forward(_ network: LSTMNetwork, steps: Int, batch: Int) {
        precondition(steps >= 1 && steps <= maxSteps && batch >= 1 && batch <= maxBatch, "LSTMWorkspace: shape too large")
        lastSteps = steps
        lastBatch = batch
        let h = hidden, g = 4 * hidden, rows = steps * batch
        network.parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            let wx = p + network.inputWeightOffset, wh = p + network.recurrentWeightOffset
            let bias = p + network.biasOffset, wy = p + network.headWeightOffset, by = p + network.headBiasOffset
            // Input projection of every step at once.
            let z = inputStride
            for s in 0..<batch { (input + s * z + inputSize).update(repeating: 0, count: h) }  // h(-1) = 0
            Matrix.gemm(m: rows, n: g, k: inputSize, a: input, lda: z, b: wx, ldb: g, beta: 0, c: gates, ldc: g)
            for t in 0..<steps {
                let a = gates + t * batch * g
                if t > 0 {
                    Matrix.gemm(m: batch, n: g, k: h, a: input + t * batch * z + inputSize, lda: z, b: wh, ldb: g,
                                beta: 1, c: a, ldc: g)
                }
                let cPrev = t > 0 ? UnsafePointer(cells + (t - 1) * batch * h) : UnsafePointer(zeros)
                for s in 0..<batch {
                    let row = a + s * g
                    let cp = cPrev + s * h
                    let cOut = cells + (t * batch + s) * h
                    let tcOut = cellTanh + (t * batch + s) * h
                    let hOut = t + 1 < steps ? input + ((t + 1) * batch + s) * z + inputSize : lastHidden + s * h
                    FastMath.sigmoid(row, plus: bias, into: row, count: 2 * h)
                    FastMath.tanh(row + 2 * h, plus: bias + 2 * h, into: row + 2 * h, count: h)
                    FastMath.sigmoid(row + 3 * h, plus: bias + 3 * h, into: row + 3 * h, count: h)
                    var j = 0
                    while j < h {
                        let c = FastMath.load(row + h + j) * FastMath.load(cp + j)
                            + FastMath.load(row + j) * FastMath.load(row + 2 * h + j)
                        let tc = FastMath.tanh(c)
                        FastMath.store(c, cOut + j)
                        FastMath.store(tc, tcOut + j)
                        FastMath.store(FastMath.load(row + 3 * h + j) * tc, hOut + j)
                        j += 8
                    }
                }
            }
            // Direct head on the last hidden state.
            let last = UnsafePointer(lastHidden)
            for s in 0..<batch { (output + s * outputs).update(from: by, count: outputs) }
            Matrix.gemm(m: batch, n: outputs, k: h, a: last, lda: h, b: wy, ldb: outputs, beta: 1, c: output, ldc: outputs)
        }
    }

    /// Back-propagates `outputGradient` through the last forward pass and
    /// writes the parameter gradients (overwriting) into `gradient`. It
    /// consumes the pass (the gate activations become their gradients), so
    /// each `backward` needs a `forward` before it.
    package func backward(_ network: LSTMNetwork) {
        let steps = lastSteps, batch = lastBatch
        precondition(steps > 0, "LSTMWorkspace: backward without a forward pass before it")
        lastSteps = 0
        let h = hidden, g = 4 * hidden, rows = steps * batch
        gradient.update(repeating: 0, count: parameterCount)
        network.parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            let wh = p + network.recurrentWeightOffset, wy = p + network.headWeightOffset
            let last = UnsafePointer(lastHidden)
            // Head: dWy = hᵀ·dY, dby = Σ dY, dh = dY·Wyᵀ.
            Matrix.gemm(transposeA: true, m: h, n: outputs, k: batch, a: last, lda: h, b: outputGradient, ldb: outputs,
                        beta: 0, c: gradient + network.headWeightOffset, ldc: outputs)
            let dby = gradient + network.headBiasOffset
            for s in 0..<batch {
                let row = outputGradient + s * outputs
                for k in 0..<outputs { dby[k] += row[k] }
            }
            Matrix.gemm(transposeB: true, m: batch, n: h, k: outputs, a: outputGradient, lda: outputs, b: wy, ldb: outputs,
                        beta: 0, c: dh, ldc: h)
            dc.update(repeating: 0, count: batch * h)
            for r in 0..<h {
                for c in 0..<g { recurrentTransposed[c * h + r] = wh[r * g + c] }
            }
            let one = SIMD8<Float>(repeating: 1)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                // dG overwrites the activations in place: each lane's four are read before its gradients are stored.
                let acts = gates + t * batch * g
                let cPrev = t > 0 ? UnsafePointer(cells + (t - 1) * batch * h) : UnsafePointer(zeros)
                for s in 0..<batch {
                    let row = acts + s * g
                    let tc = cellTanh + (t * batch + s) * h
                    let cp = cPrev + s * h
                    let dhs = dh + s * h, dcs = dc + s * h
                    var j = 0
                    while j < h {
                        let i = FastMath.load(row + j), f = FastMath.load(row + h + j)
                        let c̃ = FastMath.load(row + 2 * h + j), o = FastMath.load(row + 3 * h + j)
                        let tcv = FastMath.load(tc + j)
                        let dhv = FastMath.load(dhs + j)
                        let dcv = FastMath.load(dcs + j) + dhv * o * (one - tcv * tcv)
                        FastMath.store(dcv * c̃ * i * (one - i), row + j)
                        FastMath.store(dcv * FastMath.load(cp + j) * f * (one - f), row + h + j)
                        FastMath.store(dcv * i * (one - c̃ * c̃), row + 2 * h + j)
                        FastMath.store(dhv * tcv * o * (one - o), row + 3 * h + j)
                        FastMath.store(dcv * f, dcs + j)
                        j += 8
                    }
                }
                if t > 0 {
                    Matrix.gemm(m: batch, n: h, k: g, a: acts, lda: g, b: recurrentTransposed, ldb: h, beta: 0, c: dh, ldc: h)
                }
            }
            // Gradient of [Wx; Wh] over all steps at once: [x | h(t-1)]ᵀ · dG.
            Matrix.gemm(transposeA: true, m: inputStride, n: g, k: rows, a: input, lda: inputStride, b: gates, ldb: g,
                        beta: 0, c: gradient + network.inputWeightOffset, ldc: g)
            let db = gradient + network.biasOffset
            for r in 0..<rows {
                let row = gates + r * g
                var j = 0
                while j < g {
                    FastMath.store(FastMath.load(db + j) + FastMath.load(row + j), db + j)
                    j += 8
                }
            }
        }
    }
}
