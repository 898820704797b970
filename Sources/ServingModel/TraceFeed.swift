import Workload

/// The records of a trace replay, in order. With `spreadTies`, records that
/// share a timestamp (a coarse trace's batch) are spaced evenly from it to
/// the next timestamp, as if they had arrived uniformly in between; the last
/// batch, with no next timestamp, stays together.
struct TraceFeed {
    /// The file's reader.
    let reader: TraceReader
    /// Whether ties are spread.
    let spreadTies: Bool
    /// The batch being handed out, and how far.
    private var batch: [TraceRecord] = []
    private var index = 0
    /// The first record of the next batch, read ahead.
    private var lookahead: TraceRecord?

    /// A feed over `reader`.
    init(reader: TraceReader, spreadTies: Bool) {
        self.reader = reader
        self.spreadTies = spreadTies
    }

    /// The next record, nil at the end of the trace.
    mutating func next() throws -> TraceRecord? {
        guard spreadTies else { return try reader.next() }
        if index == batch.count {
            try readBatch()
            if batch.isEmpty { return nil }
        }
        var record = batch[index]
        if let end = lookahead?.time {
            let start = batch[0].time
            record.time = start + Double(index) * (end - start) / Double(batch.count)
        }
        index += 1
        return record
    }

    /// Reads the records that share the next timestamp, and one more.
    private mutating func readBatch() throws {
        batch.removeAll(keepingCapacity: true)
        index = 0
        guard let first = try lookahead ?? reader.next() else { return }
        lookahead = nil
        batch.append(first)
        while let r = try reader.next() {
            if r.time != first.time {
                lookahead = r
                return
            }
            batch.append(r)
        }
    }
}
