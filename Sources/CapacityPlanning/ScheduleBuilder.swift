/// Turns per-interval replica needs into a schedule whose rises start one
/// cold start early, so the added replicas are ready when the load arrives.
///
/// The count in force at time t is the largest need of any interval j with
/// `start_j − lead <= t < end_j`: a rise moves `lead` seconds earlier (into
/// the previous interval, or further back when the lead exceeds an
/// interval), a fall waits for the interval's end. Entries are split at
/// interval boundaries and at every pre-launch point, and merged where
/// neither the count nor the interval changes.
package enum ScheduleBuilder {
    /// The schedule for `needs[i]` replicas in interval i of width
    /// `interval`, planned for `rates[i]`, with rises `lead` seconds early.
    package static func schedule(needs: [Int], rates: [Double], interval: Double, lead: Double) throws -> [ScheduleEntry] {
        guard !needs.isEmpty, needs.count == rates.count else {
            throw PlanningError("schedule", "needs one replica count per interval with a rate (got \(needs.count) counts, \(rates.count) rates)")
        }
        guard interval > 0 else { throw PlanningError("schedule", "expected an interval > 0 s, got \(interval)") }
        guard lead >= 0, lead.isFinite else { throw PlanningError("schedule", "expected a pre-launch lead >= 0 s, got \(lead)") }
        if let bad = needs.firstIndex(where: { $0 < 1 }) {
            throw PlanningError("schedule", "interval \(bad) needs \(needs[bad]) replicas; expected at least 1")
        }
        let end = Double(needs.count) * interval
        var cuts = Set<Double>()
        for i in needs.indices {
            cuts.insert(Double(i) * interval)
            let early = Double(i) * interval - lead
            if early > 0 { cuts.insert(early) }
        }
        let starts = cuts.sorted()
        var entries: [ScheduleEntry] = []
        for (k, s) in starts.enumerated() {
            let e = k + 1 < starts.count ? starts[k + 1] : end
            let own = min(needs.count - 1, Int((s / interval).rounded(.down)))
            var count = needs[own]
            var j = own + 1
            while j < needs.count && Double(j) * interval - lead <= s {
                count = max(count, needs[j])
                j += 1
            }
            if let last = entries.last, last.replicas == count, Int((last.start / interval).rounded(.down)) == own {
                entries[entries.count - 1].end = e
            } else {
                entries.append(ScheduleEntry(start: s, end: e, replicas: count, expectedRate: rates[own]))
            }
        }
        return entries
    }

    /// Replica-seconds of a schedule times GPUs per replica, in GPU-hours.
    package static func gpuHours(_ entries: [ScheduleEntry], gpusPerReplica: Int) -> Double {
        entries.reduce(0) { $0 + Double($1.replicas) * ($1.end - $1.start) } * Double(gpusPerReplica) / 3600
    }
}
