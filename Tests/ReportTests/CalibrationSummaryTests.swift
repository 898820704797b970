import Calibration
import Foundation
import Report
import TestSupport
import Testing

/// What `headroom calibrate` prints for a fit from measured iterations:
/// the JSON report's fields and the terminal table.
@Suite struct CalibrationSummaryTests {
    /// The bundled Llama-2-7B iterations, fitted as `calibrate` fits them on one GPU.
    static func fit() throws -> IterationTimeFit {
        let samples = try CalibrationCSV.iterations(path: TestData.path("models/hardware/a100-llama2-7b_iterations.csv"))
        return try IterationTimeFit.fit(samples, fitsCommunication: false)
    }

    @Test func theJSONReportHasTheDocumentedFields() throws {
        let fit = try Self.fit()
        let text = try JSONOutput.encode(IterationFitReport(profile: "out.yaml", name: "mine", fit: fit))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["profile", "name", "rows", "coefficients", "knee_tokens", "errors", "errors_by_kind", "unconstrained"])
        #expect(json["profile"] as? String == "out.yaml" && json["name"] as? String == "mine")
        #expect(json["rows"] as? Int == fit.errors.rows)
        let coefficients = try #require(json["coefficients"] as? [String: Double])
        #expect(Set(coefficients.keys) == ["fixed", "linear_floor", "per_token", "per_kv_token", "per_prefill_pair", "per_token_comm"])
        // Equal to the last digit or two: JSON text round-trips a Double only that closely here.
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-12 * abs(b) } ?? false }
        #expect(close(coefficients["per_kv_token"], fit.model.perKVToken) && coefficients["per_token_comm"] == 0)
        #expect(close(json["knee_tokens"] as? Double, fit.knee))
        let byKind = try #require(json["errors_by_kind"] as? [String: [String: Any]])
        #expect(Set(byKind.keys) == Set(fit.errorsByKind.keys.map(\.rawValue)))
        #expect(Set(try #require(byKind["decode"]).keys) == ["rows", "mape", "p95_ape", "max_ape"])
    }

    @Test func theTableNamesTheFileTheCoefficientsAndTheErrors() throws {
        let fit = try Self.fit()
        let lines = CalibrationSummary.iterations(fit, out: "out.yaml", name: "mine", input: "in.csv").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "out.yaml: mine, fitted to \(fit.errors.rows) iterations of in.csv")
        #expect(lines.contains { $0.hasPrefix("knee (linear_floor/per_token)") && $0.hasSuffix(" tokens") })
        // The coefficients and the errors are two tables, a blank line apart.
        let blank = try #require(lines.firstIndex(of: ""))
        #expect(lines[blank + 1].hasPrefix("iterations") && lines.contains { $0.hasPrefix("all ") })
        #expect(lines[1...].contains { $0.hasPrefix("per_token_comm") && $0.hasSuffix("0 s") })
    }
}
