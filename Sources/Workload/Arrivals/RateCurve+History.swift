extension RateCurve {
    /// A rate curve from a history CSV of counts per interval: a header
    /// line, a timestamp column in seconds (`timestamp_s` or `timestamp`, or
    /// the first column), and either a rate column (`mean_rps`, requests/s)
    /// or a count column (`requests` or `count`, divided by the interval).
    /// Empty cells (missing intervals) get the rate 0 and are reported in
    /// `missing`.
    public static func fromHistory(path: String) throws -> (curve: RateCurve, missing: Int) {
        let lines = try LineReader(path: path)
        guard let header = lines.next() else { throw WorkloadError(path, "the history is empty (expected a header line)") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let timeColumn = names.firstIndex(of: "timestamp_s") ?? names.firstIndex(of: "timestamp") ?? 0
        let rateColumn = names.firstIndex(of: "mean_rps")
        guard let valueColumn = rateColumn ?? names.firstIndex(of: "requests") ?? names.firstIndex(of: "count") else {
            throw WorkloadError("\(path):1", "expected a 'mean_rps', 'requests' or 'count' column, found \(names.joined(separator: ","))")
        }
        var starts: [Double] = [], values: [Double] = []
        var missing = 0
        while let line = lines.next() {
            if line.isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count > max(timeColumn, valueColumn) else {
                throw WorkloadError(lines.location, "expected at least \(max(timeColumn, valueColumn) + 1) cells, found \(cells.count)")
            }
            guard let t = Double(cells[timeColumn].trimmingCharacters(in: .whitespaces)) else {
                throw WorkloadError(lines.location, "column '\(names[timeColumn])': expected seconds as a number, got '\(cells[timeColumn])'")
            }
            let cell = cells[valueColumn].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty {
                missing += 1
                starts.append(t)
                values.append(0)
                continue
            }
            guard let v = Double(cell), v >= 0, v.isFinite else {
                throw WorkloadError(lines.location, "column '\(names[valueColumn])': expected a number >= 0, got '\(cell)'")
            }
            starts.append(t)
            values.append(v)
        }
        guard starts.count >= 1 else { throw WorkloadError(path, "the history has no rows") }
        let interval = starts.count > 1 ? starts[1] - starts[0] : 1
        let rates = rateColumn != nil ? values : values.map { $0 / interval }
        do {
            return (try RateCurve(starts: starts, rates: rates), missing)
        } catch let e as WorkloadError {
            throw WorkloadError(path, e.message)
        }
    }
}
