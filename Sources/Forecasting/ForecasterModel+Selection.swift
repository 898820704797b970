import Foundation

extension ForecasterModel {
    /// Why ``selected`` was chosen, in one line a user can check: the validation MASE of the
    /// selected method beside the next best ones, and how many validation windows decided it.
    ///
    /// `selected LSTM: lowest validation MASE 0.412 over 57 series (next: Ensemble2 0.418, SeasonalRegression 0.455)`
    package var selectionReason: String {
        guard let chosen = method(named: selected) else { return "selected \(selected)" }
        let ranked = methods.filter { $0.validationMase.isFinite }.sorted { $0.validationMase < $1.validationMase }
        let others = ranked.filter { $0.name != selected }.prefix(3)
            .map { "\($0.name) " + String(format: "%.3f", $0.validationMase) }.joined(separator: ", ")
        let histories = trainedOn.filter { !$0.auxiliary }.count
        let over = histories == 1 ? "" : " (geometric mean over \(histories) series)"
        let windows = "\(chosen.validation.windows) validation windows"
        let mase = String(format: "%.3f", chosen.validationMase)
        if ranked.first?.name == selected {
            return "selected \(selected): lowest validation MASE \(mase)\(over) on \(windows); next: \(others)"
        }
        let best = ranked.first.map { "\($0.name) " + String(format: "%.3f", $0.validationMase) } ?? "none"
        return "selected \(selected) by the fixed combination rule (--selection combination), validation MASE \(mase)\(over) "
            + "on \(windows); the lowest was \(best) (--selection validation picks it)"
    }
}
