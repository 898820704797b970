import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// A replayed trace is read once during the run; a bad row stops the run
/// with an error naming its line, and `checkTrace` finds it up front.
@Suite struct TraceReplayTests {
    static func config(_ text: String) throws -> (ServingConfiguration, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let c = ServingConfiguration(name: "replay", seed: 1, duration: 100, warmup: 0,
                                     arrivals: .trace(TraceReplay(path: path, format: .csv)),
                                     sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                                     replicas: ReplicaConfiguration(count: 1, batching: .unbatched, service: .deterministic(0.01)))
        return (c, path)
    }

    @Test func aBadRowStopsTheRunWithItsLine() throws {
        let (c, path) = try Self.config("timestamp,prompt_tokens,output_tokens\n1,10,5\n2,10,5\n3,ten,5\n4,10,5\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try ServingRun(configuration: c)  // the first row is fine
        let error = #expect(throws: WorkloadError.self) { try run.execute() }
        #expect(error?.location == path + ":4")
        #expect(throws: WorkloadError.self) { try ServingRun.checkTrace(TraceReplay(path: path, format: .csv)) }
    }

    @Test func anEmptyTraceIsRefusedBeforeTheRun() throws {
        let (c, path) = try Self.config("timestamp,prompt_tokens,output_tokens\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: WorkloadError.self) { try ServingRun(configuration: c) }
    }

    /// Records that share a timestamp arrive together, or, with
    /// `spreadTies`, evenly spaced up to the next timestamp; the last batch
    /// has no next timestamp and stays together.
    @Test func tiesArriveTogetherOrSpreadToTheNextTimestamp() throws {
        let rows = "timestamp,prompt_tokens,output_tokens\n" + ["0", "0", "0", "0", "1", "1", "3", "3"].map { "\($0),10,5\n" }.joined()
        for spread in [false, true] {
            var (c, path) = try Self.config(rows)
            defer { try? FileManager.default.removeItem(atPath: path) }
            c.arrivals = .trace(TraceReplay(path: path, format: .csv, spreadTies: spread))
            c.recordRequests = true
            let (_, m) = try ServingRun(configuration: c).execute()
            let arrivals = m.completions.map(\.arrival).sorted()
            #expect(arrivals == (spread ? [0, 0.25, 0.5, 0.75, 1, 2, 3, 3] : [0, 0, 0, 0, 1, 1, 3, 3]), "\(arrivals)")
        }
    }

    @Test func checkTraceCountsTheRows() throws {
        let (_, path) = try Self.config("timestamp,prompt_tokens,output_tokens\n1,10,5\n2,10,5\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ServingRun.checkTrace(TraceReplay(path: path, format: .csv)) == 2)
    }
}
