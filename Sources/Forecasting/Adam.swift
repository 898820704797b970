import Foundation

/// The Adam optimiser (Kingma & Ba) over one flat parameter vector, with
/// optional clipping of the gradient's global L2 norm.
///
/// ```swift
/// var adam = Adam(parameterCount: net.parameters.count, learningRate: 1e-3)
/// adam.step(parameters: &net.parameters, gradient: work.gradient)
/// ```
package struct Adam: Sendable {
    /// Step size.
    package var learningRate: Float
    /// First-moment decay.
    package var beta1: Float = 0.9
    /// Second-moment decay.
    package var beta2: Float = 0.999
    /// Denominator guard.
    package var epsilon: Float = 1e-8
    /// Largest gradient norm applied (larger gradients are scaled down); `nil` disables clipping.
    package var clipNorm: Float?
    private var m: [Float]
    private var v: [Float]
    private var t: Int = 0

    /// An optimiser for `parameterCount` parameters, with zeroed moments.
    package init(parameterCount: Int, learningRate: Float, clipNorm: Float? = nil) {
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        m = Array(repeating: 0, count: parameterCount)
        v = Array(repeating: 0, count: parameterCount)
    }

    /// One update of `parameters` with `gradient` (same length).
    ///
    /// - Complexity: O(parameter count).
    package mutating func step(parameters: inout [Float], gradient: UnsafePointer<Float>) {
        t += 1
        var scale: Float = 1
        if let clipNorm {
            var sumSquares: Float = 0
            for k in 0..<parameters.count { sumSquares += gradient[k] * gradient[k] }
            let norm = sumSquares.squareRoot()
            if norm > clipNorm { scale = clipNorm / norm }
        }
        let b1 = beta1, b2 = beta2, eps = epsilon
        let correction1 = 1 - Float(pow(Double(b1), Double(t)))
        let correction2 = 1 - Float(pow(Double(b2), Double(t)))
        let stepSize = learningRate / correction1
        let rootCorrection2 = correction2.squareRoot()
        m.withUnsafeMutableBufferPointer { mb in
            v.withUnsafeMutableBufferPointer { vb in
                parameters.withUnsafeMutableBufferPointer { pb in
                    for k in 0..<pb.count {
                        let g = gradient[k] * scale
                        mb[k] = b1 * mb[k] + (1 - b1) * g
                        vb[k] = b2 * vb[k] + (1 - b2) * g * g
                        pb[k] -= stepSize * mb[k] / (vb[k].squareRoot() / rootCorrection2 + eps)
                    }
                }
            }
        }
    }
}
