/// Seasonal mean forecasts: each step is the mean of the values at the same
/// phase of up to `seasons` previous seasons (on hourly data with season 24
/// and 7 seasons: the mean of the same hour over the last week). Steadier
/// than a seasonal naive forecast, which repeats a single noisy day.
///
/// ```swift
/// SeasonalMean(season: 24, seasons: 7).forecast(history[...], horizon: 24)
/// ```
package struct SeasonalMean: Sendable, Equatable, Codable {
    /// Season length in intervals (>= 1).
    package let season: Int
    /// Most seasons averaged (>= 1).
    package let seasons: Int

    /// A seasonal mean over at most `seasons` seasons of `season` intervals.
    package init(season: Int, seasons: Int) {
        precondition(season >= 1 && seasons >= 1, "SeasonalMean: season and seasons must be >= 1")
        self.season = season
        self.seasons = seasons
    }

    /// `f[h]` = mean of `y[n + h − k·season]` over `k = 1 … seasons` with
    /// `startIndex <= n + h − k·season < n` (steps a season or more ahead
    /// skip the lags that would lie in the future).
    ///
    /// - Precondition: `values.count >= season`.
    /// - Complexity: O(horizon · seasons).
    package func forecast(_ values: ArraySlice<Double>, horizon: Int) -> [Double] {
        let n = values.endIndex
        return (0..<horizon).map { h in
            var sum = 0.0, count = 0
            for k in 1...seasons {
                let t = n + h - k * season
                if t < values.startIndex { break }
                if t < n { sum += values[t]; count += 1 }
            }
            return sum / Double(max(count, 1))
        }
    }
}
