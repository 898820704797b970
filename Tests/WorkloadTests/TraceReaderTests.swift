import Foundation
import SimulationCore
import TestSupport
import Testing
@testable import Workload

@Suite struct TraceReaderTests {
    @Test func readsTheAzureConversationTrace() throws {
        let reader = try TraceReader(path: TestData.data("traces/AzureLLMInferenceTrace_conv.csv"), format: .azure)
        let rows = try reader.readAll()
        #expect(rows.count == 19_366)
        #expect(rows[0] == TraceRecord(time: 0, promptTokens: 374, outputTokens: 44))
        // Second row: 18:15:50.9951690 − 18:15:46.6805900.
        #expect(abs(rows[1].time - 4.314579) < 1e-6)
        #expect(abs(rows.last!.time - 3501.7) < 0.1)
        let meanPrompt = Double(rows.reduce(0) { $0 + $1.promptTokens }) / Double(rows.count)
        #expect(abs(meanPrompt - 1155) < 1)
    }

    @Test func readsMooncakeWithPrefixBlocks() throws {
        let reader = try TraceReader(path: TestData.data("traces/mooncake_conversation_trace.jsonl"), format: .mooncake)
        let first = try reader.next()!
        #expect(first.promptTokens == 6758)
        #expect(first.outputTokens == 500)
        #expect(first.prefixBlocks == Array(0...13))
        var count = 1, last = 0.0
        while let r = try reader.next() { count += 1; last = r.time }
        #expect(count == 12_031)
        #expect(last == 3536.999)
    }

    @Test func readsTheGenericCSVInAnyColumnOrder() throws {
        let path = try TestData.write("output_tokens,timestamp,prompt_tokens\n5,10.5,100\n7,11.0,200\n")
        let rows = try TraceReader(path: path, format: .csv).readAll()
        #expect(rows == [TraceRecord(time: 0, promptTokens: 100, outputTokens: 5), TraceRecord(time: 0.5, promptTokens: 200, outputTokens: 7)])
        #expect(try TraceFormat.detect(path: path) == .csv)
    }

    @Test(arguments: [
        ("timestamp,prompt_tokens,output_tokens\n1,10,5\n2,x,5\n", ":3", "prompt_tokens"),
        ("timestamp,prompt_tokens,output_tokens\n1,10,5\n0.5,10,5\n", ":3", "must not decrease"),
        ("timestamp,prompt_tokens\n1,10\n", ":1", "output_tokens"),
        ("timestamp,prompt_tokens,output_tokens\n1,10\n", ":2", "expected 3"),
    ])
    func malformedRowsNameFileLineAndProblem(text: String, line: String, fragment: String) throws {
        let path = try TestData.write(text)
        do {
            let reader = try TraceReader(path: path, format: .csv)
            _ = try reader.readAll()
            Issue.record("expected an error")
        } catch let e as WorkloadError {
            #expect(e.location == path + line, "\(e)")
            #expect(e.description.contains(fragment), "\(e)")
        }
    }

    @Test func badAzureTimestampIsExplained() throws {
        let path = try TestData.write("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,1,1\n2023-13-16 18:15:46,1,1\n")
        #expect(throws: WorkloadError.self) { try TraceReader(path: path, format: .azure).readAll() }
    }

    @Test func sizesFromATraceAreCappedLikeVidur() throws {
        let sizes = try RequestSizes.fromTrace(path: TestData.data("traces/AzureLLMInferenceTrace_conv.csv"), format: .azure, maxTotalTokens: 4096)
        var rng = RandomStream(seed: 1)
        for _ in 0..<10_000 {
            let s = sizes.sample(&rng)
            #expect(s.prompt + s.output <= 4096 && s.prompt >= 1 && s.output >= 1)
        }
        // Excess 1,004 split 5000:100, each share rounded up: 985 and 20.
        #expect(sizes.cap(RequestSize(prompt: 5000, output: 100)) == RequestSize(prompt: 4015, output: 80))
        // Excess 914 split 10:5000: 2 and 913.
        #expect(sizes.cap(RequestSize(prompt: 10, output: 5000)) == RequestSize(prompt: 8, output: 4087))
        #expect(sizes.cap(RequestSize(prompt: 100, output: 100)) == RequestSize(prompt: 100, output: 100))
    }
}
