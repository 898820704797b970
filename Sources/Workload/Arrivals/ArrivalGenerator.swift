import Foundation
import SimulationCore

/// The running state of one arrival source: produces successive arrival
/// times from an ``ArrivalProcess`` and its own random stream.
///
/// ```swift
/// var g = ArrivalGenerator(process: .poisson(rate: 5), stream: root.stream("arrivals/0"))
/// let t1 = g.next(after: 0)
/// ```
public struct ArrivalGenerator: Sendable {
    /// The process generated.
    public let process: ArrivalProcess
    var rng: RandomStream
    var state = 0
    var stateEnd = 0.0

    /// A generator with its own stream.
    public init(process: ArrivalProcess, stream: RandomStream) {
        self.process = process
        self.rng = stream
        if case .modulated(let states) = process {
            stateEnd = Distribution.exponential(mean: states[0].meanHolding).sample(&rng)
        }
    }

    /// The first arrival strictly after `t` (the previous arrival), or
    /// `.infinity` when the source has no more arrivals.
    public mutating func next(after t: Double) -> Double {
        switch process {
        case .poisson(let rate):
            return rate > 0 ? t - log(rng.nextOpenUniform()) / rate : .infinity
        case .renewal(let d):
            return t + d.sample(&rng)
        case .rateCurve(let curve):
            // Memorylessness: draw in the current segment; if the draw leaves
            // it, restart from the segment end at the next segment's rate.
            var now = t
            while true {
                let rate = curve.rate(at: now)
                let end = curve.segmentEnd(after: now)
                if rate > 0 {
                    let candidate = now - log(rng.nextOpenUniform()) / rate
                    if candidate < end { return candidate }
                }
                if end == .infinity { return .infinity }
                now = end
            }
        case .modulated(let states):
            var now = t
            while true {
                let rate = states[state].rate
                if rate > 0 {
                    let candidate = now - log(rng.nextOpenUniform()) / rate
                    if candidate < stateEnd { return candidate }
                }
                now = stateEnd
                state = (state + 1) % states.count
                stateEnd = now + Distribution.exponential(mean: states[state].meanHolding).sample(&rng)
            }
        case .windowed(let w):
            var now = t
            while true {
                let i = Int(now / w.width)
                guard i < w.rates.count else { return .infinity }
                let end = Double(i + 1) * w.width
                if let d = w.interarrival(window: i) {
                    let candidate = now + d.sample(&rng)
                    if candidate < end { return candidate }
                }
                now = end
            }
        }
    }
}

