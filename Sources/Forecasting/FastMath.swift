/// Vectorised activation functions for the LSTM's gate loops.
///
/// `tanh` is Eigen's rational (13/6) approximation, accurate to about
/// 1 ulp-scale error (< 2e-7 absolute) on [-7.9, 7.9] and saturating outside;
/// the logistic function is `0.5 + 0.5 · tanh(x / 2)`.
enum FastMath {
    @inline(__always)
    static func tanh(_ xIn: SIMD8<Float>) -> SIMD8<Float> {
        let x = xIn.clamped(lowerBound: SIMD8(repeating: -7.905_311), upperBound: SIMD8(repeating: 7.905_311))
        let x2 = x * x
        var p = x2 * SIMD8(repeating: -2.760_768_5e-16) + SIMD8(repeating: 2.000_187_9e-13)
        p = x2 * p + SIMD8(repeating: -8.604_671_5e-11)
        p = x2 * p + SIMD8(repeating: 5.122_297_1e-08)
        p = x2 * p + SIMD8(repeating: 1.485_722_4e-05)
        p = x2 * p + SIMD8(repeating: 6.372_619_3e-04)
        p = x2 * p + SIMD8(repeating: 4.893_524_6e-03)
        p = x * p
        var q = x2 * SIMD8(repeating: 1.198_258_4e-06) + SIMD8(repeating: 1.185_347_1e-04)
        q = x2 * q + SIMD8(repeating: 2.268_434_6e-03)
        q = x2 * q + SIMD8(repeating: 4.893_525_2e-03)
        return p / q
    }

    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let half = SIMD8<Float>(repeating: 0.5)
        return half + half * tanh(x * half)
    }

    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        tanh(SIMD8(repeating: x))[0]
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        sigmoid(SIMD8(repeating: x))[0]
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
