import CapacityPlanning
import Foundation
import Workload

/// A replica schedule as KEDA's `cron` triggers express it
/// (kedacore/keda `pkg/scalers/cron_scaler.go`; https://keda.sh/docs/latest/scalers/cron/):
/// five-field cron expressions, so minute granularity; a trigger is active
/// from its `start` to its `end` and then asks for `desiredReplicas`; the
/// HPA that KEDA runs takes the largest active trigger, and
/// `minReplicaCount` when none is active.
///
/// The schedule's lowest count becomes the floor (`minReplicaCount`), and
/// each run of steps above it one trigger. A step boundary that does not
/// fall on a whole minute is moved outward, the step's start to the minute
/// before and its end to the minute after (where two steps then overlap,
/// the larger count holds), so the written schedule never has fewer
/// replicas than the verified one; ``moved`` says whether any was.
///
/// A plan of exactly one local day is written as a daily schedule
/// (`M H * * *`) in the plan's time zone; any other horizon with its dates
/// (`M H D Mon *`), so it acts on the planned dates only.
package struct CronSchedule: Sendable, Equatable {
    /// One trigger: `replicas` from `start` to `end` (s from the horizon's start, whole minutes of the clock).
    package struct Window: Sendable, Equatable {
        /// Start (s from the horizon's start).
        package var start: Double
        /// End (exclusive).
        package var end: Double
        /// Replicas asked for.
        package var replicas: Int
    }

    /// `minReplicaCount`: the schedule's lowest count.
    package var floor: Int
    /// `maxReplicaCount`: its highest.
    package var ceiling: Int
    /// The triggers, in time order.
    package var windows: [Window]
    /// The schedule as written, as steps (`start`, `replicas`) from the horizon's start.
    package var steps: [ScheduleEntry]
    /// Whether a boundary was moved to a whole minute.
    package var moved: Bool
    /// Whether the triggers recur daily (`M H * * *`) rather than name dates.
    package var daily: Bool
    /// The IANA zone KEDA reads the expressions in (`Etc/UTC` for UTC and fixed offsets).
    package var timeZone: String
    /// The horizon's start (s since 1970) and the zone's offset there.
    let origin: Double
    let zone: HistoryTimeZone

    /// The cron form of `entries` (a verified schedule over `[0, horizon)`
    /// from `origin`, s since 1970), read on `zone`'s clock.
    package init(_ entries: [ScheduleEntry], origin: Double, horizon: Double, zone: HistoryTimeZone, daily: Bool) {
        self.origin = origin
        self.daily = daily
        let iana = zone.name.contains("/")
        self.zone = iana ? zone : .utc
        timeZone = iana ? zone.name : "Etc/UTC"
        // Each step widened to whole minutes of the clock (offsets are whole minutes).
        func down(_ s: Double) -> Double { ((origin + s) / 60).rounded(.down) * 60 - origin }
        func up(_ s: Double) -> Double { ((origin + s) / 60).rounded(.up) * 60 - origin }
        let wide = entries.map { (start: down($0.start), end: up($0.end), replicas: $0.replicas) }
        moved = zip(entries, wide).contains { $0.start != $1.start || $0.end != $1.end }
        let cuts = Set(wide.flatMap { [$0.start, $0.end] }).sorted()
        var steps: [ScheduleEntry] = []
        for (k, t) in cuts.enumerated() where k + 1 < cuts.count {
            let count = wide.filter { $0.start <= t && t < $0.end }.map(\.replicas).max() ?? 0
            guard count > 0 else { continue }
            if let last = steps.last, last.replicas == count, last.end == t {
                steps[steps.count - 1].end = cuts[k + 1]
            } else {
                steps.append(ScheduleEntry(start: t, end: cuts[k + 1], replicas: count, expectedRate: 0))
            }
        }
        self.steps = steps
        floor = steps.map(\.replicas).min() ?? 1
        ceiling = steps.map(\.replicas).max() ?? 1
        let low = floor
        windows = steps.filter { $0.replicas > low }.map { Window(start: $0.start, end: $0.end, replicas: $0.replicas) }
        _ = horizon
    }

    /// The five-field cron expression of the time `s` seconds after the horizon's start.
    package func cron(_ s: Double) -> String {
        let local = origin + s + zone.offset(at: origin + s)
        let minutes = Int((local / 60).rounded(.down))
        let (m, h) = (minutes % 60, (minutes / 60) % 24)
        if daily { return "\(m) \(h) * * *" }
        let date = Date(timeIntervalSince1970: local)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.day, .month], from: date)
        return "\(m) \(h) \(c.day!) \(c.month!) *"
    }

    /// Steps whose change the HPA's tolerance would swallow: a change from
    /// `from` to `to` replicas (above the floor; a fall to the floor reads
    /// 0 and always acts) with `|to/from − 1| <= tolerance` leaves the
    /// count as it is (Kubernetes `replica_calculator.go`, external
    /// per-pod metrics), so the HPA that KEDA runs does not take it.
    package func withinTolerance(_ tolerance: Double = 0.1) -> [(at: Double, from: Int, to: Int)] {
        var out: [(at: Double, from: Int, to: Int)] = []
        for (a, b) in zip(steps, steps.dropFirst()) where a.replicas != b.replicas && b.replicas > floor {
            let ratio = Double(b.replicas * 1000) / Double(1000 * a.replicas)
            if abs(1.0 - ratio) <= tolerance { out.append((b.start, a.replicas, b.replicas)) }
        }
        return out
    }
}
