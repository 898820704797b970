import Foundation
import ServingModel
import SimulationCore
import Workload
import Yams

/// The `cluster:` section: bounds, cold start, autoscalers, schedules, faults.
extension ScenarioParser {
    /// `cluster:` — bounds, cold start, autoscaler or schedule, faults.
    func parseCluster(_ c: Fields, initial: Int?) -> ClusterDynamics? {
        defer { c.finish() }
        let minReplicas = c.int("min_replicas", 0...100_000) ?? ClusterDynamics.defaultMinReplicas
        // Without max_replicas, the cluster never grows past where it starts.
        let maxReplicas = c.int("max_replicas", 1...100_000) ?? max(initial ?? 1, minReplicas)
        if let initial, initial > maxReplicas || initial < minReplicas {
            reader.fail(c.node, "replicas.count", "\(initial) lies outside cluster.min_replicas…max_replicas (\(minReplicas)…\(maxReplicas))")
        }
        if minReplicas > maxReplicas {
            reader.fail(c.node("min_replicas"), "cluster.min_replicas", "must not exceed max_replicas (\(maxReplicas))")
        }
        var coldStart = ClusterDynamics.defaultColdStart
        if let node = c.node("cold_start") {
            if case .scalar = node {
                coldStart = reader.quantity(node, "cluster.cold_start", .duration, Bounds(0, ServingLimits.maxDuration)).map { .deterministic($0) } ?? coldStart
            } else {
                coldStart = parseDistribution(node, "cluster.cold_start", time: true) ?? coldStart
            }
        }
        var scaler: ClusterDynamics.Scaler?
        var keda: KEDAActivation?
        if let node = c.node("autoscaler"), let a = reader.mapping(node, "cluster.autoscaler") {
            (scaler, keda) = parseScaler(a, min: minReplicas, max: maxReplicas)
        }
        var faults: Faults?
        if let node = c.node("faults"), let f = reader.mapping(node, "cluster.faults") {
            faults = parseFaults(f, maxReplicas: maxReplicas)
        }
        var d = ClusterDynamics(minReplicas: minReplicas, maxReplicas: maxReplicas, coldStart: coldStart, scaler: scaler, faults: faults)
        d.keda = keda
        if let node = c.node("predictive"), let p = reader.mapping(node, "cluster.predictive") {
            d.predictive = parsePredictive(p)
            if case .schedule? = scaler {
                reader.fail(node, "cluster.predictive", "not with autoscaler kind schedule (a schedule is already a plan); use hpa, kpa or none")
            }
        }
        d.zones = c.int("zones", 1...1000) ?? d.zones
        if let node = c.node("warm_pool"), let w = reader.mapping(node, "cluster.warm_pool") {
            let size = w.int("size", 0...100_000, required: true)
            let start = w.duration("start", required: true)
            w.finish()
            if let size, let start { d.warmPool = WarmPool(size: size, warmStart: start) }
        }
        if let node = c.node("max_starts"), let m = reader.mapping(node, "cluster.max_starts") {
            let count = m.int("count", 1...100_000, required: true)
            let per = m.interval("per", required: true)
            m.finish()
            if let count, let per { d.startLimit = (count, per) }
        }
        for z in faults?.zoneOutages ?? [] where z.zone >= d.zones {
            reader.fail(c.node("faults"), "cluster.faults.zone_outages", "zone \(z.zone) does not exist (cluster.zones is \(d.zones); zones are 0-based)")
        }
        return d
    }

    /// A replica schedule CSV with `start` (seconds, or ISO 8601 times taken
    /// relative to the first row) and `replicas` columns, such as the
    /// `schedule.csv` that `headroom plan --output` writes. Problems are
    /// reported with the CSV's line.
    func readScheduleCSV(_ path: String, node: Node?, key: String, min: Int, max: Int) -> ([Double], [Int])? {
        var starts: [Double] = [], counts: [Int] = []
        var origin: Double?
        do {
            try CSVTable.read(path: path, required: ["start", "replicas"], optional: ["end", "design_rate", "expected_rate"]) { row in
                let t = row.value("start", "a time in seconds or ISO 8601") { LoadSeriesCSV.parseTimestamp($0) }
                let k = row.value("replicas", "a replica count within min_replicas…max_replicas (\(min)…\(max))") {
                    Int($0).flatMap { (min...max).contains($0) ? $0 : nil }
                }
                guard let t, let k else { return }
                let start = t - (origin ?? t)
                if origin == nil { origin = t }
                if let last = starts.last, start <= last {
                    row.fail("start", "expected starts that increase", got: row.cells["start"] ?? "")
                }
                starts.append(start)
                counts.append(k)
            }
        } catch let e as ScenarioError {
            for issue in e.issues { reader.fail(node, key, issue.description) }
            return nil
        } catch {
            reader.fail(node, key, "\(error)")
            return nil
        }
        return (starts, counts)
    }

    /// What an HPA target looks like for `metric`.
    static func targetExpected(_ metric: ScalingMetric) -> String {
        if metric.isLatency { return "a duration such as 1200ms" }
        return metric == .utilization || metric == .kvCache ? "a fraction such as 70%" : "a number per replica such as 8"
    }

    /// Reads an HPA target for `metric`, > 0: a duration up to 365 days, or
    /// a number (a fraction such as 70%, or a count per replica) up to 10^9.
    func readTarget(_ node: Node, _ path: String, _ metric: ScalingMetric) -> Double? {
        if metric.isLatency { return reader.quantity(node, path, .duration, Bounds(0, open: true, ServingLimits.maxDuration)) }
        if metric == .utilization || metric == .kvCache { return reader.quantity(node, path, .fraction, Bounds(0, open: true, 1000)) }
        return reader.quantity(node, path, .perReplica, Bounds(0, open: true, 1e9))
    }

    /// `cluster.autoscaler:`, and KEDA's activation for `kind: keda` (an
    /// HPA between one replica and the maximum, KEDA to and from zero).
    func parseScaler(_ a: Fields, min: Int, max: Int) -> (scaler: ClusterDynamics.Scaler?, keda: KEDAActivation?) {
        defer { a.finish() }
        let kinds = ["hpa", "kpa", "schedule", "keda"]
        guard let kind = a.value("kind", "hpa, kpa, schedule or keda", { kinds.contains($0) ? $0 : nil }) else {
            if !a.has("kind") { reader.fail(a.node, a.child("kind"), "missing; expected hpa, kpa, schedule or keda") }
            return (nil, nil)
        }
        var keda: KEDAActivation?
        if kind == "keda" {
            var k = KEDAActivation()
            k.pollingInterval = a.interval("polling_interval") ?? k.pollingInterval
            k.cooldownPeriod = a.duration("cooldown_period") ?? k.cooldownPeriod
            k.activationThreshold = a.number("activation_threshold", min: 0, max: 1e9) ?? k.activationThreshold
            if min != 0 { reader.fail(a.node, "cluster.min_replicas", "kind keda scales to zero: needs min_replicas 0, got \(min)") }
            do {
                try k.validate(at: a.path)
                keda = k
            } catch {
                reader.fail(error)
            }
        }
        return (parseScalerKind(kind, a, min: min, max: max), keda)
    }

    func parseScalerKind(_ kind: String, _ a: Fields, min: Int, max: Int) -> ClusterDynamics.Scaler? {
        if kind == "kpa" {
            var k = KnativePodAutoscaler.Settings(minReplicas: min, maxReplicas: max)
            if let t = a.number("target", min: 0, allowEqual: false, max: 1e9) { k.target = t }
            // A utilisation of 0 would make the target 0 and every
            // recommendation a division by zero.
            if let u = a.fraction("target_utilization", .positiveUnit) {
                k.target = (a.number("container_concurrency", min: 0, allowEqual: false, max: 1e9)
                    ?? KnativePodAutoscaler.Settings.defaultContainerConcurrency) * u
            } else {
                _ = a.number("container_concurrency", min: 0, allowEqual: false, max: 1e9)
            }
            k.stableWindow = a.interval("stable_window") ?? k.stableWindow
            k.panicWindowFraction = a.fraction("panic_window_percentage", .positiveUnit) ?? k.panicWindowFraction
            k.panicThreshold = a.fraction("panic_threshold_percentage", Bounds(0, open: true, 1000)) ?? k.panicThreshold
            k.maxScaleUpRate = a.number("max_scale_up_rate", min: 1, max: 1e6) ?? k.maxScaleUpRate
            k.maxScaleDownRate = a.number("max_scale_down_rate", min: 1, max: 1e6) ?? k.maxScaleDownRate
            k.tickInterval = a.interval("tick_interval") ?? k.tickInterval
            return .kpa(k, scrape: parseScrape(a, KnativePodAutoscaler.defaultScrape))
        }
        if kind == "schedule" {
            let lead = a.duration("lead") ?? ReplicaSchedule.defaultLead
            if let file = a.string("file") {
                if a.has("steps") { reader.fail(a.node("steps"), a.child("steps"), "give steps or file, not both") }
                guard let (starts, counts) = readScheduleCSV(resolve(file), node: a.node("file"), key: a.child("file"), min: min, max: max)
                else { return nil }
                return .schedule(ReplicaSchedule(starts: starts, counts: counts, lead: lead))
            }
            guard let stepsNode = a.required("steps", "a list of [start, replicas] pairs (or file: a schedule CSV)"),
                  let steps = reader.sequence(stepsNode, a.child("steps")), !steps.isEmpty else { return nil }
            var starts: [Double] = [], counts: [Int] = []
            for (i, n) in steps.enumerated() {
                let p = "\(a.child("steps"))[\(i)]"
                guard let pair = reader.sequence(n, p), pair.count == 2,
                      let t = reader.quantity(pair[0], p, .duration, Bounds(0, ServingLimits.maxDuration)),
                      let k = reader.value(pair[1], p, "a replica count", { Int($0) }) else {
                    reader.fail(n, p, "expected [start, replicas] such as [6h, 8]")
                    continue
                }
                if k < min || k > max { reader.fail(n, p, "\(k) replicas lies outside min_replicas…max_replicas (\(min)…\(max))") }
                if let last = starts.last, t <= last { reader.fail(n, p, "step starts must increase") }
                starts.append(t)
                counts.append(k)
            }
            return .schedule(ReplicaSchedule(starts: starts, counts: counts, lead: lead))
        }
        let names = ScalingMetric.allCases.map(\.rawValue).joined(separator: ", ")
        let metric = a.value("metric", "one of \(names)") { ScalingMetric(rawValue: $0) } ?? HorizontalPodAutoscaler.defaultMetric
        guard let node = a.required("target", Self.targetExpected(metric)), let target = readTarget(node, a.child("target"), metric) else { return nil }
        var h = HorizontalPodAutoscaler.Settings(minReplicas: Swift.max(min, 1), maxReplicas: max, target: target)
        h.tolerance = a.fraction("tolerance") ?? h.tolerance
        h.syncPeriod = a.interval("sync_period") ?? h.syncPeriod
        h.scaleDownStabilization = a.duration("scale_down_stabilization") ?? h.scaleDownStabilization
        h.scaleUpStabilization = a.duration("scale_up_stabilization") ?? h.scaleUpStabilization
        h.scaleUpPercent = (a.fraction("scale_up_percent", Bounds(0, 1000)).map { $0 * 100 }) ?? h.scaleUpPercent
        h.scaleUpPods = a.int("scale_up_pods", 0...100_000) ?? h.scaleUpPods
        h.scaleDownPercent = (a.fraction("scale_down_percent").map { $0 * 100 }) ?? h.scaleDownPercent
        h.policyPeriod = a.interval("policy_period") ?? h.policyPeriod
        if let node = a.node("metrics"), let list = reader.sequence(node, a.child("metrics")) {
            for (i, n) in list.enumerated() {
                guard let m = reader.mapping(n, a.child("metrics") + "[\(i)]") else { continue }
                let extra = m.requiredValue("metric", "one of \(names)") { ScalingMetric(rawValue: $0) }
                let t = extra.flatMap { e in m.required("target", Self.targetExpected(e)).flatMap { readTarget($0, m.child("target"), e) } }
                m.finish()
                if let extra, let t { h.additionalMetrics.append(.init(metric: extra, target: t)) }
            }
        }
        return .hpa(h, metric: metric, scrape: parseScrape(a, HorizontalPodAutoscaler.defaultScrape))
    }

    /// An autoscaler's `scrape_interval` and `metric_lag`, its own defaults
    /// for what is left out.
    func parseScrape(_ a: Fields, _ defaults: MetricScrape) -> MetricScrape {
        MetricScrape(interval: a.interval("scrape_interval") ?? defaults.interval, lag: a.duration("metric_lag") ?? defaults.lag)
    }

    func parseFaults(_ f: Fields, maxReplicas: Int) -> Faults? {
        defer { f.finish() }
        // At least 1 ms: failures and instant repairs could otherwise
        // follow each other at one instant.
        let mtbf = f.interval("mtbf")
        var mttr = Faults.defaultMTTR
        if let node = f.node("mttr") {
            if case .scalar = node {
                mttr = reader.quantity(node, "cluster.faults.mttr", .duration, Bounds(0, ServingLimits.maxDuration)).map { .deterministic($0) } ?? mttr
            } else {
                mttr = parseDistribution(node, "cluster.faults.mttr", time: true) ?? mttr
            }
        }
        var scheduled: [ScheduledFault] = []
        if let node = f.node("scheduled"), let list = reader.sequence(node, "cluster.faults.scheduled") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.scheduled[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let down = e.duration("down_for", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let replica, let down { scheduled.append(ScheduledFault(at: at, replica: replica, downFor: down)) }
            }
        }
        var slowdowns: [Slowdown] = []
        if let node = f.node("slowdowns"), let list = reader.sequence(node, "cluster.faults.slowdowns") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.slowdowns[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let speed = e.fraction("speed", .positiveUnit, required: true)
                let duration = e.duration("duration", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let replica, let speed, let duration, speed > 0 && speed <= 1 {
                    slowdowns.append(Slowdown(at: at, replica: replica, speed: speed, duration: duration))
                }
            }
        }
        var outages: [ZoneOutage] = []
        if let node = f.node("zone_outages"), let list = reader.sequence(node, "cluster.faults.zone_outages") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.zone_outages[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let zone = e.int("zone", 0...999, required: true)
                let down = e.duration("down_for", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let zone, let down { outages.append(ZoneOutage(at: at, zone: zone, downFor: down)) }
            }
        }
        var partitions: [Partition] = []
        if let node = f.node("partitions"), let list = reader.sequence(node, "cluster.faults.partitions") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.partitions[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let duration = e.duration("duration", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let replica, let duration { partitions.append(Partition(at: at, replica: replica, duration: duration)) }
            }
        }
        var errors: [ErrorInjection] = []
        if let node = f.node("errors"), let list = reader.sequence(node, "cluster.faults.errors") {
            for (i, n) in list.enumerated() {
                let path = "cluster.faults.errors[\(i)]"
                guard let e = reader.mapping(n, path) else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let rate = e.fraction("rate", .positiveUnit, required: true)
                let status = e.int("status", 400...599) ?? ErrorInjection.defaultStatus
                let duration = e.duration("duration", min: 0, allowEqual: false, required: true)
                e.finish()
                guard let at, let replica, let rate, let duration, rate > 0 && rate <= 1 else { continue }
                if let other = errors.first(where: { $0.replica == replica && $0.at < at + duration && at < $0.at + $0.duration }) {
                    reader.fail(n, path, "overlaps the error window of replica \(replica) from \(other.at) s to \(other.at + other.duration) s; "
                                + "expected one window at a time per replica")
                    continue
                }
                errors.append(ErrorInjection(at: at, replica: replica, rate: rate, status: status, duration: duration))
            }
        }
        return Faults(mtbf: mtbf, mttr: mttr, scheduled: scheduled, slowdowns: slowdowns, zoneOutages: outages, partitions: partitions,
                      errors: errors)
    }
}
