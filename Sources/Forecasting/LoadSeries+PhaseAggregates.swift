import Workload

extension LoadSeries {
    /// The series summed to a coarser `interval` (a whole multiple `k` >= 2 of
    /// its own) at each of the `k` phases: phase `p` sums intervals
    /// `p + k·j … p + k·j + k − 1`. An aggregate is missing when any of its
    /// parts is; exogenous columns are averaged over the parts. Ten-minute
    /// counts give six hourly series shifted by ten minutes each: six times
    /// the training windows of the hourly series for an LSTM, from the same
    /// observations. `nil` when `interval` is not such a multiple.
    ///
    /// - Complexity: O(count).
    package func phaseAggregates(interval coarse: Double) -> [LoadSeries]? {
        let ratio = coarse / interval
        let k = Int(ratio.rounded())
        guard k >= 2, abs(ratio - Double(k)) < 1e-6 else { return nil }
        return (0..<k).compactMap { phase -> LoadSeries? in
            let count = (self.count - phase) / k
            guard count > 0 else { return nil }
            var values: [Double] = [], missing: [Bool] = [], stamps: [Double] = []
            var exogenous = exogenousNames.map { _ in [Double]() }
            for j in 0..<count {
                let parts = (phase + k * j)..<(phase + k * j + k)
                stamps.append(timestamps[parts.lowerBound])
                values.append(parts.reduce(0) { $0 + self.values[$1] })
                missing.append(parts.contains { self.missing[$0] })
                for c in exogenous.indices { exogenous[c].append(parts.reduce(0) { $0 + self.exogenous[c][$1] } / Double(k)) }
            }
            return LoadSeries(name: "\(name)@\(phase)/\(k)", timestamps: stamps, interval: coarse, values: values,
                              missing: missing, exogenousNames: exogenousNames, exogenous: exogenous, utcOffset: utcOffset)
        }
    }
}
