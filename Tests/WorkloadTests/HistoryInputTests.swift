import Foundation
import TestSupport
import Testing
@testable import Workload

/// History CSVs as users really write them, and histories that must be
/// refused before they allocate anything.
@Suite struct HistoryInputTests {
    func parse(_ text: String, interval: Double? = nil, zeroIsMissing: Bool = false) throws -> LoadSeries {
        var o = LoadSeriesCSV.Options()
        o.interval = interval
        o.zeroIsMissing = zeroIsMissing
        return try LoadSeriesCSV.parse(text: text, file: "h.csv", options: o)
    }

    /// The message of the error `body` throws.
    func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func crlfHistoryIsRead() throws {
        let s = try parse("timestamp,requests\r\n2024-01-01T00:00:00Z,10\r\n2024-01-01T01:00:00Z,20\r\n")
        #expect(s.values == [10, 20])
        #expect(s.interval == 3600)
        // The same from a file, through the streaming reader.
        let path = try TestData.write("timestamp,requests\r\n2024-01-01T00:00:00Z,10\r\n2024-01-01T01:00:00Z,20\r\n")
        #expect(try LoadSeriesCSV.read(path: path).values == [10, 20])
    }

    @Test func byteOrderMarkAndQuotedHeaderAndCells() throws {
        let text = "\u{FEFF}\"timestamp\",\"requests\",\"note\"\r\n\"2024-01-01 00:00\",\"10\",\"a, b\"\n2024-01-01 01:00,20,\"say \"\"hi\"\"\"\n"
        let s = try parse(text)
        #expect(s.values == [10, 20])
        let path = try TestData.write(text)
        #expect(try LoadSeriesCSV.read(path: path).values == [10, 20])
        #expect(message { try parse("timestamp,requests\n0,1\n3600,\"2\n") }.contains("h.csv:3: a quoted cell is not closed"))
    }

    @Test func gzipHistoryIsRead() throws {
        let path = try writeGzip(Array("timestamp_s,requests\n0,5\n600,6\n1200,7\n".utf8), suffix: ".csv.gz")
        let s = try LoadSeriesCSV.read(path: path)
        #expect(s.values == [5, 6, 7])
        #expect(s.interval == 600)
        #expect(!s.name.hasSuffix(".csv"))
    }

    @Test func aHugeGapIsRefusedNotAllocated() {
        let m = message { try parse("timestamp,requests\n2024-01-01T00:00:00Z,1\n2024-01-01T00:00:01Z,2\n2024-01-01T00:00:02Z,2\n2030-01-01T00:00:00Z,3\n") }
        #expect(m.contains("h.csv:5: timestamp '2030-01-01T00:00:00Z'"), "\(m)")
        #expect(m.contains("at most 1000000 missing intervals"), "\(m)")
        // A gap of 1e15 s lands beyond the calendar range and is refused there.
        let far = message { try parse("timestamp_s,requests\n0,1\n3600,2\n1000000000000000,3\n") }
        #expect(far.contains("h.csv:4: column 'timestamp_s'"), "\(far)")
        // Many gaps that each pass, but together exceed the series limit.
        var rows = "timestamp_s,requests\n0,1\n60,1\n"
        for k in 1...12 { rows += "\(60 + k * 60_000_000),1\n" }
        let total = message { try parse(rows, interval: 60) }
        #expect(total.contains("more than 10000000 intervals"), "\(total)")
    }

    @Test func timestampsOutsideTheDocumentedRangeAreRefused() {
        for t in ["1e19", "1e300", "-1e300", "9999-01-01T00:00:00Z", "1969-12-31T23:00:00Z", "7258118400"] {
            let m = message { try parse("timestamp,requests\n0,1\n\(t),2\n") }
            #expect(m.contains("h.csv:3: column 'timestamp'"), "\(t): \(m)")
            #expect(m.contains("1970-01-01 to 2199-12-31"), "\(t): \(m)")
        }
    }

    @Test func impossibleDatesAreRefused() {
        let m = message { try parse("timestamp,requests\n2024-02-28T00:00:00Z,1\n2024-02-30T00:00:00Z,2\n") }
        #expect(m.contains("h.csv:3: column 'timestamp'"), "\(m)")
        #expect(m.contains("2024-02-30"), "\(m)")
        #expect(LoadSeriesCSV.parseTimestamp("2023-02-29") == nil)
        #expect(LoadSeriesCSV.parseTimestamp("2024-02-29") != nil)
        #expect(LoadSeriesCSV.parseTimestamp("2024-04-31T00:00:00Z") == nil)
    }

    @Test func countsMustBeFiniteNonNegativeAndBounded() {
        for v in ["1e19", "-1", "inf", "nan", "1e13"] {
            let m = message { try parse("timestamp_s,requests\n0,1\n3600,\(v)\n") }
            #expect(m.contains("h.csv:3: column 'requests'"), "\(v): \(m)")
        }
        #expect((try? parse("timestamp_s,requests\n0,1\n3600,1e12\n")) != nil)
    }

    @Test func tinyOrHugeIntervalsAreRefused() {
        for interval in [1e-300, 0.5, -3600, .infinity, .nan, 400 * 86_400] {
            let m = message { try parse("timestamp_s,requests\n0,1\n3600,2\n", interval: interval) }
            #expect(m.contains("expected at least 1 s and at most 366 days"), "\(interval): \(m)")
        }
        let inferred = message { try parse("timestamp,requests\n2024-01-01T00:00:00.000Z,1\n2024-01-01T00:00:00.001Z,2\n") }
        #expect(inferred.contains("the median gap between rows"), "\(inferred)")
    }

    @Test func anAllMissingHistoryIsRefused() {
        #expect(throws: LoadSeriesError.noData(file: "h.csv")) { try parse("timestamp_s,requests\n0,\n3600,\n7200,\n") }
        #expect(throws: LoadSeriesError.noData(file: "h.csv")) {
            try parse("timestamp_s,requests\n0,0\n3600,0\n", zeroIsMissing: true)
        }
        #expect(throws: LoadSeriesError.noData(file: "h.csv")) {
            try parse("timestamp_s,requests,zero_windows\n0,1,6\n3600,2,6\n")
        }
    }

    @Test func unreadableFilesAreNamed() {
        #expect(throws: LoadSeriesError.unreadable(file: "/nonexistent/h.csv", reason: "no such file")) {
            try LoadSeriesCSV.read(path: "/nonexistent/h.csv")
        }
        let dir = FileManager.default.temporaryDirectory.path
        #expect(throws: LoadSeriesError.unreadable(file: dir, reason: "is a directory, expected a file")) {
            try LoadSeriesCSV.read(path: dir)
        }
    }
}
