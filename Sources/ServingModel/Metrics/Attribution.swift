import Foundation

/// Where served requests spent their time, and where the others were
/// refused, recorded as the run goes when
/// ``ServingConfiguration/attribution`` is set (`headroom explain`, the
/// plan's worst interval).
///
/// The flows stamp each hand-off of a request in a side table indexed by
/// its slot (dispatch, replica enqueue, preemption, the end of its
/// recomputation, KV transfer), so ``Request`` stays as it is. At a
/// completion that reaches its user the request's time to first token and
/// end-to-end latency are cut into ``AttributionPart``s, which add up to
/// them, and added to log-spaced latency bins (2% wide): a percentile
/// group (the requests at or above the p99) is then the bins from the one
/// holding the percentile up, its parts' means exact sums over those
/// requests. Memory is fixed: the bins, one small mark per request slot.
package struct Attribution: Sendable {
    /// Hand-off times of the request in one slot.
    struct Marks: Sendable {
        /// Its (last) dispatch to the gateway queue or a replica (s).
        var dispatched = -1.0
        /// The cold-start clock at its dispatch.
        var coldAtDispatch = 0.0
        /// Its (last) enqueue at a replica (s, -1: none).
        var enqueued = -1.0
        /// The cold-start clock at that enqueue.
        var coldAtEnqueue = 0.0
        /// Its last preemption not yet recomputed (s, -1: none).
        var preemptedAt = -1.0
        /// Seconds lost to preemption before / after its first token.
        var preemptBeforeFirst = 0.0
        var preemptAfterFirst = 0.0
        /// Seconds its KV cache took to move.
        var kvTransfer = 0.0
    }

    /// Lower edge of the first bin (s).
    static let binFloor = 1e-4
    /// Ratio of a bin's upper to lower edge.
    static let binRatio = 1.02
    /// Number of bins (1e-4 s to beyond 1e5 s).
    static let binCount = 1050
    /// Doubles per bin: a count, then one sum per part.
    static let stride = AttributionPart.allCases.count + 1

    var marks: ContiguousArray<Marks> = []
    /// Per time-to-first-token bin: count and sums of the TTFT parts.
    package private(set) var ttftBins: ContiguousArray<Double>
    /// Per end-to-end bin: count and sums of the end-to-end parts.
    package private(set) var e2eBins: ContiguousArray<Double>
    /// Per-request parts, when the run keeps its requests
    /// (``ServingConfiguration/recordRequests``).
    package private(set) var records: [AttributedRequest] = []
    let keepRecords: Bool
    /// Width of the arrival intervals whose requests are also binned apart
    /// (s; nil: none): ``ServingConfiguration/latencyByArrivalInterval``.
    let intervalWidth: Double?
    /// Per arrival interval (a request's arrival ÷ ``intervalWidth``): its
    /// requests' bins, read with ``group(quantile:ttft:interval:)``.
    package private(set) var byInterval: [IntervalAttribution] = []

    /// Replicas cold-starting now, and the cold-start clock: seconds so
    /// far during which at least one replica was starting.
    var starting = 0
    var coldTotal = 0.0
    var coldSince = 0.0

    /// Refusals and losses counted where they happen.
    package var errors = AttributionErrors()

    /// Empty; `keepRecords` keeps one record per attributed completion;
    /// `intervalWidth` (s) also bins requests by their arrival interval.
    package init(keepRecords: Bool, intervalWidth: Double? = nil) {
        self.keepRecords = keepRecords
        self.intervalWidth = intervalWidth.flatMap { $0 > 0 ? $0 : nil }
        ttftBins = ContiguousArray(repeating: 0, count: Self.binCount * Self.stride)
        e2eBins = ttftBins
    }

    /// The bin of a latency.
    @inline(__always) static func bin(of seconds: Double) -> Int {
        guard seconds > binFloor else { return 0 }
        return min(binCount - 1, Int(log(seconds / binFloor) / log(binRatio)))
    }

    /// Lower edge of bin `b` (s).
    static func lowerEdge(of b: Int) -> Double { b == 0 ? 0 : binFloor * pow(binRatio, Double(b)) }

    @inline(__always) mutating func slot(_ id: Int32) -> Int {
        let i = Int(id)
        if i >= marks.count { marks.append(contentsOf: repeatElement(Marks(), count: i + 1 - marks.count)) }
        return i
    }

    /// The cold-start clock at `now`.
    @inline(__always) func coldClock(_ now: Double) -> Double {
        starting > 0 ? coldTotal + now - coldSince : coldTotal
    }

    // MARK: Hooks

    /// Request `id` is dispatched (a new attempt, or a gateway retry's resend).
    mutating func dispatched(_ id: Int32, now: Double) {
        let i = slot(id)
        marks[i] = Marks(dispatched: now, coldAtDispatch: coldClock(now))
    }

    /// Request `id` joins a replica's queue.
    mutating func enqueued(_ id: Int32, now: Double) {
        let i = slot(id)
        marks[i].enqueued = now
        marks[i].coldAtEnqueue = coldClock(now)
    }

    /// Request `id` is preempted (to be recomputed).
    mutating func preempted(_ id: Int32, now: Double) {
        marks[slot(id)].preemptedAt = now
    }

    /// Request `id` has prefilled again after a preemption; `beforeFirst`:
    /// its first token was not out yet.
    mutating func prefilled(_ id: Int32, now: Double, beforeFirst: Bool) {
        let i = slot(id)
        let t = marks[i].preemptedAt
        guard t >= 0 else { return }
        marks[i].preemptedAt = -1
        if beforeFirst { marks[i].preemptBeforeFirst += now - t } else { marks[i].preemptAfterFirst += now - t }
    }

    /// Request `id`'s KV cache takes `seconds` to reach its decode replica.
    mutating func kvTransfer(_ id: Int32, seconds: Double) {
        marks[slot(id)].kvTransfer += seconds
    }

    /// A replica starts (`delta` 1) or stops (−1) cold-starting.
    mutating func startingChanged(_ delta: Int, now: Double) {
        if starting > 0 { coldTotal += now - coldSince }
        coldSince = now
        starting += delta
    }

    /// Request `id`, served, reaches its user: its latency is cut into
    /// parts and added to the bins. `callStart` is its user's call (the
    /// attempt's send without a client layer), `overhead` the front end's.
    mutating func completed(_ id: Int32, _ req: Request, callStart: Double, overhead: Double, now: Double) {
        let m = marks[slot(id)]
        var p = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        let dispatched = m.dispatched >= 0 ? m.dispatched : req.arrival
        let scheduled = req.firstScheduled >= 0 ? req.firstScheduled : now
        let first = req.firstToken >= 0 ? req.firstToken : now
        p.0 = req.arrival - callStart
        if req.gatewayRetries > 0 { p.2 = dispatched - req.arrival } else { p.1 = dispatched - req.arrival }
        let wait = scheduled - dispatched
        var atGateway = m.enqueued >= 0 ? min(max(m.enqueued - dispatched, 0), wait) : 0
        var atReplica = wait - atGateway
        // The part of the wait that overlapped a cold start, taken from the
        // gateway's wait first, then the replica's.
        let cold = min(max(coldClock(scheduled) - m.coldAtDispatch, 0), wait)
        let coldAtGateway = min(cold, atGateway)
        atGateway -= coldAtGateway
        atReplica -= cold - coldAtGateway
        p.3 = atGateway
        p.4 = cold
        p.5 = atReplica
        let lostBefore = min(m.preemptBeforeFirst, first - scheduled)
        p.6 = first - scheduled - lostBefore
        p.7 = lostBefore
        p.8 = overhead
        let ttft = p.0 + p.1 + p.2 + p.3 + p.4 + p.5 + p.6 + p.7 + p.8
        add(&ttftBins, latency: ttft, p)
        let after = now - first
        let kv = min(m.kvTransfer, after)
        let lostAfter = min(m.preemptAfterFirst, after - kv)
        var e = p
        e.7 += lostAfter
        e.9 = kv
        e.10 = after - kv - lostAfter
        let e2e = ttft + e.9 + lostAfter + e.10
        add(&e2eBins, latency: e2e, e)
        if let w = intervalWidth {
            let k = Int(req.arrival / w)
            if k >= byInterval.count { byInterval.append(contentsOf: repeatElement(IntervalAttribution(), count: k + 1 - byInterval.count)) }
            byInterval[k].ttft.add(bin: Self.bin(of: ttft), p)
            byInterval[k].e2e.add(bin: Self.bin(of: e2e), e)
        }
        if keepRecords {
            records.append(AttributedRequest(ttft: ttft, e2e: e2e, ttftParts: [p.0, p.1, p.2, p.3, p.4, p.5, p.6, p.7, p.8, 0, 0],
                                             e2eParts: [e.0, e.1, e.2, e.3, e.4, e.5, e.6, e.7, e.8, e.9, e.10],
                                             replica: Int(req.replica)))
        }
    }

    @inline(__always) private func add(_ bins: inout ContiguousArray<Double>, latency: Double,
                                       _ p: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double)) {
        let o = Self.bin(of: latency) * Self.stride
        bins.withUnsafeMutableBufferPointer { b in
            b[o] += 1
            b[o + 1] += p.0; b[o + 2] += p.1; b[o + 3] += p.2; b[o + 4] += p.3; b[o + 5] += p.4; b[o + 6] += p.5
            b[o + 7] += p.6; b[o + 8] += p.7; b[o + 9] += p.8; b[o + 10] += p.9; b[o + 11] += p.10
        }
    }

    // MARK: Reading

    /// The group of requests whose latency is at or above its `quantile`
    /// (0 for all of them), from the TTFT bins (`ttft`) or the end-to-end
    /// ones; of the requests that arrived in arrival interval `interval`
    /// when given (an empty group beyond the last).
    package func group(quantile: Double, ttft: Bool, interval: Int? = nil) -> AttributionGroup {
        if let k = interval {
            guard k >= 0, k < byInterval.count else { return Self.group(quantile: quantile, bins: [], lo: 0) }
            let w = ttft ? byInterval[k].ttft : byInterval[k].e2e
            return Self.group(quantile: quantile, bins: w.data, lo: w.lo)
        }
        return Self.group(quantile: quantile, bins: ttft ? ttftBins : e2eBins, lo: 0)
    }

    /// The group from `bins` (``stride`` doubles per bin) whose first bin is `lo`.
    static func group(quantile: Double, bins: ContiguousArray<Double>, lo: Int) -> AttributionGroup {
        let n = bins.count / Self.stride
        var total = 0.0
        for b in 0..<n { total += bins[b * Self.stride] }
        guard total > 0 else { return AttributionGroup(quantile: quantile, threshold: 0, count: 0, parts: [:]) }
        // The bin holding the value of rank ceil(q·N).
        let rank = max(1, (quantile * total).rounded(.up))
        var first = 0, below = 0.0
        while first < n - 1, below + bins[first * Self.stride] < rank {
            below += bins[first * Self.stride]
            first += 1
        }
        if quantile == 0 { first = 0 }
        var count = 0.0
        var sums = [Double](repeating: 0, count: AttributionPart.allCases.count)
        for b in first..<n {
            let o = b * Self.stride
            count += bins[o]
            for k in sums.indices { sums[k] += bins[o + 1 + k] }
        }
        var parts: [AttributionPart: Double] = [:]
        for part in AttributionPart.allCases { parts[part] = sums[part.rawValue] / count }
        return AttributionGroup(quantile: quantile, threshold: Self.lowerEdge(of: lo + first), count: Int(count), parts: parts)
    }
}
