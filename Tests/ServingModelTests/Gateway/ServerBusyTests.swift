import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// The service's `Retry-After` on its 503s (`gateway.busy_retry_after`) and
/// the `examples/server-busy` study.
@Suite struct ServerBusyTests {
    /// One replica busy for the whole run with a request of 1,000 s and no
    /// queue: every later attempt is a 503. The OpenAI SDK (3 attempts)
    /// within a 45-s deadline: without a `Retry-After` its 0.5–8 s backoff
    /// spends all three attempts and the user request fails; with
    /// `Retry-After: 30` it waits 30 s after the first 503, so a third
    /// attempt would start past the deadline and the request is abandoned
    /// after two.
    @Test func theSDKWaitsTheServicesRetryAfter() throws {
        func run(_ gateway: String) throws -> ServingResult.Clients {
            try ScenarioRunner.run("""
                name: busy
                seed: 2
                duration: 10m
                workload: {arrivals: {process: poisson, rate: 0.2/s}}
                replicas: {count: 1, batching: {policy: none}, service: {distribution: deterministic, value: 1000s}, max_queue: 0}
                client: {retry: {preset: openai}, timeout: 45s}
                gateway: \(gateway)
                """).result.clients!
        }
        let plain = try run("{}"), told = try run("{busy_retry_after: 30s}")
        let refused = plain.userRequests - 1
        #expect(refused > 50 && plain.failed == refused && plain.attempts == 1 + 3 * refused)
        // Requests in their last 45 s end with the run: 0.2/s × 45 s ≈ 9, at most a few dozen.
        #expect(told.failed == 0 && told.abandoned >= refused - 30 && told.abandoned <= refused, "\(told.abandoned) of \(refused)")
        #expect(told.attempts <= 1 + 2 * refused)
    }

    /// The study's four scenarios load as written.
    @Test func theStudyLoads() throws {
        let dir = TestData.root.appendingPathComponent("examples/server-busy")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["hold-abort.yaml", "hold.yaml", "reject-retry-after.yaml", "reject.yaml"])
        let told = try ScenarioLoader.load(path: dir.appendingPathComponent("reject-retry-after.yaml").path)
        #expect(told.gateway?.busyRetryAfter == 30)
    }
}
