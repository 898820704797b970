import Foundation

/// Reads a Prometheus `/api/v1/query_range` response saved as a file
/// (`curl .../api/v1/query_range?query=...&start=...&end=...&step=5m > h.json`):
///
/// ```json
/// {"status": "success",
///  "data": {"resultType": "matrix",
///           "result": [{"metric": {"job": "vllm"},
///                       "values": [[1704067500, "205.35"], [1704067800, "NaN"]]}]}}
/// ```
///
/// - `status` must be `success`; an `error` response is refused with its
///   `errorType` and `error`.
/// - `resultType` must be `matrix` (a range query); each result's `values`
///   are `[unix seconds, "value"]` pairs, the value a string as Prometheus
///   writes it; `"NaN"`, `"+Inf"` and `"-Inf"` are missing samples.
/// - Several series are summed step by step (a note says how many).
/// - A response does not hold its query, so it does not say whether the
///   values are a rate: only a bare `_total` metric (its `__name__` kept, no
///   function applied) is known to be a counter. A top-level `"query"` key,
///   when the file has one (`jq '. + {query: "sum(rate(x[5m]))"}'`), is read
///   as the query (``HistoryValues/infer(from:)``).
///
/// Errors name the JSON path: `data.result[0].values[12][1]`.
package enum PrometheusMatrix {
    /// Largest file read: 256 MiB.
    package static let maxBytes = 256 << 20

    /// Reads the response at `path`.
    package static func read(path: String) throws -> HistorySamples {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HistoryFormatError(file: path, "cannot read: no such file or not readable")
        }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: maxBytes + 1)
        guard data.count <= maxBytes else { throw HistoryFormatError(file: path, "expected at most 256 MiB of JSON, got more") }
        return try parse(data: data, file: path)
    }

    /// Parses response bytes; `file` names it in errors.
    package static func parse(data: Data, file: String) throws -> HistorySamples {
        func fail(_ at: String, _ message: String) -> HistoryFormatError { HistoryFormatError(file: file, location: at, message) }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw fail("", "expected JSON (a Prometheus /api/v1/query_range response), got text that does not parse as JSON")
        }
        guard let top = json as? [String: Any] else { throw fail("(top level)", "expected an object with \"status\" and \"data\"") }
        let status = top["status"] as? String
        if status == "error" {
            let kind = top["errorType"] as? String ?? "error"
            throw fail("status", "the response is an error, not data: \(kind): \(top["error"] as? String ?? "(no message)")")
        }
        guard status == "success" else { throw fail("status", "expected \"success\", got \(describe(top["status"]))") }
        guard let body = top["data"] as? [String: Any] else { throw fail("data", "expected an object with \"resultType\" and \"result\"") }
        guard let type = body["resultType"] as? String, type == "matrix" else {
            let got = describe(body["resultType"])
            throw fail("data.resultType", "expected \"matrix\" (a range query, /api/v1/query_range), got \(got)"
                       + (got == "\"vector\"" ? ": an instant query holds one sample per series" : ""))
        }
        guard let result = body["result"] as? [Any] else { throw fail("data.result", "expected an array of series") }
        guard !result.isEmpty else { throw fail("data.result", "expected at least one series, got none (the query matched nothing)") }
        var series: [HistorySamples.Series] = []
        var names = Set<String>()
        var unknownName = false
        var nonFinite = 0
        for (r, item) in result.enumerated() {
            let at = "data.result[\(r)]"
            guard let entry = item as? [String: Any] else { throw fail(at, "expected an object with \"metric\" and \"values\"") }
            let metric = entry["metric"] as? [String: Any] ?? [:]
            if let name = metric["__name__"] as? String { names.insert(name) } else { unknownName = true }
            let labels = "{" + metric.keys.sorted().map { "\($0)=\"\(metric[$0].map { "\($0)" } ?? "")\"" }.joined(separator: ",") + "}"
            guard let values = entry["values"] as? [Any] else {
                if entry["histograms"] != nil { throw fail(at + ".histograms", "expected float samples (\"values\"), got native histograms") }
                throw fail(at + ".values", "expected an array of [time, \"value\"] pairs")
            }
            var times: [Double] = [], ys: [Double] = [], locations: [String] = []
            times.reserveCapacity(values.count); ys.reserveCapacity(values.count); locations.reserveCapacity(values.count)
            for (i, pair) in values.enumerated() {
                let p = "\(at).values[\(i)]"
                guard let pair = pair as? [Any], pair.count == 2 else { throw fail(p, "expected a [time, \"value\"] pair, got \(describe(pair))") }
                guard let t = number(pair[0]), t.isFinite, t >= LoadSeriesCSV.earliestTime, t < LoadSeriesCSV.latestTime else {
                    throw fail(p + "[0]", "expected Unix seconds from 1970 to 2199, got \(describe(pair[0]))")
                }
                let v: Double
                if let text = pair[1] as? String {
                    switch text {
                    case "NaN", "+Inf", "-Inf", "Inf": v = .nan; nonFinite += 1
                    default:
                        guard let d = Double(text), d.isFinite else {
                            throw fail(p + "[1]", "expected a number in a string (\"12.5\", \"NaN\", \"+Inf\"), got \(describe(pair[1]))")
                        }
                        v = d
                    }
                } else if let d = number(pair[1]), d.isFinite {
                    v = d
                } else {
                    throw fail(p + "[1]", "expected a number in a string (\"12.5\", \"NaN\", \"+Inf\"), got \(describe(pair[1]))")
                }
                times.append(t); ys.append(v); locations.append(p)
            }
            series.append(.init(labels: labels, times: times, values: ys, locations: locations))
        }
        var label = top["query"] as? String ?? ""
        if label.isEmpty && !unknownName && names.count == 1 { label = names.first! }
        var notes: [String] = []
        if series.count > 1 {
            notes.append("\(file): summed \(series.count) series step by step (\(series.prefix(3).map(\.labels).joined(separator: ", "))\(series.count > 3 ? ", ..." : ""))")
        }
        if nonFinite > 0 { notes.append("\(file): \(nonFinite) samples are NaN or ±Inf: read as missing") }
        var name = (file as NSString).lastPathComponent
        name = (name as NSString).deletingPathExtension
        return HistorySamples(file: file, name: name, label: label, series: series, zone: nil, notes: notes)
    }

    static func number(_ any: Any) -> Double? {
        if any is String { return nil }
        if let d = any as? Double { return d }
        if let i = any as? Int { return Double(i) }
        if let n = any as? NSNumber { return n.doubleValue }
        return nil
    }

    static func describe(_ any: Any?) -> String {
        guard let any else { return "nothing" }
        if let s = any as? String { return "\"\(s.prefix(60))\"" }
        if any is [Any] { return "an array" }
        if any is [String: Any] { return "an object" }
        if any is NSNull { return "null" }
        return "\(any)"
    }
}
