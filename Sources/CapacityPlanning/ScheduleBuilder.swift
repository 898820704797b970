/// Turns per-interval replica needs into a schedule whose rises start one
/// cold start early, so the added replicas are ready when the load arrives.
///
/// The count in force at time t is the largest need of any interval j with
/// `start_j − lead <= t < end_j`: a rise moves `lead` seconds earlier (into
/// the previous interval, or further back when the lead exceeds an
/// interval), a fall waits for the interval's end. Neighbours with the same
/// count are merged, and a step shorter than `minStep` is merged into the
/// neighbour that adds the fewest replica-seconds, the merged step holding
/// the larger count (so the count in force never falls below a need), until
/// every step but a lone one lasts at least `minStep`.
///
/// Each step keeps the highest design rate of the intervals it covers or
/// launches early for: one row per step says what it was sized for.
package enum ScheduleBuilder {
    /// The schedule for `needs[i]` replicas in interval i of width
    /// `interval`, planned for `rates[i]`, with rises `lead` seconds early
    /// and steps at least `minStep` seconds long (0: one per change).
    package static func schedule(needs: [Int], rates: [Double], interval: Double, lead: Double, minStep: Double = 0) throws -> [ScheduleEntry] {
        guard !needs.isEmpty, needs.count == rates.count else {
            throw PlanningError("schedule", "needs one replica count per interval with a rate (got \(needs.count) counts, \(rates.count) rates)")
        }
        guard interval > 0 else { throw PlanningError("schedule", "expected an interval > 0 s, got \(interval)") }
        guard lead >= 0, lead.isFinite else { throw PlanningError("schedule", "expected a pre-launch lead >= 0 s, got \(lead)") }
        guard minStep >= 0, minStep.isFinite else { throw PlanningError("--min-step", "expected a duration >= 0 s, got \(minStep) s") }
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
            var rate = rates[own]
            var j = own + 1
            while j < needs.count && Double(j) * interval - lead <= s {
                count = max(count, needs[j])
                rate = max(rate, rates[j])
                j += 1
            }
            if let last = entries.last, last.replicas == count {
                entries[entries.count - 1].end = e
                entries[entries.count - 1].expectedRate = max(last.expectedRate, rate)
            } else {
                entries.append(ScheduleEntry(start: s, end: e, replicas: count, expectedRate: rate))
            }
        }
        return merged(entries, minStep: minStep)
    }

    /// `entries` with every step shorter than `minStep` lengthened, the
    /// shortest first (ties: the earlier), by the cheapest of: joining it
    /// with its left or right neighbour (the joined step holds the larger
    /// count), or, when it holds more replicas than a neighbour, moving the
    /// boundary into that neighbour until the step lasts `minStep`. Cheapest
    /// means the fewest replica-seconds added; a count is only ever raised,
    /// and each step keeps the highest design rate of what it took over.
    static func merged(_ input: [ScheduleEntry], minStep: Double) -> [ScheduleEntry] {
        var entries = input
        func duration(_ i: Int) -> Double { entries[i].end - entries[i].start }
        func join(_ a: Int) {  // entries a and a + 1 become one
            let (x, y) = (entries[a], entries[a + 1])
            entries[a] = ScheduleEntry(start: x.start, end: y.end, replicas: max(x.replicas, y.replicas),
                                       expectedRate: max(x.expectedRate, y.expectedRate))
            entries.remove(at: a + 1)
            // Equal neighbours on either side join too.
            if a + 1 < entries.count, entries[a + 1].replicas == entries[a].replicas { join(a) }
            if a > 0, entries[a - 1].replicas == entries[a].replicas { join(a - 1) }
        }
        // Joins always shrink the list; moves are allowed a bounded number
        // of times so that the loop ends whatever the shape.
        var moves = 4 * entries.count
        while entries.count > 1 {
            var shortest: Int?
            for i in entries.indices where duration(i) < minStep {
                if shortest.map({ duration(i) < duration($0) }) ?? true { shortest = i }
            }
            guard let i = shortest else { break }
            let deficit = minStep - duration(i)
            // (replica-seconds added, a boundary move?, action)
            var options: [(Double, Bool, () -> Void)] = []
            func joinCost(_ a: Int) -> Double {
                let top = max(entries[a].replicas, entries[a + 1].replicas)
                return Double(top - entries[a].replicas) * duration(a) + Double(top - entries[a + 1].replicas) * duration(a + 1)
            }
            if i > 0 { options.append((joinCost(i - 1), false, { join(i - 1) })) }
            if i + 1 < entries.count { options.append((joinCost(i), false, { join(i) })) }
            if moves > 0 {
                if i > 0, entries[i - 1].replicas < entries[i].replicas, duration(i - 1) > deficit {
                    options.append((Double(entries[i].replicas - entries[i - 1].replicas) * deficit, true, {
                        entries[i].start -= deficit
                        entries[i - 1].end = entries[i].start
                        entries[i].expectedRate = max(entries[i].expectedRate, entries[i - 1].expectedRate)
                    }))
                }
                if i + 1 < entries.count, entries[i + 1].replicas < entries[i].replicas, duration(i + 1) > deficit {
                    options.append((Double(entries[i].replicas - entries[i + 1].replicas) * deficit, true, {
                        entries[i].end += deficit
                        entries[i + 1].start = entries[i].end
                        entries[i].expectedRate = max(entries[i].expectedRate, entries[i + 1].expectedRate)
                    }))
                }
            }
            let best = options.indices.min { options[$0].0 < options[$1].0 }!
            if options[best].1 { moves -= 1 }
            options[best].2()
        }
        return entries
    }

    /// Replica-seconds of a schedule times GPUs per replica, in GPU-hours.
    package static func gpuHours(_ entries: [ScheduleEntry], gpusPerReplica: Int) -> Double {
        entries.reduce(0) { $0 + Double($1.replicas) * ($1.end - $1.start) } * Double(gpusPerReplica) / 3600
    }
}
