import Foundation

/// Holt-Winters exponential smoothing with a damped trend and an additive or
/// multiplicative season, fitted by minimising the one-step-ahead squared
/// error over the smoothing weights (α, β, γ) and the damping φ with
/// Nelder–Mead from several starts.
///
/// State initialisation: level = mean of the first season, trend = (mean of
/// the second season − mean of the first) / m, seasonal indices = first
/// season minus (or divided by) the level. Multiplicative fitting works on
/// `y + 1` so zero counts are allowed.
///
/// ```swift
/// let hw = HoltWinters(season: 24, seasonality: .multiplicative)
/// let f = hw.forecast(history[...], horizon: 24)
/// ```
///
/// - Complexity: O(n · evaluations) per fit, with a few hundred evaluations.
package struct HoltWinters: Sendable, Equatable, Codable {
    /// How the season combines with level and trend.
    package enum Seasonality: String, Sendable, Codable, CaseIterable {
        /// `level + trend + season`.
        case additive
        /// `(level + trend) × season`.
        case multiplicative
    }

    /// Fitted smoothing weights.
    package struct Parameters: Sendable, Equatable, Codable {
        /// Level weight.
        package var alpha: Double
        /// Trend weight.
        package var beta: Double
        /// Season weight.
        package var gamma: Double
        /// Trend damping.
        package var phi: Double
    }

    /// Season length in intervals (>= 2).
    package let season: Int
    /// Additive or multiplicative season.
    package let seasonality: Seasonality
    /// Fit only on the latest this many seasons (older data is ignored).
    package var maxSeasons = 21

    /// A Holt-Winters method.
    package init(season: Int, seasonality: Seasonality) {
        precondition(season >= 2, "HoltWinters: season must be >= 2")
        self.season = season
        self.seasonality = seasonality
    }

    /// The fewest values a fit needs: two full seasons and one more.
    package var minimumHistory: Int { 2 * season + 1 }

    /// A model fitted to some values, ready to forecast what follows them.
    package struct Fitted: Sendable {
        /// The method.
        package let method: HoltWinters
        /// The fitted weights.
        package let parameters: Parameters
        let values: [Double]

        /// Forecast of `horizon` steps after the fitted values, clipped at 0.
        package func forecast(horizon: Int) -> [Double] {
            let f = method.run(values, parameters, horizon: horizon).forecast
            return f.map { method.seasonality == .multiplicative ? max(0, $0 - 1) : max(0, $0) }
        }
    }

    /// Fits the weights on the latest `maxSeasons` seasons of `values`.
    ///
    /// - Precondition: `values.count >= minimumHistory`.
    package func fitted(_ values: ArraySlice<Double>) -> Fitted {
        let y = values.suffix(maxSeasons * season).map { seasonality == .multiplicative ? max($0, 0) + 1 : $0 }
        return Fitted(method: self, parameters: fit(y), values: y)
    }

    /// Fits on `values` and forecasts `horizon` steps after them.
    ///
    /// - Precondition: `values.count >= minimumHistory`.
    package func forecast(_ values: ArraySlice<Double>, horizon: Int) -> [Double] {
        fitted(values).forecast(horizon: horizon)
    }

    func fit(_ y: [Double]) -> Parameters {
        // Search in logit space so every candidate is valid.
        func decode(_ z: [Double]) -> Parameters {
            func s(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
            return Parameters(alpha: s(z[0]), beta: s(z[1]) * 0.5, gamma: s(z[2]), phi: 0.8 + 0.18 * s(z[3]))
        }
        func cost(_ z: [Double]) -> Double { run(y, decode(z), horizon: 0).sse }
        var best: (z: [Double], c: Double)?
        for start in [[-1.0, -3.0, -2.0, 1.0], [0.5, -4.0, -1.0, 0.0], [-2.5, -5.0, -3.5, 2.0]] {
            let z = NelderMead.minimize(cost, start: start, step: 1.0, iterations: 150)
            let c = cost(z)
            if best == nil || c < best!.c { best = (z, c) }
        }
        return decode(best!.z)
    }

    /// Runs the recursions over `y`; returns the one-step SSE and the forecast after the last value.
    func run(_ y: [Double], _ p: Parameters, horizon: Int) -> (sse: Double, forecast: [Double]) {
        let m = season, n = y.count
        var first = 0.0, second = 0.0
        for i in 0..<m { first += y[i]; second += y[m + i] }
        first /= Double(m); second /= Double(m)
        var level = first, trend = (second - first) / Double(m)
        let mult = seasonality == .multiplicative
        var s = (0..<m).map { mult ? y[$0] / max(first, 1e-9) : y[$0] - first }
        var sse = 0.0
        for t in m..<n {
            let si = s[t % m]
            let damped = p.phi * trend
            let predicted = mult ? (level + damped) * si : level + damped + si
            let e = y[t] - predicted
            sse += e * e
            let previous = level
            if mult {
                level = p.alpha * (y[t] / max(si, 1e-9)) + (1 - p.alpha) * (previous + damped)
                trend = p.beta * (level - previous) + (1 - p.beta) * damped
                s[t % m] = p.gamma * (y[t] / max(level, 1e-9)) + (1 - p.gamma) * si
            } else {
                level = p.alpha * (y[t] - si) + (1 - p.alpha) * (previous + damped)
                trend = p.beta * (level - previous) + (1 - p.beta) * damped
                s[t % m] = p.gamma * (y[t] - level) + (1 - p.gamma) * si
            }
        }
        var forecast: [Double] = []
        forecast.reserveCapacity(horizon)
        var phiSum = 0.0, phiPower = 1.0
        for h in 0..<horizon {
            phiPower *= p.phi
            phiSum += phiPower
            let si = s[(n + h) % m]
            forecast.append(mult ? (level + phiSum * trend) * si : level + phiSum * trend + si)
        }
        return (sse, forecast)
    }
}
