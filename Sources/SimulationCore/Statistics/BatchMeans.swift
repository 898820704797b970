/// Confidence intervals for the steady-state mean of a correlated output
/// sequence (waits of successive customers) by the method of batch means:
/// the sequence is cut into consecutive batches of fixed size, and batch
/// averages — nearly independent when batches are long — are treated as
/// i.i.d. samples with a Student-t interval.
///
/// ```swift
/// var bm = BatchMeans(batchSize: 10_000)
/// for w in waits { bm.record(w) }
/// let ci = bm.confidenceInterval(level: 0.99)
/// ```
public struct BatchMeans: Sendable, Equatable {
    /// Observations per batch.
    public let batchSize: Int
    private var current = 0.0
    private var inCurrent = 0
    /// Statistics of the completed batch averages.
    public private(set) var batches = Welford()

    /// Batches of `batchSize` observations each.
    public init(batchSize: Int) {
        precondition(batchSize > 0, "batch size must be > 0")
        self.batchSize = batchSize
    }

    /// Adds one observation; a full batch is closed automatically.
    public mutating func record(_ x: Double) {
        current += x
        inCurrent += 1
        if inCurrent == batchSize {
            batches.record(current / Double(batchSize))
            current = 0
            inCurrent = 0
        }
    }

    /// Mean over completed batches.
    public var mean: Double { batches.mean }

    /// A two-sided interval `(mean, halfWidth)` at `level` (e.g. 0.95) over
    /// the completed batches; needs at least 2 batches.
    public func confidenceInterval(level: Double = 0.95) -> (mean: Double, halfWidth: Double) {
        let k = batches.count
        guard k >= 2 else { return (batches.mean, .infinity) }
        let t = Quantiles.studentT(0.5 + level / 2, degreesOfFreedom: Double(k - 1))
        return (batches.mean, t * batches.standardDeviation / Double(k).squareRoot())
    }
}
