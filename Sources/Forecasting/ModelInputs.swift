import Workload

/// What the models see of a history: missing intervals, and the interval
/// right after each run of missing ones, imputed one season back.
///
/// The interval that ends an outage is usually cut by it: on ServeGen's
/// m-mid 10-minute series the window after each gap holds ~8,000 requests
/// against ~1.2 million around it (the gap's partial edge; it is not zero, so
/// `--zero-is-missing` does not mark it). Fed to a model as the latest level,
/// such a value wrecks the next forecasts; as a fitting target it distorts
/// every fit. These *edge* intervals are therefore masked like missing ones
/// for the inputs, fits and LSTM targets of the model-based methods
/// (the seasonal naive forecasts stay the protocol's baselines and see the
/// raw values). They are still scored, and
/// the MASE scale still uses ``LoadSeries/imputed(season:)``, so the
/// protocol's origins and figures stay comparable. The rule only looks
/// back (an interval is masked because of what came before it), so a
/// forecast from an origin never depends on later intervals.
extension LoadSeries {
    /// `true` where an interval is missing or directly follows a missing one.
    package var inputMask: [Bool] {
        var mask = missing
        for t in missing.indices.dropFirst() where missing[t - 1] { mask[t] = true }
        return mask
    }

    /// Counts with every masked interval (``inputMask``) replaced by the
    /// (imputed) value one season earlier, or the previous value when there
    /// is none: the models' inputs.
    package func modelInputs(season: Int) -> [Double] {
        var masked = self
        masked.missing = inputMask
        return masked.imputed(season: season)
    }
}
