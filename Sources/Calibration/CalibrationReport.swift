import ServingModel

/// What `headroom calibrate ITERATIONS.csv --format json` prints: the
/// fitted coefficients, the knee and the fit's errors, overall and per kind
/// of iteration. Keys are written in snake_case (`knee_tokens`,
/// `errors_by_kind`); docs/commands.md documents them.
public struct IterationFitReport: Encodable, Sendable {
    /// The profile file written.
    public var profile: String
    /// The profile's name.
    public var name: String
    /// Iterations fitted.
    public var rows: Int
    /// The fitted coefficients, in seconds.
    public var coefficients: Coefficients
    /// The knee, `linear_floor / per_token`, in tokens.
    public var kneeTokens: Double
    /// Errors over every row.
    public var errors: IterationTimeFit.Errors
    /// Errors per kind of iteration (`decode`, `prefill`, `mixed`), for the kinds present.
    public var errorsByKind: [String: IterationTimeFit.Errors]
    /// Coefficients no row constrains, left at 0.
    public var unconstrained: [String]

    /// The six coefficients, as the profile names them.
    public struct Coefficients: Encodable, Sendable {
        public var fixed, linearFloor, perToken, perKvToken, perPrefillPair, perTokenComm: Double

        /// The coefficients of `m`.
        public init(_ m: IterationTimeModel) {
            fixed = m.fixed
            linearFloor = m.linearFloor
            perToken = m.perToken
            perKvToken = m.perKVToken
            perPrefillPair = m.perPrefillPair
            perTokenComm = m.perTokenComm
        }
    }

    /// The report of `fit`, written to `profile` under `name`.
    public init(profile: String, name: String, fit: IterationTimeFit) {
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
public struct ObservationFitReport: Encodable, Sendable {
    /// The profile file written.
    public var profile: String
    /// The fitted profile's name.
    public var name: String
    /// Which factors were searched.
    public var mode: ServingCalibration.Mode
    /// The factors found.
    public var factors: ServingCalibration.Factors
    /// Candidate factors evaluated.
    public var evaluations: Int
    /// Simulations run: every candidate at every observed load.
    public var simulations: Int
    /// Whether a factor stopped at its bound (1/8 or 8).
    public var atBound: Bool
    /// Mean absolute percentage error over every target (0.02 = 2%).
    public var mape: Double
    /// Largest absolute percentage error.
    public var maxApe: Double
    /// One row per observed load.
    public var rows: [Row]

    /// One observed load.
    public struct Row: Encodable, Sendable {
        /// The load, requests per second.
        public var offeredRps: Double
        /// Requests the simulation completed at it.
        public var completed: Int
        /// Each observed latency beside its simulated value.
        public var targets: [Target]
    }

    /// One observed latency (`ttft_p50`, ...) beside the simulation's.
    public struct Target: Encodable, Sendable {
        public var name: String
        /// Seconds observed.
        public var observed: Double
        /// Seconds simulated.
        public var simulated: Double
        /// `simulated / observed - 1`.
        public var relativeError: Double
    }

    /// The report of `fit` in `mode`, written to `profile`, from `observations` rows.
    public init(profile: String, mode: ServingCalibration.Mode, fit: ServingCalibration, observations: Int) {
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
