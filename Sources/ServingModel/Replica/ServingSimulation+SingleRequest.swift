import SimulationCore

/// Policy `none`: one request at a time per replica.
extension ServingSimulation {
    mutating func startService(replica r: Int, scheduler: inout Scheduler<Event>) {
        guard let id = popWaiting(replica: r) else { return }
        let now = scheduler.now
        markScheduled(id, now: now)
        replicas[r].running = [id]
        setBusy(r, true, now: now)
        let req = requests[id]
        var duration: Double
        if let service = service {
            duration = service.sample(&serviceStream)
        } else {
            // Only a hardware profile: prefill, then one decode per token.
            let model = iteration!
            let prefill = model.iterationTime(tokens: Int(req.prompt), kvTokens: 0,
                                              prefillPairs: IterationTimeModel.prefillPairs(chunk: Int(req.prompt), prior: 0))
            var decode = 0.0
            if req.output > 1 {
                for step in 1..<Int(req.output) {
                    decode += model.iterationTime(tokens: 1, kvTokens: Int(req.prompt) + step, prefillPairs: 0)
                }
            }
            requests.slots[Int(id)].firstToken = now + prefill * replicas[r].slowdown
            duration = prefill + decode
        }
        duration *= replicas[r].slowdown
        scheduler.schedule(.serviceDone(replica: Int32(r), incarnation: replicas[r].incarnation), after: duration)
    }

    mutating func finishService(replica r: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let id = replicas[r].running[0]
        replicas[r].running.removeAll(keepingCapacity: true)
        complete(id, now: now, scheduler: &scheduler)
        setBusy(r, false, now: now)
        refill(replica: r, scheduler: &scheduler)
        kick(replica: r, scheduler: &scheduler)
        retireIfDrained(r, now: now)
    }
}
