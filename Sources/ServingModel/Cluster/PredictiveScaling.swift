import Workload

/// AWS EC2 Auto Scaling predictive scaling in `ForecastAndScale` mode
/// (`PredictiveScalingConfiguration`,
/// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html): the load is
/// forecast per interval for the next 48 hours, every 6 hours, from the
/// history and what the run has seen so far. Each interval gets
/// `ceil(forecast rate / target per replica)` replicas, in place
/// `SchedulingBufferTime` (300 s) before the interval starts. A reactive
/// autoscaler (HPA or KPA) may run beside it; then the cluster follows the
/// higher of the two, as an Auto Scaling group does with predictive and
/// dynamic policies together.
package struct PredictiveScaling: Sendable {
    /// The forecaster (a trained model's, see `Forecasting.ModelLoadForecaster`).
    package var forecaster: any LoadForecaster
    /// The load before the run, at the forecaster's interval; the run starts
    /// where it ends, so its calendar sets the run's hour of day and day of
    /// week.
    package var history: LoadSeries
    /// Requests per second one replica is planned to carry (the target
    /// value of the scaling metric).
    package var targetPerReplica: Double
    /// `SchedulingBufferTime`: capacity for an interval is asked for this
    /// long before it starts (default 300 s; AWS requires < 3,600 s).
    package var buffer: Double = 300
    /// How often the forecast is remade (AWS: about every 6 hours).
    package var refresh: Double = 21_600
    /// How far each forecast reaches (AWS: 48 hours).
    package var horizon: Double = 172_800
    /// History needed before the first forecast (AWS: 24 hours).
    package var minimumHistory: Double = 86_400

    /// Predictive scaling with AWS's defaults.
    package init(forecaster: any LoadForecaster, history: LoadSeries, targetPerReplica: Double) {
        self.forecaster = forecaster
        self.history = history
        self.targetPerReplica = targetPerReplica
    }

    /// Checks the settings, and that the history is at the forecaster's interval.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(targetPerReplica.isFinite && targetPerReplica > 0, "cluster.predictive.target_per_replica",
                                    targetPerReplica, "a rate > 0")
        try ServingModelError.check(buffer >= 0 && buffer < 3_600, "cluster.predictive.buffer", buffer,
                                    "a duration in [0, 1h) (AWS SchedulingBufferTime)")
        try ServingModelError.check(refresh.isFinite && refresh > 0, "cluster.predictive.refresh", refresh, "a duration > 0")
        try ServingModelError.check(horizon >= refresh, "cluster.predictive.horizon", horizon, "a duration >= refresh (\(refresh) s)")
        try ServingModelError.check(minimumHistory >= 0, "cluster.predictive.minimum_history", minimumHistory, "a duration >= 0")
        try ServingModelError.check(abs(history.interval - forecaster.interval) < 1e-6 || history.count == 0,
                                    "cluster.predictive.history", "\(Int(history.interval)) s intervals",
                                    "the model's \(Int(forecaster.interval)) s")
        try ServingModelError.check(history.exogenousNames.isEmpty, "cluster.predictive.history",
                                    history.exogenousNames.joined(separator: ", "),
                                    "no exogenous columns (their values during the run are unknown)")
    }
}
