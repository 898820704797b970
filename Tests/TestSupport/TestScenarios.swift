/// Scenario texts more than one test target uses.
package enum TestScenarios {
    /// Four replicas (policy none, 100 ms exponential service, round robin)
    /// at 20 req/s behind `gateway`, replica 2 crashing at 65 s for 10 min.
    package static func crash(gateway: String) -> String {
        """
        name: crash
        seed: 8
        duration: 5m
        workload: {arrivals: {process: poisson, rate: 20/s}}
        replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, dispatch: round_robin}
        cluster:
          cold_start: 30s
          faults:
            scheduled: [{at: 65s, replica: 2, down_for: 10m}]
        gateway: \(gateway)
        """
    }
}
