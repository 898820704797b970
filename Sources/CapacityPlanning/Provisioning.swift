import ServingModel

/// How replicas are provisioned over a planning horizon.
public enum Provisioning: Sendable, Equatable {
    /// A fixed number of replicas throughout.
    case fixed(Int)
    /// A replica schedule (rises already shifted by the cold start).
    case schedule([ScheduleEntry])
    /// The Kubernetes HPA on requests in flight per replica, starting from `initial` replicas.
    case hpa(HorizontalPodAutoscaler.Settings, initial: Int)
}
