import Scenario
import ServingModel

/// One row of `headroom case-studies`: a study's claim beside what the
/// simulation gave, both formatted, and whether they agree. `--format json`
/// prints the list of them.
package struct CaseStudyOutcome: Encodable, Sendable {
    package var name: String
    package var claim: String
    package var metric: CaseStudy.Metric
    package var claimedValue: CaseStudy.Claim
    package var baselineClaimedValue: CaseStudy.Claim?
    /// The scenario's value of the metric.
    package var value: Double
    /// The baseline's, when it has one and the metric is not `calls_saved`.
    package var baselineValue: Double?
    /// Whether every claimed value holds.
    package var agrees: Bool
    /// The claim, formatted (`baseline → scenario` when both are claimed).
    package var claimed: String
    /// Headroom's figure, formatted the same way.
    package var headroom: String
    /// "yes", or "no" with the numbers.
    package var verdict: String

    /// Judges study `s` by its scenario's result (and its baseline's).
    ///
    /// - Throws: ``CaseStudyError`` when a result lacks what the metric reads.
    package init(study s: CaseStudy, scenario: ServingResult, baseline: ServingResult?) throws {
        name = s.name
        claim = s.claim
        metric = s.metric
        claimedValue = s.claimed
        baselineClaimedValue = s.baselineClaimed
        let format: (Double) -> String = s.metric.isFraction
            ? { NumberFormatting.fixed($0 * 100, decimals: 1) + "%" }
            : { NumberFormatting.significant($0) }
        if s.metric == .callsSaved {
            guard let b = scenario.clients, let a = baseline?.clients else {
                throw CaseStudyError("\(s.scenario): metric calls_saved counts attempts; the scenario and its baseline need a client: or gateway: section")
            }
            value = a.attempts > 0 ? 1 - Double(b.attempts) / Double(a.attempts) : 0
            baselineValue = nil
        } else {
            value = try s.metric.value(scenario, file: s.scenario)
            baselineValue = try baseline.map { try s.metric.value($0, file: s.baseline!) }
        }
        var ok = s.claimed.holds(value)
        var misses: [String] = []
        if !ok { misses.append("\(format(value)), not \(s.claimed.text(format))") }
        if let bc = s.baselineClaimed, let bv = baselineValue {
            if !bc.holds(bv) {
                ok = false
                misses.insert("baseline \(format(bv)), not \(bc.text(format))", at: 0)
            }
            claimed = "\(bc.text(format)) → \(s.claimed.text(format))"
        } else {
            claimed = s.claimed.text(format)
        }
        let shown = format(value)
        headroom = baselineValue.map { "\(format($0)) → \(shown)" } ?? shown
        agrees = ok
        verdict = ok ? "yes" : "no: " + misses.joined(separator: "; ")
    }
}

/// The claims-vs-results table of `headroom case-studies` for a terminal
/// or a Markdown document; each ends with a newline.
package enum CaseStudySummary {
    /// A terminal table: study, claimed, Headroom, agrees?
    package static func table(_ rows: [CaseStudyOutcome]) -> String {
        var t = TextTable(header: ["study", "claimed", "Headroom", "agrees?"], alignNumbers: false)
        for r in rows { t.append([r.name, r.claimed, r.headroom, r.verdict]) }
        let text = t.render()
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// A Markdown table with the same columns.
    package static func markdown(_ rows: [CaseStudyOutcome]) -> String {
        "| study | claimed | Headroom | agrees? |\n|---|---|---|---|\n" + rows.map { "| \($0.name) | \($0.claimed) | \($0.headroom) | \($0.verdict) |\n" }.joined()
    }
}
