/// Seasonal naive forecasts: each step repeats the value one lag earlier
/// (`lag` 1 = last value, 24 = same hour yesterday on hourly data, 168 = same
/// hour last week). Steps beyond the lag repeat the last `lag` values.
///
/// ```swift
/// SeasonalNaive(lag: 24).forecast([...], horizon: 24)
/// ```
package struct SeasonalNaive: Sendable, Equatable, Codable {
    /// The lag in intervals (>= 1).
    package let lag: Int

    /// A seasonal naive method with the given lag.
    package init(lag: Int) {
        precondition(lag >= 1, "SeasonalNaive: lag must be >= 1")
        self.lag = lag
    }

    /// `f[h] = y[n − lag + (h mod lag)]` for `h` in `0..<horizon`.
    ///
    /// - Precondition: `values.count >= lag`.
    /// - Complexity: O(horizon).
    package func forecast(_ values: ArraySlice<Double>, horizon: Int) -> [Double] {
        let n = values.endIndex
        return (0..<horizon).map { values[n - lag + $0 % lag] }
    }
}
