import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// A forecaster that knows the future: `rate(j)` requests/s in interval `j`
/// of the run (counted after `offset` intervals of history).
struct OracleForecaster: LoadForecaster {
    let interval = 3_600.0
    let minimumHistory = 0
    let offset: Int
    let rate: @Sendable (Int) -> Double

    func forecast(_ history: LoadSeries, horizon: Int) throws -> [Double] {
        (0..<horizon).map { rate(history.count - offset + $0) * interval }
    }
}

/// AWS-style predictive scaling against its rules: forecasts from the
/// history and what the run has seen, a floor in place `buffer` before each
/// interval, the higher of it and a reactive autoscaler.
@Suite struct PredictiveScalingTests {
    static func config(_ p: PredictiveScaling, scaler: ClusterDynamics.Scaler? = nil, duration: Double) -> ServingConfiguration {
        var d = ClusterDynamics(minReplicas: 1, maxReplicas: 20, coldStart: .deterministic(120), scaler: scaler)
        d.predictive = p
        return ClusterDynamicsTests.mmc(replicas: 1, rate: 0.5, duration: duration, dynamics: d)
    }

    /// 10/s forecast for hours 0–1 and 40/s from hour 2, at 5/s per replica:
    /// 2 replicas, then 8 asked for at 2 h − 5 min (ready 2 min later).
    @Test func theFloorRisesABufferBeforeTheForecastRise() throws {
        var p = PredictiveScaling(forecaster: OracleForecaster(offset: 0) { $0 < 2 ? 10 : 40 },
                                  history: LoadSeries(name: "none", timestamps: [], interval: 3_600, values: []),
                                  targetPerReplica: 5)
        p.minimumHistory = 0
        let (r, m) = try ServingRun(configuration: Self.config(p, duration: 9_000)).execute()
        // Sample k is at (k + 1) min.
        #expect(m.series.predictedReplicas[5] == 2 && m.series.desired[5] == 2)
        #expect(m.series.desired[113] == 2, "at 114 min")      // before 2 h − 5 min
        #expect(m.series.desired[115] == 8, "at 116 min")
        #expect(m.series.starting[115] == 6 && m.series.ready[117] == 8, "ready at 2 h − 3 min")
        #expect(m.series.forecastRate[5] == 10 && m.series.forecastRate[125] == 40)
        #expect(r.predictive?.refreshes == 1 && r.predictive?.skipped == 0)
    }

    /// Without 24 h of history no forecast is made (AWS needs a day), and
    /// the cluster keeps its count.
    @Test func tooLittleHistoryMakesNoForecast() throws {
        let p = PredictiveScaling(forecaster: OracleForecaster(offset: 0) { _ in 40 },
                                  history: LoadSeries(name: "none", timestamps: [], interval: 3_600, values: []),
                                  targetPerReplica: 5)
        let (r, m) = try ServingRun(configuration: Self.config(p, duration: 7_200)).execute()
        #expect(m.series.desired.allSatisfy { $0 == 1 })
        #expect(r.predictive?.refreshes == 0 && r.predictive?.skipped == 1)
        #expect(r.predictive?.lastSkip?.contains("24 needed") == true, "\(r.predictive?.lastSkip ?? "")")
    }

    /// Beside an HPA that wants the minimum for a light load, the forecast's
    /// floor holds the count up; when the floor falls the HPA takes over.
    @Test func aReactiveAutoscalerCannotGoBelowTheFloor() throws {
        var p = PredictiveScaling(forecaster: OracleForecaster(offset: 0) { $0 < 1 ? 30 : 0 },
                                  history: LoadSeries(name: "none", timestamps: [], interval: 3_600, values: []),
                                  targetPerReplica: 5)
        p.minimumHistory = 0
        let hpa = HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 20, target: 0.5)
        let (_, m) = try ServingRun(configuration: Self.config(p, scaler: .hpa(hpa, metric: .utilization, scrape: MetricScrape()),
                                                               duration: 7_200)).execute()
        // Hour 0: floor 6 although 0.5 req/s of 1-s requests want 1.
        #expect(m.series.desired[10...50].allSatisfy { $0 == 6 }, "\(m.series.desired[10...50])")
        // Hour 1: floor 1 (the minimum); the HPA scales down after its 5-min window.
        #expect(m.series.desired[70...].allSatisfy { $0 < 6 })
    }

    @Test func settingsAreChecked() {
        let none = LoadSeries(name: "none", timestamps: [], interval: 3_600, values: [])
        var p = PredictiveScaling(forecaster: OracleForecaster(offset: 0) { _ in 1 }, history: none, targetPerReplica: 0)
        #expect((try? p.validate()) == nil)
        p.targetPerReplica = 2
        p.buffer = 3_600
        let e = #expect(throws: ServingModelError.self) { try p.validate() }
        #expect(e?.key == "cluster.predictive.buffer")
        p.buffer = 300
        p.history = LoadSeries(name: "10min", timestamps: [0, 600], interval: 600, values: [1, 2])
        let h = #expect(throws: ServingModelError.self) { try p.validate() }
        #expect(h?.key == "cluster.predictive.history")
        p.history = none
        let schedule = ReplicaSchedule(starts: [0], counts: [2])
        #expect(throws: ServingModelError.self) {
            _ = try ServingRun(configuration: Self.config(p, scaler: .schedule(schedule), duration: 60)).execute()
        }
    }
}
