import ServingModel

/// How replicas are provisioned over a planning horizon.
package enum Provisioning: Sendable, Equatable {
    /// A fixed number of replicas throughout.
    case fixed(Int)
    /// A replica schedule (rises already shifted by the cold start).
    case schedule([ScheduleEntry])
    /// An autoscaler (the HPA or the KPA), starting from `initial` replicas.
    case autoscaler(AutoscalerPlan, initial: Int)
}
