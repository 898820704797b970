import Foundation
import TestSupport
import Testing
import Workload

/// ``CSVTable``: columns by name in any order, units in cells, and every bad
/// cell and header reported at once with its line.
@Suite struct CSVTableTests {
    static func read(_ text: String) throws -> [[Double?]] {
        var rows: [[Double?]] = []
        try CSVTable.read(path: try TestData.write(text), required: ["rate", "latency"], optional: ["count"]) { row in
            rows.append([row.rate("rate"), row.duration("latency"), row.has("count") ? row.count("count", max: 10).map(Double.init) : nil])
        }
        return rows
    }

    static func issues(_ text: String) -> [String] {
        do {
            _ = try read(text)
            return []
        } catch let e as InputError {
            return e.issues.map { "\($0.line.map(String.init) ?? "-") \($0.key): \($0.message)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test func columnsAreReadByNameWithUnits() throws {
        #expect(try Self.read("# comment\nlatency,rate,count\n250ms,720/min,3\n\n1.5,2,\n") == [[12, 0.25, 3], [2, 1.5, nil]])
    }

    @Test func everyProblemIsReportedWithItsLine() {
        #expect(Self.issues("latency,rate,count\nfast,1,1\n1,2,11\n1\n") == [
            "2 column 'latency': expected a duration > 0 in seconds (or with a unit such as 250ms), at most 1 day, got 'fast'",
            "3 column 'count': expected an integer from 0 to 10, got '11'",
            "4 : expected 3 comma-separated values (latency,rate,count), got 1",
        ])
        #expect(Self.issues("rate,speed\n1,2\n") == [
            "1 header: unknown column 'speed' (expected rate,latency and optionally count)",
            "1 header: missing column 'latency' (expected rate,latency and optionally count)",
        ])
        #expect(Self.issues("") == ["- : empty file; expected a header line rate,latency"])
        #expect(Self.issues("rate,latency\n") == ["- : no data rows after the header"])
    }
}
