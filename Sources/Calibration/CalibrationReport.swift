import ServingModel

/// What `headroom calibrate ITERATIONS.csv --format json` prints: the
/// fitted coefficients, the knee and the fit's errors, overall and per kind
/// of iteration. Keys are written in snake_case (`knee_tokens`,
/// `errors_by_kind`); docs/commands.md documents them.
package struct IterationFitReport: Encodable, Sendable {
    /// The profile file written.
    package var profile: String
    /// The profile's name.
    package var name: String
    /// Iterations fitted.
    package var rows: Int
    /// The fitted coefficients, in seconds.
    package var coefficients: Coefficients
    /// The knee, `linear_floor / per_token`, in tokens.
    package var kneeTokens: Double
    /// Errors over every row.
    package var errors: IterationTimeFit.Errors
    /// Errors per kind of iteration (`decode`, `prefill`, `mixed`), for the kinds present.
    package var errorsByKind: [String: IterationTimeFit.Errors]
    /// Coefficients no row constrains, left at 0.
    package var unconstrained: [String]

    /// The six coefficients, as the profile names them.
    package struct Coefficients: Encodable, Sendable {
        package var fixed, linearFloor, perToken, perKvToken, perPrefillPair, perTokenComm: Double

        /// The coefficients of `m`.
        package init(_ m: IterationTimeModel) {
            fixed = m.fixed
            linearFloor = m.linearFloor
            perToken = m.perToken
            perKvToken = m.perKVToken
            perPrefillPair = m.perPrefillPair
            perTokenComm = m.perTokenComm
        }
    }

    /// The report of `fit`, written to `profile` under `name`.
    package init(profile: String, name: String, fit: IterationTimeFit) {
        self.profile = profile
        self.name = name
        rows = fit.errors.rows
        coefficients = Coefficients(fit.model)
        kneeTokens = fit.knee
        errors = fit.errors
        errorsByKind = Dictionary(uniqueKeysWithValues: fit.errorsByKind.map { ($0.key.rawValue, $0.value) })
        unconstrained = fit.unconstrained
    }
}

/// What `headroom calibrate --observed SERVING.csv --format json` prints:
/// the factors found, how many simulations it took, and each observed
/// latency beside its simulated value.
package struct ObservationFitReport: Encodable, Sendable {
    /// The profile file written.
    package var profile: String
    /// The fitted profile's name.
    package var name: String
    /// Which factors were searched.
    package var mode: ServingCalibration.Mode
    /// The factors found.
    package var factors: ServingCalibration.Factors
    /// Candidate factors evaluated.
    package var evaluations: Int
    /// Simulations run: every candidate at every observed load.
    package var simulations: Int
    /// Whether a factor stopped at its bound (1/8 or 8).
    package var atBound: Bool
    /// Mean absolute percentage error over every target (0.02 = 2%).
    package var mape: Double
    /// Largest absolute percentage error.
    package var maxApe: Double
    /// One row per observed load.
    package var rows: [Row]

    /// One observed load.
    package struct Row: Encodable, Sendable {
        /// The load, requests per second.
        package var offeredRps: Double
        /// Requests the simulation completed at it.
        package var completed: Int
        /// Each observed latency beside its simulated value.
        package var targets: [Target]
    }

    /// One observed latency (`ttft_p50`, ...) beside the simulation's.
    package struct Target: Encodable, Sendable {
        package var name: String
        /// Seconds observed.
        package var observed: Double
        /// Seconds simulated.
        package var simulated: Double
        /// `simulated / observed - 1`.
        package var relativeError: Double
    }

    /// The report of `fit` in `mode`, written to `profile`, from `observations` rows.
    package init(profile: String, mode: ServingCalibration.Mode, fit: ServingCalibration, observations: Int) {
        self.profile = profile
        name = fit.profile.name
        self.mode = mode
        factors = fit.factors
        evaluations = fit.evaluations
        simulations = fit.evaluations * observations
        atBound = fit.atBound
        mape = fit.mape
        maxApe = fit.maxAPE
        rows = fit.rows.map { r in
            Row(offeredRps: r.offeredRate, completed: r.completed, targets: r.comparisons.map {
                Target(name: $0.target.name, observed: $0.target.seconds, simulated: $0.simulated, relativeError: $0.relativeError)
            })
        }
    }
}
