import Foundation
import SimulationCore

/// inference-perf's `load.type: constant` with `load.stages`, as its
/// `ConstantLoadTimer` schedules them (kubernetes-sigs/inference-perf,
/// `inference_perf/loadgen/load_timer.py` and `load_generator.py`): stage
/// `k` sends `floor(rate · duration)` requests whose gaps are exponential
/// draws of mean `1/rate` rescaled so that they sum to the stage's duration
/// exactly. The first request of a stage comes one (rescaled) gap after the
/// stage's origin, the last one exactly at `origin + duration`. The next
/// stage's origin is `gap` seconds after that (inference-perf sleeps
/// `load.interval`, 1 s, then schedules the next stage 1 s ahead; it also
/// waits for the stage's requests to finish first, which a fixed gap does
/// not model). Stage 0's origin is time 0.
package struct ConstantStages: Sendable, Equatable {
    /// One stage: a request rate held for a duration.
    package struct Stage: Sendable, Equatable {
        /// Requests per second.
        package var rate: Double
        /// Seconds.
        package var duration: Double
        /// A stage.
        package init(rate: Double, duration: Double) {
            self.rate = rate
            self.duration = duration
        }
        /// Requests the stage sends: `floor(rate · duration)`, as inference-perf counts them.
        package var count: Int { Int((rate * duration).rounded(.down)) }
    }

    /// The stages, in order.
    package var stages: [Stage]
    /// Seconds from one stage's last request to the next stage's origin.
    package var gap: Double
    /// inference-perf's gap: `load.interval` (1 s) plus the 1 s head start
    /// a stage gives its workers.
    package static let defaultGap = 2.0

    /// Constant-rate stages.
    package init(stages: [Stage], gap: Double = ConstantStages.defaultGap) {
        self.stages = stages
        self.gap = gap
    }

    /// Origin (start) time of each stage.
    package var origins: [Double] {
        var t = 0.0
        return stages.map { s in
            defer { t += s.duration + gap }
            return t
        }
    }

    /// When the last stage's last request is sent.
    package var end: Double { (origins.last ?? 0) + (stages.last?.duration ?? 0) }

    /// The arrival times of stage `k`, drawn from `rng` (exponential gaps
    /// rescaled to sum to the duration, added from the stage's origin).
    package func times(stage k: Int, origin: Double, rng: inout RandomStream) -> [Double] {
        let s = stages[k]
        let n = s.count
        guard n > 0 else { return [] }
        var gaps = [Double](repeating: 0, count: n)
        var total = 0.0
        for i in 0..<n {
            gaps[i] = -log(rng.nextOpenUniform()) / s.rate
            total += gaps[i]
        }
        let scale = s.duration / total
        var t = origin
        for i in 0..<n {
            t += gaps[i] * scale
            gaps[i] = t
        }
        gaps[n - 1] = max(origin + s.duration, n > 1 ? gaps[n - 2] : origin)  // exact, as the rescaled sum is
        return gaps
    }
}
