/// The pinball (quantile) loss of a multi-horizon, multi-quantile head.
///
/// Outputs and targets are laid out `batch × (horizon · quantiles)` with the
/// quantile index fastest; the target of output `(h, q)` is the value at step
/// `h` for every `q`. For target `z` and prediction `p` at quantile `τ` the
/// loss is `max(τ(z − p), (τ − 1)(z − p))`; the result is the mean over all
/// outputs. Minimising it makes output `q` estimate the `τ_q` quantile.
///
/// ```swift
/// let loss = PinballLoss.evaluate(outputs: out, targets: y, batch: 64, horizon: 24,
///                                 quantiles: [0.5, 0.9, 0.99], gradient: dOut)
/// ```
package enum PinballLoss {
    /// The pinball loss of one `quantile` forecast of `actual` at `level` τ:
    /// `τ (y − q)` when the actual is at or above it, `(τ − 1)(y − q)` below.
    package static func loss(actual y: Double, quantile q: Double, level tau: Double) -> Double {
        let diff = y - q
        return diff >= 0 ? tau * diff : (tau - 1) * diff
    }

    /// Mean pinball loss; when `gradient` is given, writes ∂loss/∂output there.
    ///
    /// - Complexity: O(batch · horizon · quantiles).
    package static func evaluate(outputs: UnsafePointer<Float>, targets: UnsafePointer<Float>, batch: Int, horizon: Int,
                                quantiles: [Float], gradient: UnsafeMutablePointer<Float>?) -> Float {
        let q = quantiles.count
        let width = horizon * q
        let scale = 1 / Float(batch * width)
        var total: Float = 0
        for b in 0..<batch {
            for h in 0..<horizon {
                let z = targets[b * horizon + h]
                for k in 0..<q {
                    let idx = b * width + h * q + k
                    let diff = z - outputs[idx]
                    let tau = quantiles[k]
                    total += diff >= 0 ? tau * diff : (tau - 1) * diff
                    gradient?[idx] = (diff >= 0 ? -tau : 1 - tau) * scale
                }
            }
        }
        return total * scale
    }
}
