import Foundation
import SimulationCore
import Testing
@testable import Workload

/// inference-perf's constant load stages and shared-prefix prompts, as its
/// `ConstantLoadTimer` and `SharedPrefixDataGenerator` make them.
@Suite struct InferencePerfWorkloadTests {
    @Test func constantStagesSendRateTimesDurationRequestsEndingAtTheStageEnd() {
        let c = ConstantStages(stages: [.init(rate: 5, duration: 10), .init(rate: 2.5, duration: 3)])
        #expect(c.origins == [0, 12])           // 10 s, then the 2 s gap
        #expect(c.end == 15)
        var g = ArrivalGenerator(process: .constantStages(c), stream: RandomStream(seed: 9))
        var times: [Double] = [], stages: [Int] = []
        var t = 0.0
        while true {
            t = g.next(after: t)
            if !t.isFinite { break }
            times.append(t)
            stages.append(g.stage)
        }
        // floor(5·10) = 50 and floor(2.5·3) = 7 requests.
        #expect(times.count == 57)
        #expect(stages.filter { $0 == 0 }.count == 50 && stages.filter { $0 == 1 }.count == 7)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
        // The last request of each stage is exactly at its end.
        #expect(times[49] == 10 && times[56] == 15)
        #expect(times[0] > 0 && times[50] > 12)
        // The gaps are exponential draws rescaled to sum to the duration:
        // redo them from the same stream.
        var rng = RandomStream(seed: 9)
        let raw = (0..<50).map { _ in -log(rng.nextOpenUniform()) / 5 }
        let scale = 10 / raw.reduce(0, +)
        var expected = 0.0
        for i in 0..<49 {
            expected += raw[i] * scale
            #expect(abs(times[i] - expected) < 1e-12)
        }
    }

    @Test func constantStagesScaleTheirRatesAndCountTheirRequests() {
        let c = ConstantStages(stages: [.init(rate: 8, duration: 600), .init(rate: 20, duration: 600)])
        guard case .constantStages(let d) = ArrivalProcess.constantStages(c).scaled(by: 0.5) else {
            Issue.record("not constant stages")
            return
        }
        #expect(d.stages.map(\.count) == [2400, 6000])
        #expect(abs(ArrivalProcess.constantStages(c).meanRate - 16800 / 1202) < 1e-12)
    }

    @Test func sharedPrefixPromptsAreAShuffleOfGroupsTimesQuestions() {
        let p = SharedPrefixPrompts(systemPromptLength: 100, questionLength: 447, outputLength: 248)
        #expect(p.count == 100)
        #expect(p.size == RequestSize(prompt: 547, output: 248))
        var a = RandomStream(seed: 3), b = RandomStream(seed: 3)
        let order = p.order(&a)
        #expect(order == p.order(&b))                       // same seed, same order
        #expect(Set(order) == Set(0..<100))                 // every prompt once
        #expect(order != (0..<100).map { Int32($0) })       // shuffled
        #expect(p.group(of: 37) == 3)                       // question 7 of group 3
        // The server re-tokenizes the decoded text: about 5% more tokens.
        let inflated = SharedPrefixPrompts(systemPromptLength: 100, questionLength: 447, outputLength: 248, tokenInflation: 1.05)
        #expect(inflated.size == RequestSize(prompt: 105 + 469, output: 248))
    }
}
