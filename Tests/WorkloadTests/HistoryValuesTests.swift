import Foundation
import Testing
@testable import Workload

/// What a query or column header says a history's values are, and when it
/// says nothing (then the reader refuses: a guess is a 300x wrong plan).
@Suite struct HistoryValuesTests {
    @Test func ratesCountsAndCountersAreToldFromTheQuery() throws {
        #expect(HistoryValues.infer(from: "sum(rate(vllm:request_success_total[5m]))")?.values == .rate)
        #expect(HistoryValues.infer(from: "sum by (job) (irate(http_requests_total[1m]))")?.values == .rate)
        let increase = try #require(HistoryValues.infer(from: "sum(increase(vllm:request_success_total[5m]))"))
        #expect(increase.values == .count && increase.window == 300)
        #expect(HistoryValues.infer(from: "increase(x_total[$__rate_interval])")?.window == nil)
        #expect(HistoryValues.infer(from: "vllm:request_success_total")?.values == .counter)
        #expect(HistoryValues.infer(from: "nginx_ingress_controller_requests_total{ingress=\"llm\"}")?.values == .counter)
        #expect(HistoryValues.infer(from: "requests")?.values == .count)
        #expect(HistoryValues.infer(from: "count")?.values == .count)
    }

    @Test func aColumnThatSaysNothingIsNotGuessed() {
        for label in ["value", "Value", "y", "sum(vllm:request_success_total)", "deriv(x[5m])", "rate(a[5m]) / increase(b[5m])",
                      "{job=\"vllm\"}", "vllm:num_requests_running"] {
            #expect(HistoryValues.infer(from: label) == nil, "\(label)")
        }
    }

    @Test func prometheusDurations() {
        #expect(HistoryValues.promDuration("1h30m") == 5400)
        #expect(HistoryValues.promDuration("15s") == 15)
        #expect(HistoryValues.promDuration("250ms") == 0.25)
        #expect(HistoryValues.promDuration("1d") == 86_400)
        #expect(HistoryValues.promDuration("5x") == nil)
        #expect(HistoryValues.promDuration("") == nil)
    }

    @Test func timeZonesByNameAndOffset() throws {
        #expect(HistoryTimeZone(parsing: "+02:00")?.offset(at: 0) == 7200)
        #expect(HistoryTimeZone(parsing: "-05:30")?.offset(at: 0) == -19_800)
        #expect(HistoryTimeZone(parsing: "UTC") == .utc)
        #expect(HistoryTimeZone(parsing: "Mars/Olympus") == nil)
        #expect(HistoryTimeZone(parsing: "+25:00") == nil)
        let berlin = try #require(HistoryTimeZone(parsing: "Europe/Berlin"))
        #expect(berlin.offset(at: 1_704_067_200) == 3600)  // January: CET
        #expect(berlin.offset(at: 1_719_792_000) == 7200)  // July: CEST
        #expect(berlin.changes(from: 1_704_067_200, to: 1_719_792_000))
        #expect(HistoryTimeZone(offset: 7200).format(1_704_067_200) == "2024-01-01T02:00:00+02:00")
        #expect(HistoryTimeZone(offset: -3600).date(1_704_067_200) == "2023-12-31")
    }
}
