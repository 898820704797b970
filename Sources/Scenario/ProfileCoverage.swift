import Foundation
import ServingModel
import SimulationCore
import Workload

/// What a scenario's requests ask of its hardware profile that the profile
/// does not cover. First, its context: the share of request sizes whose
/// prompt + max_tokens exceed the profile's `max_model_len`, which the
/// simulation refuses with 400 as vLLM does.
/// The bundled profiles were fitted on iterations within that context, so
/// it is also the edge of their fitted range. `simulate`, `plan` and the
/// other commands that load a scenario print the warning on stderr before
/// running, so a too-long workload is never served without a word.
///
/// max_tokens is the client's `max_tokens` when set, else each request's
/// output. Fixed sizes and empirical (trace-drawn) sizes are checked
/// exactly; distributions on ``sampleCount`` draws with a fixed seed; a
/// trace replay carries its sizes in its file and is not checked here (the
/// run's `rejected_too_long` counts them).
///
/// A generated profile's coefficients were fitted on served requests of a
/// known length (`fitted_sequence_tokens`), far below its model's context:
/// ``fittedRangeWarning(_:)`` says when a workload's requests are longer,
/// so an extrapolated step time is never used without a word.
package enum ProfileCoverage {
    /// Draws checked for size distributions.
    package static let sampleCount = 20_000

    /// Every warning for `configuration`, in the order a user reads them:
    /// requests past `max_model_len`, conversations that outgrow it, and
    /// requests longer than the profile was fitted on.
    package static func warnings(_ configuration: ServingConfiguration) -> [String] {
        warnings([configuration])[0]
    }

    /// ``warnings(_:)-(ServingConfiguration)`` of each configuration; the request sizes of
    /// configurations that share their sizes and `max_tokens` (a sweep's cells) are drawn once.
    package static func warnings(_ configurations: [ServingConfiguration]) -> [[String]] {
        var drawn: [(sizes: RequestSizes, maxTokens: Int?, asks: Asks)] = []
        return configurations.map { configuration in
            let maxTokens = configuration.client?.maxTokens
            let asks: Asks
            if let known = drawn.first(where: { $0.maxTokens == maxTokens && $0.sizes == configuration.sizes }) {
                asks = known.asks
            } else {
                asks = Asks(configuration)
                drawn.append((configuration.sizes, maxTokens, asks))
            }
            return [warning(configuration, asks: asks), conversationWarning(configuration),
                    fittedRangeWarning(configuration, asks: asks)].compactMap { $0 }
        }
    }

    /// The token counts a configuration's requests ask for (prompt + the client's `max_tokens`,
    /// else the output; sizes capped as the workload caps them), ascending: the one fixed size,
    /// every row of a size trace, or ``sampleCount`` seeded draws of size distributions.
    struct Asks {
        /// Ascending.
        var sorted: [Int]
        /// How the sizes are given.
        var source: RequestSizes.Source

        init(_ configuration: ServingConfiguration) {
            let maxTokens = configuration.client?.maxTokens
            let sizes = configuration.sizes
            func asked(_ s: RequestSize) -> Int {
                let c = sizes.cap(s)
                return c.prompt + (maxTokens ?? c.output)
            }
            source = sizes.source
            switch sizes.source {
            case .fixed(let s): sorted = [asked(s)]
            case .empirical(let rows): sorted = rows.map(asked).sorted()
            case .distributions:
                var rng = RandomStream(seed: 0x5EED)
                sorted = (0..<sampleCount).map { _ in asked(sizes.sample(&rng)) }.sorted()
            }
        }

        /// How many of the sorted values are at most `value`.
        func countAtMost(_ value: Int) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// The warning for `configuration`, or nil when every request fits
    /// (or the scenario has no hardware profile).
    package static func warning(_ configuration: ServingConfiguration) -> String? {
        warning(configuration, asks: nil)
    }

    static func warning(_ configuration: ServingConfiguration, asks: Asks?) -> String? {
        guard let profile = configuration.replicas.hardware else { return nil }
        let limit = profile.maxModelLength
        let maxTokens = configuration.client?.maxTokens
        let count = longer(than: limit, asks ?? Asks(configuration))
        guard count.over > 0 else { return nil }
        let asking = maxTokens.map { "prompt + max_tokens \($0)" } ?? "prompt + output"
        return "\(count.what) exceed\(count.over == count.total ? "s" : "") max_model_len \(limit) of profile \(profile.name) (\(asking) up to \(count.largest) tokens): vLLM refuses them with 400, counted as rejected_too_long, and the profile was not fitted beyond its context"
    }

    /// The warning that requests are longer than the sequences the
    /// profile's coefficients were fitted on (its `fitted_sequence_tokens`,
    /// which a generated profile takes from its GPU family's runs), so
    /// their step times are extrapolated: single requests by their sizes as
    /// ``warning(_:)`` counts them, multi-turn conversations by the round
    /// they are expected to reach. Requests past `max_model_len` are that
    /// warning's, not this one's. Nil when every request is within the
    /// range or the profile states none.
    package static func fittedRangeWarning(_ configuration: ServingConfiguration) -> String? {
        fittedRangeWarning(configuration, asks: nil)
    }

    static func fittedRangeWarning(_ configuration: ServingConfiguration, asks: Asks?) -> String? {
        guard let profile = configuration.replicas.hardware, let fitted = profile.fittedSequenceTokens,
              fitted < profile.maxModelLength, case .processes = configuration.arrivals else { return nil }
        let tail = ": its step times for them are extrapolated from shorter sequences "
            + "(docs/profiles.md, \"Fitted range\", shows how far off that was on real vLLM runs)"
        if let growth = conversationGrowth(configuration), growth.base + growth.ask <= fitted {
            // In floating point: a billion rounds per conversation must not overflow.
            let rounds = max(1, growth.perConversation.rounded(.up))
            let reached = Double(growth.base) + (rounds - 1) * Double(growth.turn) + Double(growth.ask)
            let longest = Int(min(Double(profile.maxModelLength), reached))
            guard longest > fitted else { return nil }
            let within = (fitted - growth.base - growth.ask) / growth.turn + 1
            return "multi-turn conversations grow past the \(fitted) tokens (prompt + output) profile \(profile.name) was fitted on "
                + "after \(within) round\(within == 1 ? "" : "s") (to about \(longest) tokens by their last expected round)" + tail
        }
        let count = longer(than: fitted, asks ?? Asks(configuration), atMost: profile.maxModelLength)
        guard count.over > 0 else { return nil }
        return "\(count.what) \(count.over == count.total ? "is" : "are") longer than the \(fitted) tokens (prompt + output) profile \(profile.name) "
            + "was fitted on (up to \(count.largest) tokens)" + tail
    }

    /// The fitted range of a profile calibrated on `configuration`'s
    /// requests from a base fitted up to `base` tokens: the longer of the
    /// two. Nil when the base states none (its context is its range) or the
    /// scenario's sizes are in a trace replay's file.
    package static func fittedRange(base: Int?, calibratedOn configuration: ServingConfiguration) -> Int? {
        guard let base, let profile = configuration.replicas.hardware, case .processes = configuration.arrivals else { return nil }
        let longest = max(base, longer(than: 0, Asks(configuration), atMost: profile.maxModelLength).largest)
        return longest < profile.maxModelLength ? longest : nil
    }

    /// How many request sizes ask for more than `limit` tokens (prompt + the
    /// client's max_tokens, else the output), leaving out those above
    /// `atMost`, and the largest size asked of those not left out; `what`
    /// says the count in words.
    static func longer(than limit: Int, _ asks: Asks, atMost: Int = .max)
        -> (over: Int, total: Int, largest: Int, what: String) {
        let total = asks.sorted.count
        let withinCap = asks.countAtMost(atMost)
        let over = max(0, withinCap - asks.countAtMost(limit))
        let largest = withinCap > 0 ? asks.sorted[withinCap - 1] : 0
        let share = Double(over) / Double(total)
        let what: String
        switch asks.source {
        case _ where over == total: what = "every request"
        case .fixed: what = "every request"
        case .empirical: what = "\(over) of \(total) request sizes (\(percent(share)))"
        case .distributions: what = "about \(percent(share)) of requests (\(over) of \(total) draws)"
        }
        return (over, total, largest, what)
    }

    /// With multi-turn chat (`shared_prefix.multi_turn`), the warning that
    /// conversations will outgrow the profile's `max_model_len` during the
    /// run: after k answered rounds a round sends `system + k × (question +
    /// answer) + question` tokens, and inference-perf never truncates it,
    /// so from the first round past the context every round of that
    /// conversation is refused with 400. Nil when the expected rounds per
    /// conversation (expected arrivals over conversations) all fit, or the
    /// scenario is not multi-turn.
    package static func conversationWarning(_ configuration: ServingConfiguration) -> String? {
        guard let profile = configuration.replicas.hardware, let growth = conversationGrowth(configuration) else { return nil }
        let limit = profile.maxModelLength
        let (base, turn, ask, perConversation) = growth
        // The first round already too long is the size check's warning.
        guard base + ask <= limit else { return nil }
        let fitting = (limit - base - ask) / turn + 1
        guard perConversation > Double(fitting) else { return nil }
        let refused = 1 - Double(fitting) / perConversation
        return "multi-turn conversations pass max_model_len \(limit) of profile \(profile.name) after \(fitting) round\(fitting == 1 ? "" : "s") "
            + "(\(base) + k × \(turn) prompt tokens after k answered rounds, + \(ask) asked): of about "
            + String(format: "%.0f", perConversation) + " rounds per conversation expected, about \(percent(refused)) will be refused with 400 "
            + "(inference-perf never truncates a conversation)"
    }

    /// A multi-turn scenario's conversation sizes: the first round's prompt
    /// (`base`), what each answered round adds (`turn`), the tokens asked
    /// per round, and the rounds expected per conversation. Nil when the
    /// scenario is not multi-turn or the rounds do not grow.
    static func conversationGrowth(_ configuration: ServingConfiguration)
        -> (base: Int, turn: Int, ask: Int, perConversation: Double)? {
        guard let sp = configuration.sharedPrefix, sp.multiTurn, case .processes(let ps) = configuration.arrivals else { return nil }
        let maxTokens = configuration.client?.maxTokens
        let answer = sp.answerTokens(maxTokens: maxTokens), ask = maxTokens ?? sp.outputLength
        let base = sp.conversationPrompt(turns: 0, answerTokens: answer)
        let turn = sp.conversationPrompt(turns: 1, answerTokens: answer) - base
        let arrivals = ps.reduce(0) { $0 + ServingLimits.expectedArrivals($1, duration: configuration.duration) }
        let perConversation = arrivals / Double(sp.count)
        guard turn > 0, perConversation.isFinite else { return nil }
        return (base, turn, ask, perConversation)
    }

    static func percent(_ v: Double) -> String {
        v >= 0.001 ? String(format: "%.1f%%", v * 100) : String(format: "%.3f%%", v * 100)
    }
}
