import Forecasting
import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// `cluster.predictive` from scenario text, with a trained model file.
@Suite struct PredictiveScenarioTests {
    static let root = TestData.root
    static let model = root.appendingPathComponent("examples/predictive/m-large-days-0-12.json").path

    /// Two days of hourly history: 2 req/s for the first two hours of each
    /// day, 20 req/s after; the run repeats the day's first 140 minutes.
    static func scenario(predictive: Bool, extra: String = "") throws -> String {
        var rows = ["timestamp_s,requests"]
        for h in 0..<48 { rows.append("\(h * 3_600),\(h % 24 < 2 ? 7_200 : 72_000)") }
        let history = try TestData.write(rows.joined(separator: "\n") + "\n", name: "history.csv")
        let p = predictive ? """
              predictive: {model: \(model), method: SeasonalNaive24, history: \(history), target_per_replica: 3/s\(extra)}
            """ : ""
        return """
            name: ramp
            seed: 2
            duration: 140m
            warmup: 10m
            workload: {arrivals: {process: curve, points: [[0, 2/s], [2h, 20/s]]}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 250ms}}
            cluster:
              min_replicas: 1
              max_replicas: 20
              cold_start: 2m
              autoscaler: {kind: hpa, metric: utilization, target: 70%}
            \(p)
            slo: {e2e: 2s}
            """
    }

    @Test func theBundledExamplesValidate() throws {
        let dir = Self.root.appendingPathComponent("examples/predictive")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count == 3)
        for f in files {
            #expect(throws: Never.self, "\(f)") { _ = try ScenarioLoader.load(path: dir.appendingPathComponent(f).path, forecasters: ModelLoadForecaster.factory) }
        }
    }

    /// A 10× ramp at 2 h against 2-minute cold starts. The HPA alone starts
    /// replicas only once the queue has built (a third of the requests miss
    /// the 2-s SLO); with the forecast (seasonal naive on the history, which
    /// has the same ramp) 7 replicas are ready 3 minutes ahead. The forecast
    /// of each hour is off only by the run's Poisson noise (sd about 1.2% of
    /// 7,200 requests; 5% is more than 4 sd).
    @Test func aForecastRampIsServedBeforeTheHPAWouldReact() throws {
        let hpa = try ScenarioRunner.run(try Self.scenario(predictive: false), forecasters: ModelLoadForecaster.factory).result
        let predictive = try ScenarioRunner.run(try Self.scenario(predictive: true), forecasters: ModelLoadForecaster.factory).result
        let reactive = try #require(hpa.sloAttainment), ahead = try #require(predictive.sloAttainment)
        #expect(reactive < 0.9, "\(reactive)")
        #expect(ahead > 0.99, "\(ahead)")
        let p = try #require(predictive.predictive)
        #expect(p.refreshes == 1 && p.skipped == 0 && p.intervalsScored == 2)
        #expect(try #require(p.forecastMAPE) < 5)
        #expect(p.meanPlannedReplicas == 1)
    }

    /// Closed-loop users are the load predictive scaling observes too: 100
    /// users thinking 10 s (exponential) on four replicas of 250 ms (load
    /// 0.6, M/M/4 waits of about 0.03 s) send 100 / (10 + 0.25 + 0.03 s) ≈
    /// 9.73 req/s, 35,000 requests an hour (sd about 190, 0.5%), against a
    /// flat history of 36,000 an hour: the forecast of each scored hour is
    /// off by about 3% (4 sd under the 5% bound). Counting only open-loop
    /// arrivals, the run would observe nothing and score no interval.
    @Test func closedLoopUsersAreObserved() throws {
        let rows = ["timestamp_s,requests"] + (0..<48).map { "\($0 * 3_600),36000" }
        let history = try TestData.write(rows.joined(separator: "\n") + "\n", name: "flat-history.csv")
        let result = try ScenarioRunner.run("""
            name: closed-loop-predictive
            seed: 3
            duration: 140m
            workload: {arrivals: {process: poisson, rate: 1/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 250ms}}
            client: {loop: closed, users: 100, think: {distribution: exponential, mean: 10s}}
            cluster:
              min_replicas: 4
              max_replicas: 20
              predictive: {model: \(Self.model), method: SeasonalNaive24, history: \(history), target_per_replica: 3/s}
            """, forecasters: ModelLoadForecaster.factory).result
        let p = try #require(result.predictive)
        #expect(p.intervalsScored == 2)
        #expect(try #require(p.forecastMAPE) < 5)
    }

    @Test func badSettingsAreNamed() throws {
        func issues(_ yaml: String) -> [String] {
            do {
                _ = try ScenarioLoader.parse(text: yaml, file: "bad.yaml", forecasters: ModelLoadForecaster.factory)
                return []
            } catch let e as ScenarioError {
                return e.issues.map(\.description)
            } catch {
                return ["\(error)"]
            }
        }
        let quantile = issues(try Self.scenario(predictive: true, extra: ", quantile: 0.75"))
        #expect(quantile.contains { $0.contains("cluster.predictive.model") && $0.contains("0.5, 0.9, 0.99") }, "\(quantile)")
        let buffer = issues(try Self.scenario(predictive: true, extra: ", buffer: 2h"))
        #expect(buffer.contains { $0.contains("cluster.predictive.buffer") }, "\(buffer)")
        let method = issues(try Self.scenario(predictive: true, extra: ", method: Prophet").replacingOccurrences(of: "method: SeasonalNaive24, ", with: ""))
        #expect(method.contains { $0.contains("Prophet") && $0.contains("SeasonalNaive24") }, "\(method)")
        let schedule = issues(try Self.scenario(predictive: true).replacingOccurrences(
            of: "autoscaler: {kind: hpa, metric: utilization, target: 70%}", with: "autoscaler: {kind: schedule, steps: [[0, 2]]}"))
        #expect(schedule.contains { $0.contains("cluster.predictive") && $0.contains("schedule") }, "\(schedule)")
        let missing = issues(try Self.scenario(predictive: true).replacingOccurrences(of: ", target_per_replica: 3/s", with: ""))
        #expect(missing.contains { $0.contains("target_per_replica") }, "\(missing)")
        // A loader given no forecaster factory cannot build predictive scaling.
        let unbuildable = #expect(throws: ScenarioError.self) { _ = try ScenarioLoader.parse(text: try Self.scenario(predictive: true), file: "p.yaml") }
        #expect(unbuildable?.issues.contains { $0.description.contains("cluster.predictive.model") } == true)
    }
}
