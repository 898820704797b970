import Foundation
import ServingModel
import SimulationCore
import TestSupport
import Testing
import Workload
@testable import Scenario

/// Every number a scenario, a profile or a trace gives is refused cleanly
/// when it is out of range: a problem naming the file, the line and the
/// key as the file spells it, never a trap, a hang or an allocation without
/// limit (docs/scenario-reference.md#limits). Each test here once crashed,
/// hung or was accepted wrongly.
@Suite struct NumericExtremesTests {
    /// A small valid scenario with `replace` substitutions applied, and
    /// `extra` appended.
    static func scenario(_ replace: [String: String] = [:], extra: String = "") -> String {
        var text = """
            name: extremes
            duration: DURATION
            workload:
              arrivals: ARRIVALS
              sizes: SIZES
            replicas:
              count: 2
              batching: {policy: none}
              service: SERVICE

            """
        let defaults = ["DURATION": "1m", "ARRIVALS": "{process: poisson, rate: 10/s}", "SIZES": "{prompt: 100, output: 50}",
                        "SERVICE": "{distribution: exponential, mean: 10ms}"]
        for (k, v) in defaults { text = text.replacingOccurrences(of: k, with: replace[k] ?? v) }
        return text + extra
    }

    /// The problems parsing `text` reports (empty when it parses).
    static func issues(_ text: String, file: String = "x.yaml") -> [ScenarioIssue] {
        do {
            _ = try ScenarioLoader.parse(text: text, file: file)
            return []
        } catch let e as ScenarioError {
            return e.issues
        } catch {
            return [ScenarioIssue(file: file, line: nil, key: "?", message: "\(error)")]
        }
    }

    /// Expects exactly one problem, at `key`, on a known line, whose
    /// message contains each of `words`.
    static func expectRefused(_ text: String, key: String, _ words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        let found = Self.issues(text)
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        guard let issue = found.first else { return }
        #expect(issue.key == key, "\(issue)", sourceLocation: sourceLocation)
        #expect(issue.line != nil, "\(issue)", sourceLocation: sourceLocation)
        #expect(issue.description.hasPrefix("x.yaml:\(issue.line ?? 0): \(key): "), "\(issue)", sourceLocation: sourceLocation)
        for w in words { #expect(issue.message.contains(w), "\(issue)", sourceLocation: sourceLocation) }
    }

    /// Found by `make fuzz`: a hedge timer of 1e-7 s re-armed itself for
    /// every call whose hedge the client could not send, 10^7 events per
    /// simulated second each, and a one-minute run did not end.
    @Test func aVanishingHedgeDelayIsRefused() {
        Self.expectRefused(Self.scenario(extra: "client: {retry: {max_attempts: 3}, hedge_delay: 0.0000001}\n"),
                           key: "client.hedge_delay")
        #expect(Self.issues(Self.scenario(extra: "client: {retry: {max_attempts: 3}, hedge_delay: 1ms}\n")).isEmpty)
    }

    /// A trace or a servegen process as one of `workload.clients` used to
    /// leave the parser with no configuration and no problem named, and
    /// `validate` trapped on a force-unwrap; now each names its key.
    @Test func aTraceOrServeGenAmongClientsIsRefusedByName() {
        let trace = TestData.root.appendingPathComponent("data/traces/AzureLLMInferenceTrace_conv.csv").path
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: poisson, rate: 1/s}"])
            .replacingOccurrences(of: "  arrivals: {process: poisson, rate: 1/s}\n",
                                  with: "  clients: [{arrivals: {process: trace, trace: \(trace), format: azure}}]\n"),
            key: "workload.clients[0].arrivals", "trace")
    }

    // MARK: crashes

    @Test func aBreakerThresholdOf1e300IsRefusedBeforeItsIntegerPercent() {
        Self.expectRefused(Self.scenario(extra: "client:\n  breaker: {kind: hystrix, error_threshold: 1e300}\n"),
                           key: "client.breaker.error_threshold", "from 0% to 100%", "1e300")
    }

    @Test func aProfileKVCacheNearIntMaxIsRefused() throws {
        let source = try String(contentsOfFile: TestData.root.appendingPathComponent("models/hardware/a100-llama2-7b.yaml").path,
                                encoding: .utf8)
        for bad in ["9223372036854775807", "1e300", "-1", "nan"] {
            let text = source.replacingOccurrences(of: "kv_cache_tokens: 120912", with: "kv_cache_tokens: \(bad)")
            let path = try TestData.write(text, name: "hw.yaml")
            do {
                _ = try HardwareProfileLoader.load(path: path)
                Issue.record("accepted kv_cache_tokens \(bad)")
            } catch let e as ScenarioError {
                #expect(e.issues.count == 1 && e.issues[0].key == "kv_cache_tokens" && e.issues[0].line == 10, "\(e)")
            }
        }
        // In range alone, out of range once quantised: refused, not trapped.
        let big = source.replacingOccurrences(of: "kv_cache_tokens: 120912", with: "kv_cache_tokens: 1000000000")
        let path = try TestData.write(big, name: "hw.yaml")
        #expect(throws: ScenarioError.self) { try HardwareProfileLoader.load(path: path, quantization: "fp8") }
        #expect(try HardwareProfileLoader.load(path: path).kvCacheTokens == 1_000_000_000)
    }

    @Test func anHPAScaleUpPolicyOf1e300PercentIsRefusedAndCannotTrapTheDecision() {
        Self.expectRefused(Self.scenario(extra: """
            cluster:
              max_replicas: 10
              autoscaler: {kind: hpa, metric: in_flight, target: 1, scale_up_percent: 1e300%}

            """), key: "cluster.autoscaler.scale_up_percent", "100000%")
        var s = HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 50, target: 1e-300)
        s.scaleUpPercent = 1e300
        var hpa = HorizontalPodAutoscaler(settings: s)
        #expect(hpa.decide(now: 0, current: 2, ready: 2, metric: 1e300) == 50)
    }

    @Test func aKPATargetUtilisationOfZeroIsRefusedAndCannotTrapTheDecision() {
        Self.expectRefused(Self.scenario(extra: "cluster:\n  max_replicas: 10\n  autoscaler: {kind: kpa, target_utilization: 0}\n"),
                           key: "cluster.autoscaler.target_utilization", "> 0%")
        var s = KnativePodAutoscaler.Settings(minReplicas: 0, maxReplicas: 10)
        s.target = 0
        s.maxScaleUpRate = 1e300
        var kpa = KnativePodAutoscaler(settings: s)
        kpa.observe(now: 0, concurrency: 5)
        #expect(kpa.decide(now: 1, current: 1, ready: 1) == 10)
        kpa.observe(now: 2, concurrency: 0)
        _ = kpa.decide(now: 3, current: 1, ready: 1)  // 0 / 0: no trap
    }

    @Test func aPromptOf1e300IsRefusedAndADistributionsTailIsCut() {
        Self.expectRefused(Self.scenario(["SIZES": "{prompt: {distribution: deterministic, value: 1e300}, output: {distribution: deterministic, value: 5}}"]),
                           key: "workload.sizes.prompt.value", "100000000")
        Self.expectRefused(Self.scenario(["SIZES": "{prompt: 9223372036854775807, output: 5}"]), key: "workload.sizes.prompt", "100000000")
        // Built directly, the distribution's draws are cut to the limit.
        let sizes = RequestSizes(.distributions(prompt: .deterministic(1e300), output: .deterministic(.nan)))
        var rng = RandomStream(seed: 1).stream("sizes")
        #expect(sizes.sample(&rng) == RequestSize(prompt: RequestSize.maxTokens, output: 1))
    }

    @Test func capsOnHugeTokenCountsCannotOverflow() {
        let capped = RequestSize(prompt: Int.max, output: Int.max).capped(atMost: 4096)
        #expect(capped.prompt >= 1 && capped.output >= 1 && capped.prompt + capped.output <= 4098)
        #expect(RequestSize(prompt: Int.max - 1, output: 10).capped(atMost: 100).prompt <= 100)
        // Unchanged where it always worked.
        #expect(RequestSize(prompt: 3000, output: 2000).capped(atMost: 4096) == RequestSize(prompt: 2457, output: 1638))
    }

    @Test func aReplayScaledBy1e300IsRefused() throws {
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: poisson, rate: 10/s, scale: 1e300x}"]),
                           key: "workload.arrivals.scale", "1000000x")
        let rows = (0..<100).map { "\($0),10,10\n" }.joined()
        let trace = try TestData.write("timestamp,prompt_tokens,output_tokens\n" + rows, name: "t.csv")
        var config = try ScenarioLoader.parse(text: Self.scenario(), file: "x.yaml")
        config.arrivals = .trace(TraceReplay(path: trace, format: .csv, rateScale: 1e300))
        #expect { try ServingRun(configuration: config) } throws: { ($0 as? ServingModelError)?.key == "workload.arrivals.scale" }
        // Rows × a scale within range past 50 million: validate refuses it.
        #expect(throws: ServingModelError.self) { try ServingRun.checkTrace(TraceReplay(path: trace, format: .csv, rateScale: 1e6)) }
    }

    @Test func aTraceRowBeyondTheTokenLimitStopsTheRunWithAnError() throws {
        // Whatever the trace reader accepts, the engine's 32-bit fields are safe.
        let trace = try TestData.write("timestamp,prompt_tokens,output_tokens\n0,10,10\n1,100000001,10\n", name: "t.csv")
        var config = try ScenarioLoader.parse(text: Self.scenario(), file: "x.yaml")
        config.arrivals = .trace(TraceReplay(path: trace, format: .csv))
        #expect(throws: (any Error).self) { try ServingRun(configuration: config).execute() }
        #expect(throws: (any Error).self) { try RequestSizes.fromTrace(path: trace, format: .csv) }
    }

    // MARK: unbounded allocation and hangs

    @Test func aRateThatMeansBillionsOfArrivalsIsRefusedWithTheEstimate() {
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: poisson, rate: 1e6/s}"]),
                           key: "workload.arrivals.rate", "60 million", "50 million")
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: poisson, rate: 1e300/s}"]), key: "workload.arrivals.rate", "10000000/s")
        // Several sources: the largest is named, by its list index.
        Self.expectRefused("""
            duration: 1h
            workload:
              clients:
                - {arrivals: {process: poisson, rate: 1/s}}
                - {arrivals: {process: curve, points: [[0, 1/s], [10m, 20000/s]]}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 1ms}}
            """, key: "workload.clients[1].arrivals.points", "above the limit")
        // The same limit for a run built without the parser.
        var config = try! ScenarioLoader.parse(text: Self.scenario(), file: "x.yaml")
        config.arrivals = .processes([.poisson(rate: 1e6)])
        #expect { try ServingRun(configuration: config) } throws: { ($0 as? ServingModelError)?.key == "workload.arrivals.rate" }
    }

    @Test func zeroGapsAreRefused() {
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: renewal, interarrival: {distribution: deterministic, value: 0}}"]),
                           key: "workload.arrivals.interarrival", "mean gap")
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: renewal, interarrival: {distribution: deterministic, value: 1e-300s}}"]),
                           key: "workload.arrivals.interarrival", "1e-300s")
    }

    @Test func durationsAboveAYearOrOverflowingAreRefused() {
        Self.expectRefused(Self.scenario(["DURATION": "365000d"]), key: "duration", "365d", "365000d")
        Self.expectRefused(Self.scenario(["DURATION": "1e305d"]), key: "duration", "'1e305d'")
        #expect(Units.duration("1e305d") == nil)
        #expect(Units.byteRate("1e305GB/s") == nil)
        #expect(Self.issues(Self.scenario(["DURATION": "365d", "ARRIVALS": "{process: poisson, rate: 1/s}"])).isEmpty)
        // Bins of the time series: a 1 ms interval over a year is too many.
        Self.expectRefused(Self.scenario(["DURATION": "365d", "ARRIVALS": "{process: poisson, rate: 1/s}"], extra: "output: {interval: 1ms}\n"),
                           key: "output.interval", "5 million")
    }

    @Test func onOffProcessesThatNeverSendOrHoldForNoTimeAreRefused() {
        Self.expectRefused(Self.scenario(["ARRIVALS": "{process: onoff, states: [{rate: 0, mean_holding: 1s}, {rate: 0, mean_holding: 1s}]}"]),
                           key: "workload.arrivals.states", "rate > 0")
        let tiny = Self.issues(Self.scenario(["ARRIVALS": "{process: onoff, states: [{rate: 10/s, mean_holding: 1e-300s}, {rate: 0, mean_holding: 0.0}]}"]))
        #expect(tiny.map(\.key) == ["workload.arrivals.states[0].mean_holding", "workload.arrivals.states[1].mean_holding"], "\(tiny)")
        // A silent process built directly ends instead of searching forever.
        var g = ArrivalGenerator(process: .modulated([.init(rate: 0, meanHolding: 1), .init(rate: 0, meanHolding: 1)]),
                                 stream: RandomStream(seed: 1).stream("a"))
        #expect(g.next(after: 0) == .infinity)
        var c = ArrivalGenerator(process: .rateCurve(try! RateCurve(starts: [0, 5], rates: [0, 0], period: 10)),
                                 stream: RandomStream(seed: 1).stream("a"))
        #expect(c.next(after: 0) == .infinity)
    }

    @Test func aRepeatingCurveWithDecimalPeriodsDoesNotStallAtABoundary() throws {
        // Segment ends rounded at or before the clock once stalled the generator.
        var g = ArrivalGenerator(process: .rateCurve(try RateCurve(starts: [0, 0.1, 0.2], rates: [10, 0, 10], period: 0.3)),
                                 stream: RandomStream(seed: 3).stream("a"))
        var t = 0.0, n = 0
        while t < 20_000 {
            t = g.next(after: t)
            n += 1
        }
        #expect(abs(Double(n) - 20_000 * 10 * 2 / 3) < 2_000, "\(n) arrivals")
    }

    @Test func periodicTimersBelowAMillisecondAreRefused() {
        let found = Self.issues(Self.scenario(extra: """
            cluster:
              max_replicas: 10
              autoscaler: {kind: hpa, metric: in_flight, target: 1, scrape_interval: 1e-300s, sync_period: 0.5ms}
            gateway:
              health_check: {interval: 1us}

            """))
        #expect(Set(found.map(\.key)) == ["cluster.autoscaler.scrape_interval", "cluster.autoscaler.sync_period", "gateway.health_check.interval"],
                "\(found)")
        #expect(found.allSatisfy { $0.message.contains("from 1ms to 365d") }, "\(found)")
    }

    @Test func aClosedLoopWithoutThinkTimeIsRefused() {
        Self.expectRefused(Self.scenario(extra: "client: {loop: closed, users: 10, think: 0s}\n"), key: "client.think", ">= 1ms")
    }

    // MARK: accepted wrongly

    @Test func timeDistributionsThatDrawNegativeValuesAreRefused() {
        Self.expectRefused(Self.scenario(["SERVICE": "{distribution: normal, mean: 0s, sd: 1ms}"]), key: "replicas.service", "3.09", "mean 0")
        Self.expectRefused(Self.scenario(["SERVICE": "{distribution: deterministic, value: -1s}"]), key: "replicas.service.value", "from 0")
        Self.expectRefused(Self.scenario(["SERVICE": "{distribution: uniform, low: -5ms, high: 5ms}"]), key: "replicas.service.low")
        #expect(Self.issues(Self.scenario(["SERVICE": "{distribution: normal, mean: 10ms, sd: 1ms}"])).isEmpty)
        // Token counts keep their rule: a draw below 1 counts as 1.
        #expect(Self.issues(Self.scenario(["SIZES": "{prompt: {distribution: normal, mean: 10, sd: 100}, output: 5}"])).count == 1)
    }

    @Test func fractionsOutsideTheirRangeAreRefused() {
        Self.expectRefused(Self.scenario(extra: "cluster:\n  max_replicas: 4\n  autoscaler: {kind: hpa, target: 70%, tolerance: 2}\n"),
                           key: "cluster.autoscaler.tolerance", "from 0% to 100%")
        Self.expectRefused(Self.scenario(extra: "client:\n  retry_budget: {budget_percent: 1e300%}\n  retry: {max_attempts: 2}\n"),
                           key: "client.retry_budget.budget_percent")
        Self.expectRefused(Self.scenario(extra: "client:\n  breaker: {kind: resilience4j, failure_rate_threshold: nan}\n"),
                           key: "client.breaker.failure_rate_threshold", "'nan'")
    }

    @Test func aWatermarkAbove1IsRefused() throws {
        let profile = TestData.root.appendingPathComponent("models/hardware/a100-llama2-7b.yaml").path
        Self.expectRefused("""
            duration: 1m
            workload: {arrivals: {process: poisson, rate: 1/s}, sizes: {prompt: 100, output: 10}}
            replicas: {count: 1, hardware: \(profile), batching: {policy: continuous, watermark: 1.5}}
            """, key: "replicas.batching.watermark", "from 0 to 1")
    }

    // MARK: every numeric key

    /// Mutates each number of the bundled examples (one at a time) to each
    /// extreme and parses the result: refused with a message naming a key
    /// and a line, or accepted; never a trap.
    @Test func everyNumberOfTheExamplesRefusesExtremesByKeyAndLine() throws {
        let extremes = ["1e300", "-1", "nan", "9223372036854775807"]
        let number = try NSRegularExpression(pattern: #"(?<![\w.\-/])\d+(\.\d+)?(ms|s|m|h|d|%|x|/s|/min)?(?![\w.])"#)
        var checked = 0
        for name in ["examples/toolbox/everything-on.yaml", "examples/autoscaling-kpa.yaml"] {
            let path = TestData.root.appendingPathComponent(name).path
            // Fixed sizes instead of a trace's: the parse is then quick.
            let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
                .map { $0.hasPrefix("  sizes: {trace:") ? "  sizes: {prompt: 100, output: 50, max_total_tokens: 4096}" : $0 }
            for (i, line) in lines.enumerated() where !line.hasPrefix("#") && !line.hasPrefix("seed") {
                let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? line
                let ns = code as NSString
                for match in number.matches(in: code, range: NSRange(location: 0, length: ns.length)) {
                    for x in extremes {
                        var mutated = lines
                        mutated[i] = ns.replacingCharacters(in: match.range, with: x)
                        let found = Self.issues(mutated.joined(separator: "\n"), file: path)
                        checked += 1
                        for issue in found {
                            #expect(issue.line != nil && !issue.key.isEmpty, "\(name):\(i + 1) \(x): \(issue)")
                        }
                    }
                }
            }
        }
        #expect(checked > 200)
    }
}
