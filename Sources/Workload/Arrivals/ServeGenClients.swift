import Foundation

/// Reads ServeGen's per-client window statistics
/// (`servegen_<model>_client_windows.csv.gz`, gunzipped, or the plain CSV):
/// `client_id,window_start_s,rate_rps,cv,iat_dist,iat_param1,iat_param2`.
/// Each client becomes one ``ClientWindows``; the fitted family's shape
/// (`iat_param1`) is kept and its scale set so the mean matches `rate_rps`.
public enum ServeGenClients {
    /// Loads every client of the file, ordered by client id. A `.gz` file
    /// is decompressed with the system's `gzip -dc`.
    public static func load(path: String) throws -> [ClientWindows] {
        let textPath: String
        var cleanup: String?
        if path.hasSuffix(".gz") {
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-\(getpid())-\(UUID().uuidString).csv").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "gzip -dc \"$0\" > \"$1\"", path, tmp]
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                try? FileManager.default.removeItem(atPath: tmp)
                throw WorkloadError(path, "cannot decompress (gzip -dc failed with status \(p.terminationStatus))")
            }
            textPath = tmp
            cleanup = tmp
        } else {
            textPath = path
        }
        defer { if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) } }

        let lines = try LineReader(path: textPath)
        func location() -> String { "\(path):\(lines.lineNumber)" }
        guard let header = lines.next() else { throw WorkloadError(path, "the file is empty") }
        let names = header.split(separator: ",").map(String.init)
        let wanted = ["client_id", "window_start_s", "rate_rps", "cv", "iat_dist", "iat_param1"]
        var col: [String: Int] = [:]
        for w in wanted {
            guard let i = names.firstIndex(of: w) else {
                throw WorkloadError(location(), "missing column '\(w)' (expected ServeGen client windows: \(wanted.joined(separator: ",")),iat_param2)")
            }
            col[w] = i
        }
        var byClient: [Int: [(start: Double, rate: Double, family: ClientWindows.Family)]] = [:]
        while let line = lines.next() {
            if line.isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count >= names.count else {
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
            byClient[client, default: []].append((try num("window_start_s"), rate, family))
        }
        guard !byClient.isEmpty else { throw WorkloadError(path, "no client rows") }
        return byClient.keys.sorted().map { id in
            let rows = byClient[id]!.sorted { $0.start < $1.start }
            let width = rows.count > 1 ? rows[1].start - rows[0].start : 600
            let windows = Int(((rows.last!.start) / width).rounded()) + 1
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
