/// The time average of a piecewise-constant quantity (queue length, busy
/// servers, replicas ready): the integral of the value over time divided by
/// the elapsed time.
///
/// ```swift
/// var q = TimeWeightedAverage(start: 0)
/// q.update(to: 3, at: 1)   // 0 on [0, 1), then 3
/// q.average(at: 2)         // 1.5
/// ```
public struct TimeWeightedAverage: Sendable, Equatable {
    /// When accumulation started.
    public private(set) var start: SimulationTime
    /// The current value.
    public private(set) var value: Double
    var lastTime: SimulationTime
    var area: Double = 0
    /// Largest value seen.
    public private(set) var peak: Double

    /// Starts at `start` with `value`.
    public init(start: SimulationTime, value: Double = 0) {
        self.start = start
        self.value = value
        self.lastTime = start
        self.peak = value
    }

    /// Sets a new value from time `time` on.
    public mutating func update(to newValue: Double, at time: SimulationTime) {
        area += value * (time - lastTime)
        lastTime = time
        value = newValue
        if newValue > peak { peak = newValue }
    }

    /// Forgets the past: averaging restarts at `time` (end of warm-up).
    public mutating func reset(at time: SimulationTime) {
        start = time
        lastTime = time
        area = 0
        peak = value
    }

    /// Integral of the value from the start up to `time`.
    public func integral(at time: SimulationTime) -> Double {
        area + value * (time - lastTime)
    }

    /// The time average from the start up to `time`.
    public func average(at time: SimulationTime) -> Double {
        let span = time - start
        return span > 0 ? integral(at: time) / span : value
    }
}
