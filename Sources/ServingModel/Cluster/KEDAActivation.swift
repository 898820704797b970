/// KEDA's scale to and from zero around an HPA (https://keda.sh/docs/latest/reference/scaledobject-spec/
/// and concepts/scaling-deployments, kedacore/keda-docs `content/docs/2.21/` [src];
/// keda.sh `ScaledObject`): every `pollingInterval` (30 s) KEDA asks its
/// trigger whether the workload is active. An active workload at zero
/// replicas is scaled to one; an inactive one is scaled to zero once it
/// has been inactive for `cooldownPeriod` (300 s). Between one replica and
/// the maximum the HPA decides, and it does nothing while at zero.
///
/// The trigger here is the service's own traffic: active while more than
/// `activationThreshold` requests arrived since the last poll or are held
/// (queued or running), the kind of request-count trigger (Prometheus, the
/// HTTP add-on) that can see a workload with no replicas.
package struct KEDAActivation: Sendable, Equatable {
    /// Seconds between trigger polls.
    package var pollingInterval = 30.0
    /// Inactive seconds before scaling to zero.
    package var cooldownPeriod = 300.0
    /// Requests (arrived since the last poll, or held) above which the
    /// workload is active.
    package var activationThreshold = 0.0

    /// KEDA's defaults.
    package init() {}

    /// Checks the settings, naming the first bad one by its scenario key
    /// below `path`, the autoscaler's mapping (`cluster.autoscaler`).
    package func validate(at path: String = "cluster.autoscaler") throws(ServingModelError) {
        try ServingModelError.check(pollingInterval.isFinite && pollingInterval > 0, path + ".polling_interval",
                                    pollingInterval, "a duration > 0")
        try ServingModelError.check(cooldownPeriod >= 0, path + ".cooldown_period", cooldownPeriod, "a duration >= 0")
        try ServingModelError.check(activationThreshold >= 0, path + ".activation_threshold", activationThreshold,
                                    "a number >= 0")
    }
}
