import Foundation
import Testing
@testable import Workload

/// `--history` files of every format through one front door: the history
/// CSV as before, a value column that says nothing refused.
@Suite struct HistoryFileTests {
    static func file(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-test-history-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func read(_ path: String, values: HistoryValues? = nil, zone: HistoryTimeZone? = nil) throws -> HistoryFile.Loaded {
        var o = HistoryFile.Options()
        o.values = values
        o.zone = zone
        return try HistoryFile.read(path: path, options: o)
    }

    @Test func theHistoryCSVIsReadExactlyAsBefore() throws {
        let path = try Self.file("plain.csv", "timestamp_s,requests,zero_windows\n0,10,0\n3600,,0\n7200,30,1\n10800,40,0\n")
        let h = try Self.read(path)
        #expect(h.format == .csv && h.values == .count)
        #expect(h.series == (try LoadSeriesCSV.read(path: path)))
        #expect(h.notes.isEmpty)
    }

    @Test func formatsAreToldFromTheFile() throws {
        #expect(try HistoryFile.sniff(path: Self.file("a.json", "\n  {\"status\":\"success\"}")) == .prometheus)
        #expect(try HistoryFile.sniff(path: Self.file("b.csv", "\"Time\",\"rate(x[5m])\"\n")) == .grafana)
        #expect(try HistoryFile.sniff(path: Self.file("c.csv", "sep=,\nTime,x\n")) == .grafana)
        #expect(try HistoryFile.sniff(path: Self.file("d.csv", "time,requests\n")) == .csv)
    }

    @Test func aValueColumnIsRefusedUntilItsMeaningIsGiven() throws {
        let path = try Self.file("value.csv", "time,value\n2024-01-01T00:00:00Z,2\n2024-01-01T01:00:00Z,3\n")
        let error = try #require(throws: HistoryFormatError.self) { try Self.read(path) }
        #expect(error.description.contains("the column 'value'") && error.description.contains("--history-values rate"))
        #expect(try Self.read(path, values: .rate).series.values == [7200, 10_800])
        #expect(try Self.read(path, values: .count).series.values == [2, 3])
    }

    @Test func aCounterColumnIsDifferencedWithResets() throws {
        let path = try Self.file("counter.csv", "timestamp,vllm:request_success_total\n0,100\n3600,150\n7200,20\n10800,70\n")
        var o = HistoryFile.Options()
        o.csv.countColumn = "vllm:request_success_total"
        let h = try HistoryFile.read(path: path, options: o)
        #expect(h.values == .counter)
        #expect(h.series.values == [50, 20, 50])
        #expect(h.series.count == 3)
    }

    @Test func zonelessCSVTimesSaySoAndFollowTimezone() throws {
        let path = try Self.file("local.csv", "timestamp,requests\n2024-01-01 00:00,1\n2024-01-01 01:00,2\n")
        let utc = try Self.read(path)
        #expect(utc.notes.contains { $0.contains("read as UTC") })
        #expect(utc.series.timestamps.first == 1_704_067_200)
        let local = try Self.read(path, zone: HistoryTimeZone(parsing: "+02:00"))
        #expect(local.series.timestamps.first == 1_704_060_000.0)  // 2024-01-01 00:00 at +02:00
        #expect(local.series.utcOffset == 7200 && local.zone.name == "+02:00")
        let offset = try Self.read(try Self.file("offset.csv", "timestamp,requests\n2024-01-01T00:00:00+02:00,1\n2024-01-01T01:00:00+02:00,2\n"))
        #expect(offset.zone == HistoryTimeZone(offset: 7200) && offset.notes.isEmpty)
    }

    @Test func theBundledExportsGiveTheBundledCounts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let plain = try LoadSeriesCSV.read(path: root.appendingPathComponent("data/traces/servegen_m-large_per_hour.csv").path)
        let prometheus = try Self.read(root.appendingPathComponent("examples/history/servegen_m-large.prometheus.json").path, values: .rate)
        let grafana = try Self.read(root.appendingPathComponent("examples/history/servegen_m-large.grafana.csv").path)
        // Without --history-values the Prometheus response (no query, no __name__) is refused.
        #expect(throws: HistoryFormatError.self) { try Self.read(root.appendingPathComponent("examples/history/servegen_m-large.prometheus.json").path) }
        for h in [prometheus, grafana] {
            #expect(h.values == .rate)
            #expect(h.series.timestamps == plain.timestamps)
            #expect(h.series.interval == plain.interval)
            #expect(h.series.missing == plain.missing)
            let worst = zip(h.series.values, plain.values).map { abs($0 - $1) / max(1, $1) }.max() ?? 0
            #expect(worst < 1e-12, "relative difference \(worst)")
        }
    }
}
