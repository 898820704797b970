/// When `headroom calibrate` refuses a fit as too far from its data: a
/// mean absolute percentage error above ``maxMAPE`` or any single error
/// above ``maxAPE``. Such a profile would mislead every plan built on it;
/// `--accept-error` writes it anyway, marked.
///
/// Why 15% and 30%: the bundled profiles' iteration fits reach MAPE 2–3%
/// and max 8–23% over 300–400 measured iterations, and a serving-level
/// fit adds sampling noise of a few percent on a median and about 10% on
/// a p99 of ~1,000 requests. A fit beyond 15% mean error is wrong in
/// shape, not in noise (the example fit, MAPE 46% and max 68%,
/// put one H100 at three A100s); 30% leaves room for one noisy tail
/// percentile but not for a systematically missed load level.
package enum FitAcceptance {
    /// Largest mean absolute percentage error accepted (0.15 = 15%).
    package static let maxMAPE = 0.15
    /// Largest single absolute percentage error accepted (0.30 = 30%).
    package static let maxAPE = 0.30

    /// Why a fit with these errors is refused, or nil when it is accepted.
    package static func problem(mape: Double, maxAPE worst: Double) -> String? {
        var parts: [String] = []
        if !(mape <= maxMAPE) { parts.append("MAPE \(percent(mape)) exceeds \(percent(maxMAPE))") }
        if !(worst <= maxAPE) { parts.append("max error \(percent(worst)) exceeds \(percent(maxAPE))") }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    /// `0.1234` as `12.3%`.
    static func percent(_ v: Double) -> String {
        let tenths = (v * 1000).rounded() / 10
        return "\(tenths)%"
    }
}
