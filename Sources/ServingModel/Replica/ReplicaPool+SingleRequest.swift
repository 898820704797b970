import SimulationCore

/// Policy `none`: one request at a time per replica.
extension ReplicaPool {
    mutating func startService(replica r: Int, requests: inout RequestTable, scheduler: inout Scheduler<Event>,
                               recorder: inout Recorder) {
        guard let id = popWaiting(replica: r, requests: &requests) else { return }
        let now = scheduler.now
        markScheduled(id, now: now, requests: &requests)
        states[r].running = [id]
        setBusy(r, true, now: now, recorder: &recorder)
        let req = requests[id]
        var duration: Double
        if let service = service {
            duration = service.sample(&serviceStream)
        } else {
            // Only a hardware profile: prefill, then one decode per token.
            guard let model = iteration else { return }
            let prefill = model.iterationTime(tokens: Int(req.prompt), kvTokens: 0,
                                              prefillPairs: IterationTimeModel.prefillPairs(chunk: Int(req.prompt), prior: 0), sequences: 1)
            var decode = 0.0
            if req.output > 1 {
                for step in 1..<Int(req.output) {
                    decode += model.iterationTime(tokens: 1, kvTokens: Int(req.prompt) + step, prefillPairs: 0, sequences: 1)
                }
            }
            requests.slots[Int(id)].firstToken = now + prefill * states[r].slowdown
            duration = prefill + decode
        }
        duration *= states[r].slowdown
        scheduler.schedule(.serviceDone(replica: Int32(r), incarnation: states[r].incarnation), after: duration)
    }
}
