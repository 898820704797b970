/// Counts (or sums) events into fixed-width bins of simulated time, for time
/// series output. Memory grows with simulated time divided by the bin width,
/// never with the number of events.
///
/// ```swift
/// var c = TimeBinnedCounter(width: 10)
/// c.add(1, at: 12.5)      // bin 1 covers [10, 20)
/// c.value(inBin: 1)       // 1
/// ```
public struct TimeBinnedCounter: Sendable, Equatable {
    /// Bin width in seconds.
    public let width: SimulationTime
    /// Time at which bin 0 starts.
    public let origin: SimulationTime
    /// Per-bin totals.
    @inlinable public var bins: [Double] { _bins }
    @usableFromInline var _bins: [Double] = []

    /// A counter with bins of `width` seconds starting at `origin`.
    public init(width: SimulationTime, origin: SimulationTime = 0) {
        precondition(width > 0, "bin width must be > 0")
        self.width = width
        self.origin = origin
    }

    /// Index of the bin holding `time` (negative times go to bin 0).
    @inlinable
    public func bin(at time: SimulationTime) -> Int {
        Swift.max(0, Int((time - origin) / width))
    }

    /// Adds `amount` to the bin containing `time`.
    @inlinable
    public mutating func add(_ amount: Double = 1, at time: SimulationTime) {
        let b = bin(at: time)
        if b >= _bins.count { grow(to: b + 1) }
        _bins[b] += amount
    }

    /// Ensures bins exist up to `count`, zero-filled.
    @inlinable
    public mutating func grow(to count: Int) {
        if count > _bins.count { _bins.append(contentsOf: repeatElement(0, count: count - _bins.count)) }
    }

    /// The total in bin `index` (0 beyond the last touched bin).
    public func value(inBin index: Int) -> Double {
        index < _bins.count ? _bins[index] : 0
    }
}
