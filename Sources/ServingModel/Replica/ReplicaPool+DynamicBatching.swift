import SimulationCore

/// Policy `dynamic`: Triton-style request-level batches.
extension ReplicaPool {
    mutating func startBatchIfReady(replica r: Int, policy: DynamicBatching, requests: inout RequestTable,
                                    scheduler: inout Scheduler<Event>, recorder: inout Recorder) {
        let now = scheduler.now
        guard let oldest = peekWaiting(replica: r, requests: &requests) else { return }
        let waitedEnough = now - requests[oldest].arrival >= policy.maxQueueDelay - 1e-12
        guard states[r].liveWaiting >= policy.maxBatchSize || waitedEnough else {
            let fire = requests[oldest].arrival + policy.maxQueueDelay
            if states[r].timerAt > fire {
                states[r].timerAt = fire
                scheduler.schedule(.batchTimer(replica: Int32(r)), at: fire)
            }
            return
        }
        var batch: [Int32] = []
        batch.reserveCapacity(policy.maxBatchSize)
        while batch.count < policy.maxBatchSize, let id = popWaiting(replica: r, requests: &requests) {
            markScheduled(id, now: now, requests: &requests)
            batch.append(id)
        }
        states[r].running = batch
        setBusy(r, true, now: now, recorder: &recorder)
        var duration: Double
        if let service = service {
            duration = service.sample(&serviceStream) * (1 + policy.perRequestCost * Double(batch.count - 1))
        } else {
            // Padded static batch: one prefill over all prompts, then decode
            // steps of the whole batch until the longest output is done.
            guard let model = iteration else { return }
            var tokens = 0, pairs = 0.0, context = 0, longest = 0
            for id in batch {
                let p = Int(requests[id].prompt)
                tokens += p
                context += p
                pairs += IterationTimeModel.prefillPairs(chunk: p, prior: 0)
                longest = max(longest, Int(requests[id].output))
            }
            let prefill = model.iterationTime(tokens: tokens, kvTokens: 0, prefillPairs: pairs, sequences: batch.count)
            var decode = 0.0
            if longest > 1 {
                for step in 1..<longest {
                    decode += model.iterationTime(tokens: batch.count, kvTokens: context + step * batch.count, prefillPairs: 0, sequences: batch.count)
                }
            }
            for id in batch { requests.slots[Int(id)].firstToken = now + prefill * states[r].slowdown }
            duration = prefill + decode
        }
        duration *= states[r].slowdown
        scheduler.schedule(.batchDone(replica: Int32(r), incarnation: states[r].incarnation), after: duration)
    }
}
