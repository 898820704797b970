import Foundation

/// Non-seasonal exponential smoothing with a damped additive trend (Holt's
/// method with damping; simple exponential smoothing when β → 0), fitted on
/// the latest `maxHistory` values by minimising the one-step-ahead squared
/// error over (α, β, φ) with Nelder–Mead. Strong for short horizons, where
/// the level matters more than the season.
///
/// ```swift
/// let f = DampedHolt(maxHistory: 432).forecast(history[...], horizon: 2)
/// ```
///
/// - Complexity: O(maxHistory · evaluations) per fit.
package struct DampedHolt: Sendable, Equatable, Codable {
    /// Values used for fitting (the latest ones).
    package let maxHistory: Int

    /// A damped Holt method fitted on at most `maxHistory` values (>= 3).
    package init(maxHistory: Int) {
        precondition(maxHistory >= 3, "DampedHolt: maxHistory must be >= 3")
        self.maxHistory = maxHistory
    }

    /// The fewest values a fit needs.
    package static let minimumHistory = 3

    /// Fits on the latest values and forecasts `horizon` steps, clipped at 0.
    ///
    /// - Precondition: `values.count >= 3`.
    package func forecast(_ values: ArraySlice<Double>, horizon: Int) -> [Double] {
        let y = Array(values.suffix(maxHistory))
        func decode(_ z: [Double]) -> (Double, Double, Double) {
            func s(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
            return (s(z[0]), s(z[1]) * 0.5, 0.8 + 0.18 * s(z[2]))
        }
        let z = NelderMead.minimize({ DampedHolt.run(y, decode($0), horizon: 0).sse }, start: [0, -3, 1], step: 1,
                                    iterations: 200)
        return DampedHolt.run(y, decode(z), horizon: horizon).forecast.map { max(0, $0) }
    }

    /// The recursions over `y` with (α, β, φ): one-step SSE and the forecast after the last value.
    static func run(_ y: [Double], _ p: (Double, Double, Double), horizon: Int) -> (sse: Double, forecast: [Double]) {
        let (alpha, beta, phi) = p
        var level = y[0], trend = y[1] - y[0], sse = 0.0
        for t in 1..<y.count {
            let predicted = level + phi * trend
            let e = y[t] - predicted
            sse += e * e
            let previous = level
            level = alpha * y[t] + (1 - alpha) * predicted
            trend = beta * (level - previous) + (1 - beta) * phi * trend
        }
        var forecast: [Double] = []
        var phiSum = 0.0, phiPower = 1.0
        for _ in 0..<horizon {
            phiPower *= phi
            phiSum += phiPower
            forecast.append(level + phiSum * trend)
        }
        return (sse, forecast)
    }
}
