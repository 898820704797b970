import SimulationCore

/// Policy `continuous`: vLLM-style iteration-level scheduling, with one
/// micro-batch per pipeline stage in flight (Vidur's rule for pipeline
/// parallelism) and multi-step advance of unchanging decode batches.
extension ReplicaPool {
    /// Plans and starts one micro-batch if the first pipeline stage is free,
    /// a slot is free, and there is work not already in flight.
    mutating func startIteration(replica r: Int, policy: ContinuousBatching, requests: inout RequestTable,
                                 scheduler: inout Scheduler<Event>, recorder: inout Recorder) {
        let now = scheduler.now
        let stages = states[r].slots.count
        guard states[r].inFlight < stages else { return }
        if states[r].stageFree[0] > now {
            wake(replica: r, at: states[r].stageFree[0], scheduler: &scheduler)
            return
        }
        guard let slot = states[r].slots.firstIndex(where: { !$0.active }) else { return }
        guard let model = iteration else { return }
        var batch = MicroBatch()
        swap(&batch, &states[r].slots[slot])
        batch.members.removeAll(keepingCapacity: true)
        batch.chunks.removeAll(keepingCapacity: true)
        batch.run = nil
        var tokens = 0, kv = 0, pairs = 0.0
        var budget = policy.maxNumBatchedTokens
        admitPrefilled(replica: r, policy: policy, now: now, requests: &requests, recorder: &recorder)

        if !policy.chunkedPrefill {
            // vLLM V0 / Vidur: admit new requests in a prefill-only batch
            // when any fit; otherwise run one decode step of every sequence.
            admitWaiting(replica: r, into: &batch, policy: policy, budget: &budget, wholePrompts: true, now: now,
                             requests: &requests, recorder: &recorder)
            if !batch.members.isEmpty {
                for (i, id) in batch.members.enumerated() {
                    let chunk = Int(batch.chunks[i])
                    tokens += chunk
                    pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(requests[id].prefilled))
                }
            } else {
                scheduleDecodes(replica: r, into: &batch, tokens: &tokens, kv: &kv, budget: &budget, now: now,
                                requests: &requests, recorder: &recorder)
            }
        } else {
            // Sarathi-style: decodes first, then running prefills, then new
            // requests, all within one token budget.
            scheduleDecodes(replica: r, into: &batch, tokens: &tokens, kv: &kv, budget: &budget, now: now,
                                requests: &requests, recorder: &recorder)
            for id in states[r].running where budget > 0 {
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
            admitWaiting(replica: r, into: &batch, policy: policy, budget: &budget, wholePrompts: false, now: now,
                         requests: &requests, recorder: &recorder)
            for i in before..<batch.members.count {
                let chunk = Int(batch.chunks[i])
                tokens += chunk
                pairs += IterationTimeModel.prefillPairs(chunk: chunk, prior: Int(requests[batch.members[i]].prefilled))
            }
        }
        guard !batch.members.isEmpty else {
            swap(&batch, &states[r].slots[slot])
            if states[r].inFlight == 0 { setBusy(r, false, now: now, recorder: &recorder) }
            return
        }
        for id in batch.members { requests.slots[Int(id)].inFlight = true }
        batch.active = true
        batch.epoch &+= 1
        let stageTime = model.stageTime(tokens: tokens, kvTokens: kv, prefillPairs: pairs, sequences: batch.members.count) * states[r].slowdown
        var end = now
        if stages == 1 {
            end = now + stageTime
            // Requests this step was planned without join the next one: no
            // multi-step run past it.
            let deferred = asyncScheduling && states[r].lateJoins > 0 && !states[r].waiting.isEmpty
            states[r].lastStepStart = now
            states[r].lateJoins = 0
            if policy.fidelity == .multistep && !deferred && pairs == 0 && tokens == batch.members.count && batch.members.count > 0,
               let run = planDecodeRun(replica: r, batch: batch, alpha: stageTime, start: now, requests: requests) {
                batch.run = run
                end = now + run.elapsed(run.steps)
                states[r].lastStepStart = now + run.elapsed(run.steps - 1)
            }
            states[r].stageFree[0] = end
        } else {
            // Through the pipeline: each stage starts when the batch leaves
            // the previous one and the stage has finished its last batch.
            for s in 0..<stages {
                end = max(end, states[r].stageFree[s]) + stageTime
                states[r].stageFree[s] = end
                if s == 0 { states[r].stageFree[0] = now + stageTime }
            }
        }
        swap(&batch, &states[r].slots[slot])
        states[r].inFlight += 1
        setBusy(r, true, now: now, recorder: &recorder)
        scheduler.schedule(.iterationDone(replica: Int32(r), slot: Int16(slot), epoch: states[r].slots[slot].epoch), at: end)
        if stages > 1 && states[r].inFlight < stages {
            wake(replica: r, at: states[r].stageFree[0], scheduler: &scheduler)
        }
    }

    /// Schedules one wake-up when the first stage frees (pipelines).
    mutating func wake(replica r: Int, at t: Double, scheduler: inout Scheduler<Event>) {
        guard !states[r].wakePending else { return }
        states[r].wakePending = true
        scheduler.schedule(.stageFree(replica: Int32(r)), at: t)
    }

    /// How many decode iterations the batch can run unchanged: until its
    /// first sequence finishes, and no further than the free KV blocks last.
    @inline(__always) func planDecodeRun(replica r: Int, batch: MicroBatch, alpha: Double, start: Double, requests: RequestTable) -> DecodeRun? {
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
        let free = states[r].freeBlocks
        var lo = 1, hi = maxSteps
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if extraBlocks(mid) <= free { lo = mid } else { hi = mid - 1 }
        }
        guard lo > 1 else { return nil }
        guard let model = iteration else { return nil }
        let beta = model.perKVToken * model.speedFactor * states[r].slowdown * Double(batch.members.count)
        return DecodeRun(start: start, steps: lo, alpha: alpha, beta: beta)
    }

    /// Ends a replica's multi-step decode run at the end of the iteration
    /// in progress, so new work is planned exactly when the
    /// iteration-by-iteration schedule would plan it.
    mutating func truncateDecodeRun(replica r: Int, scheduler: inout Scheduler<Event>) {
        guard states[r].slots.count == 1, var run = states[r].slots[0].run, states[r].slots[0].active else { return }
        let done = run.completed(by: scheduler.now)
        // Async scheduling has planned the step after the current one too.
        let keep = min(done + (asyncScheduling ? 2 : 1), run.steps)
        guard keep < run.steps else { return }
        run.steps = keep
        states[r].lastStepStart = run.start + run.elapsed(keep - 1)
        states[r].slots[0].run = run
        states[r].slots[0].epoch &+= 1
        let end = run.start + run.elapsed(keep)
        states[r].stageFree[0] = end
        scheduler.schedule(.iterationDone(replica: Int32(r), slot: 0, epoch: states[r].slots[0].epoch), at: end)
    }

    /// Tokens a request must prefill: its prompt, plus what it had generated
    /// before a preemption (recompute).
    @inline(__always) func prefillTarget(_ req: Request) -> Int32 {
        req.generated > 0 && req.prefilled < req.prompt + req.generated - 1
            ? req.prompt + req.generated - 1 : req.prompt
    }

    /// Adds one decode token for every running sequence past its prefill
    /// and not in flight, preempting the newest idle sequences when KV
    /// blocks run out.
    mutating func scheduleDecodes(replica r: Int, into batch: inout MicroBatch, tokens: inout Int, kv: inout Int,
                                  budget: inout Int, now: Double, requests: inout RequestTable, recorder: inout Recorder) {
        let microCap = max(1, (batching.continuous?.maxNumSeqs ?? 1) / states[r].slots.count)
        var i = 0
        while i < states[r].running.count, batch.members.count < microCap {
            let id = states[r].running[i]
            let req = requests[id]
            if req.inFlight || req.prefilled < prefillTarget(req) { i += 1; continue }
            let context = Int(req.prompt + req.generated)
            if blocks(for: context + 1) > Int(req.blocks) {
                // Needs a new block; preempt from the back until one is free.
                var preemptedSelf = false
                while states[r].freeBlocks < 1 {
                    guard let v = states[r].running.lastIndex(where: { !requests[$0].inFlight }) else { break }
                    let victim = states[r].running.remove(at: v)
                    preempt(victim, replica: r, now: now, requests: &requests, recorder: &recorder)
                    if victim == id { preemptedSelf = true; break }
                }
                if preemptedSelf { continue }
                if states[r].freeBlocks < 1 { i += 1; continue }  // only in-flight sequences left to evict
                if !caches.isEmpty { takeCachedBlocks(1, replica: r, now: now, recorder: &recorder) }
                changeBlocks(1, replica: r, now: now, recorder: &recorder)
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
    mutating func preempt(_ id: Int32, replica r: Int, now: Double, requests: inout RequestTable, recorder: inout Recorder) {
        releaseBlocks(of: id, replica: r, now: now, requests: &requests, recorder: &recorder)
        requests.slots[Int(id)].prefilled = 0
        requests.slots[Int(id)].phase = .waiting
        states[r].waiting.prepend(id)
        states[r].liveWaiting += 1
        recorder.onPreempted(now: now)
        recorder.metrics.attribution?.preempted(id, now: now)
    }

    /// Admits waiting requests first-come first-served while sequences, the
    /// token budget and KV blocks (above the watermark) allow.
    mutating func admitWaiting(replica r: Int, into batch: inout MicroBatch, policy: ContinuousBatching, budget: inout Int,
                               wholePrompts: Bool, now: Double, requests: inout RequestTable, recorder: inout Recorder) {
        let reserve = Int(Double(states[r].totalBlocks) * policy.watermark)
        let microCap = max(1, policy.maxNumSeqs / states[r].slots.count)
        var longest = 0
        // Async scheduling planned this step while the last one ran: the
        // requests that joined since (the back of the queue) wait, unless
        // the engine has nothing else to run.
        let late = asyncScheduling && !batch.members.isEmpty ? states[r].lateJoins : 0
        while budget > 0, states[r].running.count < policy.maxNumSeqs, batch.members.count < microCap,
              states[r].waiting.count > late,
              let id = peekWaiting(replica: r, requests: &requests) {
            let req = requests[id]
            let target = Int(prefillTarget(req))
            // Tokens still to prefill: a prefix-cache hit (prefix affinity)
            // arrives partly prefilled.
            var remaining = target - Int(req.prefilled)
            if remaining == 0 { break }  // arrived prefilled: admitPrefilled takes it
            var lookup: PrefixLookup?
            if !caches.isEmpty {
                // The replica's own cache decides what is prefilled already.
                let l = lookUpPrefix(id, replica: r, target: target, requests: requests)
                remaining = target - l.hitBlocks * blockSize
                lookup = l
            }
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
            let take = lookup.map { need - $0.hitBlocks + $0.freeHits } ?? need
            if states[r].freeBlocks - take < reserve { break }
            _ = popWaiting(replica: r, requests: &requests)
            markScheduled(id, now: now, requests: &requests)
            requests.slots[Int(id)].phase = .running
            requests.slots[Int(id)].blocks = Int32(need)
            if let lookup {
                requests.slots[Int(id)].prefilled = Int32(target - remaining)
                _ = admitCached(id, replica: r, lookup: lookup, need: need, now: now, requests: &requests, recorder: &recorder)
            }
            changeBlocks(take, replica: r, now: now, recorder: &recorder)
            states[r].running.append(id)
            let chunk = min(remaining, budget)
            batch.members.append(id)
            batch.chunks.append(Int32(chunk))
            budget -= chunk
        }
    }

    /// The client of running request `id` went away and the engine aborts
    /// it (vLLM `abort_request`): a sequence in the iteration in progress
    /// leaves when that iteration ends (false), any other at once (true:
    /// it is out of the running list, and the caller frees it).
    mutating func abort(_ id: Int32, replica r: Int, requests: inout RequestTable) -> Bool {
        if requests[id].inFlight {
            requests.slots[Int(id)].aborted = true
            return false
        }
        states[r].running.removeAll { $0 == id }
        return true
    }

    /// After an abort freed a sequence: an idle replica plans its next
    /// iteration; freed blocks may admit waiting requests at the next one.
    mutating func afterAbort(replica r: Int, removed: Bool, requests: inout RequestTable, scheduler: inout Scheduler<Event>,
                             recorder: inout Recorder) {
        if removed && states[r].inFlight == 0 { kick(replica: r, requests: &requests, scheduler: &scheduler, recorder: &recorder) }
        truncateDecodeRun(replica: r, scheduler: &scheduler)
    }

    /// What became of one member of a finished micro-batch.
    enum MemberEnd {
        /// Still running (or no longer there).
        case continues
        /// Its last token is out: the caller completes it (its blocks are freed).
        case finished
        /// Aborted while in flight: the caller frees it.
        case aborted
        /// Prefilled on a prefill replica: its KV cache moves on.
        case handedOff
    }

    /// Takes the micro-batch in `slot` out of replica `r` to apply its
    /// progress (nil when the event is stale).
    @inline(__always) mutating func beginFinish(replica r: Int, slot: Int, epoch: UInt16) -> MicroBatch? {
        guard states[r].slots[slot].active, states[r].slots[slot].epoch == epoch else { return nil }  // superseded
        var batch = MicroBatch()
        swap(&batch, &states[r].slots[slot])
        return batch
    }

    /// Applies the progress of member `id` of a finished micro-batch: its
    /// prefill `chunk` (0: a decode token), over `steps` iterations (a
    /// multi-step decode run).
    @inline(__always) mutating func advance(_ id: Int32, chunk: Int32, steps: Int32, replica r: Int, now: Double,
                                            requests: inout RequestTable, recorder: inout Recorder) -> MemberEnd {
        requests.slots[Int(id)].inFlight = false
        guard requests[id].phase == .running else { return .continues }
        if requests[id].aborted { return .aborted }
        var req = requests[id]
        if chunk > 0 {
            let target = prefillTarget(req)
            req.prefilled += chunk
            if req.prefilled >= target {
                // The last prefill chunk samples the next token.
                req.prefilled = req.generated > 0 ? req.prompt + req.generated : req.prompt
                req.generated += 1
                if recorder.metrics.attribution != nil {
                    recorder.metrics.attribution!.prefilled(id, now: now, beforeFirst: req.firstToken < 0)
                }
                if req.firstToken < 0 { req.firstToken = now }
            }
        } else {
            if steps > 1 {
                // Blocks of steps 2…k of a decode run (step 1's was taken at planning).
                let context = Int(req.prompt + req.generated)
                let extra = blocks(for: context + Int(steps)) - blocks(for: context + 1)
                if extra > 0 {
                    if !caches.isEmpty { takeCachedBlocks(extra, replica: r, now: now, recorder: &recorder) }
                    changeBlocks(extra, replica: r, now: now, recorder: &recorder)
                    req.blocks += Int32(extra)
                }
            }
            req.generated += steps
            req.prefilled = req.prompt + req.generated - 1
        }
        requests[id] = req
        if req.generated >= req.output {
            releaseBlocks(of: id, replica: r, now: now, requests: &requests, recorder: &recorder)
            return .finished
        }
        if chunk > 0, r < prefillReplicas, req.prefilled >= prefillTarget(req) { return .handedOff }
        return .continues
    }

    /// Puts the finished micro-batch back in its slot, idle (`batch` is left
    /// holding the slot's placeholder), and drops the completed sequences
    /// from the running list.
    @inline(__always) mutating func endFinish(_ batch: inout MicroBatch, replica r: Int, slot: Int, anyFinished: Bool,
                                              requests: RequestTable) {
        batch.active = false
        batch.run = nil
        swap(&batch, &states[r].slots[slot])
        if anyFinished {
            states[r].running.removeAll { requests[$0].phase == .done }
        }
    }

    /// Drops sequences from replica `r`'s running list.
    mutating func removeRunning(_ ids: [Int32], replica r: Int) {
        states[r].running.removeAll { ids.contains($0) }
    }

    /// A micro-batch of replica `r` has left the pipeline: the next one is
    /// planned (the caller has refilled the queue first).
    mutating func afterIteration(replica r: Int, now: Double, requests: inout RequestTable, scheduler: inout Scheduler<Event>,
                                 recorder: inout Recorder) {
        if let c = batching.continuous {
            startIteration(replica: r, policy: c, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        }
        if states[r].inFlight == 0 { setBusy(r, false, now: now, recorder: &recorder) }
    }
}

extension BatchingPolicy {
    /// The continuous batching settings, if that is the policy.
    var continuous: ContinuousBatching? {
        if case .continuous(let c) = self { return c }
        return nil
    }
}
