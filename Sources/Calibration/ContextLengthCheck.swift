import Foundation
import ServingModel
import SimulationCore
import Workload

/// Whether a scenario's requests fit its hardware profile's context: the
/// share of request sizes whose prompt + max_tokens exceed the profile's
/// `max_model_len`, which the simulation refuses with 400 as vLLM does.
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
package enum ContextLengthCheck {
    /// Draws checked for size distributions.
    package static let sampleCount = 20_000

    /// The warning for `configuration`, or nil when every request fits
    /// (or the scenario has no hardware profile).
    package static func warning(_ configuration: ServingConfiguration) -> String? {
        guard let profile = configuration.replicas.hardware else { return nil }
        let limit = profile.maxModelLength
        let maxTokens = configuration.client?.maxTokens
        let sizes = configuration.sizes
        func asked(_ s: RequestSize) -> Int {
            let c = sizes.cap(s)
            return c.prompt + (maxTokens ?? c.output)
        }
        let (over, total, largest): (Int, Int, Int)
        switch sizes.source {
        case .fixed(let s):
            let a = asked(s)
            (over, total, largest) = (a > limit ? 1 : 0, 1, a)
        case .empirical(let rows):
            let asks = rows.map(asked)
            (over, total, largest) = (asks.filter { $0 > limit }.count, asks.count, asks.max() ?? 0)
        case .distributions:
            var rng = RandomStream(seed: 0x5EED)
            var n = 0, big = 0
            for _ in 0..<sampleCount {
                let a = asked(sizes.sample(&rng))
                if a > limit { n += 1 }
                big = max(big, a)
            }
            (over, total, largest) = (n, sampleCount, big)
        }
        guard over > 0 else { return nil }
        let share = Double(over) / Double(total)
        let what: String
        switch sizes.source {
        case _ where over == total: what = "every request"
        case .fixed: what = "every request"
        case .empirical: what = "\(over) of \(total) request sizes (\(percent(share)))"
        case .distributions: what = "about \(percent(share)) of requests (\(over) of \(total) draws)"
        }
        let asking = maxTokens.map { "prompt + max_tokens \($0)" } ?? "prompt + output"
        return "\(what) exceed\(over == total ? "s" : "") max_model_len \(limit) of profile \(profile.name) (\(asking) up to \(largest) tokens): vLLM refuses them with 400, counted as rejected_too_long, and the profile was not fitted beyond its context"
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
        guard let sp = configuration.sharedPrefix, sp.multiTurn, let profile = configuration.replicas.hardware,
              case .processes(let ps) = configuration.arrivals else { return nil }
        let limit = profile.maxModelLength
        let maxTokens = configuration.client?.maxTokens
        let answer = sp.answerTokens(maxTokens: maxTokens), ask = maxTokens ?? sp.outputLength
        let base = sp.conversationPrompt(turns: 0, answerTokens: answer)
        let turn = sp.conversationPrompt(turns: 1, answerTokens: answer) - base
        // The first round already too long is the size check's warning.
        guard base + ask <= limit, turn > 0 else { return nil }
        let fitting = (limit - base - ask) / turn + 1
        let arrivals = ps.reduce(0) { $0 + ServingLimits.expectedArrivals($1, duration: configuration.duration) }
        let perConversation = arrivals / Double(sp.count)
        guard perConversation.isFinite, perConversation > Double(fitting) else { return nil }
        let refused = 1 - Double(fitting) / perConversation
        return "multi-turn conversations pass max_model_len \(limit) of profile \(profile.name) after \(fitting) round\(fitting == 1 ? "" : "s") "
            + "(\(base) + k × \(turn) prompt tokens after k answered rounds, + \(ask) asked): of about "
            + String(format: "%.0f", perConversation) + " rounds per conversation expected, about \(percent(refused)) will be refused with 400 "
            + "(inference-perf never truncates a conversation)"
    }

    static func percent(_ v: Double) -> String {
        v >= 0.001 ? String(format: "%.1f%%", v * 100) : String(format: "%.3f%%", v * 100)
    }
}
