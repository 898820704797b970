import SimulationCore

/// Policy `continuous`: vLLM-style iteration-level scheduling.
extension ServingSimulation {
    /// KV blocks needed to hold `tokens` tokens.
    func blocks(for tokens: Int) -> Int { (tokens + blockSize - 1) / blockSize }

    /// Plans and starts one iteration on an idle replica, if it has work.
    mutating func startIteration(replica r: Int, policy: ContinuousBatching, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let model = configuration.replicas.hardware!.iteration
        replicas[r].batch.removeAll(keepingCapacity: true)
        replicas[r].chunks.removeAll(keepingCapacity: true)
        var tokens = 0, kv = 0, pairs = 0.0
        var budget = policy.maxNumBatchedTokens

        if !policy.chunkedPrefill {
            // vLLM V0 / Vidur: admit new requests in a prefill-only batch
            // when any fit; otherwise run one decode step of every sequence.
            admitWaiting(replica: r, policy: policy, budget: &budget, wholePrompts: true, now: now)
            if !replicas[r].batch.isEmpty {
                for (i, id) in replicas[r].batch.enumerated() {
                    let chunk = Int(replicas[r].chunks[i])
                    tokens += chunk
                    pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(requests[id].prefilled))
                }
            } else {
                scheduleDecodes(replica: r, tokens: &tokens, kv: &kv, budget: &budget, now: now)
            }
        } else {
            // Sarathi-style: decodes first, then running prefills, then new
            // requests, all within one token budget.
            scheduleDecodes(replica: r, tokens: &tokens, kv: &kv, budget: &budget, now: now)
            for id in replicas[r].running where budget > 0 {
                let req = requests[id]
                guard req.prefilled < prefillTarget(req) else { continue }
                let chunk = min(Int(prefillTarget(req) - req.prefilled), budget)
                replicas[r].batch.append(id)
                replicas[r].chunks.append(Int32(chunk))
                budget -= chunk
                tokens += chunk
                pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(req.prefilled))
            }
            let before = replicas[r].batch.count
            admitWaiting(replica: r, policy: policy, budget: &budget, wholePrompts: false, now: now)
            for i in before..<replicas[r].batch.count {
                let chunk = Int(replicas[r].chunks[i])
                tokens += chunk
                pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: 0)
            }
        }
        guard !replicas[r].batch.isEmpty else {
            setBusy(r, false, now: now)
            return
        }
        setBusy(r, true, now: now)
        scheduler.schedule(.iterationDone(replica: Int32(r)),
                           after: model.iterationTime(tokens: tokens, kvTokens: kv, prefillPairs: pairs))
    }

    /// Tokens a request must prefill: its prompt, plus what it had generated
    /// before a preemption (recompute).
    func prefillTarget(_ req: Request) -> Int32 {
        req.phase == .running && req.generated > 0 && req.prefilled < req.prompt + req.generated - 1
            ? req.prompt + req.generated - 1 : req.prompt
    }

    /// Adds one decode token for every running sequence past its prefill,
    /// preempting the newest sequences when KV blocks run out.
    mutating func scheduleDecodes(replica r: Int, tokens: inout Int, kv: inout Int, budget: inout Int, now: Double) {
        var i = 0
        while i < replicas[r].running.count {
            let id = replicas[r].running[i]
            let req = requests[id]
            if req.prefilled < prefillTarget(req) { i += 1; continue }
            let context = Int(req.prompt + req.generated)
            if blocks(for: context + 1) > Int(req.blocks) {
                // Needs a new block; preempt from the back until one is free.
                while replicas[r].freeBlocks < 1 {
                    let victim = replicas[r].running.removeLast()
                    preempt(victim, replica: r, now: now)
                    if victim == id { break }
                }
                if requests[id].phase == .waiting { continue }  // preempted itself
                changeBlocks(1, replica: r, now: now)
                requests.slots[Int(id)].blocks += 1
            }
            replicas[r].batch.append(id)
            replicas[r].chunks.append(0)
            tokens += 1
            kv += context
            budget -= 1
            i += 1
        }
    }

    /// Frees a sequence's KV blocks and puts it back at the head of the queue
    /// to be recomputed (vLLM's default preemption mode).
    mutating func preempt(_ id: Int32, replica r: Int, now: Double) {
        let held = Int(requests[id].blocks)
        changeBlocks(-held, replica: r, now: now)
        requests.slots[Int(id)].blocks = 0
        requests.slots[Int(id)].prefilled = 0
        requests.slots[Int(id)].phase = .waiting
        replicas[r].waiting.prepend(id)
        replicas[r].liveWaiting += 1
        if now >= configuration.warmup { metrics.preemptions += 1 }
    }

    /// Admits waiting requests first-come first-served while sequences, the
    /// token budget and KV blocks (above the watermark) allow.
    mutating func admitWaiting(replica r: Int, policy: ContinuousBatching, budget: inout Int, wholePrompts: Bool, now: Double) {
        let reserve = Int(Double(replicas[r].totalBlocks) * policy.watermark)
        while budget > 0, replicas[r].running.count < policy.maxNumSeqs, let id = peekWaiting(replica: r) {
            let req = requests[id]
            let recompute = req.generated > 0
            let target = Int(recompute ? req.prompt + req.generated - 1 : req.prompt)
            if wholePrompts && target > budget { break }
            let need = blocks(for: target + 1)
            if replicas[r].freeBlocks - need < reserve { break }
            _ = popWaiting(replica: r)
            markScheduled(id, now: now)
            requests.slots[Int(id)].phase = .running
            requests.slots[Int(id)].blocks = Int32(need)
            changeBlocks(need, replica: r, now: now)
            replicas[r].running.append(id)
            let chunk = min(target, budget)
            replicas[r].batch.append(id)
            replicas[r].chunks.append(Int32(chunk))
            budget -= chunk
        }
    }

    /// Applies an iteration's progress, completes finished sequences and
    /// starts the next iteration.
    mutating func finishIteration(replica r: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        var finished = false
        for (i, id) in replicas[r].batch.enumerated() {
            guard requests[id].phase == .running else { continue }
            let chunk = replicas[r].chunks[i]
            var req = requests[id]
            if chunk > 0 {
                let target = prefillTarget(req)
                req.prefilled += chunk
                if req.prefilled >= target {
                    // The last prefill chunk samples the next token.
                    req.prefilled = req.generated > 0 ? req.prompt + req.generated : req.prompt
                    req.generated += 1
                    if req.firstToken < 0 { req.firstToken = now }
                }
            } else {
                req.generated += 1
                req.prefilled = req.prompt + req.generated - 1
            }
            requests[id] = req
            if req.generated >= req.output {
                changeBlocks(-Int(req.blocks), replica: r, now: now)
                requests.slots[Int(id)].blocks = 0
                complete(id, now: now)
                finished = true
            }
        }
        if finished {
            replicas[r].running.removeAll { requests[$0].phase == .done }
        }
        replicas[r].busy = false
        busyCount -= 1
        refill(replica: r, scheduler: &scheduler)
        if let c = configuration.replicas.batching.continuous {
            startIteration(replica: r, policy: c, scheduler: &scheduler)
        }
        if !replicas[r].busy { metrics.busyReplicas.update(to: Double(busyCount), at: now) }
    }
}

extension BatchingPolicy {
    /// The continuous batching settings, if that is the policy.
    var continuous: ContinuousBatching? {
        if case .continuous(let c) = self { return c }
        return nil
    }
}
