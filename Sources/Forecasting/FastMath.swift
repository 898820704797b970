/// Activation functions for the LSTM's gate loops, and SIMD loads/stores.
///
/// `tanh` is Eigen's rational (13/6) approximation, within 1e-6 of the true
/// value on [-7.9, 7.9] and saturating outside;
/// the logistic function is `0.5 + 0.5 · tanh(x / 2)`.
enum FastMath {
    /// Eigen's rational tanh on eight lanes; the clamp goes through
    /// `replacing(with:where:)`, which inlines to compare-and-blend (the
    /// generic `clamped` does not).
    @inline(__always)
    static func tanh(_ xIn: SIMD8<Float>) -> SIMD8<Float> {
        let bound = SIMD8<Float>(repeating: 7.905_311)
        let x = xIn.replacing(with: bound, where: xIn .> bound).replacing(with: -bound, where: xIn .< -bound)
        let x2 = x * x
        var p = x2 * -2.760_768_5e-16 + 2.000_187_9e-13
        p = x2 * p - 8.604_671_5e-11
        p = x2 * p + 5.122_297_1e-08
        p = x2 * p + 1.485_722_4e-05
        p = x2 * p + 6.372_619_3e-04
        p = x2 * p + 4.893_524_6e-03
        p = x * p
        var q = x2 * 1.198_258_4e-06 + 1.185_347_1e-04
        q = x2 * q + 2.268_434_6e-03
        q = x2 * q + 4.893_525_2e-03
        return p / q
    }

    /// The logistic function `1 / (1 + e^-x)` on eight lanes, through ``tanh(_:)``.
    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
        0.5 + 0.5 * tanh(0.5 * x)
    }

    /// `dst[k] = tanh(src[k] + bias[k])` for `k < count` (a multiple of 8).
    @inline(__always)
    static func tanh(_ src: UnsafePointer<Float>, plus bias: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                     count: Int) {
        var k = 0
        while k < count {
            store(tanh(load(src + k) + load(bias + k)), dst + k)
            k += 8
        }
    }

    /// `dst[k] = sigmoid(src[k] + bias[k])` for `k < count` (a multiple of 8).
    @inline(__always)
    static func sigmoid(_ src: UnsafePointer<Float>, plus bias: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                        count: Int) {
        var k = 0
        while k < count {
            store(sigmoid(load(src + k) + load(bias + k)), dst + k)
            k += 8
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
