import Foundation
import SimulationCore

/// Envoy's `least_request` load balancer (`least_request.proto` and the
/// load-balancing architecture doc [src]; docs/mechanisms.md#envoy-least-request).
///
/// With equal weights it draws `choice_count` (default 2) hosts uniformly at
/// random, with replacement, and takes the one with the fewest active
/// requests; the first drawn wins ties (power of two choices). With unequal
/// weights it runs a weighted round robin whose weight for a host is
/// `weight / (active + 1)^active_request_bias` (bias default 1.0). Envoy's
/// round robin there is its EDF scheduler: each host holds a deadline, the
/// earliest deadline is picked, and the picked host is re-queued at
/// `deadline + 1/weight` with its weight recomputed at that moment, so other
/// hosts' weights refresh only when they are picked (Envoy
/// `source/common/upstream/edf_scheduler.h` `pickAndAdd`;
/// `load_balancer_impl.cc`: a weight "will only be stale until this host is
/// next picked" [src]). Differs from the source: Envoy breaks equal
/// deadlines by insertion order and starts at a random offset; here the
/// lower index wins a tie and the schedule starts at host 0.
///
/// - Complexity: O(`choice_count`) per pick with equal weights, O(hosts)
///   otherwise.
package struct PowerOfTwoChoices: Sendable, Equatable {
    /// Static host weights (all equal selects the P2C mode).
    package let weights: [Double]
    /// Hosts sampled per pick (Envoy `choice_count`, default 2).
    package let choiceCount: Int
    /// Exponent on `active + 1` in weighted mode (`active_request_bias`, default 1).
    package let activeRequestBias: Double
    /// Whether all weights are equal (the P2C mode).
    package let isUnweighted: Bool
    /// Requests in flight per host.
    package private(set) var active: [Int]
    /// EDF state (weighted mode): each host's next deadline and the current time.
    private var deadlines: [Double]
    private var edfTime = 0.0

    /// Envoy's `choice_count` (2).
    package static let defaultChoiceCount = 2
    /// Envoy's `active_request_bias` (1).
    package static let defaultActiveRequestBias = 1.0

    /// A balancer over `weights.count` hosts.
    package init(weights: [Double], choiceCount: Int = defaultChoiceCount, activeRequestBias: Double = defaultActiveRequestBias) {
        self.weights = weights
        self.choiceCount = choiceCount
        self.activeRequestBias = activeRequestBias
        self.isUnweighted = weights.allSatisfy { $0 == weights.first }
        self.active = Array(repeating: 0, count: weights.count)
        self.deadlines = weights.map { 1 / $0 }
    }

    /// `hosts` hosts of equal weight.
    package init(hosts: Int, choiceCount: Int = defaultChoiceCount) {
        self.init(weights: Array(repeating: 1, count: hosts), choiceCount: choiceCount)
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the balancer's mapping (`gateway.balancer`).
    package func validate(at path: String = "gateway.balancer") throws(ServingModelError) {
        try ServingModelError.check(!weights.isEmpty, path + ".weights", weights.count, "at least one host")
        for (i, w) in weights.enumerated() {
            try ServingModelError.check(w.isFinite && w > 0, path + ".weights[\(i)]", w, "a number > 0")
        }
        try ServingModelError.check(choiceCount >= 2, path + ".choice_count", choiceCount, "an integer >= 2")
        try ServingModelError.check(activeRequestBias.isFinite && activeRequestBias >= 0,
                                    path + ".active_request_bias", activeRequestBias, "a number >= 0")
    }


    /// Chooses a host and counts a request on it.
    package mutating func pick(_ rng: inout RandomStream) -> Int {
        let chosen: Int
        if isUnweighted {
            var best = rng.nextInt(below: weights.count)
            for _ in 1..<choiceCount {
                let h = rng.nextInt(below: weights.count)
                if active[h] < active[best] { best = h }
            }
            chosen = best
        } else {
            var best = 0
            for h in deadlines.indices where deadlines[h] < deadlines[best] { best = h }
            edfTime = deadlines[best]
            deadlines[best] = edfTime + 1 / effectiveWeight(best)
            chosen = best
        }
        active[chosen] += 1
        return chosen
    }

    /// Reports the end of a request on `host`.
    package mutating func finished(_ host: Int) {
        active[host] -= 1
    }

    /// `weight / (active + 1)^bias`, the weighted mode's dynamic weight.
    package func effectiveWeight(_ host: Int) -> Double {
        weights[host] / pow(Double(active[host] + 1), activeRequestBias)
    }
}
