/// The attribution's latency bins for the requests of one arrival
/// interval (``Attribution/byInterval``): the same 2%-wide bins as the
/// run's, kept only over the window of bins that received a request, so
/// a day of 5-minute intervals costs tens of kilobytes per interval.
package struct AttributionWindow: Sendable {
    /// The first bin held.
    var lo = 0
    /// Per bin from `lo`: a count, then one sum per ``AttributionPart``.
    var data: ContiguousArray<Double> = []

    /// Empty.
    package init() {}

    /// Bins added beyond the one needed when the window grows, so it grows
    /// a few times rather than at every new extreme.
    static let margin = 16

    /// Adds one request of latency bin `b` with parts `p`.
    @inline(__always) mutating func add(bin b: Int, _ p: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double)) {
        let s = Attribution.stride
        if data.isEmpty {
            lo = max(0, b - Self.margin)
            data = ContiguousArray(repeating: 0, count: (b - lo + 1 + Self.margin) * s)
        } else if b < lo {
            let newLo = max(0, b - Self.margin)
            data.insert(contentsOf: repeatElement(0, count: (lo - newLo) * s), at: 0)
            lo = newLo
        } else if (b - lo + 1) * s > data.count {
            data.append(contentsOf: repeatElement(0, count: (b - lo + 1 + Self.margin) * s - data.count))
        }
        let o = (b - lo) * s
        data.withUnsafeMutableBufferPointer { d in
            d[o] += 1
            d[o + 1] += p.0; d[o + 2] += p.1; d[o + 3] += p.2; d[o + 4] += p.3; d[o + 5] += p.4; d[o + 6] += p.5
            d[o + 7] += p.6; d[o + 8] += p.7; d[o + 9] += p.8; d[o + 10] += p.9; d[o + 11] += p.10
        }
    }
}

/// The TTFT and end-to-end bins of one arrival interval.
package struct IntervalAttribution: Sendable {
    /// Time-to-first-token bins.
    package var ttft = AttributionWindow()
    /// End-to-end bins.
    package var e2e = AttributionWindow()

    /// Empty.
    package init() {}
}
