import Calibration
import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing
import Yams

/// The inputs of `headroom calibrate`: precise errors, and the bundled
/// profiles refitted from their own `_iterations.csv`.
@Suite struct CalibrationCSVCalibrationTests {
    /// Writes `text` to a fresh temporary file whose name ends in `name`.
    static func messages(_ text: String, iterations: Bool = true) throws -> [String] {
        let path = try TestData.write(text, name: "in.csv")
        do {
            if iterations { _ = try CalibrationCSV.iterations(path: path) } else { _ = try CalibrationCSV.observations(path: path) }
            return []
        } catch let e as ScenarioError {
            return e.issues.map { $0.description.replacingOccurrences(of: path, with: "in.csv") }
        }
    }

    @Test func iterationsAreReadByColumnName() throws {
        let path = try TestData.write("""
            # measured on my box
            iteration_seconds,prefill_tokens,decode_sequences,kv_tokens,prefill_pairs

            9.7ms,0,1,64,0.0
            0.25,1000,0,0,500000.0
            """, name: "it.csv")
        let rows = try CalibrationCSV.iterations(path: path)
        #expect(rows == [
            .init(prefillTokens: 0, decodeSequences: 1, kvTokens: 64, prefillPairs: 0, seconds: 0.0097),
            .init(prefillTokens: 1000, decodeSequences: 0, kvTokens: 0, prefillPairs: 500_000, seconds: 0.25),
        ])
    }

    @Test func everyBadCellIsReportedWithLineAndColumn() throws {
        let header = CalibrationCSV.iterationColumns.joined(separator: ",")
        #expect(try Self.messages("\(header)\n0,1,64,0.0,0.01\n0,1,abc,0.0,0.01\n0,2,64,0.0,-1\n0,0,0,0,0.01\n1,2,3\n") == [
            "in.csv:3: column 'kv_tokens': expected an integer from 0 to 1000000000000, got 'abc'",
            "in.csv:4: column 'iteration_seconds': expected a duration > 0 in seconds (or with a unit such as 250ms), at most 1 day, got '-1'",
            "in.csv:5: column 'decode_sequences': expected prefill_tokens + decode_sequences >= 1 (an iteration batches at least one token), got '0'",
            "in.csv:6: expected 5 comma-separated values (\(header)), got 3",
        ])
        let issues = try Self.messages("prefill_tokens,decode_sequence,kv_tokens,prefill_pairs,iteration_seconds\n0,1,64,0,0.01\n")
        #expect(issues.count == 2)
        #expect(issues[0].hasPrefix("in.csv:1: header: unknown column 'decode_sequence' (expected prefill_tokens,decode_sequences,"))
        #expect(issues[1].hasPrefix("in.csv:1: header: missing column 'decode_sequences'"))
        #expect(try Self.messages("") == ["in.csv: empty file; expected a header line \(header)"])
        #expect(try Self.messages("\(header)\n") == ["in.csv: no data rows after the header"])
        let many = header + "\n" + String(repeating: "x,1,1,1,1\n", count: 50)
        #expect(try Self.messages(many).count == 20)
    }

    @Test func observationsTakeOptionalPercentilesAndUnits() throws {
        let path = try TestData.write("""
            offered_rps,ttft_p50,tpot_p50,ttft_p99
            2,0.45,100ms,
            180/min,0.6,0.12,2.5
            """, name: "obs.csv")
        let rows = try CalibrationCSV.observations(path: path)
        #expect(rows.count == 2)
        #expect(rows[0].offeredRate == 2 && rows[0].targets.map(\.name) == ["ttft_p50", "tpot_p50"])
        #expect(rows[0].targets[1].seconds == 0.1)
        #expect(rows[1].offeredRate == 3 && rows[1].targets.map(\.name) == ["ttft_p50", "tpot_p50", "ttft_p99"])
        #expect(try Self.messages("offered_rps,ttft_p50,tpot_p50\n0,0.4,\n", iterations: false) == [
            "in.csv:2: column 'offered_rps': expected a rate > 0 in requests per second (or with a unit such as 720/min), at most 10000000/s, got '0'",
            "in.csv:2: column 'tpot_p50': expected a duration > 0 in seconds (or with a unit such as 250ms), at most 1 day, got ''",
        ])
        let unknown = try Self.messages("offered_rps,ttft_p50,tpot_p50,e2e_p50\n1,1,1,1\n", iterations: false)
        #expect(unknown.count == 1 && unknown[0].hasPrefix("in.csv:1: header: unknown column 'e2e_p50'"))
    }

    /// The `fit:` section of a bundled profile, as the fitting tool wrote it.
    static func statedFit(_ name: String) throws -> (mape: Double, maxAPE: Double) {
        let text = try String(contentsOfFile: TestData.root.appendingPathComponent("models/hardware/\(name).yaml").path, encoding: .utf8)
        let yaml = try Yams.load(yaml: text) as! [String: Any]
        let fit = yaml["fit"] as! [String: Any]
        return (fit["mape"] as! Double, fit["max_ape"] as! Double)
    }

    @Test(arguments: ["a100-llama2-7b", "h100-llama2-7b", "a100-llama3-8b",
                      "a100-llama2-70b-tp2-pp2", "a100-llama2-70b-tp4", "h100-llama2-70b-tp4"])
    func theBundledProfilesAreReproducedFromTheirIterations(name: String) throws {
        let dir = TestData.root.appendingPathComponent("models/hardware")
        let samples = try CalibrationCSV.iterations(path: dir.appendingPathComponent("\(name)_iterations.csv").path)
        let profile = try HardwareProfileLoader.load(path: dir.appendingPathComponent("\(name).yaml").path)
        let multiGPU = profile.tensorParallel * profile.pipelineParallel > 1
        let fit = try IterationTimeFit.fit(samples, fitsCommunication: multiGPU)
        let stated = try Self.statedFit(name)
        // The committed profile's own error on this data is what its YAML says.
        let committed = IterationTimeFit.Errors(model: profile.iteration, samples: samples)
        #expect(abs(committed.mape - stated.mape) < 1e-4)
        #expect(fit.errors.rows == samples.count)
        #expect(fit.errors.mape <= stated.mape + 0.002)
        #expect(fit.errors.maxAPE <= stated.maxAPE + 0.01)
        if !multiGPU {
            // Same data, same objective, no communication term: the same coefficients.
            let (m, c) = (fit.model, profile.iteration)
            for (a, b) in [(m.fixed + m.linearFloor, c.fixed + c.linearFloor), (m.perToken, c.perToken),
                           (m.perKVToken, c.perKVToken), (m.perPrefillPair, c.perPrefillPair)] {
                #expect(abs(a - b) <= 0.02 * b)
            }
        }
    }
}
