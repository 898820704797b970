import Foundation
import TestSupport

/// A small sweep for the tests: an M/M/c service (10 ms exponential
/// service, 150 requests/s, 1 simulated minute) over 1, 2 and 4 replicas
/// and two queue limits, 3 seeds each: 18 runs of a few milliseconds.
enum SweepTestFiles {
    static let scenario = """
        name: sweep-test
        seed: 11
        duration: 1m
        warmup: 10s
        workload:
          arrivals: {process: poisson, rate: 150/s}
        replicas:
          count: 3
          max_queue: 100000
          batching: {policy: none}
          service: {distribution: exponential, mean: 10ms}
        """

    static let sweep = """
        name: test-sweep
        scenario: base.yaml
        seeds: 3
        sla: p99_queue_wait<=200ms,error_rate<=1%
        axes:
          replicas.count: [1, 2, 4]
          replicas.max_queue: [1000, 100000]
        """

    /// Writes `sweep` and `scenario` side by side in a fresh folder; the sweep's path.
    static func write(sweep: String = sweep, scenario: String = scenario) throws -> String {
        let base = try TestData.write(scenario, name: "base.yaml")
        let path = URL(fileURLWithPath: base).deletingLastPathComponent().appendingPathComponent("sweep.yaml").path
        try sweep.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
