import Foundation
import Testing
@testable import Workload

/// Prometheus `query_range` responses: resampled to planning intervals,
/// counters differenced with resets, gaps kept missing, bad files named by
/// their JSON path.
@Suite struct PrometheusMatrixTests {
    /// 2024-01-01 00:00 UTC.
    static let t0 = 1_704_067_200.0

    static func response(_ series: [(metric: [String: String], values: [(Double, String)])]) -> Data {
        let result = series.map { (s: (metric: [String: String], values: [(Double, String)])) -> [String: Any] in
            ["metric": s.metric, "values": s.values.map { (t: Double, v: String) -> [Any] in [t, v] }]
        }
        let top: [String: Any] = ["status": "success", "data": ["resultType": "matrix", "result": result]]
        return try! JSONSerialization.data(withJSONObject: top)
    }

    /// Samples at `t0 + k·step` for `k` in `ks`, valued `value(k)`.
    static func samples(_ ks: ClosedRange<Int>, step: Double = 300, offset: Double = 0, _ value: (Int) -> String) -> [(Double, String)] {
        ks.map { (k: Int) -> (Double, String) in (t0 + offset + Double(k) * step, value(k)) }
    }

    static func read(_ data: Data, values: HistoryValues?, interval: Double? = nil, zone: HistoryTimeZone? = nil) throws -> HistoryFile.Loaded {
        var o = HistoryFile.Options()
        o.values = values
        o.interval = interval
        o.zone = zone
        return try HistoryFile.fromSamples(PrometheusMatrix.parse(data: data, file: "h.json"), format: .prometheus, options: o)
    }

    @Test func fiveMinuteRatesBecomeHourlyCounts() throws {
        // Three hours: 1/s, 2/s, 3/s; each sample stamps the 5 minutes before it.
        let values = Self.samples(1...36) { k in String(Double((k - 1) / 12 + 1)) }
        let h = try Self.read(Self.response([([:], values)]), values: .rate)
        #expect(h.series.interval == 3600)
        #expect(h.series.timestamps == [Self.t0, Self.t0 + 3600, Self.t0 + 7200])
        #expect(h.series.values == [3600, 7200, 10_800])
        #expect(h.series.missingCount == 0)
        #expect(h.notes.contains { $0.hasSuffix("300-s steps summed into 3600-s intervals") })
    }

    @Test func aGapStaysMissingNeverZero() throws {
        var values = Self.samples(1...48) { _ in "1" }
        values.remove(at: 15)  // one sample of the second hour
        values[30].1 = "NaN"   // one of the third
        let h = try Self.read(Self.response([([:], values)]), values: .rate)
        #expect(h.series.count == 4)
        #expect(h.series.missing == [false, true, true, false])
        #expect(h.series.values[0] == 3600 && h.series.values[3] == 3600)
        #expect(h.notes.contains { $0.contains("NaN") })
        #expect(h.notes.contains { $0.contains("2 of 4 intervals") })
        // At either end a history ends at its last whole hour: cut within
        // the fourth hour, the series is the first hour alone.
        let cut = try Self.read(Self.response([([:], Array(values.prefix(40)))]), values: .rate)
        #expect(cut.series.count == 1)
    }

    @Test func countersAreDifferencedAndAResetReadsAsARestartFromZero() throws {
        // One sample a minute; the counter restarts (a replica restart) at minute 6.
        let counter = [100, 110, 120, 130, 140, 150, 5, 15, 25, 35, 45]
        let values = Self.samples(0...10, step: 60) { k in String(counter[k]) }
        let h = try Self.read(Self.response([(["__name__": "vllm:request_success_total"], values)]), values: nil, interval: 300)
        #expect(h.values == .counter)
        // The first sample only sets where counting starts; 5 minutes of +10, then 5 + 4 × 10.
        #expect(h.series.timestamps == [Self.t0, Self.t0 + 300])
        #expect(h.series.values == [50, 45])
    }

    @Test func aCounterGapLosesOnlyTheStepsItCovers() throws {
        var values = Self.samples(0...15, step: 60) { k in String(10 * k) }
        values.remove(at: 8)  // minute 8: the rise over minutes 8 and 9 cannot be split
        let h = try Self.read(Self.response([([:], values)]), values: .counter, interval: 300)
        #expect(h.series.missing == [false, true, false])
        #expect(h.series.values[0] == 50 && h.series.values[2] == 50)
    }

    @Test func severalSeriesAreSummedWithANote() throws {
        let a = Self.samples(1...12) { _ in "1" }
        let b = Self.samples(1...12) { _ in "0.5" }
        let h = try Self.read(Self.response([(["pod": "a"], a), (["pod": "b"], b)]), values: .rate)
        #expect(h.series.values == [5400])
        #expect(h.notes.contains { $0.contains("summed 2 series") })
    }

    @Test func intervalsFollowTheZonesClock() throws {
        // +05:30: local hours start at :30 UTC.
        let values = Self.samples(1...24, offset: 1800) { _ in "1" }
        let h = try Self.read(Self.response([([:], values)]), values: .rate, zone: HistoryTimeZone(parsing: "+05:30"))
        #expect(h.series.timestamps.first == Self.t0 + 1800)
        #expect(h.series.utcOffset == 19_800)
    }

    @Test func aRateWithNoNameIsRefusedNamingTheOption() throws {
        let values = Self.samples(1...12) { _ in "205.3" }
        let error = try #require(throws: HistoryFormatError.self) { try Self.read(Self.response([(["job": "vllm"], values)]), values: nil) }
        #expect(error.description.contains("--history-values rate"))
        #expect(error.description.hasPrefix("h.json: "))
    }

    @Test func errorResponsesAndBadValuesAreNamedByPath() throws {
        let failure = Data(#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\""}"#.utf8)
        let e1 = try #require(throws: HistoryFormatError.self) { try PrometheusMatrix.parse(data: failure, file: "h.json") }
        #expect(e1.description == #"h.json: status: the response is an error, not data: bad_data: invalid parameter "query""#)
        let vector = Data(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8)
        let e2 = try #require(throws: HistoryFormatError.self) { try PrometheusMatrix.parse(data: vector, file: "h.json") }
        #expect(e2.description.contains("data.resultType: expected \"matrix\""))
        let bad = Self.response([([:], [(Self.t0, "1"), (Self.t0 + 300, "abc")])])
        let e3 = try #require(throws: HistoryFormatError.self) { try PrometheusMatrix.parse(data: bad, file: "h.json") }
        #expect(e3.description.hasPrefix("h.json: data.result[0].values[1][1]: expected a number"))
        let e4 = try #require(throws: HistoryFormatError.self) { try PrometheusMatrix.parse(data: Data("{not json".utf8), file: "h.json") }
        #expect(e4.description.contains("expected JSON"))
        let e5 = try #require(throws: HistoryFormatError.self) {
            try PrometheusMatrix.parse(data: Data(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1704067200,"1"],[1,2,3]]}]}}"#.utf8), file: "h.json")
        }
        #expect(e5.description.hasPrefix("h.json: data.result[0].values[1]: expected a [time, \"value\"] pair"))
    }

    @Test func stepsOutsideFifteenSecondsToAnHourAreRefused() throws {
        let values = Self.samples(0...10, step: 1) { _ in "1" }
        let error = try #require(throws: HistoryFormatError.self) { try Self.read(Self.response([([:], values)]), values: .rate) }
        #expect(error.description.contains("15 s to 1 h"))
    }

    @Test func anIncreaseOverAnotherWindowThanTheStepIsRefused() throws {
        var top: [String: Any] = ["status": "success", "data": ["resultType": "matrix", "result": [
            ["metric": [String: String](), "values": Self.samples(1...24) { _ in "10" }.map { (t: Double, v: String) -> [Any] in [t, v] }] as [String: Any]]]]
        top["query"] = "sum(increase(x_total[1h]))"
        let data = try JSONSerialization.data(withJSONObject: top)
        let error = try #require(throws: HistoryFormatError.self) { try Self.read(data, values: nil) }
        #expect(error.description.contains("3600-s windows sampled every 300-s"))
        top["query"] = "sum(increase(x_total[5m]))"
        let h = try Self.read(try JSONSerialization.data(withJSONObject: top), values: nil)
        #expect(h.values == .count && h.series.values == [120, 120])
    }
}
