import Foundation
import ServingModel
import Workload

extension SLA {
    /// Parses the string form; throws naming the term that is wrong.
    package init(parsing text: String) throws {
        if text.trimmingCharacters(in: .whitespaces) == "default" {
            self = .standard
            return
        }
        var targets: [Target] = []
        for raw in text.split(separator: ",") {
            let term = raw.trimmingCharacters(in: .whitespaces)
            targets.append(try SLA.parseTerm(term))
        }
        guard !targets.isEmpty else { throw ScenarioIssue.sla("expected at least one target such as p99_ttft<=2s") }
        self.init(targets: targets)
    }

    static func parseTerm(_ term: String) throws -> Target {
        func fraction(_ s: Substring) throws -> Double {
            guard let v = Units.fraction(String(s)), v >= 0, v <= 1 else { throw ScenarioIssue.sla("'\(term)': expected a percentage such as 0.1%") }
            return v
        }
        if let r = term.range(of: "<=") {
            let name = term[..<r.lowerBound], value = term[r.upperBound...]
            if name == "error_rate" { return .errorRate(try fraction(value)) }
            let parts = name.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let stat = Statistic(rawValue: String(parts[0])), let metric = Metric(rawValue: String(parts[1])) else {
                throw ScenarioIssue.sla("'\(term)': expected mean|p50|p90|p95|p99|p999 of queue_wait|ttft|tpot|e2e (e.g. p95_ttft<=2s), error_rate<=, availability>= or goodput>=")
            }
            guard let seconds = Units.duration(String(value)), seconds > 0 else {
                throw ScenarioIssue.sla("'\(term)': expected a duration > 0 such as 500ms")
            }
            return .latency(statistic: stat, metric: metric, seconds: seconds)
        }
        if let r = term.range(of: ">=") {
            let name = term[..<r.lowerBound], value = term[r.upperBound...]
            switch name {
            case "availability": return .availability(try fraction(value))
            case "goodput": return .goodput(try fraction(value))
            default: throw ScenarioIssue.sla("'\(term)': only availability and goodput take >=")
            }
        }
        throw ScenarioIssue.sla("'\(term)': expected NAME<=VALUE or NAME>=VALUE")
    }
}

extension ScenarioIssue {
    /// A problem with an SLA string.
    static func sla(_ message: String) -> ScenarioError {
        ScenarioError(issues: [ScenarioIssue(file: "--sla", line: nil, key: "", message: message)])
    }
}
