import SimulationCore
import Workload

/// Where requests come from: the open-loop arrival processes or a replayed
/// trace, each request's size and tenant, and the run's request limit.
struct ArrivalSources {
    /// Prompt and output sizes.
    let sizes: RequestSizes
    /// The tenants requests belong to.
    let tenants: TenantMix
    /// Arrivals after which no more come (`Int.max`: no limit).
    let arrivalLimit: Int
    /// Arrivals stop at this time (s).
    let duration: Double
    /// The replayed trace's settings (nil: arrival processes).
    let replay: TraceReplay?
    /// One generator per arrival process.
    var generators: [ArrivalGenerator]
    var sizeStream: RandomStream
    var tenantStream: RandomStream
    /// Draws the fractional copies of a scaled trace replay.
    var replayStream: RandomStream
    var trace: TraceFeed?
    /// The trace record waiting for its arrival time.
    var pendingRecord: TraceRecord?
    /// First error met while replaying the trace (the run stops arrivals).
    var traceError: Error?
    /// Requests admitted so far (the request limit counts them).
    var arrivalsSoFar = 0
    /// Prefix block ids of the trace record being admitted.
    var pendingPrefix: [Int] = []
    /// The shared-prefix workload, its prompt order, and the number of the
    /// next request in its stage (inference-perf numbers them from 0 in
    /// every stage).
    let sharedPrefix: SharedPrefixPrompts?
    var promptOrder: [Int32] = []
    var promptNumber = 0
    var promptStage = -1
    /// The multi-turn chat sessions (`shared_prefix.multi_turn`), else nil.
    var conversations: Conversations?

    init(configuration c: ServingConfiguration, root: RandomStream) throws {
        sizes = c.sizes
        tenants = c.tenants
        arrivalLimit = c.requestLimit ?? Int.max
        duration = c.duration
        sizeStream = root.stream("sizes")
        tenantStream = root.stream("tenants")
        replayStream = root.stream("replay")
        sharedPrefix = c.sharedPrefix
        if let sp = c.sharedPrefix {
            var s = root.stream("prompts")
            promptOrder = sp.order(&s)
            if sp.multiTurn {
                conversations = Conversations(sp, answerTokens: sp.answerTokens(maxTokens: c.client?.maxTokens), warmup: c.warmup)
            }
        }
        switch c.arrivals {
        case .processes(let ps):
            replay = nil
            generators = ps.enumerated().map { i, p in
                ArrivalGenerator(process: p, stream: root.stream("arrivals/client-\(i)"))
            }
        case .trace(let r):
            replay = r
            generators = []
            trace = TraceFeed(reader: try TraceReader(path: r.path, format: r.format), spreadTies: r.spreadTies)
        }
    }

    /// Whether the request limit stops further arrivals.
    var limitReached: Bool { @inline(__always) get { arrivalsSoFar >= arrivalLimit } }

    /// Schedules each process's first arrival (`openLoop` false: a closed
    /// loop makes its own arrivals) and the trace's first record.
    mutating func start(openLoop: Bool, scheduler: inout Scheduler<ServingSimulation.Event>) {
        for i in generators.indices where openLoop {
            let t = generators[i].next(after: 0)
            if t < duration { scheduler.schedule(.arrival(source: Int32(i)), at: t) }
        }
        if trace != nil { readNextRecord(&scheduler) }
    }

    /// The size of the next request.
    mutating func sampleSize() -> RequestSize { sizes.sample(&sizeStream) }

    /// The shared-prefix prompt of source `source`'s arrival just fired
    /// (-1: no shared-prefix workload).
    mutating func nextPrompt(source: Int32) -> Int32 {
        guard !promptOrder.isEmpty else { return -1 }
        let stage = generators[Int(source)].stage
        if stage != promptStage {
            promptStage = stage
            promptNumber = 0
        }
        defer { promptNumber += 1 }
        return promptOrder[promptNumber % promptOrder.count]
    }

    /// What prompt `prompt` (a shared-prefix index, or -1) with Mooncake
    /// block ids `prefix` is made of, for the prefix cache.
    func content(prompt: Int32, prefix: [Int]) -> PromptContent {
        if prompt >= 0, let sp = sharedPrefix {
            if let turns = conversations?.turns[Int(prompt)], let answer = conversations?.answerTokens {
                return .conversation(group: sp.group(of: prompt), prompt: prompt, systemTokens: sp.systemTokens,
                                     questionTokens: sp.questionTokens, turns: turns, answerTokens: answer)
            }
            return .sharedPrefix(group: sp.group(of: prompt), prompt: prompt, systemTokens: sp.systemTokens,
                                 questionTokens: sp.questionTokens)
        }
        var c = PromptContent()
        c.hashIDs = prefix
        return c
    }

    /// The tenant of the next request.
    mutating func sampleTenant() -> Int16 { Int16(tenants.sample(&tenantStream)) }

    /// Counts an arrival; false when the request limit refuses it.
    mutating func count() -> Bool {
        if limitReached { return false }
        arrivalsSoFar += 1
        return true
    }

    /// Schedules source `source`'s next arrival, while the run goes on.
    mutating func scheduleNext(source: Int32, scheduler: inout Scheduler<ServingSimulation.Event>) {
        let next = generators[Int(source)].next(after: scheduler.now)
        if next < duration && !limitReached { scheduler.schedule(.arrival(source: source), at: next) }
    }

    /// The pending trace record's request size and copies (its rate scale),
    /// its prefix blocks set for the admissions; nil when there is none or
    /// the copies pass the arrivals limit (the replay then stops).
    mutating func takeRecord() -> (size: RequestSize, copies: Int)? {
        guard let record = pendingRecord, let replay else { return nil }
        var size = RequestSize(prompt: max(1, record.promptTokens), output: max(1, record.outputTokens))
        if let cap = replay.maxTotalTokens { size = size.capped(atMost: cap) }
        var copies = ServingLimits.saturatingInt(replay.rateScale.rounded(.down))
        if replayStream.nextUniform() < replay.rateScale - Double(copies) { copies += 1 }
        if Double(arrivalsSoFar + copies) > ServingLimits.maxArrivals {
            // Rows × rate scale past the limit (checkTrace refuses it
            // before a validated run): stop, as a bad row would.
            traceError = ServingModelError(key: "workload.arrivals.scale",
                                           "the replay passed \(ServingLimits.count(ServingLimits.maxArrivals)) arrivals, the limit per run; "
                                           + "lower the rate scale or replay part of the trace")
            pendingRecord = nil
            trace = nil
            return nil
        }
        pendingPrefix = record.prefixBlocks
        return (size, copies)
    }

    /// Reads the trace's next record and schedules its arrival; at the end
    /// of the trace, past the duration or on an error, the replay stops.
    mutating func readNextRecord(_ scheduler: inout Scheduler<ServingSimulation.Event>) {
        guard trace != nil, let replay, !limitReached else { return }
        do {
            if let record = try trace?.next() {
                let t = record.time * replay.timeScale
                if t < duration {
                    pendingRecord = record
                    scheduler.schedule(.traceArrival, at: t)
                    return
                }
            }
        } catch {
            traceError = error
        }
        pendingRecord = nil
        trace = nil
    }
}
