import Forecasting
import Foundation
import Scenario
import Testing

/// Every validation error names the key as the scenario file spells it, as
/// a full dotted path from the file's root, with the line of that key:
/// whether a key's own range refuses it (the parser) or a rule between keys
/// does (the model's `validate()`).
@Suite struct ValidationKeyTests {
    /// A bad section, the key its error must name, and its line, marked in
    /// the text with a trailing `#<`.
    struct Case: Sendable, CustomTestStringConvertible {
        var key: String
        var yaml: String
        var replicas = "replicas: {count: 3, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}"

        var testDescription: String { key }

        var text: String {
            """
            name: keys
            duration: 1m
            workload: {arrivals: {process: poisson, rate: 1/s}}
            \(replicas)
            \(yaml)
            """
        }

        /// The 1-based line that ends with `#<`.
        var line: Int? {
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasSuffix("#<") }.map { $0 + 1 }
        }
    }

    static let model = ScenarioLoaderTests.root.appendingPathComponent("examples/predictive/m-large-days-0-12.json").path

    static let cases: [Case] = [
        // client.retry and its backoff: a range, and a cap below its base (the model's rule).
        Case(key: "client.retry.max_attempts", yaml: """
            client:
              retry:
                max_attempts: 0 #<
            """),
        Case(key: "client.retry.backoff.cap", yaml: """
            client:
              retry:
                max_attempts: 3
                backoff:
                  kind: exponential
                  base: 2s
                  cap: 1s #<
            """),
        Case(key: "client.retry.backoff.base", yaml: """
            client:
              retry:
                max_attempts: 3
                backoff:
                  kind: grpc
                  base: 0s #<
            """),
        Case(key: "client.per_try_timeout", yaml: """
            client:
              timeout: 10s
              per_try_timeout: 20s #<
            """),
        Case(key: "client.hedge_delay", yaml: """
            client:
              hedge_delay: 1s #<
            """),
        // Both breakers, by the file's names (not Hystrix's or resilience4j's own).
        Case(key: "client.breaker.buckets", yaml: """
            client:
              breaker:
                kind: hystrix
                buckets: 0 #<
            """),
        Case(key: "client.breaker.error_threshold", yaml: """
            client:
              breaker:
                kind: hystrix
                error_threshold: 150% #<
            """),
        Case(key: "client.breaker.window_size", yaml: """
            client:
              breaker:
                kind: resilience4j
                window_size: 0 #<
            """),
        Case(key: "client.breaker.failure_rate_threshold", yaml: """
            client:
              breaker:
                kind: resilience4j
                failure_rate_threshold: 0% #<
            """),
        // Retry budgets and throttles, at the client and at the gateway.
        Case(key: "client.retry_budget", yaml: """
            client:
              retry_budget: #<
                budget_percent: 20%
            """),
        Case(key: "client.retry_budget.budget_percent", yaml: """
            client:
              retry: {max_attempts: 3}
              retry_budget:
                budget_percent: 150% #<
            """),
        Case(key: "client.retry_throttle.max_tokens", yaml: """
            client:
              retry: {max_attempts: 3}
              retry_throttle:
                max_tokens: 0 #<
            """),
        Case(key: "gateway.retry.retry_budget.min_retry_concurrency", yaml: """
            gateway:
              retry:
                retry_budget:
                  min_retry_concurrency: -1 #<
            """),
        Case(key: "gateway.retry.max_interval", yaml: """
            gateway:
              balancer: {policy: round_robin}
              retry:
                base_interval: 1s
                max_interval: 500ms #<
            """),
        // Gateway rate limits: a limit with no quota, a burst out of range.
        Case(key: "gateway.rate_limits[1]", yaml: """
            gateway:
              rate_limits:
                - requests_per_minute: 600
                - scope: global #<
                  burst: 5s
            """),
        Case(key: "gateway.rate_limits[0].burst", yaml: """
            gateway:
              rate_limits:
                - requests_per_minute: 600
                  burst: 0s #<
            """),
        // Outlier detection: an ejection cap below its base (the model's rule).
        Case(key: "gateway.outlier_detection.max_ejection_time", yaml: """
            gateway:
              balancer: {policy: round_robin}
              outlier_detection:
                base_ejection_time: 60s
                max_ejection_time: 30s #<
            """),
        // Balancers: one entry per replica, and what nginx's upstream would call its own.
        Case(key: "gateway.balancer.servers", yaml: """
            gateway:
              balancer:
                policy: weighted_round_robin
                servers: [{weight: 3}, {weight: 2}] #<
            """),
        Case(key: "gateway.balancer.servers", yaml: """
            gateway:
              balancer:
                policy: least_connections
                servers: [{backup: true}, {backup: true}, {backup: true}] #<
            """),
        Case(key: "gateway.balancer.weights", yaml: """
            gateway:
              balancer:
                policy: least_request
                weights: [1, 2] #<
            """),
        // Autoscalers: HPA, KPA and KEDA.
        Case(key: "cluster.autoscaler.tolerance", yaml: """
            cluster:
              max_replicas: 6
              autoscaler:
                kind: hpa
                target: 70%
                tolerance: 200% #<
            """),
        Case(key: "cluster.autoscaler.stable_window", yaml: """
            cluster:
              max_replicas: 6
              autoscaler:
                kind: kpa
                stable_window: 0s #<
            """),
        Case(key: "cluster.autoscaler.polling_interval", yaml: """
            cluster:
              max_replicas: 6
              autoscaler:
                kind: keda
                target: 70%
                polling_interval: 0s #<
            """),
        Case(key: "cluster.min_replicas", yaml: """
            cluster:
              min_replicas: 4 #<
              max_replicas: 2
            """),
        // Predictive scaling: a horizon shorter than the refresh (the model's rule).
        Case(key: "cluster.predictive.horizon", yaml: """
            cluster:
              min_replicas: 1
              max_replicas: 6
              autoscaler: {kind: hpa, target: 70%}
              predictive:
                model: \(model)
                method: SeasonalNaive24
                target_per_replica: 3/s
                refresh: 2h
                horizon: 1h #<
            """),
        // Faults.
        Case(key: "cluster.faults.scheduled[0].replica", yaml: """
            cluster:
              faults:
                scheduled:
                  - at: 10s
                    replica: 7 #<
                    down_for: 1m
            """),
        Case(key: "cluster.faults.errors[1]", yaml: """
            cluster:
              faults:
                errors:
                  - {at: 0s, replica: 0, rate: 5%, duration: 1m}
                  - {at: 30s, replica: 0, rate: 5%, duration: 1m} #<
            """),
        // Batching and disaggregation.
        Case(key: "replicas.batching.max_batch_size", yaml: "", replicas: """
            replicas:
              count: 3
              service: {distribution: exponential, mean: 100ms}
              batching:
                policy: dynamic
                max_batch_size: 0 #<
            """),
        Case(key: "replicas.disaggregation.prefill", yaml: "", replicas: """
            replicas:
              count: 3
              hardware: models/hardware/a100-llama2-7b.yaml
              batching: {policy: continuous}
              disaggregation:
                prefill: 3 #<
                kv_bytes_per_token: 524288
                bandwidth: 25GB/s
            """),
        // Alerts: the threshold is the rule's above or below.
        Case(key: "alerts[0].for", yaml: """
            alerts:
              - metric: utilization
                above: 85%
                for: -1m #<
            """),
    ]

    @Test(arguments: cases) func theErrorNamesTheFilesKeyAndLine(_ c: Case) throws {
        // Relative paths (a hardware profile) resolve against the repository.
        let file = ScenarioLoaderTests.root.appendingPathComponent("keys.yaml").path
        let error = #expect(throws: ScenarioError.self) {
            _ = try ScenarioLoader.parse(text: c.text, file: file, forecasters: ModelLoadForecaster.factory)
        }
        let issues = error?.issues ?? []
        #expect(c.line != nil, "the case marks no line")
        #expect(issues.contains { $0.key == c.key && $0.line == c.line }, "expected \(c.key) at line \(c.line ?? 0), got \(issues)")
    }
}
