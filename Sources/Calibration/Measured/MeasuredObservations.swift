import Foundation
import Workload
import Yams

/// Serving observations read from what users have: Headroom's CSV, vLLM's
/// `benchmark_serving.py`/`vllm bench serve` JSON, a GuideLLM report or an
/// inference-perf experiment folder. The format is detected from content;
/// every input must be of the same format, and their rows are concatenated.
///
/// What maps onto ``ServingCalibration/Observation``:
///
/// | format | offered rate | TTFT targets | TPOT targets |
/// |---|---|---|---|
/// | vLLM | `request_rate` | `median_ttft_ms`, `p90_`/`p99_`/`p99.9_ttft_ms` when present | the same of `tpot` (per request: (latency − TTFT)/(output − 1)) |
/// | GuideLLM | `config.strategy.rate` (`constant`, `poisson`) | `metrics.time_to_first_token_ms.successful` median, p90, p99, p999 | `metrics.inter_token_latency_ms.successful` (GuideLLM's `time_per_output_token_ms` includes the first token, so it is not used) |
/// | inference-perf | the stage's `rate` | `time_to_first_token` median, p90, p99 | the stage's ``StageMeasurement/stepTime`` as a mean (its `time_per_output_token` counts streamed chunks) |
///
/// Runs that give no offered rate (vLLM `request_rate: inf`, GuideLLM
/// `synchronous`, `concurrent`, `throughput`: closed loops) and stages
/// with more than 1% failed requests (their latencies describe only the
/// requests that beat the client's timeout) are left out with a note;
/// nothing left is an error.
package struct MeasuredObservations: Sendable {
    /// The format every input had.
    package var format: BenchmarkFormat
    /// One row per run, stage or benchmark, in input order.
    package var observations: [ServingCalibration.Observation]
    /// What was left out, and why (one line each).
    package var notes: [String]

    /// The largest share of failed requests a stage may have and still be fitted.
    package static let maxFailedFraction = 0.01

    /// Reads `paths` (files, or inference-perf folders).
    ///
    /// - Throws: ``InputError`` with one line for input in no known format
    ///   (saying what was recognised and what is missing), inputs of mixed
    ///   formats, or missing/ill-typed values (file and key path).
    package static func read(paths: [String]) throws -> MeasuredObservations {
        guard !paths.isEmpty else {
            throw InputError(issues: [InputIssue(file: "--observed", key: "", message: "no input given")])
        }
        var result: MeasuredObservations?
        for path in paths {
            let one = try readOne(path)
            if var r = result {
                guard r.format == one.format else {
                    throw InputError(issues: [InputIssue(file: path, key: "", message: "is a \(one.format.title), but \(paths[0]) is a \(r.format.title): give inputs of one format")])
                }
                r.observations += one.observations
                r.notes += one.notes
                result = r
            } else {
                result = one
            }
        }
        var r = result!
        guard !r.observations.isEmpty else {
            throw InputError(issues: [InputIssue(file: paths.joined(separator: ", "), key: "",
                                                 message: "no run with an offered request rate to fit\(r.notes.isEmpty ? "" : ": " + r.notes.joined(separator: "; "))")])
        }
        r.notes = r.notes.filter { !$0.isEmpty }
        return r
    }

    /// Reads one input, detecting its format.
    static func readOne(_ path: String) throws -> MeasuredObservations {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "no such file or folder")])
        }
        if isDirectory.boolValue {
            guard InferencePerfExperiment.recognises(folder: path) else {
                throw InputError(issues: [InputIssue(file: path, key: "", message: "a folder, but not an inference-perf experiment (expected exp-config.yaml or profile.yaml, and results/)")])
            }
            return try inferencePerf(InferencePerfExperiment.read(folder: path))
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "cannot read the file as UTF-8 text")])
        }
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.first == "{" || trimmed.first == "[" {
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // vLLM --append-result: one JSON object per line.
            if lines.count > 1, lines.allSatisfy({ $0.hasPrefix("{") && $0.hasSuffix("}") }) {
                var rows: [ServingCalibration.Observation] = [], notes: [String] = []
                for (i, line) in lines.enumerated() {
                    let node = try parse(line, path: path, line: i + 1)
                    guard isVLLM(node) else { throw unknown(node, path: path) }
                    let r = try vllm(node)
                    rows += r.observations
                    notes += r.notes
                }
                return MeasuredObservations(format: .vllm, observations: rows, notes: notes)
            }
        }
        if let node = try? MeasuredNode(file: path, path: "", node: Yams.compose(yaml: text) ?? Node("")), node.isMapping {
            if (try? node.optional("benchmarks")) != nil { return try guidellm(node) }
            if isVLLM(node) { return try vllm(node) }
            throw unknown(node, path: path)
        }
        if trimmed.first == "{" || trimmed.first == "[" {
            _ = try MeasuredNode.load(path: path)  // reports the JSON error
            throw InputError(issues: [InputIssue(file: path, key: "", message: "JSON, but not an object: expected a vLLM benchmark_serving result or a GuideLLM report")])
        }
        return try csv(path)
    }

    /// Parses one line of a JSON-lines file.
    static func parse(_ text: String, path: String, line: Int) throws -> MeasuredNode {
        do {
            guard let node = try Yams.compose(yaml: text) else { throw InputError(issues: []) }
            return MeasuredNode(file: "\(path):\(line)", path: "", node: node)
        } catch {
            throw InputError(issues: [InputIssue(file: path, line: line, key: "", message: "not a JSON object")])
        }
    }

    /// Whether a mapping has vLLM's keys.
    static func isVLLM(_ node: MeasuredNode) -> Bool {
        node.keys.contains { $0 == "request_rate" || $0.hasSuffix("_ttft_ms") || $0.hasSuffix("_tpot_ms") }
    }

    /// The one-line error for a mapping in no known format.
    static func unknown(_ node: MeasuredNode, path: String) -> InputError {
        let keys = node.keys
        let shown = keys.prefix(8).joined(separator: ", ") + (keys.count > 8 ? ", ... (\(keys.count) keys)" : "")
        return InputError(issues: [InputIssue(file: path, key: "", message: "not a benchmark result headroom reads (found keys \(shown.isEmpty ? "none" : shown)); expected a vLLM benchmark_serving --save-result JSON (request_rate, median_ttft_ms, median_tpot_ms, ...), a GuideLLM report (benchmarks: [...]), an inference-perf experiment folder, or a CSV with offered_rps,ttft_p50,tpot_p50")])
    }

    /// Headroom's CSV, its header checked first so a foreign table gets one line.
    static func csv(_ path: String) throws -> MeasuredObservations {
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
           let header = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
               .first(where: { !$0.isEmpty && !$0.hasPrefix("#") }) {
            let columns = Set(header.split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"\u{FEFF}"))
            })
            let required = ["offered_rps", "ttft_p50", "tpot_p50"]
            let missing = required.filter { !columns.contains($0) }
            if !missing.isEmpty {
                let known = Set(required + CalibrationCSV.observationColumns)
                let recognised = columns.filter { known.contains($0) }.sorted()
                throw InputError(issues: [InputIssue(file: path, line: nil, key: "header", message: "not an observations CSV: missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) (recognised: \(recognised.isEmpty ? "none" : recognised.joined(separator: ", ")) of \(columns.count) columns); expected offered_rps,ttft_p50,tpot_p50[,ttft_p90,...], or a vLLM/GuideLLM JSON or an inference-perf folder")])
            }
        }
        return MeasuredObservations(format: .csv, observations: try CalibrationCSV.observations(path: path), notes: [])
    }
}
