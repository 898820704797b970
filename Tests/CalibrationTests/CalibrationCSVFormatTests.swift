import Calibration
import Foundation
import Scenario
import TestSupport
import Testing

/// Calibration tables as spreadsheets export them: `\r\n` line endings, a
/// UTF-8 byte-order mark, quoted header names and cells.
@Suite struct CalibrationCSVFormatTests {
    @Test func iterationsWithCRLFByteOrderMarkAndQuotes() throws {
        let path = try TestData.write("\u{FEFF}\"prefill_tokens\",\"decode_sequences\",kv_tokens,prefill_pairs,\"iteration_seconds\"\r\n"
                                  + "0,1,64,\"0.0\",\"9.7ms\"\r\n1000,0,0,500000.0,0.25\r\n")
        let rows = try CalibrationCSV.iterations(path: path)
        #expect(rows == [
            .init(prefillTokens: 0, decodeSequences: 1, kvTokens: 64, prefillPairs: 0, seconds: 0.0097),
            .init(prefillTokens: 1000, decodeSequences: 0, kvTokens: 0, prefillPairs: 500_000, seconds: 0.25),
        ])
    }

    @Test func observationsWithCRLFAndByteOrderMark() throws {
        let path = try TestData.write("\u{FEFF}offered_rps,ttft_p50,tpot_p50\r\n2,\"120ms\",30ms\r\n4,150ms,35ms\r\n")
        let rows = try CalibrationCSV.observations(path: path)
        #expect(rows.count == 2)
        #expect(rows[0].offeredRate == 2)
    }

    @Test func anOpenQuoteNamesTheLine() throws {
        let path = try TestData.write("offered_rps,ttft_p50,tpot_p50\n2,\"120ms,30ms\n")
        do {
            _ = try CalibrationCSV.observations(path: path)
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            #expect(e.issues.first?.line == 2)
            #expect(e.issues.first?.message.contains("quoted cell is not closed") == true, "\(e)")
        }
    }
}

/// Values that would overflow or poison the fit are refused with the column named.
@Suite struct CalibrationCSVRangeTests {
    @Test func hugeCountsAreRefusedNotOverflowed() throws {
        let path = try TestData.write(
            "prefill_tokens,decode_sequences,kv_tokens,prefill_pairs,iteration_seconds\n9223372036854775807,1,64,0,0.01\n0,1,64,1e300,0.01\n0,1,64,0,1e300\n")
        do {
            _ = try CalibrationCSV.iterations(path: path)
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            let text = e.issues.map(\.description)
            #expect(text.count == 3, "\(text)")
            #expect(text.first?.contains("column 'prefill_tokens': expected an integer from 0 to 100000000") == true, "\(text)")
        }
    }
}
