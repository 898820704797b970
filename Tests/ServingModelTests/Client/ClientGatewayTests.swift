import Foundation
import Scenario
import ServingModel
import SimulationCore
import TestSupport
import Testing

/// The client layer and gateway wired into whole runs, from scenario text.
@Suite struct ClientGatewayTests {
    static let mooncake = TestData.root
        .appendingPathComponent("data/traces/mooncake_conversation_trace.jsonl").path
    static let profile7B = TestData.root.appendingPathComponent("models/hardware/a100-llama2-7b.yaml").path

    /// What loading a small scenario with this `gateway:` section says
    /// ("" when it loads): the tests of bad settings read their key in it.
    static func gatewayError(_ gateway: String, replicas: Int = 1, dispatch: String? = nil) -> String {
        do {
            _ = try ScenarioLoader.parse(text: """
                name: bad
                duration: 1m
                workload: {arrivals: {process: poisson, rate: 1/s}}
                replicas: {count: \(replicas), batching: {policy: none}, service: {distribution: exponential, mean: 100ms}\(dispatch.map { ", dispatch: \($0)" } ?? "")}
                gateway: \(gateway)
                """, file: "bad.yaml")
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// Availability per 10-s bin of `m` from `from` seconds on.
    static func availability(_ m: ServingMetrics, from: Double, to: Double) -> Double {
        let c = m.client!.series
        var served = 0.0, ended = 0.0
        for b in Int(from / 10)..<Int(to / 10) {
            served += c.served.value(inBin: b)
            ended += c.served.value(inBin: b) + c.failed.value(inBin: b) + c.abandoned.value(inBin: b) + c.fallbacks.value(inBin: b)
        }
        return served / ended
    }

    static func stormScenario(_ client: String) -> String {
        """
        name: storm
        seed: 11
        duration: 12m
        workload:
          arrivals: {process: curve, points: [[0, 60/s], [5m, 120/s], [6m, 60/s]]}
        replicas:
          count: 8
          batching: {policy: none}
          service: {distribution: exponential, mean: 100ms}
          max_queue: 200
        client:
          per_try_timeout: 1s
          timeout: 10s
        \(client)
        """
    }

    /// The retry storm of examples/retry-storm: a one-minute burst to 150%
    /// of capacity. With immediate retries and no budget the service stays
    /// collapsed at 75% user load for the rest of the run (metastable);
    /// with full jitter and a retry budget it recovers within a minute.
    @Test func aRetryStormStaysCollapsedWithoutBudgetAndRecoversWithJitterAndBudget() throws {
        let immediate = try ScenarioRunner.run(Self.stormScenario("""
          retry: {max_attempts: 5, backoff: {kind: none}, retry_on: [429, 503]}
        """))
        let budgeted = try ScenarioRunner.run(Self.stormScenario("""
          retry: {max_attempts: 5, backoff: {kind: full_jitter, base: 500ms, cap: 8s}, retry_on: [429, 503]}
          retry_budget: {budget_percent: 20%, min_retry_concurrency: 3}
        """))
        // Before the burst both serve everyone.
        #expect(Self.availability(immediate.metrics, from: 60, to: 300) > 0.99)
        #expect(Self.availability(budgeted.metrics, from: 60, to: 300) > 0.99)
        // From two minutes after the burst to the end.
        let late = Self.availability(immediate.metrics, from: 480, to: 720)
        let recovered = Self.availability(budgeted.metrics, from: 480, to: 720)
        #expect(late < 0.05, "immediate retries: availability \(late) after the burst")
        #expect(recovered > 0.99, "jitter + budget: availability \(recovered) after the burst")
        // Amplification: the storm multiplies attempts, the budget does not.
        #expect(immediate.result.clients!.amplification > 3)
        #expect(budgeted.result.clients!.amplification < 1.25)
        // Wasted work: the budgeted clients waste it only while the burst's
        // queue drains (about two minutes of ~60/s timeouts); the storm does
        // for the six minutes after the burst as well, so at least 3x.
        #expect(immediate.result.clients!.wastedCompletions > 3 * budgeted.result.clients!.wastedCompletions)
    }

    /// A closed loop of N users with think time Z against M/M/c: the
    /// interactive response-time law X = N/(R + Z) holds, with R the users'
    /// measured mean latency; the tolerance is the 99.9% batch-means
    /// interval of the mean latency, carried through the law.
    @Test func closedLoopUsersObeyTheResponseTimeLaw() throws {
        let (r, _) = try ScenarioRunner.run("""
            name: closed
            seed: 3
            duration: 1h
            warmup: 5m
            workload: {arrivals: {process: poisson, rate: 1/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            client: {loop: closed, users: 50, think: {distribution: exponential, mean: 1s}}
            """)
        let c = r.clients!
        let x = Double(c.served) / r.measuredSeconds
        let rMean = c.latencySeconds.mean
        let predicted = 50 / (rMean + 1)
        // Throughput counts are Poisson-like: 3.3 σ of the count, plus the
        // boundary effect of at most 50 users in flight.
        let tolerance = (3.3 * Double(c.served).squareRoot() + 50) / r.measuredSeconds
        #expect(abs(x - predicted) < tolerance, "X \(x) vs N/(R+Z) \(predicted) ± \(tolerance)")
        // The load is near capacity (40 req/s): queueing shows in R.
        #expect(rMean > 0.1)
    }

    /// Token bucket and GCRA of the same rate and depth admit exactly the
    /// same requests in a whole run; served traffic stays within the limit.
    /// With the OpenAI SDK preset, 429s carry Retry-After and are retried
    /// after it, so users are served later instead of failing.
    @Test func tokenBucketAndGCRAAdmitTheSameRequests() throws {
        func scenario(_ algorithm: String, retry: String) -> String {
            """
            name: limits
            seed: 5
            duration: 10m
            workload: {arrivals: {process: poisson, rate: 3/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 50ms}}
            client: {retry: {preset: \(retry)}}
            gateway:
              rate_limits: [{algorithm: \(algorithm), scope: global, requests_per_minute: 120, burst: 5s}]
            """
        }
        let bucket = try ScenarioRunner.run(scenario("token_bucket", retry: "none")).result.clients!
        let gcra = try ScenarioRunner.run(scenario("gcra", retry: "none")).result.clients!
        #expect(bucket.status429 > 100)
        #expect(bucket.status429 == gcra.status429)
        #expect(bucket.served == gcra.served)
        // At most 120/min plus the 10-request burst get through.
        #expect(Double(bucket.served) <= 120 * 10 + 10)
        let sdk = try ScenarioRunner.run(scenario("token_bucket", retry: "openai")).result.clients!
        #expect(sdk.retries > 0)
        #expect(sdk.served > bucket.served)
        #expect(Double(sdk.served) <= 120 * 10 + 10)
    }

    /// Retries multiply across layers: an SDK allowing 3 attempts behind an
    /// Envoy route retrying 5xx twice can send one user request to the
    /// replicas up to 9 times. At 45 req/s against 4 replicas of 10 req/s
    /// with short queues, the gateway's retries add to the replicas' load
    /// what the client never sees: every gateway retry is one more arrival.
    /// Envoy's `max_retries` breaker (3 in flight) refuses most of them.
    @Test func gatewayRetriesMultiplyWithClientRetries() throws {
        func scenario(_ gateway: String) -> String {
            """
            name: layers
            seed: 7
            duration: 10m
            workload: {arrivals: {process: poisson, rate: 45/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, max_queue: 5}
            client:
              retry: {max_attempts: 3, backoff: {kind: full_jitter, base: 100ms, cap: 1s}, retry_on: [503]}
            \(gateway)
            """
        }
        let plain = try ScenarioRunner.run(scenario("")).result
        let breaker = try ScenarioRunner.run(scenario("gateway: {retry: {num_retries: 2, retry_on: [5xx]}}")).result
        let open = try ScenarioRunner.run(scenario("gateway: {retry: {num_retries: 2, retry_on: [5xx], max_retries: 1000}}")).result
        #expect(plain.requests.offered == plain.clients!.attempts && plain.clients!.gatewayRetries == 0)
        for r in [breaker, open] {
            let c = r.clients!
            // A retry still in its backoff when the run ends never arrives.
            #expect(r.requests.offered <= c.attempts + c.gatewayRetries && r.requests.offered >= c.attempts + c.gatewayRetries - 5)
        }
        #expect(breaker.clients!.gatewayRetryOverflows > breaker.clients!.gatewayRetries)
        #expect(open.clients!.gatewayRetryOverflows == 0)
        #expect(Double(open.requests.offered) > 2 * Double(plain.requests.offered))
        #expect(open.requests.offered > breaker.requests.offered && breaker.requests.offered > plain.requests.offered)
        let bad = #expect(throws: (any Error).self) {
            _ = try ScenarioLoader.parse(text: scenario("gateway: {retry: {retry_on: [5xx, timeouts]}}"), file: "bad.yaml")
        }
        #expect("\(bad!)".contains("gateway.retry.retry_on[1]"))
    }

    /// vLLM aborts a request whose client went away. Two replicas get 12
    /// req/s of 1,000 + 300 tokens for 5 minutes (above their capacity),
    /// with a 60-s per-try timeout and two retries. Left alone, the replicas
    /// finish thousands of attempts nobody waits for and are still working
    /// off the backlog at 10 minutes. With `cancel_on_give_up: running` no
    /// completion is wasted, every attempt is accounted for, more users are
    /// served, and by 10 minutes the replicas are empty (no KV block leaks).
    @Test func abortingOnGiveUpWastesNoCompletion() throws {
        let profile = Self.profile7B
        func scenario(_ cancel: String) -> String {
            """
            name: abort
            seed: 5
            duration: 10m
            workload:
              arrivals: {process: curve, points: [[0, 12/s], [5m, 0.001/s]]}
              sizes: {prompt: 1000, output: 300}
            replicas:
              count: 2
              hardware: \(profile)
              batching: {policy: continuous, max_num_seqs: 256, max_num_batched_tokens: 4096, chunked_prefill: true}
            client:
              per_try_timeout: 60s
              retry: {max_attempts: 3, backoff: {kind: none}}
              cancel_on_give_up: \(cancel)
            output: {interval: 30s}
            """
        }
        let (kept, _) = try ScenarioRunner.run(scenario("false"))
        let (aborted, m) = try ScenarioRunner.run(scenario("running"))
        #expect(kept.clients!.wastedCompletions > 1000 && kept.requests.unfinished > 500)
        #expect(aborted.clients!.wastedCompletions == 0)
        let r = aborted.requests
        #expect(r.cancelled > 1000 && r.unfinished == 0)
        #expect(r.offered == r.completed + r.rejected + r.timedOut + r.failed + r.cancelled + r.unfinished)
        #expect(aborted.clients!.served > kept.clients!.served)
        #expect(m.series.running.last == 0 && m.series.waiting.last == 0 && m.series.kvUse.last == 0)
        let rejected = #expect(throws: (any Error).self) {
            _ = try ScenarioLoader.parse(text: Self.stormScenario("  cancel_on_give_up: running"), file: "bad.yaml")
        }
        #expect("\(rejected!)".contains("client.cancel_on_give_up"))
    }

    /// Anthropic's OTPM: each request reserves its `max_tokens` (1,000) at
    /// admission and gets back what it did not generate (900) when it ends,
    /// so 20,000 output tokens a minute admit about 200 requests of 100
    /// output tokens a minute. OpenAI-style TPM on prompt + `max_tokens`
    /// never gives the reservation back: about 20,000 / 1,100 = 18 a minute.
    /// Bounds: the rate over 10 minutes plus the full starting bucket (at most
    /// 20 reservations of 1,000 in flight, 60 s deep).
    @Test func outputTokenQuotasSettleTheMaxTokensReservation() throws {
        func scenario(_ quota: String) -> String {
            """
            name: otpm
            seed: 3
            duration: 10m
            workload: {arrivals: {process: poisson, rate: 5/s}, sizes: {prompt: 100, output: 100}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 50ms}}
            client: {max_tokens: 1000}
            gateway: {rate_limits: [{scope: global, \(quota): 20000}]}
            """
        }
        let otpm = try ScenarioRunner.run(scenario("output_tokens_per_minute")).result.clients!
        let tpm = try ScenarioRunner.run(scenario("tokens_per_minute")).result.clients!
        #expect(otpm.status429 > 500 && tpm.status429 > 2000)
        #expect(Double(otpm.served) >= 0.95 * 200 * 10 && Double(otpm.served) <= 200 * 10 + 200, "\(otpm.served)")
        #expect(Double(tpm.served) <= 20000.0 / 1100 * 10 + 20000.0 / 1100 + 1, "\(tpm.served)")
    }

    /// A per-day quota is a whole day's amount deep: 500 requests a day lets
    /// the first 500 through (plus the 3.5 the day's rate adds in 10 minutes)
    /// and answers 429 after that.
    @Test func aDailyRequestQuotaRunsOut() throws {
        let r = try ScenarioRunner.run("""
            name: rpd
            seed: 4
            duration: 10m
            workload: {arrivals: {process: poisson, rate: 2/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 50ms}}
            gateway: {rate_limits: [{algorithm: gcra, scope: global, requests_per_day: 500}]}
            """).result.clients!
        #expect(r.served >= 500 && r.served <= 504, "\(r.served)")
        #expect(r.status429 > 500)
    }

    /// Anthropic's ITPM leaves out prompt-cache reads: on the Mooncake
    /// replay (multi-turn prefixes) a 5-minute prompt cache makes the same
    /// input-token quota refuse fewer requests than a cache that forgets at
    /// once.
    @Test func promptCacheReadsDoNotCountTowardInputTokenQuotas() throws {
        let trace = Self.mooncake
        func scenario(_ ttl: String) -> String {
            """
            name: itpm
            seed: 1
            duration: 10m
            workload:
              arrivals: {process: trace, trace: \(trace), max_total_tokens: 8192}
            replicas: {count: 8, batching: {policy: none}, service: {distribution: exponential, mean: 50ms}}
            gateway:
              prompt_cache_ttl: \(ttl)
              rate_limits: [{scope: global, input_tokens_per_minute: 400000}]
            """
        }
        let cached = try ScenarioRunner.run(scenario("5m")).result.clients!
        let forgetful = try ScenarioRunner.run(scenario("1ms")).result.clients!
        #expect(forgetful.status429 > 100)
        #expect(cached.status429 < forgetful.status429, "\(cached.status429) vs \(forgetful.status429)")
        #expect(cached.served > forgetful.served)
    }

    /// An LRU cache over Zipf keys: the hit rate matches Che's approximation
    /// (characteristic time T with Σ(1 − e^(−p_i·T)) = C; hit rate
    /// Σ p_i(1 − e^(−p_i·T))), accurate to about 1% for Zipf popularity;
    /// tolerance 1 point plus 3.3 binomial σ.
    @Test func cacheHitRateEmergesFromKeyPopularity() throws {
        let (r, _) = try ScenarioRunner.run("""
            name: cache
            seed: 9
            duration: 2h
            warmup: 10m
            workload: {arrivals: {process: poisson, rate: 20/s}}
            replicas: {count: 8, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            client: {cache: {capacity: 500, keys: 10000, zipf: 0.9}}
            """)
        let keys = ZipfKeys(count: 10000, exponent: 0.9)
        let p = (0..<10000).map { keys.probability($0) }
        var lo = 1.0, hi = 1e9
        for _ in 0..<200 {
            let t = (lo + hi) / 2
            if p.reduce(0, { $0 + 1 - exp(-$1 * t) }) < 500 { lo = t } else { hi = t }
        }
        let che = p.reduce(0) { $0 + $1 * (1 - exp(-$1 * lo)) }
        let c = r.clients!
        let n = Double(c.userRequests)
        let tolerance = 0.01 + 3.3 * (che * (1 - che) / n).squareRoot()
        #expect(abs(c.cacheHitRate - che) < tolerance, "hit rate \(c.cacheHitRate) vs Che \(che)")
        #expect(c.attempts == c.userRequests - c.cacheHits)
    }

    /// One of four replicas is cut off from the gateway for two minutes
    /// under round robin: without outlier ejection a quarter of the attempts
    /// in that time fail; Envoy's consecutive-5xx ejection (5 errors) takes
    /// it out within a few requests, so the errors drop by far.
    @Test func outlierEjectionCutsTheErrorsOfAPartitionedReplica() throws {
        func scenario(_ gateway: String) -> String {
            """
            name: partition
            seed: 4
            duration: 6m
            workload: {arrivals: {process: poisson, rate: 20/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, dispatch: round_robin}
            cluster:
              faults:
                partitions: [{at: 2m, replica: 1, duration: 2m}]
            gateway: \(gateway)
            """
        }
        let offRun = try ScenarioRunner.run(scenario("{}")).result
        // Every attempt that reached the replicas' side is accounted for.
        #expect(offRun.requests.offered > 0 && offRun.requests.unfinished >= 0)
        #expect(offRun.requests.offered == offRun.clients!.attempts - offRun.clients!.status429)
        let off = offRun.clients!
        let on = try ScenarioRunner.run(scenario("{outlier_detection: {consecutive_5xx: 5, base_ejection_time: 30s, max_ejection_percent: 50%}}")).result.clients!
        // Without ejection: every 4th attempt for 120 s at 20/s ≈ 600.
        let expected = 20.0 * 120 / 4
        let errorsOff = Double(off.connectionErrors)
        #expect(abs(errorsOff - expected) < 3.3 * expected.squareRoot() + 10, "\(errorsOff) vs \(expected)")
        // With ejection: 5 errors, then 30 s out; back for 5 more, 60 s out…
        #expect(on.connectionErrors <= 30, "\(on.connectionErrors) errors with ejection")
        #expect(on.availability > off.availability)
    }

    /// A crashed replica under active health checks (every 10 s, 3 failures)
    /// keeps getting requests until the third failed probe: about
    /// rate/N × 20–30 s of connection errors; without health checks (an
    /// oracle gateway) none; with Envoy outlier ejection on as well, about
    /// five.
    @Test func healthChecksDetectACrashAfterTheirThreshold() throws {
        let scenario = { (gateway: String) in TestScenarios.crash(gateway: gateway) }
        let oracle = try ScenarioRunner.run(scenario("{}")).result.clients!
        let probed = try ScenarioRunner.run(scenario("{health_check: {interval: 10s, unhealthy_threshold: 3}}")).result.clients!
        let ejecting = try ScenarioRunner.run(scenario(
            "{health_check: {interval: 10s, unhealthy_threshold: 3}, outlier_detection: {consecutive_5xx: 5, max_ejection_percent: 25%}}"
        )).result.clients!
        // Outlier ejection takes the dead replica out after 5 errors, long
        // before the third failed probe.
        #expect(ejecting.connectionErrors <= 15, "\(ejecting.connectionErrors) connection errors with ejection")
        #expect(ejecting.availability > probed.availability)
        // The crash at 65 s; probes at 70, 80, 90 s: unhealthy from 90 s.
        // Requests sent to it meanwhile: 20/4 per second for 25 s ≈ 125,
        // plus those in its queue at the crash.
        let errors = Double(probed.connectionErrors)
        #expect(abs(errors - 125) < 3.3 * 125.0.squareRoot() + 5, "\(errors) connection errors")
        #expect(oracle.connectionErrors <= 5)
    }

    /// Maglev on 1,000 API keys: when a replica crashes its keys move to the
    /// others (the table is rebuilt over the eligible replicas), so with an
    /// oracle gateway no request goes to the dead replica after the crash.
    @Test func maglevReroutesTheKeysOfACrashedReplica() throws {
        let r = try ScenarioRunner.run(TestScenarios.crash(gateway: "{api_keys: 1000, balancer: {policy: maglev}}")).result
        // Only the requests the replica held when it crashed are lost.
        #expect(r.clients!.connectionErrors <= 10 && r.requests.failed <= 10)
        #expect(r.requests.completed + r.requests.failed + r.requests.unfinished == r.requests.offered)
        let bad = #expect(throws: (any Error).self) {
            _ = try ScenarioLoader.parse(text: Self.stormScenario("").replacingOccurrences(of: "client:", with:
                "gateway: {balancer: {policy: maglev, table_size: 65536}}\nclient:"), file: "bad.yaml")
        }
        #expect("\(bad!)".contains("table_size"))
    }

    /// Hystrix (20 requests, 50%, 5 s) in front of a service that answers
    /// every request 503: the breaker opens and refuses most calls, which
    /// then take the marked fallback.
    @Test func hystrixOpensOnFailuresAndCallsFallBack() throws {
        let (r, m) = try ScenarioRunner.run("""
            name: breaker
            seed: 2
            duration: 2m
            workload: {arrivals: {process: poisson, rate: 50/s}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, max_queue: 0}
            client:
              breaker: {kind: hystrix, request_volume_threshold: 20, error_threshold: 50%, sleep_window: 5s}
              fallback: {kind: response, latency: 5ms}
            """)
        let c = r.clients!
        #expect(c.breakerRejections > c.userRequests * 8 / 10, "\(c.breakerRejections) of \(c.userRequests) refused")
        #expect(c.fallbacks + c.served == c.userRequests - (c.failed + c.abandoned))
        #expect(c.fallbacks > c.userRequests * 8 / 10)
        #expect(m.client!.series.breakerState.contains(1))
    }

    /// Priority shedding: with the gateway queue deep, non-critical traffic
    /// is refused with 503 while the critical tenant is served.
    @Test func nonCriticalTrafficIsShedFirst() throws {
        let (_, m) = try ScenarioRunner.run("""
            name: shed
            seed: 6
            duration: 5m
            workload:
              arrivals: {process: poisson, rate: 60/s}
              tenants: [{name: vip, share: 1, priority: 9}, {name: free, share: 2, priority: 1}]
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            gateway: {priorities: {critical_level: 5, reserved: 20%, shed_queue_depth: 20}}
            """)
        // 150% of capacity: only the shed keeps the queue bounded.
        let c = m.client!
        #expect(c.status503 > 0)
        #expect(m.e2e.percentile(0.99) < 5)
        // The VIP share (1/3) is fully served: served ≥ a third of users.
        #expect(Double(c.served) > Double(c.userRequests) / 3)
    }

    /// An HPA on the p90 TTFT (target 500 ms, seen 8 s late) scales a
    /// 2-replica cluster up when a load step pushes the TTFT past it, and
    /// the TTFT comes back under the target once the replicas are ready.
    @Test func anHPAOnTTFTScalesUpWhenLatencyRises() throws {
        let (r, m) = try ScenarioRunner.run("""
            name: ttft-hpa
            seed: 21
            duration: 20m
            workload: {arrivals: {process: curve, points: [[0, 10/s], [5m, 40/s]]}}
            replicas: {count: 2, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            cluster:
              min_replicas: 2
              max_replicas: 12
              cold_start: 30s
              autoscaler: {kind: hpa, metric: ttft_p90, target: 500ms, metric_lag: 8s, scrape_interval: 15s,
                           metrics: [{metric: utilization, target: 70%}]}
            """)
        // 40 req/s of 100-ms work needs at least 4 busy replicas; 70% → 6.
        #expect(r.cluster.peakReplicas >= 6)
        let ready = m.series.ready
        #expect(ready[..<30].allSatisfy { $0 <= 2 }, "no scaling before the step")
        // The last five minutes: mean TTFT per interval under the target.
        let bins = m.series.completed.bins.count
        for b in (bins - 30)..<(bins - 1) {
            let done = m.series.completed.value(inBin: b)
            #expect(done > 0 && m.series.ttftSum.value(inBin: b) / done < 0.5, "bin \(b)")
        }
    }

    /// Prefix affinity on Mooncake's block ids: a request routed to the
    /// replica that already holds its leading blocks skips their prefill, so
    /// the mean TTFT and e2e fall against round robin on the same replay.
    @Test func prefixAffinitySkipsCachedPrefill() throws {
        let trace = Self.mooncake
        let profile = Self.profile7B
        func scenario(_ policy: String) -> String {
            """
            name: prefix
            seed: 1
            duration: 10m
            workload:
              arrivals: {process: trace, trace: \(trace), max_total_tokens: 4096}
            replicas:
              count: 4
              hardware: \(profile)
              batching: {policy: continuous, max_num_seqs: 256, max_num_batched_tokens: 8192, chunked_prefill: true}
            gateway: {balancer: {policy: \(policy)}}
            """
        }
        let plain = try ScenarioRunner.run(scenario("round_robin")).result
        let affinity = try ScenarioRunner.run(scenario("prefix_affinity")).result
        #expect(affinity.requests.offered == plain.requests.offered)
        #expect(affinity.latencySeconds.ttft.mean < 0.95 * plain.latencySeconds.ttft.mean,
                "\(affinity.latencySeconds.ttft.mean) vs \(plain.latencySeconds.ttft.mean)")
        #expect(affinity.confidence.e2eMean.mean < plain.confidence.e2eMean.mean)
    }

    /// The EPP on the Mooncake replay: its prefix scorer keeps conversations
    /// where their prefixes are, and its queue and KV scorers spread the
    /// rest, so the mean TTFT falls against round robin. Under overload its
    /// saturation detector refuses the sheddable tenant (429) and keeps the
    /// replicas' queues near its threshold, where without shedding they grow.
    /// Requests are capped at the profile's 4,096-token context (longer ones
    /// would be refused with 400), so overload takes 8x the replay's rate.
    @Test func endpointPickerRoutesByCacheAndShedsWhenSaturated() throws {
        func scenario(_ balancer: String, rate: String = "", tenants: String = "") -> String {
            """
            name: epp
            seed: 1
            duration: 10m
            workload:
              arrivals: {process: trace, trace: \(Self.mooncake), max_total_tokens: 4096, ties: spread\(rate)}
            \(tenants)
            replicas:
              count: 4
              hardware: \(Self.profile7B)
              batching: {policy: continuous, max_num_seqs: 256, max_num_batched_tokens: 8192, chunked_prefill: true}
            gateway: {balancer: {policy: \(balancer)}}
            output: {interval: 30s}
            """
        }
        // The replay's 3-s ticks spread (ties: spread), and the EPP's 50-ms scrape.
        let rr = try ScenarioRunner.run(scenario("round_robin")).result
        let epp = try ScenarioRunner.run(scenario("epp")).result
        #expect(epp.latencySeconds.ttft.mean < 0.85 * rr.latencySeconds.ttft.mean,
                "\(epp.latencySeconds.ttft.mean) vs \(rr.latencySeconds.ttft.mean)")
        let mix = "  tenants: [{name: vip, share: 1, priority: 9}, {name: free, share: 3, priority: 1}]"
        let (kept, keptM) = try ScenarioRunner.run(scenario("epp", rate: ", scale: 8x", tenants: mix))
        let (shed, shedM) = try ScenarioRunner.run(scenario("epp, sheddable_below: 5", rate: ", scale: 8x", tenants: mix))
        #expect(kept.clients!.status429 == 0 && shed.clients!.status429 > 500,
                "\(kept.clients!.status429) and \(shed.clients!.status429) shed, waiting \(keptM.series.waiting.max()!)")
        #expect(shedM.series.waiting.max()! < keptM.series.waiting.max()! / 2,
                "\(shedM.series.waiting.max()!) vs \(keptM.series.waiting.max()!)")
    }

    /// Hedging cuts the tail when service times are heavy-tailed.
    @Test func hedgingCutsTheTailOfHeavyTailedService() throws {
        func scenario(_ hedge: String) -> String {
            """
            name: hedge
            seed: 12
            duration: 20m
            workload: {arrivals: {process: poisson, rate: 10/s}}
            replicas: {count: 8, batching: {policy: none}, service: {distribution: lognormal, median: 100ms, p99: 3s}}
            client: {retry: {max_attempts: 2}\(hedge)}
            """
        }
        let plain = try ScenarioRunner.run(scenario("")).result.clients!
        let hedged = try ScenarioRunner.run(scenario(", hedge_delay: 300ms")).result.clients!
        #expect(hedged.hedges > 0)
        #expect(hedged.latencySeconds.p99 < 0.6 * plain.latencySeconds.p99, "\(hedged.latencySeconds.p99) vs \(plain.latencySeconds.p99)")
    }

    /// Once a hedge answers, a client that closes what it gave up on closes
    /// the losing hedges too (gRPC cancels them); with `running` the engine
    /// aborts them, so no hedge finishes for nobody. Left alone, nearly
    /// every hedge is served twice.
    @Test func losingHedgesAreClosedWithTheCall() throws {
        func scenario(_ cancel: String) -> String {
            """
            name: hedge-cancel
            seed: 12
            duration: 10m
            workload: {arrivals: {process: poisson, rate: 6/s}, sizes: {prompt: 500, output: 100}}
            replicas:
              count: 4
              hardware: \(Self.profile7B)
              batching: {policy: continuous, max_num_seqs: 256, max_num_batched_tokens: 4096, chunked_prefill: true}
            client: {retry: {max_attempts: 2}, hedge_delay: 600ms, cancel_on_give_up: \(cancel)}
            """
        }
        let kept = try ScenarioRunner.run(scenario("false")).result
        let closed = try ScenarioRunner.run(scenario("running")).result
        #expect(kept.clients!.hedges > 1000 && kept.clients!.wastedCompletions > 1000)
        #expect(closed.clients!.hedges > 1000 && closed.clients!.wastedCompletions == 0)
        #expect(closed.requests.cancelled > 1000)
        #expect(closed.clients!.served == kept.clients!.served)
        let r = closed.requests
        #expect(r.offered == r.completed + r.rejected + r.timedOut + r.failed + r.cancelled + r.unfinished)
    }

    @Test func sameSeedSameResult() throws {
        let yaml = Self.stormScenario("""
          retry: {max_attempts: 5, backoff: {kind: full_jitter, base: 500ms, cap: 8s}}
          retry_budget: {budget_percent: 20%}
        """)
        let a = try ScenarioRunner.run(yaml).result.clients!
        let b = try ScenarioRunner.run(yaml).result.clients!
        #expect(a.attempts == b.attempts && a.served == b.served && a.latencySeconds.p99 == b.latencySeconds.p99)
    }
}
