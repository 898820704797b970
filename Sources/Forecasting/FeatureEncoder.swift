import Foundation
import Workload

/// Turns a load series into the LSTM's per-step inputs and targets.
///
/// Each step has `1 + 9 + E (+ 1)` features: the scaled count (see
/// ``LSTMSettings/Scaling``), sin and cos of 2π·hour/24, a one-hot day of week
/// (7), the `E` exogenous columns as given, and with a profile lead `L` the
/// series' own seasonal profile `L` steps ahead of the step (the mean of the
/// same phase over the last ``profileSeasons`` seasons, from values already
/// seen, scaled like the count). Counts are scaled by a level of the input
/// window (its mean or its last value), so the same weights serve series of
/// any size; the profile tells a global model what this series usually does
/// at the time it forecasts.
struct FeatureEncoder {
    static let calendarWidth = 9
    /// Seasons the profile feature averages.
    static let profileSeasons = 7
    let scaling: LSTMSettings.Scaling
    let exogenousCount: Int
    /// Steps ahead of each input step whose seasonal profile is a feature; `nil` = no profile feature.
    var profileLead: Int? = nil
    var width: Int { 1 + FeatureEncoder.calendarWidth + exogenousCount + (profileLead == nil ? 0 : 1) }

    /// The encoder of `settings` with `exogenousCount` exogenous columns.
    init(settings: LSTMSettings, exogenousCount: Int) {
        self.scaling = settings.scaling
        self.exogenousCount = exogenousCount
        self.profileLead = settings.seasonalProfile == true ? settings.horizon : nil
    }

    /// A series prepared once: imputed counts, their prefix sums, and the
    /// calendar and exogenous features of every step.
    struct Prepared {
        let values: [Double]
        let logValues: [Float]
        let prefix: [Double]
        let missing: [Bool]
        let context: [Float]   // count × (calendar + exogenous)
        let contextWidth: Int
        /// Per step, the seasonal profile `profileLead` steps ahead and its log (empty without a profile feature).
        let profile: [Double]
        let profileLog: [Float]

        func windowMean(end: Int, window: Int) -> Double {
            (prefix[end] - prefix[end - window]) / Double(window)
        }

        /// The level counts are scaled by: the window mean, or the last value for `.logLast`.
        func reference(end: Int, window: Int, scaling: LSTMSettings.Scaling) -> Double {
            scaling == .logLast ? values[end - 1] : windowMean(end: end, window: window)
        }
    }

    func prepare(_ series: LoadSeries, season: Int) -> Prepared {
        let y = series.modelInputs(season: season)
        var prefix = [Double](repeating: 0, count: y.count + 1)
        for t in y.indices { prefix[t + 1] = prefix[t] + y[t] }
        let cw = FeatureEncoder.calendarWidth + exogenousCount
        var context = [Float](repeating: 0, count: y.count * cw)
        for t in y.indices {
            let base = t * cw
            let angle = 2 * Double.pi * series.hourOfDay(t) / 24
            context[base] = Float(sin(angle))
            context[base + 1] = Float(cos(angle))
            context[base + 2 + series.dayOfWeek(t)] = 1
            for e in 0..<exogenousCount { context[base + FeatureEncoder.calendarWidth + e] = Float(series.exogenous[e][t]) }
        }
        var profile: [Double] = [], profileLog: [Float] = []
        if let lead = profileLead {
            // Seasons back from t + lead that are at or before t: k ≥ ⌈lead / season⌉ (at least 1).
            let firstBack = max(1, (lead + season - 1) / season)
            profile.reserveCapacity(y.count)
            profileLog.reserveCapacity(y.count)
            for t in y.indices {
                var sum = 0.0, logSum = 0.0, n = 0
                for k in firstBack..<(firstBack + FeatureEncoder.profileSeasons) {
                    let i = t + lead - k * season
                    guard i >= 0 else { break }
                    sum += y[i]; logSum += log1p(max(y[i], 0)); n += 1
                }
                if n == 0 { sum = y[t]; logSum = log1p(max(y[t], 0)); n = 1 }
                profile.append(sum / Double(n))
                profileLog.append(Float(logSum / Double(n)))
            }
        }
        return Prepared(values: y, logValues: y.map { Float(log1p(max($0, 0))) }, prefix: prefix,
                        missing: series.inputMask, context: context, contextWidth: cw, profile: profile, profileLog: profileLog)
    }

    /// The scaled value of count `y` (with `logY = log(1 + y)`) for a window whose reference level is `level`.
    @inline(__always)
    func scale(_ y: Double, logY: Float, level: Double) -> Float {
        switch scaling {
        case .logWindowMean, .logLast: return logY - Float(log1p(max(level, 0)))
        case .windowMean: return Float(y / (level + 1))
        }
    }

    /// The count for a network output `z` of a window whose reference level is `level`, clipped at 0.
    @inline(__always)
    func unscale(_ z: Float, level: Double) -> Double {
        switch scaling {
        case .logWindowMean, .logLast: return max(0, expm1(Double(z) + log1p(max(level, 0))))
        case .windowMean: return max(0, Double(z) * (level + 1))
        }
    }

    /// Writes window `end - window ..< end` of `p` as row `slot` of a time-major
    /// batch of `batch` sequences into `input` (rows `stride` floats apart),
    /// and returns the reference level.
    @inline(__always)
    func fill(_ p: Prepared, end: Int, window: Int, slot: Int, batch: Int, input: UnsafeMutablePointer<Float>,
              stride: Int) -> Double {
        let level = p.reference(end: end, window: window, scaling: scaling)
        let cw = p.contextWidth
        p.context.withUnsafeBufferPointer { ctx in
            for t in 0..<window {
                let s = end - window + t
                let row = input + (t * batch + slot) * stride
                row[0] = scale(p.values[s], logY: p.logValues[s], level: level)
                (row + 1).update(from: ctx.baseAddress! + s * cw, count: cw)
                if profileLead != nil { row[1 + cw] = scale(p.profile[s], logY: p.profileLog[s], level: level) }
            }
        }
        return level
    }
}
