import Forecasting
import Foundation
import Scenario
import ServingModel
import SimulationCore
import Testing

/// The defaults `docs/scenario-reference.md` states against what a parsed
/// scenario holds when the key is left out: each section below is parsed
/// with (nearly) every key absent, and each documented default that is one
/// value (`` `20%` ``, `` `10s` ``, `` `count` ``, perhaps followed by a
/// remark in parentheses) is compared with the configuration's value.
/// Defaults written as prose ("the preset's", "none") are not compared; a
/// new one-value default must be compared here or named in ``unchecked``.
@Suite struct ScenarioDefaultsTests {
    /// A value as the reference writes it.
    enum Value: Equatable, Sendable, CustomStringConvertible {
        case seconds(Double), fraction(Double), number(Double), word(String)

        var description: String {
            switch self {
            case .seconds(let v): return "\(v) s"
            case .fraction(let v): return "\(v * 100)%"
            case .number(let v): return "\(v)"
            case .word(let w): return w
            }
        }

        /// The same kind of value read from the reference's text.
        func parse(_ text: String) -> Value? {
            switch self {
            case .seconds: return Self.seconds(text).map(Value.seconds)
            case .fraction: return text.hasSuffix("%") ? Double(text.dropLast()).map { .fraction($0 / 100) } : Double(text).map(Value.fraction)
            case .number: return Double(text).map(Value.number)
            case .word: return .word(text)
            }
        }

        static func seconds(_ text: String) -> Double? {
            for (unit, scale) in [("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)] where text.hasSuffix(unit) {
                if let v = Double(text.dropLast(unit.count)) { return v * scale }
            }
            return Double(text)
        }

        func matches(_ other: Value) -> Bool {
            switch (self, other) {
            case (.seconds(let a), .seconds(let b)), (.fraction(let a), .fraction(let b)), (.number(let a), .number(let b)):
                return a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b))
            default: return self == other
            }
        }
    }

    /// Keys whose default the code holds: a section of scenario text (added
    /// to a minimal scenario) and, per key, the configuration's value.
    struct Section: Sendable {
        var yaml: String
        var replicas = "replicas: {count: 3, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}"
        var workload = "workload: {arrivals: {process: poisson, rate: 1/s}}"
        var values: [(key: String, value: @Sendable (ServingConfiguration) -> Value?)]
    }

    static let model = ScenarioLoaderTests.root.appendingPathComponent("examples/predictive/m-large-days-0-12.json").path

    static func hpa(_ c: ServingConfiguration) -> HorizontalPodAutoscaler.Settings? {
        if case .hpa(let h, _, _)? = c.replicas.dynamics?.scaler { return h }
        return nil
    }

    static func kpa(_ c: ServingConfiguration) -> KnativePodAutoscaler.Settings? {
        if case .kpa(let k, _)? = c.replicas.dynamics?.scaler { return k }
        return nil
    }

    static func scrape(_ c: ServingConfiguration) -> MetricScrape? {
        switch c.replicas.dynamics?.scaler {
        case .hpa(_, _, let s)?, .kpa(_, let s)?: return s
        default: return nil
        }
    }

    static func continuous(_ c: ServingConfiguration) -> ContinuousBatching? {
        if case .continuous(let b) = c.replicas.batching { return b }
        return nil
    }

    static func dynamic(_ c: ServingConfiguration) -> DynamicBatching? {
        if case .dynamic(let b) = c.replicas.batching { return b }
        return nil
    }

    static func hystrix(_ c: ServingConfiguration) -> HystrixCircuitBreaker? {
        if case .hystrix(let b)? = c.client?.breaker { return b }
        return nil
    }

    static func resilience4j(_ c: ServingConfiguration) -> Resilience4jCircuitBreaker? {
        if case .resilience4j(let b)? = c.client?.breaker { return b }
        return nil
    }

    static func backoff(_ c: ServingConfiguration) -> (base: Double, cap: Double, multiplier: Double?, jitter: Double?)? {
        switch c.client?.retry.backoff {
        case .grpc(let i, let m, let cap)?: return (i, cap, m, nil)
        case .urllib3(let f, let j, let cap)?: return (f, cap, nil, j)
        default: return nil
        }
    }

    static func servers(_ c: ServingConfiguration) -> UpstreamPeer? {
        if case .weightedRoundRobin(let p)? = c.gateway?.balancer { return p.first }
        return nil
    }

    static func picker(_ c: ServingConfiguration) -> EndpointPicker? {
        if case .endpointPicker(let e)? = c.gateway?.balancer { return e }
        return nil
    }

    static func word(_ b: Bool?) -> Value? { b.map { .word($0 ? "true" : "false") } }
    static func number(_ v: Int?) -> Value? { v.map { .number(Double($0)) } }
    static func number(_ v: Double?) -> Value? { v.map(Value.number) }
    static func seconds(_ v: Double?) -> Value? { v.map(Value.seconds) }
    static func fraction(_ v: Double?) -> Value? { v.map(Value.fraction) }
    static func percent(_ v: Double?) -> Value? { v.map { .fraction($0 / 100) } }

    static let sections: [Section] = [
        Section(yaml: "", values: [
            ("seed", { number(Double($0.seed)) }),
            ("warmup", { seconds($0.warmup) }),
            ("output.interval", { seconds($0.timeSeriesInterval) }),
        ]),
        Section(yaml: "", workload: "workload: {arrivals: {process: poisson, rate: 1/s}, tenants: [{share: 100%}]}", values: [
            ("workload.tenants[].priority", { number($0.tenants.tenants.first?.priority) }),
        ]),
        Section(yaml: "", workload: """
            workload:
              arrivals: {process: constant, stages: [{rate: 1/s, duration: 10s}]}
              shared_prefix: {system_prompt_len: 10, question_len: 10, output_len: 5}
            """, values: [
            ("workload.arrivals.stage_gap", { c in
                if case .processes(let ps) = c.arrivals, case .constantStages(let s)? = ps.first { return .seconds(s.gap) }
                return nil
            }),
            ("workload.shared_prefix.groups", { number($0.sharedPrefix?.groups) }),
            ("workload.shared_prefix.prompts_per_group", { number($0.sharedPrefix?.promptsPerGroup) }),
            ("workload.shared_prefix.token_inflation", { number($0.sharedPrefix?.tokenInflation) }),
        ]),
        Section(yaml: "", replicas: "replicas: {count: 3, batching: {policy: dynamic}, service: {distribution: exponential, mean: 100ms}}",
                values: [
            ("replicas.batching.max_batch_size", { number(dynamic($0)?.maxBatchSize) }),
            ("replicas.batching.max_queue_delay", { seconds(dynamic($0)?.maxQueueDelay) }),
            ("replicas.batching.per_request_cost", { number(dynamic($0)?.perRequestCost) }),
        ]),
        Section(yaml: "", replicas: """
            replicas:
              count: 3
              hardware: models/hardware/a100-llama2-7b.yaml
              batching: {policy: continuous}
              disaggregation: {prefill: 1, kv_bytes_per_token: 524288, bandwidth: 25GB/s}
            """, values: [
            ("replicas.batching.max_num_seqs", { number(continuous($0)?.maxNumSeqs) }),
            ("replicas.batching.max_num_batched_tokens", { number(continuous($0)?.maxNumBatchedTokens) }),
            ("replicas.batching.chunked_prefill", { word(continuous($0)?.chunkedPrefill) }),
            ("replicas.batching.watermark", { number(continuous($0)?.watermark) }),
            ("replicas.batching.prefill_budget", { continuous($0).map { .word($0.paddedPrefill ? "padded" : "summed") } }),
            ("replicas.batching.fidelity", { continuous($0).map { .word($0.fidelity.rawValue) } }),
            ("replicas.batching.prefix_caching", { word(continuous($0)?.prefixCaching) }),
            ("replicas.batching.async_scheduling", { word(continuous($0)?.asyncScheduling) }),
            ("replicas.disaggregation.latency", { seconds($0.replicas.disaggregation?.latency) }),
            ("replicas.disaggregation.link", { $0.replicas.disaggregation.map { .word($0.sharedLink ? "shared" : "dedicated") } }),
        ]),
        Section(yaml: """
            cluster:
              max_replicas: 6
              autoscaler: {kind: hpa, target: 70%}
              faults: {mtbf: 1h, errors: [{at: 0s, replica: 0, rate: 1%, duration: 1s}]}
            """, values: [
            ("cluster.min_replicas", { number($0.replicas.dynamics?.minReplicas) }),
            ("cluster.cold_start", { seconds($0.replicas.dynamics?.coldStart.mean) }),
            ("cluster.zones", { number($0.replicas.dynamics?.zones) }),
            ("cluster.autoscaler.metric", { c in
                if case .hpa(_, let m, _)? = c.replicas.dynamics?.scaler { return .word(m.rawValue) }
                return nil
            }),
            ("cluster.autoscaler.tolerance", { fraction(hpa($0)?.tolerance) }),
            ("cluster.autoscaler.sync_period", { seconds(hpa($0)?.syncPeriod) }),
            ("cluster.autoscaler.scale_down_stabilization", { seconds(hpa($0)?.scaleDownStabilization) }),
            ("cluster.autoscaler.scale_up_stabilization", { seconds(hpa($0)?.scaleUpStabilization) }),
            ("cluster.autoscaler.scale_up_percent", { percent(hpa($0)?.scaleUpPercent) }),
            ("cluster.autoscaler.scale_up_pods", { number(hpa($0)?.scaleUpPods) }),
            ("cluster.autoscaler.scale_down_percent", { percent(hpa($0)?.scaleDownPercent) }),
            ("cluster.autoscaler.policy_period", { seconds(hpa($0)?.policyPeriod) }),
            ("cluster.autoscaler.metric_lag", { seconds(scrape($0)?.lag) }),
            ("cluster.faults.mttr", { seconds($0.replicas.dynamics?.faults?.mttr.mean) }),
            ("cluster.faults.errors[].status", { number($0.replicas.dynamics?.faults?.errors.first?.status) }),
        ]),
        // With a target utilisation, the KPA's target is the container concurrency times it.
        Section(yaml: "cluster: {max_replicas: 6, autoscaler: {kind: kpa, target_utilization: 100%}}", values: [
            ("cluster.autoscaler.container_concurrency", { number(kpa($0)?.target) }),
            ("cluster.autoscaler.stable_window", { seconds(kpa($0)?.stableWindow) }),
            ("cluster.autoscaler.panic_window_percentage", { fraction(kpa($0)?.panicWindowFraction) }),
            ("cluster.autoscaler.panic_threshold_percentage", { fraction(kpa($0)?.panicThreshold) }),
            ("cluster.autoscaler.max_scale_up_rate", { number(kpa($0)?.maxScaleUpRate) }),
            ("cluster.autoscaler.max_scale_down_rate", { number(kpa($0)?.maxScaleDownRate) }),
            ("cluster.autoscaler.tick_interval", { seconds(kpa($0)?.tickInterval) }),
        ]),
        Section(yaml: "cluster: {max_replicas: 6, autoscaler: {kind: keda, target: 70%}}", values: [
            ("cluster.autoscaler.polling_interval", { seconds($0.replicas.dynamics?.keda?.pollingInterval) }),
            ("cluster.autoscaler.cooldown_period", { seconds($0.replicas.dynamics?.keda?.cooldownPeriod) }),
            ("cluster.autoscaler.activation_threshold", { number($0.replicas.dynamics?.keda?.activationThreshold) }),
        ]),
        Section(yaml: "cluster: {max_replicas: 6, autoscaler: {kind: schedule, steps: [[0, 3]]}}", values: [
            ("cluster.autoscaler.lead", { c in
                if case .schedule(let s)? = c.replicas.dynamics?.scaler { return .seconds(s.lead) }
                return nil
            }),
        ]),
        Section(yaml: """
            cluster:
              min_replicas: 1
              max_replicas: 6
              autoscaler: {kind: hpa, target: 70%}
              predictive: {model: \(model), method: SeasonalNaive24, target_per_replica: 3/s}
            """, values: [
            ("cluster.predictive.buffer", { seconds($0.replicas.dynamics?.predictive?.buffer) }),
            ("cluster.predictive.refresh", { seconds($0.replicas.dynamics?.predictive?.refresh) }),
            ("cluster.predictive.horizon", { seconds($0.replicas.dynamics?.predictive?.horizon) }),
            ("cluster.predictive.minimum_history", { seconds($0.replicas.dynamics?.predictive?.minimumHistory) }),
        ]),
        Section(yaml: """
            client:
              retry: {max_attempts: 3, backoff: {kind: grpc}}
              retry_throttle: {}
              retry_budget: {}
              breaker: {kind: hystrix}
              cache: {capacity: 10, keys: 100}
              fallback: {kind: response}
            """, values: [
            ("client.loop", { $0.client.map { .word($0.loop == .open ? "open" : "closed") } }),
            ("client.cancel_on_give_up", { $0.client.map { .word($0.cancelOnGiveUp == .none ? "false" : $0.cancelOnGiveUp.rawValue) } }),
            ("client.retry.backoff.base", { seconds(backoff($0)?.base) }),
            ("client.retry.backoff.cap", { seconds(backoff($0)?.cap) }),
            ("client.retry.backoff.multiplier", { number(backoff($0)?.multiplier) }),
            ("client.retry.retry_timeouts", { word($0.client?.retry.retryTimeoutsAndConnectionErrors) }),
            ("client.retry_throttle.max_tokens", { number($0.client?.throttle?.maxTokens) }),
            ("client.retry_throttle.token_ratio", { number($0.client?.throttle?.tokenRatio) }),
            ("client.retry_budget.budget_percent", { percent($0.client?.budget?.budgetPercent) }),
            ("client.retry_budget.min_retry_concurrency", { number($0.client?.budget?.minRetryConcurrency) }),
            ("client.breaker.request_volume_threshold", { number(hystrix($0)?.requestVolumeThreshold) }),
            ("client.breaker.error_threshold", { hystrix($0).map { .fraction(Double($0.errorThresholdPercentage) / 100) } }),
            ("client.breaker.sleep_window", { seconds(hystrix($0)?.sleepWindow) }),
            ("client.breaker.rolling_window", { seconds(hystrix($0)?.rollingWindow) }),
            ("client.breaker.buckets", { number(hystrix($0)?.numBuckets) }),
            ("client.cache.zipf", { number($0.client?.cache?.keys.exponent) }),
            ("client.cache.hit_latency", { seconds($0.client?.cache?.hitLatency) }),
        ]),
        Section(yaml: "client: {}", values: [
            ("client.retry.preset", { $0.client.map { .word($0.retry == .noRetries ? "none" : "another preset") } }),
        ]),
        Section(yaml: """
            client:
              retry: {max_attempts: 3, backoff: {kind: urllib3}}
              breaker: {kind: resilience4j}
            """, values: [
            ("client.retry.backoff.jitter", { seconds(backoff($0)?.jitter) }),
            ("client.breaker.failure_rate_threshold", { percent(resilience4j($0)?.failureRateThreshold) }),
            ("client.breaker.slow_call_rate_threshold", { percent(resilience4j($0)?.slowCallRateThreshold) }),
            ("client.breaker.slow_call_duration", { seconds(resilience4j($0)?.slowCallDurationThreshold) }),
            ("client.breaker.window", { resilience4j($0).map { .word($0.windowType == .countBased ? "count" : "time") } }),
            ("client.breaker.window_size", { number(resilience4j($0)?.slidingWindowSize) }),
            ("client.breaker.minimum_calls", { number(resilience4j($0)?.minimumNumberOfCalls) }),
            ("client.breaker.wait_in_open", { seconds(resilience4j($0)?.waitDurationInOpenState) }),
            ("client.breaker.half_open_calls", { number(resilience4j($0)?.permittedNumberOfCallsInHalfOpenState) }),
        ]),
        Section(yaml: """
            gateway:
              rate_limits: [{requests_per_minute: 60}]
              retry: {retry_budget: {}}
              balancer: {policy: least_request}
              health_check: {}
              outlier_detection: {enforcing_failure_percentage: 100%}
            """, values: [
            ("gateway.api_keys", { number($0.gateway?.apiKeys) }),
            ("gateway.rate_limits[].algorithm", { $0.gateway?.rateLimits.first.map { .word($0.algorithm.rawValue) } }),
            ("gateway.rate_limits[].scope", { $0.gateway?.rateLimits.first.map { .word($0.scope.rawValue) } }),
            ("gateway.rate_limits[].burst", { seconds($0.gateway?.rateLimits.first?.burstSeconds) }),
            ("gateway.prompt_cache_ttl", { seconds($0.gateway?.promptCacheTTL) }),
            ("gateway.retry.num_retries", { number($0.gateway?.retry?.numRetries) }),
            ("gateway.retry.base_interval", { seconds($0.gateway?.retry?.baseInterval) }),
            ("gateway.retry.previous_hosts", { word($0.gateway?.retry?.previousHosts) }),
            ("gateway.retry.host_selection_retry_max_attempts", { number($0.gateway?.retry?.hostSelectionRetryMaxAttempts) }),
            ("gateway.retry.retry_budget.budget_percent", { percent($0.gateway?.retry?.breaker.budgetPercent) }),
            ("gateway.retry.retry_budget.min_retry_concurrency", { number($0.gateway?.retry?.breaker.minRetryConcurrency) }),
            ("gateway.balancer.choice_count", { c in
                if case .leastRequest(_, let n, _)? = c.gateway?.balancer { return number(n) }
                return nil
            }),
            ("gateway.balancer.active_request_bias", { c in
                if case .leastRequest(_, _, let b)? = c.gateway?.balancer { return number(b) }
                return nil
            }),
            ("gateway.health_check.interval", { seconds($0.gateway?.healthCheck?.interval) }),
            ("gateway.health_check.unhealthy_threshold", { number($0.gateway?.healthCheck?.unhealthyThreshold) }),
            ("gateway.health_check.healthy_threshold", { number($0.gateway?.healthCheck?.healthyThreshold) }),
            ("gateway.outlier_detection.consecutive_5xx", { number($0.gateway?.outlierDetection?.consecutive5xx) }),
            ("gateway.outlier_detection.interval", { seconds($0.gateway?.outlierDetection?.interval) }),
            ("gateway.outlier_detection.base_ejection_time", { seconds($0.gateway?.outlierDetection?.baseEjectionTime) }),
            ("gateway.outlier_detection.max_ejection_time", { seconds($0.gateway?.outlierDetection?.maxEjectionTime) }),
            ("gateway.outlier_detection.max_ejection_percent", { percent($0.gateway?.outlierDetection?.maxEjectionPercent) }),
            ("gateway.outlier_detection.always_eject_one_host", { word($0.gateway?.outlierDetection?.alwaysEjectOneHost) }),
            ("gateway.outlier_detection.enforcing_success_rate", { $0.gateway?.outlierDetection.map { .fraction($0.successRate == nil ? 0 : 1) } }),
            ("gateway.outlier_detection.success_rate_minimum_hosts", { number($0.gateway?.outlierDetection?.successRate?.minimumHosts) }),
            ("gateway.outlier_detection.success_rate_request_volume", { number($0.gateway?.outlierDetection?.successRate?.requestVolume) }),
            ("gateway.outlier_detection.success_rate_stdev_factor", { number($0.gateway?.outlierDetection?.successRate.map { $0.stdevFactor * 1000 }) }),
            ("gateway.outlier_detection.failure_percentage_threshold", { percent($0.gateway?.outlierDetection?.failurePercentage?.threshold) }),
            ("gateway.outlier_detection.failure_percentage_minimum_hosts", { number($0.gateway?.outlierDetection?.failurePercentage?.minimumHosts) }),
            ("gateway.outlier_detection.failure_percentage_request_volume", { number($0.gateway?.outlierDetection?.failurePercentage?.requestVolume) }),
        ]),
        Section(yaml: "gateway: {retry: {}, outlier_detection: {}, balancer: {policy: round_robin}}", values: [
            ("gateway.retry.max_retries", { number($0.gateway?.retry?.breaker.minRetryConcurrency) }),
            ("gateway.retry.retry_on", { $0.gateway?.retry.map { .word("[" + $0.retryOn.map(\.rawValue).sorted().joined(separator: ", ") + "]") } }),
            ("gateway.outlier_detection.enforcing_failure_percentage", { $0.gateway?.outlierDetection.map { .fraction($0.failurePercentage == nil ? 0 : 1) } }),
        ]),
        Section(yaml: "gateway: {priorities: {critical_level: 1}}", values: [
            ("gateway.priorities.reserved", { fraction($0.gateway?.priorities?.reserved) }),
        ]),
        Section(yaml: "gateway: {balancer: {policy: maglev}}", values: [
            ("gateway.balancer.table_size", { c in
                if case .maglev(let size, _)? = c.gateway?.balancer { return number(size) }
                return nil
            }),
        ]),
        Section(yaml: "gateway: {balancer: {policy: weighted_round_robin, servers: [{}, {}, {}]}}", values: [
            ("gateway.balancer.servers[].weight", { number(servers($0)?.weight) }),
            ("gateway.balancer.servers[].max_fails", { number(servers($0)?.maxFails) }),
            ("gateway.balancer.servers[].fail_timeout", { seconds(servers($0)?.failTimeout) }),
            ("gateway.balancer.servers[].max_conns", { number(servers($0)?.maxConns) }),
            ("gateway.balancer.servers[].backup", { word(servers($0)?.isBackup) }),
        ]),
        Section(yaml: "gateway: {balancer: {policy: epp}}", values: [
            ("gateway.balancer.queue_weight", { number(picker($0)?.queueWeight) }),
            ("gateway.balancer.kv_cache_weight", { number(picker($0)?.kvCacheWeight) }),
            ("gateway.balancer.prefix_weight", { number(picker($0)?.prefixWeight) }),
            ("gateway.balancer.queue_depth_threshold", { number(picker($0)?.queueDepthThreshold) }),
            ("gateway.balancer.kv_cache_threshold", { fraction(picker($0)?.kvCacheThreshold) }),
            ("gateway.balancer.metrics_interval", { seconds(picker($0)?.metricsInterval) }),
        ]),
        Section(yaml: "gateway: {balancer: {policy: dynamic_weights, weights: [1, 1, 1], target_latency: 1s}}", values: [
            ("gateway.balancer.window", { c in
                if case .dynamicWeights(let d)? = c.gateway?.balancer { return seconds(d.window) }
                return nil
            }),
        ]),
        Section(yaml: "alerts: [{metric: utilization, above: 85%}]", values: [
            ("alerts[].for", { seconds($0.alerts.first?.forDuration) }),
        ]),
    ]

    /// One-value defaults this test does not compare, and why.
    static let unchecked: [String: String] = [
        "workload.arrivals.scale": "scales the processes' rates; 1 leaves them as given",
        "workload.arrivals.time_scale": "a trace replay's; 1 keeps its timeline",
        "workload.arrivals.ties": "a trace replay's",
        "workload.shared_prefix.multi_turn": "false keeps single-turn prompts; InferencePerfScenarioTests and ConversationTests run true",
        "cluster.predictive.history_scale": "scales the history's values; 1 leaves them as given",
        "gateway.balancer.cache_threshold": "prefix_affinity needs a Mooncake trace",
        "gateway.balancer.balance_abs_threshold": "prefix_affinity needs a Mooncake trace",
        "gateway.balancer.balance_rel_threshold": "prefix_affinity needs a Mooncake trace",
        // Settings of a generated profile: they shape the profile and are not
        // kept in the configuration (ProfileGeneratorTests checks their use).
        "replicas.hardware.tp": "a generated profile's setting",
        "replicas.hardware.pp": "a generated profile's setting",
        "replicas.hardware.gpu_memory_utilization": "a generated profile's setting",
        "replicas.hardware.max_num_seqs": "a generated profile's setting",
        "replicas.hardware.max_num_batched_tokens": "a generated profile's setting",
        "replicas.hardware.block_size": "a generated profile's setting",
    ]

    /// The reference's one-value defaults by scenario key: the Default cell
    /// of a key table's row when it is one value in backticks, perhaps
    /// followed by a remark in parentheses.
    static func documentedDefaults(_ markdown: String) -> [String: String] {
        var out: [String: String] = [:]
        var inKeyTable = false, inFence = false, inProfiles = false
        for raw in markdown.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") { inFence.toggle() }
            if inFence { continue }
            if line.hasPrefix("## ") { inProfiles = line.hasPrefix(ScenarioReferenceTests.profileHeading) }
            guard line.hasPrefix("|") else {
                inKeyTable = false
                continue
            }
            let cells = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3 else { continue }
            if cells[0] == "Key" {
                inKeyTable = cells[2] == "Default"
                continue
            }
            guard inKeyTable, !inProfiles, cells[0].hasPrefix("`") else { continue }
            let key = String(cells[0].dropFirst().prefix { $0 != "`" })
            let cell = cells[2]
            guard cell.hasPrefix("`") else { continue }
            let value = cell.dropFirst().prefix { $0 != "`" }
            let rest = cell.dropFirst(value.count + 2).trimmingCharacters(in: .whitespaces)
            guard rest.isEmpty || (rest.hasPrefix("(") && rest.hasSuffix(")")) else { continue }
            out[key] = String(value)
        }
        return out
    }

    @Test func everyOneValueDefaultTheReferenceStatesIsTheParsersDefault() throws {
        let markdown = try String(contentsOf: ScenarioReferenceTests.reference, encoding: .utf8)
        let documented = Self.documentedDefaults(markdown)
        #expect(documented.count > 100, "the reference's Default cells were not found")
        var checked = Set<String>()
        for section in Self.sections {
            let text = """
                name: defaults
                duration: 1m
                \(section.workload)
                \(section.replicas)
                \(section.yaml)
                """
            // Relative paths (a hardware profile) resolve against the repository.
            let file = ScenarioLoaderTests.root.appendingPathComponent("defaults.yaml").path
            let config: ServingConfiguration
            do {
                config = try ScenarioLoader.parse(text: text, file: file, forecasters: ModelLoadForecaster.factory)
            } catch {
                Issue.record("\(section.yaml): \(error)")
                continue
            }
            for (key, value) in section.values {
                checked.insert(key)
                guard let doc = documented[key] else {
                    Issue.record("\(key): the reference states no one-value default")
                    continue
                }
                guard let code = value(config) else {
                    Issue.record("\(key): the section does not reach it")
                    continue
                }
                guard let written = code.parse(doc) else {
                    Issue.record("\(key): the reference's default '\(doc)' is not \(code)'s kind of value")
                    continue
                }
                #expect(written.matches(code), "\(key): the reference says \(doc), the parser gives \(code)")
            }
        }
        let neither = Set(documented.keys).subtracting(checked).subtracting(Self.unchecked.keys).sorted()
        #expect(neither.isEmpty, "one-value defaults neither compared nor named in unchecked: \(neither.joined(separator: ", "))")
    }
}
