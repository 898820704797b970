import Calibration
import Foundation
import ServingModel

/// The terminal tables of `headroom calibrate` (`--format table`); the
/// JSON forms are ``IterationFitReport`` and ``ObservationFitReport``.
package enum CalibrationSummary {
    /// A fit from measured iterations: where the profile went, the six
    /// coefficients and the knee, then the errors overall and per kind of
    /// iteration.
    ///
    /// - Parameters:
    ///   - out: the profile file written; `name` is the profile's name.
    ///   - input: the iterations CSV fitted.
    package static func iterations(_ fit: IterationTimeFit, out: String, name: String, input: String) -> String {
        var c = TextTable(header: ["coefficient", "value"])
        let m = fit.model
        for (name, value) in [("fixed", m.fixed), ("linear_floor", m.linearFloor), ("per_token", m.perToken),
                              ("per_kv_token", m.perKVToken), ("per_prefill_pair", m.perPrefillPair),
                              ("per_token_comm", m.perTokenComm)] {
            c.append([name, String(format: "%.4g s", value)])
        }
        c.append(["knee (linear_floor/per_token)", NumberFormatting.significant(fit.knee, digits: 4) + " tokens"])
        var e = TextTable(header: ["iterations", "rows", "MAPE", "p95 APE", "max APE"])
        func percent(_ v: Double) -> String { NumberFormatting.fixed(100 * v, decimals: 2) + "%" }
        func add(_ label: String, _ x: IterationTimeFit.Errors) {
            e.append([label, NumberFormatting.grouped(x.rows), percent(x.mape), percent(x.p95APE), percent(x.maxAPE)])
        }
        add("all", fit.errors)
        for kind in IterationTimeFit.Kind.allCases { if let x = fit.errorsByKind[kind] { add(kind.rawValue, x) } }
        return "\(out): \(name), fitted to \(fit.errors.rows) iterations of \(input)\n" + c.render() + "\n\n" + e.render()
    }

    /// A fit from serving observations: the factors and per-iteration
    /// overhead found on the base profile, the search's size and error, then every observed latency
    /// beside the simulated one.
    ///
    /// - Parameters:
    ///   - out: the profile file written; `base` the profile scaled.
    ///   - observations: rows of the observations CSV.
    package static func observations(_ fit: ServingCalibration, mode: ServingCalibration.Mode, out: String, base: String,
                                    observations: Int) -> String {
        let factors = mode == .single
            ? "iteration time × \(NumberFormatting.significant(fit.factors.prefill, digits: 4))"
            : "prefill side × \(NumberFormatting.significant(fit.factors.prefill, digits: 4)), decode side × \(NumberFormatting.significant(fit.factors.decode, digits: 4))"
        let overhead = ", per-iteration overhead + " + NumberFormatting.duration(fit.factors.overhead)
        var t = TextTable(header: ["offered_rps", "target", "observed", "simulated", "error"])
        for r in fit.rows {
            for c in r.comparisons {
                let sign = c.relativeError >= 0 ? "+" : ""
                t.append([NumberFormatting.significant(r.offeredRate, digits: 4), c.target.name,
                          NumberFormatting.duration(c.target.seconds), NumberFormatting.duration(c.simulated),
                          sign + NumberFormatting.fixed(100 * c.relativeError, decimals: 1) + "%"])
            }
        }
        return "\(out): \(fit.profile.name), \(factors)\(overhead) on \(base)\n"
            + "\(fit.evaluations) candidates × \(observations) row\(observations == 1 ? "" : "s") simulated; MAPE \(NumberFormatting.fixed(100 * fit.mape, decimals: 1))%, max \(NumberFormatting.fixed(100 * fit.maxAPE, decimals: 1))%\n"
            + "\n" + t.render()
    }
}
