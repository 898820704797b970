/// Batch means over simulated time: the measured window is cut into a fixed
/// number of equal time batches, each observation goes to the batch of the
/// time it is recorded, and the batch averages give a Student-t confidence
/// interval for the steady-state mean. Used when the number of observations
/// is not known in advance (open systems).
public struct TimeBatchMeans: Sendable, Equatable {
    /// Start of the first batch.
    public let start: Double
    /// Length of one batch.
    public let width: Double
    private var sums: [Double]
    private var counts: [Int]

    /// `batches` equal batches covering `[start, end)`.
    public init(start: Double, end: Double, batches: Int = 30) {
        precondition(end > start && batches >= 2, "needs end > start and at least 2 batches")
        self.start = start
        self.width = (end - start) / Double(batches)
        sums = Array(repeating: 0, count: batches)
        counts = Array(repeating: 0, count: batches)
    }

    /// Adds an observation made at `time` (ignored outside the window).
    public mutating func record(_ value: Double, at time: Double) {
        let i = Int((time - start) / width)
        guard time >= start, i < sums.count else { return }
        sums[i] += value
        counts[i] += 1
    }

    /// `(mean, halfWidth)` over non-empty batches at `level`; the half-width
    /// is infinite with fewer than two non-empty batches.
    public func confidenceInterval(level: Double = 0.95) -> (mean: Double, halfWidth: Double) {
        var w = Welford()
        for (s, c) in zip(sums, counts) where c > 0 { w.record(s / Double(c)) }
        guard w.count >= 2 else { return (w.mean, .infinity) }
        let t = Quantiles.studentT(0.5 + level / 2, degreesOfFreedom: Double(w.count - 1))
        return (w.mean, t * w.standardDeviation / Double(w.count).squareRoot())
    }
}
