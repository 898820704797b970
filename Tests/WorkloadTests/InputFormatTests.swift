import CZlib
import Foundation
import TestSupport
import Testing
@testable import Workload

/// Writes `text` gzip-compressed to a fresh temporary file (through zlib, as
/// `gzip` would) and returns its path.
func writeGzip(_ bytes: [UInt8], suffix: String = ".csv.gz") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-test-\(UUID().uuidString)\(suffix)").path
    let gz = try #require(gzopen(path, "wb"))
    var offset = 0
    while offset < bytes.count {
        let n = min(1 << 20, bytes.count - offset)
        let written = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress! + offset, UInt32(n)) }
        #expect(written == Int32(n))
        offset += n
    }
    gzclose(gz)
    return path
}

@Suite struct CSVLineTests {
    @Test func quotedCellsKeepCommasAndDoubledQuotes() {
        #expect(CSVLine.split("1, \"a,b\" ,\"x\"\"y\"") == ["1", "a,b", "x\"y"])
        #expect(CSVLine.split("\"timestamp\",\"requests\"") == ["timestamp", "requests"])
        #expect(CSVLine.split("a,,c,") == ["a", "", "c", ""])
        #expect(CSVLine.split("\"\"") == [""])
        #expect(CSVLine.split(" plain , cells ") == ["plain", "cells"])
    }

    @Test func anOpenQuoteIsRefused() {
        #expect(CSVLine.split("1,\"a,b") == nil)
        #expect(throws: WorkloadError.self) { try CSVLine.cells("\"x", at: "f.csv:3") }
    }
}

@Suite struct LineReaderTests {
    @Test func stripsByteOrderMarkAndCarriageReturns() throws {
        let path = try TestData.write("\u{FEFF}a,b\r\n1,2\r\n\r\nlast")
        let reader = try LineReader(path: path)
        #expect(try reader.next() == "a,b")
        #expect(try reader.next() == "1,2")
        #expect(try reader.next() == "")
        #expect(try reader.next() == "last")
        #expect(try reader.next() == nil)
        #expect(reader.lineNumber == 4)
        #expect(!reader.isCompressed)
    }

    @Test func streamsGzipInProcess() throws {
        let path = try writeGzip(Array("x,y\n1,2\n3,4\n".utf8))
        let reader = try LineReader(path: path)
        #expect(reader.isCompressed)
        var lines: [String] = []
        while let line = try reader.next() { lines.append(String(line)) }
        #expect(lines == ["x,y", "1,2", "3,4"])
    }

    @Test func gzipBeyondItsDecompressedLimitIsRefused() throws {
        let text = String(repeating: "0,1,2,3,4,5,6,7,8,9\n", count: 10_000)  // 200 kB, a few hundred bytes compressed
        let path = try writeGzip(Array(text.utf8))
        let reader = try LineReader(path: path, maxDecompressedBytes: 100_000)
        do {
            while try reader.next() != nil {}
            Issue.record("expected the limit to stop the read")
        } catch let e as WorkloadError {
            #expect(e.message.contains("decompresses to more than 100000 bytes"), "\(e)")
        }
        #expect(LineReader.maxDecompressedBytes == 1 << 30)
    }

    @Test func aLineWithoutEndIsRefusedNotAccumulated() throws {
        // A gzip bomb of zeros: 64 MiB decompressed, no line break.
        let path = try writeGzip([UInt8](repeating: 0x30, count: 64 << 20))
        let start = Date()
        do {
            _ = try LineReader(path: path).next()
            Issue.record("expected the line limit")
        } catch let e as WorkloadError {
            #expect(e.location == path + ":1", "\(e)")
            #expect(e.message.contains("line longer than 4 MiB"), "\(e)")
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func corruptAndTruncatedGzipAreRefused() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try writeGzip(Array(String(repeating: "a,b\n", count: 5000).utf8)))))
        let truncated = try TestData.write("", suffix: ".gz")
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: WorkloadError.self) {
            let r = try LineReader(path: truncated)
            while try r.next() != nil {}
        }
        for i in 20..<min(60, bytes.count) { bytes[i] ^= 0x5A }
        let corrupt = try TestData.write("", suffix: ".gz")
        try Data(bytes).write(to: URL(fileURLWithPath: corrupt))
        #expect(throws: WorkloadError.self) {
            let r = try LineReader(path: corrupt)
            while try r.next() != nil {}
        }
    }

    @Test func aDirectoryOrMissingFileIsNamed() {
        #expect(throws: WorkloadError(FileManager.default.temporaryDirectory.path, "cannot read: is a directory, expected a file")) {
            try LineReader(path: FileManager.default.temporaryDirectory.path)
        }
        #expect(throws: WorkloadError("/nonexistent/x.csv", "cannot read: no such file")) {
            try LineReader(path: "/nonexistent/x.csv")
        }
    }
}

@Suite struct CivilDateTests {
    @Test func impossibleDatesAreInvalid() {
        #expect(!CivilDate.isValid(year: 2024, month: 2, day: 30))
        #expect(!CivilDate.isValid(year: 2023, month: 2, day: 29))
        #expect(CivilDate.isValid(year: 2024, month: 2, day: 29))
        #expect(!CivilDate.isValid(year: 1900, month: 2, day: 29))
        #expect(CivilDate.isValid(year: 2000, month: 2, day: 29))
        #expect(!CivilDate.isValid(year: 2024, month: 4, day: 31))
        #expect(!CivilDate.isValid(year: 2024, month: 13, day: 1))
        #expect(!CivilDate.isValid(year: 2024, month: 1, day: 0))
    }
}

@Suite struct TraceInputTests {
    @Test func genericCSVWithCRLFByteOrderMarkAndQuotes() throws {
        let path = try TestData.write("\u{FEFF}\"timestamp\",\"prompt_tokens\",\"output_tokens\"\r\n0,\"100\",10\r\n1.5,200,\"20\"\r\n")
        let rows = try TraceReader(path: path, format: .csv).readAll()
        #expect(rows == [TraceRecord(time: 0, promptTokens: 100, outputTokens: 10), TraceRecord(time: 1.5, promptTokens: 200, outputTokens: 20)])
        #expect(try TraceFormat.detect(path: path) == .csv)
    }

    @Test func azureWithCRLFAndByteOrderMark() throws {
        let path = try TestData.write("\u{FEFF}TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44\r\n2023-11-16 18:15:50.9951690,396,109\r\n")
        #expect(try TraceFormat.detect(path: path) == .azure)
        let rows = try TraceReader(path: path, format: .azure).readAll()
        #expect(rows.count == 2)
        #expect(abs(rows[1].time - 4.314579) < 1e-6)
    }

    @Test func gzipTraceIsRead() throws {
        let path = try writeGzip(Array("timestamp,prompt_tokens,output_tokens\n0,1,2\n5,3,4\n".utf8))
        #expect(try TraceReader(path: path, format: .csv).readAll().count == 2)
    }

    @Test func february30IsRefused() throws {
        let path = try TestData.write("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-28 10:00:00.0,1,1\n2023-02-30 10:00:00.0,1,1\n")
        let reader = try TraceReader(path: path, format: .azure)
        _ = try reader.next()
        do {
            _ = try reader.next()
            Issue.record("expected February 30 to be refused")
        } catch let e as WorkloadError {
            #expect(e.location == path + ":3")
            #expect(e.message.contains("2023-02-30"), "\(e)")
        }
    }

    @Test func hugeTimestampsAndTokenCountsAreRefused() throws {
        for row in ["1e300,1,1", "0,1e3,1", "0,200000000,1", "0,1,-1", "inf,1,1"] {
            let path = try TestData.write("timestamp,prompt_tokens,output_tokens\n\(row)\n")
            #expect(throws: WorkloadError.self, "\(row)") { try TraceReader(path: path, format: .csv).readAll() }
        }
        let mooncake = try TestData.write("{\"timestamp\": 1e300, \"input_length\": 1, \"output_length\": 1}\n", suffix: ".jsonl")
        #expect(throws: WorkloadError.self) { try TraceReader(path: mooncake, format: .mooncake).readAll() }
        let blocks = try TestData.write("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [1e300]}\n", suffix: ".jsonl")
        #expect(throws: WorkloadError.self) { try TraceReader(path: blocks, format: .mooncake).readAll() }
    }

    @Test func missingColumnsOfAGzipTraceAreFoundFromItsHeader() throws {
        // A header without the columns, then 6 MB of rows: refused at line 1.
        let path = try writeGzip(Array(("a,b,c\n" + String(repeating: "1,2,3\n", count: 1_000_000)).utf8))
        #expect(throws: WorkloadError.self) { try TraceReader(path: path, format: .csv) }
    }
}

@Suite struct ServeGenClientsInputTests {
    static let header = "client_id,window_start_s,rate_rps,cv,iat_dist,iat_param1,iat_param2"

    @Test func crlfByteOrderMarkAndQuotesAreRead() throws {
        let path = try TestData.write("\u{FEFF}\(Self.header)\r\n\"0\",0,1.5,2,\"Weibull\",0.5,1\r\n0,600,2.5,2,Weibull,0.5,1\r\n")
        let clients = try ServeGenClients.load(path: path)
        #expect(clients.count == 1)
        #expect(clients[0].rates == [1.5, 2.5])
    }

    @Test func gzipIsDecompressedInProcessWithNoTemporaryFile() throws {
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
                            .filter { $0.hasPrefix("headroom-") && !$0.hasPrefix("headroom-test-") })
        let path = try writeGzip(Array("\(Self.header)\n1,0,1,1,gamma,2,1\n1,600,2,1,gamma,2,1\n".utf8))
        #expect(try ServeGenClients.load(path: path)[0].rates == [1, 2])
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
                           .filter { $0.hasPrefix("headroom-") && !$0.hasPrefix("headroom-test-") })
        #expect(after.subtracting(before).isEmpty)
    }

    @Test func headerIsCheckedBeforeTheRows() throws {
        let path = try writeGzip(Array(("client,start\n" + String(repeating: "1,2\n", count: 2_000_000)).utf8))
        do {
            _ = try ServeGenClients.load(path: path)
            Issue.record("expected a missing column")
        } catch let e as WorkloadError {
            #expect(e.location == path + ":1", "\(e)")
            #expect(e.message.contains("missing column 'client_id'"), "\(e)")
        }
    }

    @Test func duplicateOrFarWindowsAreRefusedNotTrapped() throws {
        let twice = try TestData.write("\(Self.header)\n0,0,1,1,gamma,2,1\n0,0,2,1,gamma,2,1\n")
        #expect(throws: WorkloadError.self) { try ServeGenClients.load(path: twice) }
        let far = try TestData.write("\(Self.header)\n0,0,1,1,gamma,2,1\n0,1e19,2,1,gamma,2,1\n")
        #expect(throws: WorkloadError.self) { try ServeGenClients.load(path: far) }
        let dense = try TestData.write("\(Self.header)\n0,0,1,1,gamma,2,1\n0,0.000001,2,1,gamma,2,1\n0,1e8,2,1,gamma,2,1\n")
        #expect(throws: WorkloadError.self) { try ServeGenClients.load(path: dense) }
    }
}
