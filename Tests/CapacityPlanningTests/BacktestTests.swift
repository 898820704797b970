import Forecasting
import Foundation
import ServingModel
import Testing
import Workload
@testable import CapacityPlanning

/// `plan backtest`: it validates the forecast `plan` would use, names its
/// days and times in the history's zone, and reports its stages.
@Suite struct BacktestTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/forecasters/servegen-hourly.json").path

    /// Fifteen days of hours from local midnight of Monday 2024-01-01 at
    /// +02:00 (22:00 UTC the day before), a daily cycle between 100 and 300.
    static func history() -> LoadSeries {
        let t0 = 1_704_060_000.0
        let hours = 15 * 24
        return LoadSeries(name: "h", timestamps: (0..<hours).map { t0 + Double($0) * 3600 }, interval: 3600,
                          values: (0..<hours).map { 200 - 100 * cos(2 * Double.pi * Double($0 % 24) / 24) })
    }

    /// M/D/1 replicas: 50 ms of deterministic service, a 2-minute cold start.
    static func base() -> ServingConfiguration {
        var b = ServingConfiguration(name: "md1", seed: 5, duration: 300, warmup: 30, arrivals: .processes([.poisson(rate: 1)]),
                                     sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                                     replicas: ReplicaConfiguration(count: 1, batching: .unbatched, service: .deterministic(0.05)))
        b.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: 8, coldStart: .deterministic(120))
        return b
    }

    final class Stages: @unchecked Sendable {
        var names: [String] = []
        var finished: [Int] = []
        let lock = NSLock()
        func add(_ s: String) { lock.lock(); names.append(s); lock.unlock() }
        func done(_ n: Int) { lock.lock(); finished.append(n); lock.unlock() }
    }

    @Test func itBacktestsPlansForecastOnTheHistorysClock() throws {
        let model = try ForecasterModel.load(path: Self.model)
        let sla = SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 0.5)])
        var test = try Backtest(base: Self.base(), sla: sla, headroom: 2, scale: 0.01, replications: 2)
        test.zone = try #require(HistoryTimeZone(parsing: "+02:00"))
        let stages = Stages()
        test.progress = { stages.add($0) }
        test.finished = { n, _ in stages.done(n) }
        let r = try test.run(series: Self.history(), model: model, trainDays: 14, testDays: 1, quantile: 0.9)
        // Without --method, the model's selected method: the forecast plan uses.
        #expect(r.method == model.selected)
        #expect(r.rows.count == 24)
        // The test day starts at local midnight of Monday 2024-01-15 (+02:00).
        #expect(r.rows.first?.start == "2024-01-15T00:00:00+02:00")
        #expect(r.rows.last?.start == "2024-01-15T23:00:00+02:00")
        #expect(stages.names == ["forecasting 1 test day from 14 training days", "measuring the capacity curve",
                                 "simulating the horizon with 1 plan", "writing the plans", "replaying the test days against the schedule"])
        #expect(stages.finished == [1])
        // A synthetic series the model never saw: no warning.
        #expect(r.notes.isEmpty)
    }

    /// A level that adds more than half again to the point forecast is
    /// named on stderr; the p50, or a narrow p90, is not.
    @Test func aWideQuantileIsNamed() {
        func note(level: Double, planned: Double) -> String? {
            LoadForecast.spreadNote(level: level, point: [100, 200], planned: [planned, planned * 2])
        }
        #expect(note(level: 0.9, planned: 120) == nil)
        #expect(note(level: 0.5, planned: 300) == nil)
        let wide = note(level: 0.9, planned: 225)
        #expect(wide?.hasPrefix("the forecast's p90 is 2.2x its point forecast") == true)
    }
}
