import Foundation
import Workload

/// Other tools' forecasts of the benchmark's windows, as `tools/forecast_anchors.py` writes them:
/// CSV `series,method,origin,h,y,yhat,p50,p90,p99,fit_seconds`, one row per series, method, origin
/// (interval index) and step `h` (1-based). ``ForecastBenchmark`` scores them window for window
/// beside Headroom's methods; a window the benchmark scores that the file lacks, or a `y` that is
/// not the series' value, is an error (the two were not run on the same protocol or data).
package struct AnchorForecasts: Sendable {
    /// One window: per step the point forecast and the p50, p90, p99; the fit's seconds.
    struct Window: Sendable {
        var y: [Double?]
        var point: [Double?]
        var quantiles: [[Double?]]
        var fitSeconds: Double
    }

    /// The file read.
    package var file: String
    /// Method names, in order of first appearance.
    package var methods: [String]
    /// `[method][series][origin]`.
    var windows: [String: [String: [Int: Window]]]
    /// The line of each window's first row, for errors.
    var lines: [String: [String: [Int: Int]]]

    /// The columns a file must have.
    package static let columns = ["series", "method", "origin", "h", "y", "yhat", "p50", "p90", "p99", "fit_seconds"]

    /// Reads an anchors file.
    ///
    /// - Throws: ``ForecastingError/invalidAnchors(location:reason:)`` naming the file, line and column.
    package static func read(path: String) throws -> AnchorForecasts {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ForecastingError.invalidAnchors(location: path, reason: "no such file or not readable")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses the text of an anchors file called `file`.
    package static func parse(_ text: String, file: String) throws -> AnchorForecasts {
        func fail(_ line: Int, _ what: String) -> ForecastingError {
            .invalidAnchors(location: "\(file):\(line)", reason: "expected " + what)
        }
        var lineNumber = 0
        var index: [String: Int] = [:]
        var out = AnchorForecasts(file: file, methods: [], windows: [:], lines: [:])
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if index.isEmpty {
                for (k, c) in cells.enumerated() { index[c.lowercased()] = k }
                let absent = columns.filter { index[$0] == nil }
                guard absent.isEmpty else {
                    throw fail(lineNumber, "a header with the columns \(columns.joined(separator: ",")) (missing: \(absent.joined(separator: ",")))")
                }
                continue
            }
            func cell(_ name: String) throws -> String {
                let k = index[name]!
                guard k < cells.count else { throw fail(lineNumber, "\(index.count) cells, got \(cells.count)") }
                return cells[k]
            }
            func number(_ name: String, optional: Bool = false) throws -> Double? {
                let text = try cell(name)
                if optional && (text.isEmpty || text == "None" || text.lowercased() == "nan") { return nil }
                guard let v = Double(text), v.isFinite else {
                    throw fail(lineNumber, "column '\(name)': a finite number, got '\(text)'")
                }
                return v
            }
            let series = try cell("series"), method = try cell("method")
            guard !series.isEmpty, !method.isEmpty else { throw fail(lineNumber, "a series and a method name") }
            guard let origin = Int(try cell("origin")), origin >= 0 else {
                throw fail(lineNumber, "column 'origin': an interval index >= 0, got '\(try cell("origin"))'")
            }
            guard let h = Int(try cell("h")), (1...ModelLimits.maxHorizon).contains(h) else {
                throw fail(lineNumber, "column 'h': a step from 1 to \(ModelLimits.maxHorizon), got '\(try cell("h"))'")
            }
            let y = try number("y", optional: true)
            let point = try number("yhat"), p50 = try number("p50"), p90 = try number("p90"), p99 = try number("p99")
            let fit = try number("fit_seconds")!
            if !out.methods.contains(method) { out.methods.append(method) }
            var w = out.windows[method, default: [:]][series, default: [:]][origin]
                ?? Window(y: [], point: [], quantiles: [[], [], []], fitSeconds: fit)
            func put(_ array: inout [Double?], _ value: Double?) {
                if array.count < h { array += [Double?](repeating: nil, count: h - array.count) }
                array[h - 1] = value
            }
            put(&w.y, y); put(&w.point, point)
            put(&w.quantiles[0], p50); put(&w.quantiles[1], p90); put(&w.quantiles[2], p99)
            out.windows[method, default: [:]][series, default: [:]][origin] = w
            if out.lines[method, default: [:]][series, default: [:]][origin] == nil {
                out.lines[method, default: [:]][series, default: [:]][origin] = lineNumber
            }
        }
        guard !index.isEmpty else { throw fail(1, "a header with the columns \(columns.joined(separator: ","))") }
        return out
    }

    /// `method`'s forecasts of every series' scored origins, and the seconds its fits took.
    ///
    /// - Throws: when a scored window is absent or incomplete, or its `y` differs from the series' value.
    func forecasts(method: String, histories: [LoadSeries], splits: [ForecastBenchmark.Series], horizon: Int) throws
        -> (forecasts: [ForecastBenchmark.Forecasts], fitSeconds: Double) {
        var out: [ForecastBenchmark.Forecasts] = [], fit = 0.0
        for (history, split) in zip(histories, splits) {
            var f = ForecastBenchmark.Forecasts(point: [], quantiles: [[], [], []])
            for o in split.origins {
                guard let w = windows[method]?[split.name]?[o] else {
                    throw ForecastingError.invalidAnchors(
                        location: file, reason: "\(method) has no forecast for \(split.name) at origin \(o), a window the benchmark scores "
                            + "(run tools/forecast_anchors.py with the same --horizon, --test-days and --origin-step on the same folder)")
                }
                let line = lines[method]![split.name]![o]!
                guard w.point.count >= horizon, w.point.prefix(horizon).allSatisfy({ $0 != nil }),
                      w.quantiles.allSatisfy({ $0.count >= horizon && $0.prefix(horizon).allSatisfy { $0 != nil } }) else {
                    throw ForecastingError.invalidAnchors(location: "\(file):\(line)",
                                                          reason: "\(method), \(split.name), origin \(o): expected rows h = 1 … \(horizon)")
                }
                for h in 0..<horizon {
                    let actual = history.values[o + h]
                    if let y = w.y[h], abs(y - actual) > 1e-6 * max(1, abs(actual)) {
                        throw ForecastingError.invalidAnchors(
                            location: "\(file):\(line)",
                            reason: "\(split.name) origin \(o) h \(h + 1): y = \(y), but the series holds \(actual) (the anchors were run on other data)")
                    }
                }
                fit += w.fitSeconds
                f.point.append(w.point.prefix(horizon).map { $0! })
                for k in 0..<3 { f.quantiles[k].append(w.quantiles[k].prefix(horizon).map { $0! }) }
            }
            out.append(f)
        }
        return (out, fit)
    }
}
