import SimulationCore

extension ServingSimulation {
    /// The model's events.
    package enum Event: Sendable {
        /// The next arrival of source `source`.
        case arrival(source: Int32)
        /// The next record(s) of the replayed trace.
        case traceArrival
        /// A replica (policy none) finishes its request.
        case serviceDone(replica: Int32, incarnation: UInt32)
        /// A replica (dynamic) finishes its batch.
        case batchDone(replica: Int32, incarnation: UInt32)
        /// A replica's (dynamic) batching delay expires.
        case batchTimer(replica: Int32)
        /// A replica (continuous) finishes the micro-batch in `slot`; stale
        /// when `epoch` no longer matches the slot's.
        case iterationDone(replica: Int32, slot: Int16, epoch: UInt16)
        /// A replica's (continuous) first pipeline stage frees up.
        case stageFree(replica: Int32)
        /// A waiting request's queue timeout.
        case queueTimeout(request: Int32, generation: UInt32)
        /// End of the warm-up: utilisation integrals restart.
        case warmupEnd
        /// Time-series sampling tick.
        case sample
        /// A starting replica finishes its cold start.
        case replicaReady(replica: Int32, incarnation: UInt32)
        /// A replica crashes.
        case replicaFail(replica: Int32, incarnation: UInt32, downFor: Double)
        /// A failed replica restarts (then cold-starts).
        case replicaRestart(replica: Int32, incarnation: UInt32)
        /// The autoscaler samples its metric.
        case scrape
        /// The autoscaler decides.
        case autoscalerSync
        /// A replica schedule step (index into the schedule).
        case scheduleStep(index: Int32)
        /// KEDA polls its trigger.
        case kedaPoll
        /// Predictive scaling remakes its forecast.
        case forecastRefresh
        /// Predictive scaling's capacity for interval `interval` takes effect.
        case predictiveStep(interval: Int32)
        /// A replica's speed changes (1 = normal, 0.5 = half speed).
        case setSpeed(replica: Int32, speed: Double)
        /// Error window `index` of `cluster.faults.errors` opens or closes.
        case errorWindow(index: Int32, open: Bool)
        /// Every replica of a zone fails for `downFor` seconds.
        case zoneFail(zone: Int32, downFor: Double)
        /// A warm-pool instance is back after its replacement's cold start.
        case warmPoolRefill
        /// A closed-loop user's think time is over: the next user request.
        case userArrival(user: Int32)
        /// Conversation `prompt`'s previous round has ended: its next
        /// waiting round goes out (multi-turn chat).
        case conversationRound(prompt: Int32)
        /// A call's backoff is over: its next attempt.
        case retry(call: Int32, generation: UInt32)
        /// A call handed a concurrency permit sends its attempt.
        case sendHeld(call: Int32, generation: UInt32)
        /// A request's KV cache has reached the decode pool.
        case kvTransferDone(request: Int32, generation: UInt32)
        /// A gateway retry's backoff is over: it goes to a replica.
        case gatewayResend(request: Int32, generation: UInt32)
        /// The gateway's fault filter lets an attempt go on (`gateway.fault.delay`).
        case faultDelayEnded(request: Int32, generation: UInt32)
        /// A call's hedging delay is over: another attempt.
        case hedge(call: Int32, generation: UInt32)
        /// The client's per-try timeout of an attempt.
        case attemptTimeout(request: Int32, generation: UInt32)
        /// The gateway's route timeout of an attempt.
        case routeTimeout(request: Int32, generation: UInt32)
        /// The gateway's per-try timeout of a try.
        case perTryTimeout(request: Int32, generation: UInt32)
        /// A call's deadline or its user's patience runs out.
        case callDeadline(call: Int32, generation: UInt32)
        /// A cache hit or fallback answer reaches the user.
        case callAnswer(call: Int32, generation: UInt32, how: AnswerKind)
        /// The gateway's active health probes.
        case healthProbe
        /// A gateway–replica partition starts (`cut`) or heals.
        case partition(replica: Int32, cut: Bool)
        /// One of a replica's gateway connections is free for its waiting requests.
        case connectionFree(replica: Int32)
        /// The endpoint picker scrapes the replicas' metrics.
        case eppScrape
    }

    /// Where an answer that is not the service's comes from.
    package enum AnswerKind: UInt8, Sendable {
        /// The client's response cache.
        case cache
        /// A fallback (marked response or smaller model).
        case fallback
    }

}
