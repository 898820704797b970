import Foundation

/// Reads ServeGen's per-client window statistics
/// (`servegen_<model>_client_windows.csv.gz`, or the plain CSV):
/// `client_id,window_start_s,rate_rps,cv,iat_dist,iat_param1,iat_param2`.
/// Each client becomes one ``ClientWindows``; the fitted family's shape
/// (`iat_param1`) is kept and its scale set so the mean matches `rate_rps`.
///
/// A gzip file is decompressed in-process as it is read, and the header is
/// checked before any row (see ``LineReader`` for the size limits). Window
/// starts are seconds from 0 to 10⁸, at most ``maxWindows`` windows per
/// client and ``maxRows`` rows in all.
package enum ServeGenClients {
    /// Most windows one client may span (10⁶: 19 years of 10-minute windows).
    package static let maxWindows = 1_000_000
    /// Most rows a file may have (5·10⁶; ServeGen's files have about 10⁵).
    package static let maxRows = 5_000_000

    /// Loads every client of the file, ordered by client id.
    package static func load(path: String) throws -> [ClientWindows] {
        let lines = try LineReader(path: path)
        func location() -> String { "\(path):\(lines.lineNumber)" }
        guard let header = try lines.next() else { throw WorkloadError(path, "the file is empty") }
        let names = try CSVLine.cells(header, at: location())
        let wanted = ["client_id", "window_start_s", "rate_rps", "cv", "iat_dist", "iat_param1"]
        var col: [String: Int] = [:]
        for w in wanted {
            guard let i = names.firstIndex(of: w) else {
                throw WorkloadError(location(), "missing column '\(w)' (expected ServeGen client windows: \(wanted.joined(separator: ",")),iat_param2)")
            }
            col[w] = i
        }
        let needed = col.values.max()! + 1
        var rows = 0
        var byClient: [Int: [(start: Double, rate: Double, family: ClientWindows.Family, line: Int)]] = [:]
        while let line = try lines.next() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            rows += 1
            guard rows <= maxRows else { throw WorkloadError(location(), "more than \(maxRows) rows; expected at most \(maxRows)") }
            let cells = try CSVLine.cells(line, at: location())
            guard cells.count >= needed else {
                throw WorkloadError(location(), "expected \(names.count) cells, found \(cells.count)")
            }
            func num(_ key: String) throws -> Double {
                let cell = cells[col[key]!]
                guard let v = Double(cell), v.isFinite else {
                    throw WorkloadError(location(), "column '\(key)': expected a number, got '\(cell)'")
                }
                return v
            }
            guard let client = Int(cells[col["client_id"]!]) else {
                throw WorkloadError(location(), "column 'client_id': expected an integer, got '\(cells[col["client_id"]!])'")
            }
            let rate = try num("rate_rps")
            guard rate >= 0 else { throw WorkloadError(location(), "column 'rate_rps': expected a rate >= 0, got \(rate)") }
            let start = try num("window_start_s")
            guard start >= 0 && start <= 1e8 else {
                throw WorkloadError(location(), "column 'window_start_s': expected seconds from 0 to 1e8, got '\(cells[col["window_start_s"]!])'")
            }
            let family: ClientWindows.Family
            switch cells[col["iat_dist"]!].lowercased() {
            case "weibull":
                let k = try num("iat_param1")
                family = k > 0 ? .weibull(shape: k) : .exponential
            case "gamma":
                let k = try num("iat_param1")
                family = k > 0 ? .gamma(shape: k) : .exponential
            default:
                family = .exponential
            }
            byClient[client, default: []].append((start, rate, family, lines.lineNumber))
        }
        guard !byClient.isEmpty else { throw WorkloadError(path, "no client rows") }
        return try byClient.keys.sorted().map { id in
            let rows = byClient[id]!.sorted { $0.start < $1.start }
            for (a, b) in zip(rows, rows.dropFirst()) where b.start == a.start {
                throw WorkloadError("\(path):\(max(a.line, b.line))", "client \(id) has two rows for window_start_s \(b.start) (expected one row per window)")
            }
            let width = rows.count > 1 ? rows[1].start - rows[0].start : 600
            let span = (rows.last!.start / width).rounded() + 1
            guard span <= Double(maxWindows) else {
                throw WorkloadError("\(path):\(rows.last!.line)",
                                    "client \(id) spans \(String(format: "%.3g", span)) windows of \(width) s; expected at most \(maxWindows)")
            }
            let windows = Int(span)
            var rates = [Double](repeating: 0, count: windows)
            var families = [ClientWindows.Family](repeating: .exponential, count: windows)
            for r in rows {
                let i = Int((r.start / width).rounded())
                rates[i] = r.rate
                families[i] = r.family
            }
            return ClientWindows(width: width, rates: rates, families: families)
        }
    }
}
