extension ServingSimulation {
    /// Checks what no single section can check alone: the combinations the
    /// model does not simulate, and every section's own parameters.
    static func validate(_ c: ServingConfiguration, slots: Int) throws {
        let client = c.client ?? ClientConfiguration()
        try client.validate()
        if let d = c.replicas.disaggregation {
            try d.validate(replicas: c.replicas.count, batching: c.replicas.batching)
            if c.replicas.dynamics != nil {
                throw ServingModelError(key: "replicas.disaggregation", "not with cluster dynamics (the prefill and decode pools are fixed)")
            }
            if c.gateway?.poolsConnections == true {
                throw ServingModelError(key: c.gateway?.maxConnections != nil ? "gateway.max_connections" : "gateway.max_pending_requests",
                                        "not with replicas.disaggregation (the prefill and decode pools are not pooled)")
            }
        }
        if client.cancelOnGiveUp == .running, c.replicas.batching.continuous == nil {
            throw ServingModelError(key: "client.cancel_on_give_up", "running needs replicas.batching: continuous (an engine that aborts sequences)")
        }
        if let d = c.replicas.dynamics, let k = d.keda {
            try k.validate()
            guard case .hpa? = d.scaler, d.minReplicas == 0 else {
                throw ServingModelError(key: "cluster.keda", "needs cluster.autoscaler kind hpa and cluster.min_replicas 0")
            }
        }
        if let d = c.replicas.dynamics, let p = d.predictive {
            try p.validate()
            if case .schedule? = d.scaler {
                throw ServingModelError(key: "cluster.predictive", "not with a replica schedule (a schedule is already a plan)")
            }
        }
        if let g = c.gateway {
            var prefixes = false
            if case .trace(let t) = c.arrivals { prefixes = t.format == .mooncake }
            try g.validate(replicaSlots: slots, sharedQueue: c.replicas.dispatch == .sharedQueue && g.balancer == nil,
                           traceHasPrefixes: prefixes)
        }
    }
}
