import Foundation
import Testing
import Workload
@testable import ServingModel

/// The endpoint picker scores replicas on metrics it scrapes every
/// `metricsInterval` (50 ms by default), not on the replicas' state at the
/// pick.
@Suite struct EndpointPickerScrapeTests {
    /// 200 bursts of 8 requests arriving together, 10 s apart (each burst is
    /// served before the next), over four idle Llama-2-7B replicas behind
    /// the EPP. Returns, per burst, the most requests any replica got.
    static func largestShares(metricsInterval: Double) throws -> [Int] {
        let times = (0..<200).flatMap { b in Array(repeating: Double(b) * 10 + 0.512, count: 8) }
        var c = BatchingTests.config(arrivals: .poisson(rate: 1), size: RequestSize(prompt: 500, output: 20),
                                     batching: .continuous(ContinuousBatching(maxNumSeqs: 64, maxNumBatchedTokens: 4096,
                                                                              chunkedPrefill: true)),
                                     duration: 2010)
        c.arrivals = .trace(TraceReplay(path: try BatchingTests.traceFile(times: times, prompt: 500, output: 20), format: .csv))
        c.replicas.count = 4
        c.recordRequests = true
        var picker = EndpointPicker(workers: 4)
        picker.metricsInterval = metricsInterval
        var gateway = GatewayConfiguration()
        gateway.balancer = .endpointPicker(picker)
        c.gateway = gateway
        let (r, m) = try ServingRun(configuration: c).execute()
        #expect(r.requests.completed == 1600)
        var counts: [Double: [Int]] = [:]
        for done in m.completions { counts[done.arrival, default: [0, 0, 0, 0]][done.replica] += 1 }
        return counts.keys.sorted().map { counts[$0]!.max()! }
    }

    /// Read fresh, each pick sees the requests placed before it in the
    /// burst (queued, or holding KV blocks), so the eight spread two per
    /// replica every time. From one scrape, all eight see the same idle
    /// replicas, tie, and are placed at random: the largest share of 8
    /// requests thrown uniformly on 4 replicas averages about 3.3 (2 only
    /// with probability 8!/(2!⁴·4⁸) ≈ 3.8%), with a standard deviation
    /// near 0.75, so 200 bursts average above 2.8 (9 standard errors below).
    @Test func requestsBetweenTwoScrapesHerdOnTheSameSnapshot() throws {
        let fresh = try Self.largestShares(metricsInterval: 0)
        let scraped = try Self.largestShares(metricsInterval: 0.05)
        #expect(fresh.count == 200 && scraped.count == 200)
        #expect(fresh.allSatisfy { $0 == 2 }, "\(fresh.filter { $0 != 2 }.count) uneven bursts")
        let mean = Double(scraped.reduce(0, +)) / Double(scraped.count)
        #expect(mean > 2.8, "mean largest share \(mean)")
    }
}
