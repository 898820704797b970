import Workload

/// The load a horizon is planned for, per interval, in requests per second
/// of the simulated cluster (history counts × scale ÷ interval).
package struct PlanLoad: Sendable, Equatable {
    /// Interval width (s).
    package var interval: Double
    /// Start of the first interval (s since 1970).
    package var origin: Double
    /// Where it came from (`forecast …` or `history …`), for reports.
    package var source: String
    /// Expected load (the point forecast, or the history itself).
    package var expected: [Double]
    /// The load planned for before headroom (a forecast quantile, or the history).
    package var planned: [Double]
    /// The forecaster's band (lowest and highest levels), when forecast.
    package var band: (low: [Double], high: [Double])?
    /// Factor applied to `planned` for the design load.
    package var headroom: Double
    /// The zone every time of the plan is printed and written in (the
    /// history's, or `--timezone`).
    package var zone: HistoryTimeZone

    /// A load.
    package init(interval: Double, origin: Double, source: String, expected: [Double], planned: [Double],
                band: (low: [Double], high: [Double])? = nil, headroom: Double, zone: HistoryTimeZone = .utc) {
        self.interval = interval
        self.origin = origin
        self.source = source
        self.expected = expected
        self.planned = planned
        self.band = band
        self.headroom = headroom
        self.zone = zone
    }

    /// The design load per interval: planned × headroom.
    package var designRates: [Double] { planned.map { $0 * headroom } }

    package static func == (a: PlanLoad, b: PlanLoad) -> Bool {
        a.interval == b.interval && a.origin == b.origin && a.source == b.source && a.expected == b.expected
            && a.planned == b.planned && a.band?.low == b.band?.low && a.band?.high == b.band?.high && a.headroom == b.headroom
            && a.zone == b.zone
    }
}

extension PlanLoad {
    /// The load of `period` of `series`, in requests per second of the
    /// simulated cluster (counts × `scale` ÷ interval), missing intervals
    /// imputed from a season earlier (``LoadSeries/imputed(season:)``);
    /// `file` names the history in ``source``, with the period's label and
    /// `scaleLabel` (the scale as the summary writes it).
    package static func history(_ series: LoadSeries, period: PlanPeriod, scale: Double, scaleLabel: String, headroom: Double,
                               file: String) -> PlanLoad {
        let perSecond = scale / series.interval
        let values = series.imputed(season: series.intervalsPerDay)[period.range].map { Swift.max(0, $0) * perSecond }
        let what: String
        switch period.basis {
        case .busiestDay: what = "the busiest day of \(file), \(period.label)"
        case .named: what = "\(file), \(period.label)"
        case .forecast: what = "\(file), \(period.label)"
        }
        return PlanLoad(interval: series.interval, origin: period.origin,
                        source: "\(what) × \(scaleLabel)", expected: values, planned: values, headroom: headroom, zone: period.zone)
    }

}
