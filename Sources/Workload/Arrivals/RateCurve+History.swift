extension RateCurve {
    /// The rate curve of a load history: each interval's count divided by
    /// the interval. Missing intervals (see ``LoadSeriesCSV``) take the value
    /// of the same interval a day earlier, so a gap in the data is not
    /// simulated as a lull.
    package init(history series: LoadSeries) throws {
        let values = series.missingCount > 0 ? series.imputed(season: series.intervalsPerDay) : series.values
        let origin = series.timestamps.first ?? 0
        try self.init(starts: series.timestamps.map { $0 - origin }, rates: values.map { max(0, $0) / series.interval })
    }

    /// The rate curve of a history CSV (`timestamp_s,requests,...` and the
    /// other layouts ``LoadSeriesCSV`` reads), with the number of missing
    /// intervals that were filled.
    package static func fromHistory(path: String) throws -> (curve: RateCurve, missing: Int) {
        let series = try LoadSeriesCSV.read(path: path)
        return (try RateCurve(history: series), series.missingCount)
    }
}
