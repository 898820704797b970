import Foundation
import ServingModel
import SimulationCore

/// Plans a horizon of per-interval loads three ways — a static size for the
/// peak, a schedule per interval, and autoscaler settings (the Kubernetes
/// HPA, or the Knative KPA when the scenario runs one) — from one
/// capacity curve, verifies each by simulating the whole horizon with the
/// plan in force, and corrects a plan that misses the SLA in some interval
/// before it is reported.
package struct HorizonPlanner: Sendable {
    /// The scenario: replicas, batching, sizes, cold start (`cluster.cold_start`).
    package var base: ServingConfiguration
    /// The targets.
    package var sla: SLA
    /// Interval width (s).
    package var interval: Double
    /// One-sided confidence of the capacity curve's judgements.
    package var confidence: Double
    /// Replications per capacity-curve candidate.
    package var replications: Int
    /// Rounds of correction before a plan is reported as failing.
    package var maxCorrections: Int
    /// Which plans to build and verify.
    package var plans: Set<Kind>
    /// Shortest schedule step (s; `--min-step`).
    package var minStep: Double = HorizonPlanner.defaultMinStep
    /// Told the name of each stage as it starts (for progress on a terminal).
    package var progress: (@Sendable (String) -> Void)?
    /// Told, within a stage, how many of its simulations have finished and
    /// how many there are.
    package var finished: (@Sendable (Int, Int) -> Void)?

    /// The shortest schedule step unless given: 15 minutes, a step a cron
    /// job or a person applies comfortably, and at most 96 steps a day.
    package static let defaultMinStep = 900.0

    /// The three plans.
    package enum Kind: String, Sendable, CaseIterable {
        case `static`, schedule, autoscaler
    }

    /// A planner.
    package init(base: ServingConfiguration, sla: SLA, interval: Double, confidence: Double = 0.95, replications: Int = 4,
                maxCorrections: Int = 4, plans: Set<Kind> = Set(Kind.allCases)) throws {
        guard confidence > 0.5 && confidence < 1 else { throw PlanningError("--confidence", "expected a level in (0.5, 1), got \(confidence)") }
        guard replications >= 2 else { throw PlanningError("--replications", "expected at least 2, got \(replications)") }
        guard interval > 0 else { throw PlanningError("--interval", "expected a duration > 0, got \(interval) s") }
        self.base = base
        self.sla = sla
        self.interval = interval
        self.confidence = confidence
        self.replications = replications
        self.maxCorrections = maxCorrections
        self.plans = plans
    }

    /// A verified plan of one kind.
    package struct Verified<P: Sendable & Equatable>: Sendable {
        /// The plan as finally verified (after any corrections).
        package var plan: P
        /// Its simulation over the horizon.
        package var verification: HorizonVerification
        /// Correction rounds it took (0: the first plan held).
        package var corrections: Int
    }

    /// Everything planned.
    package struct Result: Sendable {
        /// The design load per interval (requests/s).
        package var rates: [Double]
        /// Interval width (s).
        package var interval: Double
        /// The capacity curve every plan was sized from.
        package var curve: CapacityCurve
        /// Seconds replicas are launched ahead of each rise.
        package var lead: Double
        /// Replicas each interval needs by the curve alone.
        package var needs: [Int]
        /// Static size, verified.
        package var staticPlan: Verified<Int>?
        /// Schedule, verified.
        package var schedule: Verified<[ScheduleEntry]>?
        /// Autoscaler settings, verified.
        package var autoscaler: Verified<AutoscalerPlan>?
        /// Every autoscaler candidate tried and its first verification, in
        /// the order tried: each metric's targets from the highest down to
        /// the first that met the SLA (the recommendation is the cheapest of
        /// those that met it).
        package var autoscalerCandidates: [Verified<AutoscalerPlan>] = []
        /// The metric of the HPA the scenario declares, if it declares one.
        package var declaredMetric: ScalingMetric?

        /// Each plan built and its verification, in the order static,
        /// schedule, autoscaler.
        package var verifications: [(plan: String, verification: HorizonVerification)] {
            [staticPlan.map { ("static", $0.verification) }, schedule.map { ("schedule", $0.verification) },
             autoscaler.map { ("autoscaler", $0.verification) }].compactMap { $0 }
        }
    }

    /// The cold-start time by which rises are brought forward: the p99 of
    /// the scenario's cold-start distribution (4,096 draws from a fixed stream).
    package func preLaunchLead() -> Double {
        guard let d = base.replicas.dynamics?.coldStart else { return 0 }
        var rng = RandomStream(seed: 0x9e37).stream("cold-start-lead")
        let xs = (0..<4096).map { _ in d.sample(&rng) }.sorted()
        return xs[Int((0.99 * Double(xs.count)).rounded(.up)) - 1]
    }

    /// Plans and verifies against `rates` (requests/s per interval, headroom
    /// included): ``prepare(rates:curve:)``, every track's
    /// ``outcomes(of:tracks:)`` on all cores, then ``assemble(_:outcomes:)``.
    package func plan(rates: [Double], curve given: CapacityCurve? = nil) throws -> Result {
        let prepared = try prepare(rates: rates, curve: given)
        return try assemble(prepared, outcomes: try outcomes(of: prepared, tracks: Array(prepared.tracks.indices)))
    }

    /// What every track of a plan starts from: the design load, the
    /// capacity curve and what follows from it. Deterministic: the same
    /// scenario, targets and rates give the same value in any process, so
    /// shards of a plan (`headroom plan --shard`) each prepare it and run
    /// their share of ``tracks``.
    ///
    /// Prepared for shards (`splitTargets`), each autoscaler target is a
    /// track of its own, verified whether or not a higher target of its
    /// metric held: more CPU in all, but a shard's wall time is one
    /// target's, not a metric's. ``assemble(_:outcomes:)`` keeps each
    /// metric's targets down to the first that held, as the unsplit run
    /// tries them, so both give the same plans.
    package struct Prepared: Sendable {
        /// The design load per interval (requests/s).
        package var rates: [Double]
        /// The capacity curve every plan is sized from.
        package var curve: CapacityCurve
        /// Replicas each interval needs by the curve alone.
        package var needs: [Int]
        /// Seconds replicas are launched ahead of each rise.
        var lead: Double
        /// The autoscaler candidates, by metric, highest target first.
        var families: [[AutoscalerPlan]]
        /// The schedule verified first.
        var firstSchedule: [ScheduleEntry]
        /// The independent lines of verification, in the order they start.
        var tracks: [Track]

        /// The number of tracks.
        package var trackCount: Int { tracks.count }
    }

    /// Checks `rates`, measures the capacity curve (unless `given`) and
    /// derives the plans' starting points and tracks.
    package func prepare(rates: [Double], curve given: CapacityCurve? = nil, splitTargets: Bool = false) throws -> Prepared {
        guard !rates.isEmpty else { throw PlanningError("load", "the horizon has no interval") }
        if let bad = rates.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw PlanningError("load", "interval \(bad) has rate \(rates[bad]); expected a finite rate >= 0")
        }
        // Every verification simulates the whole horizon at these rates.
        if Double(rates.count) * interval > ServingLimits.maxDuration {
            throw PlanningError("--horizon", "\(rates.count) intervals of \(StaticPlanner.rate(interval, unit: " s")) exceed the 365-day limit of a simulated run")
        }
        let arrivals = rates.reduce(0) { $0 + $1 * interval }
        if arrivals > ServingLimits.maxArrivals {
            throw PlanningError("--load-scale", "the horizon's design load is \(StaticPlanner.rate(arrivals, unit: "")) requests "
                                + "(\(rates.count) intervals of \(StaticPlanner.rate(interval, unit: " s")), headroom included), above the limit of "
                                + "50 million per simulated run; lower --load-scale, --headroom or --horizon")
        }
        if given == nil { progress?("measuring the capacity curve") }
        let curve = try given ?? CapacityCurve.measure(base: base, sla: sla, covering: rates.max()!, confidence: confidence,
                                                       replications: replications)
        let needs = rates.map { curve.replicas(for: $0) }
        let lead = preLaunchLead()
        // Autoscaler targets of 90%, 80% and 70% of the in-flight count per
        // replica at capacity (the HPA's metric, and the KPA's concurrency),
        // and, when the scenario declares an HPA, its own metric at 100%, 75%
        // and 50% of its own target: each a whole number in the metric's
        // unit. Within a metric a lower target scales out sooner and holds
        // more replicas, so the targets are tried from the highest down and
        // the first that verifies ends its metric's search (decision 0034);
        // the cheapest of the metrics' winners wins. If none verifies, the
        // lowest in-flight one is corrected.
        let families = plans.contains(.autoscaler) ? Self.candidateFamilies(base: base, curve: curve, needs: needs) : []
        let firstSchedule = plans.contains(.schedule)
            ? try ScheduleBuilder.schedule(needs: needs, rates: rates, interval: interval, lead: lead, minStep: minStep) : []
        // One track per plan and per autoscaler metric, all independent: a
        // track verifies its plan and, if it misses, corrects it (or tries
        // its metric's next target) at once, while the other tracks run on
        // the other cores. The schedule goes first (it is the likeliest to
        // need a correction), static last.
        let autoscalers: [Track] = families.indices.flatMap { f -> [Track] in
            splitTargets ? families[f].indices.map { .autoscaler(f, targets: $0..<($0 + 1)) } : [.autoscaler(f, targets: families[f].indices)]
        }
        let tracks: [Track] = (plans.contains(.schedule) ? [.schedule] : []) + autoscalers + (plans.contains(.static) ? [.fixed] : [])
        return Prepared(rates: rates, curve: curve, needs: needs, lead: lead, families: families, firstSchedule: firstSchedule, tracks: tracks)
    }

    /// Runs the tracks numbered `indices` (into ``Prepared/tracks``) on all
    /// cores and returns their outcomes in that order.
    package func outcomes(of prepared: Prepared, tracks indices: [Int]) throws -> [TrackOutcome] {
        let (rates, needs, lead, families) = (prepared.rates, prepared.needs, prepared.lead, prepared.families)
        let verifier = try HorizonVerifier(base: base, sla: sla, interval: interval, explain: true)
        let limit = maxCorrections
        let minStep = minStep
        let interval = interval
        let peak = needs.max()!
        progress?("simulating the horizon with \(indices.count) plan\(indices.count == 1 ? "" : "s")")
        let counter = FirstChecks(total: indices.count, told: finished)
        return try Replications.run(count: indices.count) { k -> TrackOutcome in
            let i = indices[k]
            switch prepared.tracks[i] {
            case .fixed:
                let first = try verifier.verify(.fixed(peak), rates: rates)
                counter.done()
                let v = try Self.correct(start: peak, verified: first, limit: limit,
                                         verify: { try verifier.verify(.fixed($0), rates: rates) },
                                         bump: { n, _ in n + max(1, n / 10) })
                return TrackOutcome(track: i, replicas: [v.plan], verifications: [v.verification], corrections: v.corrections)
            case .schedule:
                let first = try verifier.verify(.schedule(prepared.firstSchedule), rates: rates)
                counter.done()
                let v = try Self.correct(start: needs, verified: first, limit: limit, verify: { n in
                    try verifier.verify(.schedule(try ScheduleBuilder.schedule(needs: n, rates: rates, interval: interval, lead: lead, minStep: minStep)), rates: rates)
                }, bump: { n, v in
                    var n = n
                    for j in v.failing { n[j] += max(1, n[j] / 10) }
                    return n
                })
                return TrackOutcome(track: i, replicas: v.plan, verifications: [v.verification], corrections: v.corrections)
            case .autoscaler(let f, let targets):
                var tried: [HorizonVerification] = []
                for s in families[f][targets] {
                    let v = try verifier.verify(.autoscaler(s, initial: needs[0]), rates: rates)
                    if tried.isEmpty { counter.done() }
                    tried.append(v)
                    if v.slaMet { break }
                }
                return TrackOutcome(track: i, replicas: [], verifications: tried, corrections: 0)
            }
        }
    }

    /// The plans from every track's outcome (one per track of `prepared`,
    /// in any order). When no autoscaler candidate met the SLA, the
    /// in-flight one is corrected here, by simulation.
    package func assemble(_ prepared: Prepared, outcomes: [TrackOutcome]) throws -> Result {
        let (rates, needs, lead, families) = (prepared.rates, prepared.needs, prepared.lead, prepared.families)
        var byTrack = [TrackOutcome?](repeating: nil, count: prepared.tracks.count)
        for o in outcomes {
            guard byTrack.indices.contains(o.track), byTrack[o.track] == nil else {
                throw PlanningError("plan", "track \(o.track) is outside 0..<\(prepared.tracks.count) or given twice")
            }
            byTrack[o.track] = o
        }
        var pieces = [[(first: Int, count: Int, verifications: [HorizonVerification])]](repeating: [], count: families.count)
        var result = Result(rates: rates, interval: interval, curve: prepared.curve, lead: lead, needs: needs)
        for (i, track) in prepared.tracks.enumerated() {
            guard let o = byTrack[i] else { throw PlanningError("plan", "no outcome for track \(i)") }
            for v in o.verifications { try v.check(intervals: rates.count, targets: sla.targets.count) }
            func one() throws -> HorizonVerification {
                guard o.verifications.count == 1 else { throw PlanningError("plan", "track \(i) needs one verification, has \(o.verifications.count)") }
                return o.verifications[0]
            }
            switch track {
            case .fixed:
                guard o.replicas.count == 1, o.replicas[0] >= 1 else { throw PlanningError("plan", "the static track needs one replica count >= 1") }
                result.staticPlan = Verified(plan: o.replicas[0], verification: try one(), corrections: o.corrections)
            case .schedule:
                guard o.replicas.count == rates.count else { throw PlanningError("plan", "the schedule track needs \(rates.count) replica counts, has \(o.replicas.count)") }
                let entries = try ScheduleBuilder.schedule(needs: o.replicas, rates: rates, interval: interval, lead: lead, minStep: minStep)
                result.schedule = Verified(plan: entries, verification: try one(), corrections: o.corrections)
            case .autoscaler(let f, let targets):
                guard (1...targets.count).contains(o.verifications.count) else {
                    throw PlanningError("plan", "autoscaler track \(i) has \(o.verifications.count) verifications for \(targets.count) targets")
                }
                pieces[f].append((targets.lowerBound, targets.count, o.verifications))
            }
        }
        // Each metric's targets from the highest down to the first that held,
        // from one track or from one track per target.
        var tried: [Verified<AutoscalerPlan>] = []
        for (f, family) in pieces.enumerated() {
            var verified: [HorizonVerification] = []
            for piece in family.sorted(by: { $0.first < $1.first }) where !verified.contains(where: \.slaMet) {
                guard piece.first == verified.count, piece.verifications.count == piece.count || piece.verifications.last!.slaMet else {
                    throw PlanningError("plan", "autoscaler metric \(f): target \(verified.count) has no verification")
                }
                verified += piece.verifications.prefix { !$0.slaMet } + piece.verifications.filter(\.slaMet).prefix(1)
            }
            guard verified.contains(where: \.slaMet) || verified.count == families[f].count else {
                throw PlanningError("plan", "autoscaler metric \(f): \(verified.count) of \(families[f].count) targets verified")
            }
            tried += zip(families[f], verified).map { Verified(plan: $0, verification: $1, corrections: 0) }
        }
        if !tried.isEmpty {
            if let best = tried.filter(\.verification.slaMet).min(by: { $0.verification.simulatedGPUHours < $1.verification.simulatedGPUHours }) {
                result.autoscaler = best
            } else {
                let verifier = try HorizonVerifier(base: base, sla: sla, interval: interval, explain: true)
                let last = tried.last { $0.plan.metric == .inFlight || $0.plan.metric == nil } ?? tried.last!
                result.autoscaler = try Self.correct(start: last.plan, verified: last.verification, limit: maxCorrections, verify: {
                    try verifier.verify(.autoscaler($0, initial: needs[0]), rates: rates)
                }, bump: { s, _ in
                    // A whole target that can go no lower (1 request) leaves
                    // the floor to do the work: it rises halfway to the top.
                    let target = AutoscalerPlan.wholeTarget(s.target * 0.8, metric: s.metric)
                    let low = s.minReplicas + max(1, target < s.target ? s.minReplicas / 10 : (s.maxReplicas - s.minReplicas + 1) / 2)
                    return s.with(target: target, minReplicas: low,
                                  maxReplicas: max(s.maxReplicas, low) + max(1, s.maxReplicas / 10))
                })
            }
            result.autoscalerCandidates = tried
        }
        progress?("writing the plans")
        result.declaredMetric = AutoscalerPlan.declared(by: base)?.metric
        return result
    }

    /// What one track ended with, in a form a plan's part file carries.
    package struct TrackOutcome: Sendable, Codable {
        /// The track's index in ``Prepared/tracks``.
        package var track: Int
        /// The static size (one count) or the schedule's replicas per
        /// interval as finally verified; empty for an autoscaler track.
        package var replicas: [Int]
        /// The final verification (static, schedule), or one per
        /// autoscaler target tried, highest first.
        package var verifications: [HorizonVerification]
        /// Correction rounds (static, schedule).
        package var corrections: Int
    }

    /// Autoscaler targets tried, as shares of the in-flight count per
    /// replica at the capacity point, highest (cheapest) first.
    static let autoscalerTargetShares = [0.9, 0.8, 0.7]

    /// Shares of the scenario's own HPA target tried, highest first.
    static let declaredTargetShares = [1.0, 0.75, 0.5]

    /// The autoscalers verified, in families that differ only in their
    /// target, each from the highest target down: the in-flight HPA (or
    /// the scenario's KPA) at ``autoscalerTargetShares`` of the in-flight
    /// count per replica at the peak's capacity point, then the scenario's
    /// declared HPA at ``declaredTargetShares`` of its target; every target
    /// whole in its metric's unit, bounds from the fewest to the most
    /// replicas needed, duplicates dropped.
    static func candidateFamilies(base: ServingConfiguration, curve: CapacityCurve, needs: [Int]) -> [[AutoscalerPlan]] {
        let (low, peak) = (needs.min()!, needs.max()!)
        let atCapacity = curve.inFlightPerReplica(replicas: peak)
        let template = AutoscalerPlan.template(for: base)
        var seen: [AutoscalerPlan] = []
        func family(_ plans: [AutoscalerPlan]) -> [AutoscalerPlan] {
            let fresh = plans.reduce(into: [AutoscalerPlan]()) { out, a in if !seen.contains(a) && !out.contains(a) { out.append(a) } }
            seen += fresh
            return fresh
        }
        var out = [family(autoscalerTargetShares.map {
            template.with(target: AutoscalerPlan.wholeTarget($0 * atCapacity, metric: template.metric), minReplicas: low, maxReplicas: peak)
        })]
        if let declared = AutoscalerPlan.declared(by: base) {
            out.append(family(declaredTargetShares.map {
                declared.with(target: AutoscalerPlan.wholeTarget($0 * declared.target, metric: declared.metric), minReplicas: low, maxReplicas: peak)
            }))
        }
        return out.filter { !$0.isEmpty }
    }

    /// One independent line of verification: a plan, or some of one
    /// autoscaler metric's targets (by index into the candidate families),
    /// tried from the highest down until one holds.
    enum Track: Sendable {
        case fixed, schedule, autoscaler(Int, targets: Range<Int>)
    }

    /// Counts the tracks' first verifications for progress.
    final class FirstChecks: @unchecked Sendable {
        let total: Int
        let told: (@Sendable (Int, Int) -> Void)?
        private var count = 0
        private let lock = NSLock()

        init(total: Int, told: (@Sendable (Int, Int) -> Void)?) {
            self.total = total
            self.told = told
        }

        /// One more first verification finished.
        func done() {
            lock.lock()
            count += 1
            let n = count
            lock.unlock()
            told?(n, total)
        }
    }

    /// Starting from `start` and its verification `verified`: while some
    /// interval fails, bumps the plan and verifies again, at most `limit`
    /// times. The last verification is kept as it is, met or not.
    static func correct<P: Sendable & Equatable>(start: P, verified: HorizonVerification, limit: Int,
                                                 verify: (P) throws -> HorizonVerification,
                                                 bump: (P, HorizonVerification) -> P) throws -> Verified<P> {
        var plan = start
        var v = verified
        var rounds = 0
        while !v.slaMet && rounds < limit {
            plan = bump(plan, v)
            v = try verify(plan)
            rounds += 1
        }
        return Verified(plan: plan, verification: v, corrections: rounds)
    }
}
