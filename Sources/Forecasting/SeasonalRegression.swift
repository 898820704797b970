import Foundation

/// A Prophet-style regression on the log scale, fitted on the whole history
/// at every origin: `log(1 + y) = a + b·t + daily Fourier terms + weekly
/// Fourier terms`, by ridge-regularised least squares (the intercept is not
/// shrunk). Missing intervals are left out of the fit. It follows a trend
/// that level-based methods lag behind.
///
/// Defaults follow Prophet's: daily order 4, weekly order 3; the trend is
/// measured in weeks from the forecast origin.
///
/// ```swift
/// let r = SeasonalRegression(day: 24, week: 168)
/// let f = r.forecast(values[...], missing: mask[...], horizon: 24)
/// ```
///
/// - Complexity: O(n · p²) per fit with p = 2 + 2·(dailyOrder + weeklyOrder) terms.
package struct SeasonalRegression: Sendable, Equatable, Codable {
    /// Intervals per day.
    package let day: Int
    /// Intervals per week.
    package let week: Int
    /// Daily Fourier order.
    package var dailyOrder = 4
    /// Weekly Fourier order.
    package var weeklyOrder = 3
    /// Ridge penalty on the non-intercept coefficients.
    package var ridge = 1.0

    /// A regression for `day` and `week` intervals (each >= 2).
    package init(day: Int, week: Int) {
        precondition(day >= 2 && week >= 2, "SeasonalRegression: periods must be >= 2")
        self.day = day
        self.week = week
    }

    var terms: Int { 2 + 2 * (dailyOrder + weeklyOrder) }

    func row(_ t: Int, origin: Int, into x: inout [Double]) {
        x[0] = 1
        x[1] = Double(t - origin) / Double(week)
        var k = 2
        for order in 1...max(1, dailyOrder) where dailyOrder > 0 {
            let a = 2 * Double.pi * Double(order) * Double(t % day) / Double(day)
            x[k] = sin(a); x[k + 1] = cos(a); k += 2
        }
        for order in 1...max(1, weeklyOrder) where weeklyOrder > 0 {
            let a = 2 * Double.pi * Double(order) * Double(t % week) / Double(week)
            x[k] = sin(a); x[k + 1] = cos(a); k += 2
        }
    }

    /// Fits on `values` (skipping intervals where `missing` is true) and
    /// forecasts `horizon` steps after them, clipped at 0.
    package func forecast(_ values: ArraySlice<Double>, missing: ArraySlice<Bool>, horizon: Int) -> [Double] {
        let n = values.count, p = terms
        let base = values.startIndex
        var a = [Double](repeating: 0, count: p * p), b = [Double](repeating: 0, count: p)
        var x = [Double](repeating: 0, count: p)
        for t in 0..<n where !missing[missing.startIndex + t] {
            row(t, origin: n, into: &x)
            let y = log1p(max(values[base + t], 0))
            for i in 0..<p {
                b[i] += x[i] * y
                for j in i..<p { a[i * p + j] += x[i] * x[j] }
            }
        }
        for i in 0..<p { for j in 0..<i { a[i * p + j] = a[j * p + i] } }
        for i in 1..<p { a[i * p + i] += ridge }
        let beta = SeasonalRegression.solve(a, b, size: p)
        return (0..<horizon).map { h in
            row(n + h, origin: n, into: &x)
            var z = 0.0
            for i in 0..<p { z += x[i] * beta[i] }
            return max(0, expm1(z))
        }
    }

    /// Solves the symmetric positive definite system `A·β = b` (Gaussian elimination with partial pivoting).
    static func solve(_ aIn: [Double], _ bIn: [Double], size p: Int) -> [Double] {
        var a = aIn, b = bIn
        for c in 0..<p {
            var pivot = c
            for r in (c + 1)..<max(c + 1, p) where abs(a[r * p + c]) > abs(a[pivot * p + c]) { pivot = r }
            if pivot != c {
                for k in 0..<p { a.swapAt(c * p + k, pivot * p + k) }
                b.swapAt(c, pivot)
            }
            let d = a[c * p + c]
            guard abs(d) > 1e-12 else { continue }
            for r in (c + 1)..<max(c + 1, p) {
                let f = a[r * p + c] / d
                if f == 0 { continue }
                for k in c..<p { a[r * p + k] -= f * a[c * p + k] }
                b[r] -= f * b[c]
            }
        }
        var beta = [Double](repeating: 0, count: p)
        for r in stride(from: p - 1, through: 0, by: -1) {
            var s = b[r]
            for k in (r + 1)..<max(r + 1, p) { s -= a[r * p + k] * beta[k] }
            let d = a[r * p + r]
            beta[r] = abs(d) > 1e-12 ? s / d : 0
        }
        return beta
    }
}
