import Foundation
import Workload

/// The rolling-origin split of the forecasting benchmark (protocol v1).
///
/// The test part is the last `holdout` intervals; origins run from
/// `t0 = count − holdout` in steps of `step` while `origin + horizon <= count`,
/// and an origin is dropped when any interval it would score is missing.
/// The default holdout is 7 days when the series has at least 5 weeks, else
/// `ceil(0.2 · count / day) · day` (72 h for 14 days of hours, 432 steps for
/// 14 days of 10-minute windows).
package enum RollingOrigin {
    /// The protocol's default holdout for `count` intervals of which `perDay` make a day.
    package static func defaultHoldout(count: Int, perDay: Int) -> Int {
        let day = max(perDay, 1)
        if count >= 35 * day { return 7 * day }
        return Int((0.2 * Double(count) / Double(day)).rounded(.up)) * day
    }

    /// The validation holdout `train` uses: the protocol's default, or, when
    /// that would take half the history or more (histories of a day or two),
    /// the last 20 % of the intervals (at least one horizon).
    package static func defaultValidationHoldout(count: Int, perDay: Int, horizon: Int) -> Int {
        let rule = defaultHoldout(count: count, perDay: perDay)
        if 2 * rule < count { return rule }
        return max(horizon, Int((0.2 * Double(count)).rounded(.up)))
    }

    /// The default origin step: hourly origins (every interval when an interval is an hour or longer).
    package static func defaultStep(perDay: Int) -> Int {
        max(1, perDay / 24)
    }

    /// Origins in `start ..< count` (every `step`) whose `horizon` targets hold no missing interval.
    package static func origins(missing: [Bool], start: Int, horizon: Int, step: Int) -> [Int] {
        var out: [Int] = []
        var o = start
        while o + horizon <= missing.count {
            if !missing[o..<(o + horizon)].contains(true) { out.append(o) }
            o += step
        }
        return out
    }
}
