import Foundation
import Testing
@testable import Workload

/// Grafana panel CSV exports: epoch milliseconds or ISO-8601 with or
/// without an offset, one value column whose header says what it holds.
@Suite struct GrafanaCSVTests {
    static let t0 = 1_704_067_200.0

    static func read(_ text: String, values: HistoryValues? = nil, zone: HistoryTimeZone? = nil) throws -> HistoryFile.Loaded {
        var o = HistoryFile.Options()
        o.values = values
        o.zone = zone
        return try HistoryFile.fromSamples(GrafanaCSV.parse(text: text, file: "g.csv", zone: zone), format: .grafana, options: o)
    }

    static func rows(_ header: String, time: (Double) -> String, value: String = "2") -> String {
        let body: [String] = (1...24).map { (k: Int) -> String in time(t0 + Double(k) * 300) + "," + value + "\r\n" }
        return "\u{FEFF}sep=,\r\n\"Time\",\"" + header + "\"\r\n" + body.joined()
    }

    @Test func aRateHeaderIsReadAsARate() throws {
        let h = try Self.read(Self.rows("sum(rate(vllm:request_success_total[5m]))", time: { String(Int($0 * 1000)) }))
        #expect(h.values == .rate)
        #expect(h.series.values == [7200, 7200])
        #expect(h.zone == .utc)
        #expect(h.notes.contains { $0.contains("per-second rates") })
    }

    @Test func aBareValueColumnIsRefusedNamingTheOption() throws {
        let text = Self.rows("Value", time: { String(Int($0 * 1000)) })
        let error = try #require(throws: HistoryFormatError.self) { try Self.read(text) }
        #expect(error.description.contains("column 'Value'") && error.description.contains("--history-values"))
        // Told, it is read: 2 req/s is 7,200 an hour, not 24 (the 300x mistake).
        #expect(try Self.read(text, values: .rate).series.values == [7200, 7200])
        #expect(try Self.read(text, values: .count).series.values == [24, 24])
    }

    @Test func anOffsetSetsTheHistorysZone() throws {
        let zone = HistoryTimeZone(offset: 7200)
        let h = try Self.read(Self.rows("rate(x[5m])", time: { zone.format($0) }))
        #expect(h.zone == zone)
        #expect(h.series.utcOffset == 7200)
        #expect(h.series.timestamps.first == Self.t0)
        #expect(h.series.hourOfDay(0) == 2)
    }

    @Test func zonelessTimesAreUTCAndSaySo() throws {
        let h = try Self.read(Self.rows("rate(x[5m])", time: { String(LoadSeriesCSV.formatISO8601($0).dropLast()).replacingOccurrences(of: "T", with: " ") }))
        #expect(h.series.timestamps.first == Self.t0)
        #expect(h.notes.contains { $0.contains("read as UTC") && $0.contains("--timezone") })
        // With --timezone they are read on that clock.
        let berlin = try Self.read(Self.rows("rate(x[5m])", time: { String(LoadSeriesCSV.formatISO8601($0).dropLast()) }),
                                   zone: HistoryTimeZone(parsing: "+01:00"))
        #expect(berlin.series.timestamps.first == Self.t0 - 3600)
        #expect(berlin.series.utcOffset == 3600)
    }

    @Test func badFilesNameTheLineAndWhatWasExpected() throws {
        var lines = Self.rows("rate(x[5m])", time: { String(Int($0 * 1000)) }).components(separatedBy: "\r\n")
        lines[5] = "1704068700000,205 req/s"
        let e1 = try #require(throws: HistoryFormatError.self) { try Self.read(lines.joined(separator: "\r\n")) }
        #expect(e1.description == "g.csv:6: column 'rate(x[5m])': expected a plain number, got '205 req/s' (export with 'Formatted data' off: values carry no units)")
        lines[5] = "yesterday,1"
        let e2 = try #require(throws: HistoryFormatError.self) { try Self.read(lines.joined(separator: "\r\n")) }
        #expect(e2.description.hasPrefix("g.csv:6: column 'Time': expected epoch milliseconds"))
        let e3 = try #require(throws: HistoryFormatError.self) { try Self.read("\"Time\",\"a\",\"b\"\n1704067200000,1,2\n") }
        #expect(e3.description.hasPrefix("g.csv:1: expected a Time column and one value column, got 3 columns"))
        let e4 = try #require(throws: HistoryFormatError.self) { try Self.read("\"Time\",\"rate(x[5m])\"\n") }
        #expect(e4.description == "g.csv: expected data lines after the header, got none")
    }

    /// Found by `make fuzz` (target grafana): a row whose time lay after
    /// the file's last row, followed by earlier rows, indexed past the end
    /// of the step grid and trapped. It is refused at the first row out of
    /// order, naming its line.
    @Test func aRowLaterThanTheLastIsRefusedNotATrap() throws {
        var lines = Self.rows("sum(rate(vllm:request_success_total[5m]))", time: { String(Int($0 * 1000)) })
            .components(separatedBy: "\r\n").filter { !$0.isEmpty }
        lines.insert(String(Int((Self.t0 + 100 * 300) * 1000)) + ",2", at: 10)
        #expect {
            _ = try Self.read(lines.joined(separator: "\r\n") + "\r\n")
        } throws: { error in
            "\(error)".contains("g.csv:12") && "\(error)".contains("after the previous sample")
        }
    }

    @Test func offsetsAreFoundOnlyAfterTheTimeOfDay() {
        #expect(GrafanaCSV.offset(of: "2024-01-01T00:00:00+02:00") == 7200)
        #expect(GrafanaCSV.offset(of: "2024-01-01T00:00:00-0530") == -19_800)
        #expect(GrafanaCSV.offset(of: "2024-01-01T00:00:00Z") == 0)
        #expect(GrafanaCSV.offset(of: "2024-01-01 00:00:00") == nil)
        #expect(GrafanaCSV.offset(of: "2024-01-01") == nil)
    }
}
