import SimulationCore

/// Policy `continuous`: vLLM-style iteration-level scheduling, with one
/// micro-batch per pipeline stage in flight (Vidur's rule for pipeline
/// parallelism) and multi-step advance of unchanging decode batches.
extension ServingSimulation {
    /// KV blocks needed to hold `tokens` tokens.
    func blocks(for tokens: Int) -> Int {
        let n = tokens + blockSize - 1  // tokens >= 0, so the shift rounds as the division does
        return blockShift >= 0 ? n >> blockShift : n / blockSize
    }

    /// Plans and starts one micro-batch if the first pipeline stage is free,
    /// a slot is free, and there is work not already in flight.
    mutating func startIteration(replica r: Int, policy: ContinuousBatching, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let stages = replicas[r].slots.count
        guard replicas[r].inFlight < stages else { return }
        if replicas[r].stageFree[0] > now {
            wake(replica: r, at: replicas[r].stageFree[0], scheduler: &scheduler)
            return
        }
        guard let slot = replicas[r].slots.firstIndex(where: { !$0.active }) else { return }
        let model = iteration!
        var batch = MicroBatch()
        swap(&batch, &replicas[r].slots[slot])
        batch.members.removeAll(keepingCapacity: true)
        batch.chunks.removeAll(keepingCapacity: true)
        batch.run = nil
        var tokens = 0, kv = 0, pairs = 0.0
        var budget = policy.maxNumBatchedTokens
        admitPrefilled(replica: r, policy: policy, now: now)

        if !policy.chunkedPrefill {
            // vLLM V0 / Vidur: admit new requests in a prefill-only batch
            // when any fit; otherwise run one decode step of every sequence.
            admitWaiting(replica: r, into: &batch, policy: policy, budget: &budget, wholePrompts: true, now: now)
            if !batch.members.isEmpty {
                for (i, id) in batch.members.enumerated() {
                    let chunk = Int(batch.chunks[i])
                    tokens += chunk
                    pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(requests[id].prefilled))
                }
            } else {
                scheduleDecodes(replica: r, into: &batch, tokens: &tokens, kv: &kv, budget: &budget, now: now)
            }
        } else {
            // Sarathi-style: decodes first, then running prefills, then new
            // requests, all within one token budget.
            scheduleDecodes(replica: r, into: &batch, tokens: &tokens, kv: &kv, budget: &budget, now: now)
            for id in replicas[r].running where budget > 0 {
                let req = requests[id]
                guard !req.inFlight, req.prefilled < prefillTarget(req) else { continue }
                let chunk = min(Int(prefillTarget(req) - req.prefilled), budget)
                batch.members.append(id)
                batch.chunks.append(Int32(chunk))
                budget -= chunk
                tokens += chunk
                pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(req.prefilled))
            }
            let before = batch.members.count
            admitWaiting(replica: r, into: &batch, policy: policy, budget: &budget, wholePrompts: false, now: now)
            for i in before..<batch.members.count {
                let chunk = Int(batch.chunks[i])
                tokens += chunk
                pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(requests[batch.members[i]].prefilled))
            }
        }
        guard !batch.members.isEmpty else {
            swap(&batch, &replicas[r].slots[slot])
            if replicas[r].inFlight == 0 { setBusy(r, false, now: now) }
            return
        }
        for id in batch.members { requests.slots[Int(id)].inFlight = true }
        batch.active = true
        batch.epoch &+= 1
        let stageTime = model.stageTime(tokens: tokens, kvTokens: kv, prefillPairs: pairs) * replicas[r].slowdown
        var end = now
        if stages == 1 {
            end = now + stageTime
            if policy.fidelity == .multistep && pairs == 0 && tokens == batch.members.count && batch.members.count > 0,
               let run = planDecodeRun(replica: r, batch: batch, alpha: stageTime, start: now) {
                batch.run = run
                end = now + run.elapsed(run.steps)
            }
            replicas[r].stageFree[0] = end
        } else {
            // Through the pipeline: each stage starts when the batch leaves
            // the previous one and the stage has finished its last batch.
            for s in 0..<stages {
                end = max(end, replicas[r].stageFree[s]) + stageTime
                replicas[r].stageFree[s] = end
                if s == 0 { replicas[r].stageFree[0] = now + stageTime }
            }
        }
        swap(&batch, &replicas[r].slots[slot])
        replicas[r].inFlight += 1
        setBusy(r, true, now: now)
        scheduler.schedule(.iterationDone(replica: Int32(r), slot: Int16(slot), epoch: replicas[r].slots[slot].epoch), at: end)
        if stages > 1 && replicas[r].inFlight < stages {
            wake(replica: r, at: replicas[r].stageFree[0], scheduler: &scheduler)
        }
    }

    /// Schedules one wake-up when the first stage frees (pipelines).
    mutating func wake(replica r: Int, at t: Double, scheduler: inout Scheduler<Event>) {
        guard !replicas[r].wakePending else { return }
        replicas[r].wakePending = true
        scheduler.schedule(.stageFree(replica: Int32(r)), at: t)
    }

    /// How many decode iterations the batch can run unchanged: until its
    /// first sequence finishes, and no further than the free KV blocks last.
    /// `mutating` only so that self is passed by reference: called from
    /// mutating code, a non-mutating method gets a copy of the whole model.
    mutating func planDecodeRun(replica r: Int, batch: MicroBatch, alpha: Double, start: Double) -> DecodeRun? {
        var maxSteps = Int.max
        for id in batch.members {
            let req = requests[id]
            maxSteps = min(maxSteps, Int(req.output - req.generated))
        }
        guard maxSteps > 1 else { return nil }
        // Blocks beyond those allocated for the first step, after k steps.
        func extraBlocks(_ k: Int) -> Int {
            var total = 0
            for id in batch.members {
                let context = Int(requests[id].prompt + requests[id].generated)
                total += blocks(for: context + k) - blocks(for: context + 1)
            }
            return total
        }
        let free = replicas[r].freeBlocks
        var lo = 1, hi = maxSteps
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if extraBlocks(mid) <= free { lo = mid } else { hi = mid - 1 }
        }
        guard lo > 1 else { return nil }
        let model = iteration!
        let beta = model.perKVToken * model.speedFactor * replicas[r].slowdown * Double(batch.members.count)
        return DecodeRun(start: start, steps: lo, alpha: alpha, beta: beta)
    }

    /// Ends a replica's multi-step decode run at the end of the iteration
    /// in progress, so new work is planned exactly when the
    /// iteration-by-iteration schedule would plan it.
    mutating func truncateDecodeRun(replica r: Int, scheduler: inout Scheduler<Event>) {
        guard replicas[r].slots.count == 1, var run = replicas[r].slots[0].run, replicas[r].slots[0].active else { return }
        let done = run.completed(by: scheduler.now)
        let keep = min(done + 1, run.steps)
        guard keep < run.steps else { return }
        run.steps = keep
        replicas[r].slots[0].run = run
        replicas[r].slots[0].epoch &+= 1
        let end = run.start + run.elapsed(keep)
        replicas[r].stageFree[0] = end
        scheduler.schedule(.iterationDone(replica: Int32(r), slot: 0, epoch: replicas[r].slots[0].epoch), at: end)
    }

    /// Tokens a request must prefill: its prompt, plus what it had generated
    /// before a preemption (recompute).
    func prefillTarget(_ req: Request) -> Int32 {
        req.generated > 0 && req.prefilled < req.prompt + req.generated - 1
            ? req.prompt + req.generated - 1 : req.prompt
    }

    /// Adds one decode token for every running sequence past its prefill
    /// and not in flight, preempting the newest idle sequences when KV
    /// blocks run out.
    mutating func scheduleDecodes(replica r: Int, into batch: inout MicroBatch, tokens: inout Int, kv: inout Int,
                                  budget: inout Int, now: Double) {
        let microCap = max(1, batching.continuous!.maxNumSeqs / replicas[r].slots.count)
        var i = 0
        while i < replicas[r].running.count, batch.members.count < microCap {
            let id = replicas[r].running[i]
            let req = requests[id]
            if req.inFlight || req.prefilled < prefillTarget(req) { i += 1; continue }
            let context = Int(req.prompt + req.generated)
            if blocks(for: context + 1) > Int(req.blocks) {
                // Needs a new block; preempt from the back until one is free.
                var preemptedSelf = false
                while replicas[r].freeBlocks < 1 {
                    guard let v = replicas[r].running.lastIndex(where: { !requests[$0].inFlight }) else { break }
                    let victim = replicas[r].running.remove(at: v)
                    preempt(victim, replica: r, now: now)
                    if victim == id { preemptedSelf = true; break }
                }
                if preemptedSelf { continue }
                if replicas[r].freeBlocks < 1 { i += 1; continue }  // only in-flight sequences left to evict
                changeBlocks(1, replica: r, now: now)
                requests.slots[Int(id)].blocks += 1
            }
            batch.members.append(id)
            batch.chunks.append(0)
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
        if now >= warmup { metrics.preemptions += 1 }
    }

    /// The client of running request `id` went away and the engine aborts
    /// it (vLLM `abort_request`): a sequence in the iteration in progress
    /// leaves when that iteration ends, any other at once, freeing its KV
    /// blocks and batch slot.
    mutating func abortRunning(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let r = Int(requests[id].replica)
        if requests[id].inFlight {
            requests.slots[Int(id)].aborted = true
        } else {
            replicas[r].running.removeAll { $0 == id }
            dropAborted(id, replica: r, now: scheduler.now, scheduler: &scheduler)
            if replicas[r].inFlight == 0 { kick(replica: r, scheduler: &scheduler) }
        }
        // Freed blocks may admit waiting requests at the next iteration.
        truncateDecodeRun(replica: r, scheduler: &scheduler)
    }

    /// Frees an aborted sequence (already out of the running list) and ends
    /// its attempt as the client's 499.
    mutating func dropAborted(_ id: Int32, replica r: Int, now: Double, scheduler: inout Scheduler<Event>) {
        changeBlocks(-Int(requests[id].blocks), replica: r, now: now)
        requests.slots[Int(id)].blocks = 0
        if requests[id].measured { metrics.cancelled += 1 }
        attemptEnded(id, outcome: .response(status: 499), now: now, scheduler: &scheduler)
        requests.remove(id)
    }

    /// Admits waiting requests first-come first-served while sequences, the
    /// token budget and KV blocks (above the watermark) allow.
    mutating func admitWaiting(replica r: Int, into batch: inout MicroBatch, policy: ContinuousBatching, budget: inout Int,
                               wholePrompts: Bool, now: Double) {
        let reserve = Int(Double(replicas[r].totalBlocks) * policy.watermark)
        let microCap = max(1, policy.maxNumSeqs / replicas[r].slots.count)
        var longest = 0
        while budget > 0, replicas[r].running.count < policy.maxNumSeqs, batch.members.count < microCap,
              let id = peekWaiting(replica: r) {
            let req = requests[id]
            let target = Int(prefillTarget(req))
            // Tokens still to prefill: a prefix-cache hit (prefix affinity)
            // arrives partly prefilled.
            let remaining = target - Int(req.prefilled)
            if remaining == 0 { break }  // arrived prefilled: admitPrefilled takes it
            if wholePrompts {
                if policy.paddedPrefill {
                    // Vidur counts a prefill batch as its size × its longest prompt.
                    let padded = (batch.members.count + 1) * max(longest, remaining)
                    if padded > policy.maxNumBatchedTokens { break }
                    longest = max(longest, remaining)
                } else if remaining > budget {
                    break
                }
            }
            let need = blocks(for: target + 1)
            if replicas[r].freeBlocks - need < reserve { break }
            _ = popWaiting(replica: r)
            markScheduled(id, now: now)
            requests.slots[Int(id)].phase = .running
            requests.slots[Int(id)].blocks = Int32(need)
            changeBlocks(need, replica: r, now: now)
            replicas[r].running.append(id)
            let chunk = min(remaining, budget)
            batch.members.append(id)
            batch.chunks.append(Int32(chunk))
            budget -= chunk
        }
    }

    /// Applies a micro-batch's progress, completes finished sequences and
    /// plans the next micro-batch.
    mutating func finishIteration(replica r: Int, slot: Int, epoch: UInt16, scheduler: inout Scheduler<Event>) {
        guard replicas[r].slots[slot].active, replicas[r].slots[slot].epoch == epoch else { return }  // superseded
        let now = scheduler.now
        var batch = MicroBatch()
        swap(&batch, &replicas[r].slots[slot])
        let steps = Int32(batch.run?.steps ?? 1)
        var finished = false
        var aborted: [Int32] = [], handedOff: [Int32] = []
        for (i, id) in batch.members.enumerated() {
            requests.slots[Int(id)].inFlight = false
            guard requests[id].phase == .running else { continue }
            if requests[id].aborted {
                aborted.append(id)
                continue
            }
            let chunk = batch.chunks[i]
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
                if steps > 1 {
                    // Blocks of steps 2…k of a decode run (step 1's was taken at planning).
                    let context = Int(req.prompt + req.generated)
                    let extra = blocks(for: context + Int(steps)) - blocks(for: context + 1)
                    if extra > 0 {
                        changeBlocks(extra, replica: r, now: now)
                        req.blocks += Int32(extra)
                    }
                }
                req.generated += steps
                req.prefilled = req.prompt + req.generated - 1
            }
            requests[id] = req
            if req.generated >= req.output {
                changeBlocks(-Int(req.blocks), replica: r, now: now)
                requests.slots[Int(id)].blocks = 0
                complete(id, now: now, scheduler: &scheduler)
                finished = true
            } else if chunk > 0, r < prefillReplicas, req.prefilled >= prefillTarget(req) {
                handedOff.append(id)
            }
        }
        batch.active = false
        batch.run = nil
        swap(&batch, &replicas[r].slots[slot])
        if finished {
            replicas[r].running.removeAll { requests[$0].phase == .done }
        }
        if !aborted.isEmpty {
            replicas[r].running.removeAll { aborted.contains($0) }
            for id in aborted { dropAborted(id, replica: r, now: now, scheduler: &scheduler) }
        }
        if !handedOff.isEmpty {
            replicas[r].running.removeAll { handedOff.contains($0) }
            for id in handedOff { handOff(id, scheduler: &scheduler) }
        }
        replicas[r].inFlight -= 1
        refill(replica: r, scheduler: &scheduler)
        if let c = batching.continuous {
            startIteration(replica: r, policy: c, scheduler: &scheduler)
        }
        if replicas[r].inFlight == 0 { setBusy(r, false, now: now) }
        retireIfDrained(r, now: now)
    }
}

extension BatchingPolicy {
    /// The continuous batching settings, if that is the policy.
    var continuous: ContinuousBatching? {
        if case .continuous(let c) = self { return c }
        return nil
    }
}
