import ServingModel
import Yams

/// The `alerts:` section.
extension ScenarioParser {
    /// `alerts:` — `default` (the field's thresholds, docs/mechanisms.md#alerts) or a list of rules
    /// `{name, metric, above|below, for}`.
    func parseAlerts(_ node: Node, _ path: String) -> [AlertRule] {
        if case .scalar = node {
            guard reader.value(node, path, "default, or a list of rules", { $0 == "default" ? true : nil }) != nil else { return [] }
            return AlertRule.fieldDefaults
        }
        guard let list = reader.sequence(node, path) else { return [] }
        var rules: [AlertRule] = []
        for (i, n) in list.enumerated() {
            if let rule = parseAlert(n, "\(path)[\(i)]") { rules.append(rule) }
        }
        return rules
    }

    func parseAlert(_ n: Node, _ p: String) -> AlertRule? {
        guard let a = reader.mapping(n, p) else { return nil }
        defer { a.finish() }
        let names = AlertRule.Metric.allCases.map(\.rawValue).joined(separator: ", ")
        guard let metric = a.requiredValue("metric", "one of " + names, { AlertRule.Metric(rawValue: $0) }) else { return nil }
        let latency = metric == .meanLatency
        // A latency up to 365 days; a rate, an imbalance or a utilisation
        // from 0 to 1000 (100,000%).
        let kind: Quantity = latency ? .duration : .fraction
        let bounds = Bounds(0, latency ? ServingLimits.maxDuration : 1000)
        let above: Double? = a.quantity("above", kind, bounds)
        let below: Double? = a.quantity("below", kind, bounds)
        guard let threshold = above ?? below, above == nil || below == nil else {
            reader.fail(n, p, "give exactly one of above or below")
            return nil
        }
        let sign = above != nil ? ">" : "<"
        let name = a.string("name") ?? metric.rawValue + " " + sign + " " + NodeReaderText.number(threshold)
        let rule = AlertRule(name: name, metric: metric, above: above != nil, threshold: threshold, forDuration: a.duration("for") ?? AlertRule.defaultForDuration)
        do {
            try rule.validate(p)
        } catch {
            reader.fail(error)
            return nil
        }
        return rule
    }
}
