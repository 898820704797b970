import CapacityPlanning
import ServingModel

/// The plan summary's lines under the plans table: for each plan, its
/// worst interval and the one-line diagnosis of why
/// (``PlanDocument/Verification/worstByPlan``).
enum WorstIntervalLines {
    /// One line per plan explained (empty when none was), each starting
    /// with a newline.
    static func text(_ d: PlanDocument, sla: SLA) -> String {
        var out = ""
        for name in ["static", "schedule", "autoscaler"] {
            guard let e = d.verification.worstByPlan[name] else { continue }
            let when = e.startTime.map { "\($0)–\((e.endTime ?? "").dropFirst(11))" }
                ?? "\(NumberFormatting.short(e.start / 3600))–\(NumberFormatting.short(e.end / 3600)) h"
            out += "\n\(name) worst interval \(when) (\(e.target) = \(NumberFormatting.targetValue(e.value, named: e.target, in: sla))\(e.met ? "" : ", MISSED")): "
                + "\(e.diagnosis); lever: \(e.lever)"
        }
        return out
    }
}
