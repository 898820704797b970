import Foundation
import SimulationCore

/// The running state of one arrival source: produces successive arrival
/// times from an ``ArrivalProcess`` and its own random stream.
///
/// ```swift
/// var g = ArrivalGenerator(process: .poisson(rate: 5), stream: root.stream("arrivals/0"))
/// let t1 = g.next(after: 0)
/// ```
package struct ArrivalGenerator: Sendable {
    /// The process generated.
    package let process: ArrivalProcess
    var rng: RandomStream
    var state = 0
    var stateEnd = 0.0
    /// Whether no state or segment has a rate above 0: the source never
    /// sends (the loops below would otherwise look for an arrival forever).
    let silent: Bool
    /// Constant stages: the stage of the last arrival returned, the
    /// stage's arrival times and the next one's index in them.
    package private(set) var stage = -1
    var stageTimes: [Double] = []
    var stageNext = 0

    /// A generator with its own stream.
    package init(process: ArrivalProcess, stream: RandomStream) {
        self.process = process
        self.rng = stream
        switch process {
        case .rateCurve(let c): silent = !(c.peakRate > 0)
        case .modulated(let states): silent = !states.contains { $0.rate > 0 }
        case .constantStages(let c): silent = !c.stages.contains { $0.count > 0 }
        default: silent = false
        }
        if case .modulated(let states) = process {
            stateEnd = Distribution.exponential(mean: states[0].meanHolding).sample(&rng)
        }
    }

    /// The first arrival strictly after `t` (the previous arrival), or
    /// `.infinity` when the source has no more arrivals.
    package mutating func next(after t: Double) -> Double {
        switch process {
        case .poisson(let rate):
            return rate > 0 ? t - log(rng.nextOpenUniform()) / rate : .infinity
        case .renewal(let d):
            return t + d.sample(&rng)
        case .rateCurve(let curve):
            if silent { return .infinity }
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
                // A segment end computed at or before `now` (rounding at a
                // period's boundary) must not stall the loop.
                now = end > now ? end : now.nextUp
            }
        case .modulated(let states):
            if silent { return .infinity }
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
                // Compared before the conversion: a huge quotient cannot trap.
                guard now / w.width < Double(w.rates.count) else { return .infinity }
                let i = Int(now / w.width)
                let end = Double(i + 1) * w.width
                if let d = w.interarrival(window: i) {
                    let candidate = now + d.sample(&rng)
                    if candidate < end { return candidate }
                }
                now = end > now ? end : now.nextUp
            }
        case .constantStages(let c):
            // The schedule is fixed stage by stage; `t` is the previous arrival.
            while stageNext >= stageTimes.count {
                guard stage + 1 < c.stages.count else { return .infinity }
                stage += 1
                stageTimes = c.times(stage: stage, origin: c.origins[stage], rng: &rng)
                stageNext = 0
            }
            defer { stageNext += 1 }
            return stageTimes[stageNext]
        }
    }
}

