import Foundation
import SimulationCore
import Testing

@Suite struct LogHistogramStateTests {
    /// A histogram of `n` values spread over many octaves, with zeros.
    func histogram(seed: UInt64, n: Int) -> LogHistogram {
        var stream = RandomStream(seed: seed)
        var h = LogHistogram()
        for i in 0..<n { h.record(i % 50 == 0 ? 0 : exp(stream.nextUniform() * 20 - 12)) }
        return h
    }

    @Test func aStateGivesBackTheSameHistogramThroughJSON() throws {
        let h = histogram(seed: 1, n: 5_000)
        let data = try JSONEncoder().encode(h.state)
        let state = try JSONDecoder().decode(LogHistogram.State.self, from: data)
        #expect(state == h.state)
        #expect(LogHistogram(state: state) == h)
        #expect(LogHistogram(state: LogHistogram().state) == LogHistogram())
    }

    @Test func mergingStatesCountsAsMergingHistograms() {
        let a = histogram(seed: 2, n: 3_000), b = histogram(seed: 3, n: 4_000)
        var merged = a
        merged.merge(b)
        var state = a.state
        state.merge(b.state)
        var reversed = b.state
        reversed.merge(a.state)
        let fromState = LogHistogram(state: state)!
        #expect(fromState.count == merged.count && fromState.zeroCount == merged.zeroCount)
        #expect(state.buckets == merged.state.buckets && reversed.buckets == state.buckets)
        for p in [0.0, 0.5, 0.9, 0.99, 0.999, 1] { #expect(fromState.percentile(p) == merged.percentile(p)) }
    }

    @Test func aDamagedStateIsRefused() throws {
        var state = histogram(seed: 4, n: 100).state
        state.count += 1
        #expect(LogHistogram(state: state) == nil)
        let bad = Data(#"{"buckets": "12:3,x", "zero_count": 0, "overflow_count": 0, "count": 3, "sum": 1, "min": 0, "max": 1}"#.utf8)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(throws: DecodingError.self) { try decoder.decode(LogHistogram.State.self, from: bad) }
    }
}
