import ServingModel
import SimulationCore

/// Renders serving results: a terminal summary and the per-interval CSV.
package enum ServingReport {
    /// A summary a person can read in ten seconds.
    package static func table(_ r: ServingResult) -> String {
        var head = TextTable(header: ["run", r.scenario], alignNumbers: false)
        head.append(["simulated", NumberFormatting.duration(r.simulatedSeconds) + " (measured " + NumberFormatting.duration(r.measuredSeconds) + ")"])
        head.append(["events", NumberFormatting.grouped(r.events) + " in " + NumberFormatting.fixed(r.wallSeconds, decimals: 2) + " s wall"])
        head.append(["requests", "\(NumberFormatting.grouped(r.requests.offered)) offered, \(NumberFormatting.grouped(r.requests.completed)) completed, \(NumberFormatting.grouped(r.requests.rejected)) rejected"
                        + (r.requests.rejectedTooLong.map { " (\(NumberFormatting.grouped($0)) longer than max_model_len: 400)" } ?? "") + ", \(NumberFormatting.grouped(r.requests.timedOut)) timed out, \(NumberFormatting.grouped(r.requests.failed)) failed, "
                        + (r.requests.cancelled > 0 ? "\(NumberFormatting.grouped(r.requests.cancelled)) cancelled, " : "")
                        + "\(NumberFormatting.grouped(r.requests.unfinished)) unfinished"])
        head.append(["throughput", NumberFormatting.significant(r.throughput.requestsPerSecond) + " req/s, " + NumberFormatting.significant(r.throughput.outputTokensPerSecond) + " output tok/s"])
        if let attainment = r.sloAttainment {
            head.append(["goodput", NumberFormatting.significant(r.goodputRequestsPerSecond) + " req/s (" + NumberFormatting.fixed(100 * attainment, decimals: 2) + "% of completions meet the SLO)"])
        } else {
            head.append(["goodput", "no SLO set (add slo: {ttft: ..., tpot: ..., e2e: ...} to the scenario to count it)"])
        }
        if let b = r.batchOccupancy {
            head.append(["batches", NumberFormatting.significant(b.meanRunningSequences, digits: 3) + " of " + String(b.maxNumSeqs)
                            + " sequences running per replica (" + NumberFormatting.fixed(100 * b.occupancy, decimals: 1) + "% occupancy)"])
            head.append(["KV cache", NumberFormatting.fixed(100 * r.kvCacheUtilization, decimals: 1) + "% in use on average, "
                            + NumberFormatting.fixed(100 * b.peakKVCacheUse, decimals: 1) + "% at the fullest sample, "
                            + NumberFormatting.grouped(r.preemptions) + " preemptions"])
        } else {
            head.append(["utilization", NumberFormatting.fixed(100 * r.utilization, decimals: 1) + "% of replica time busy"])
        }
        head.append(["replicas", "mean " + NumberFormatting.significant(r.cluster.meanReplicas, digits: 3) + ", peak "
                        + NumberFormatting.significant(r.cluster.peakReplicas, digits: 3) + ", "
                        + NumberFormatting.significant(r.cluster.gpuHours, digits: 4) + " GPU-hours"])
        if let p = r.predictive {
            var line = "\(p.refreshes) forecasts"
            if p.skipped > 0 { line += ", \(p.skipped) skipped (last: \(p.lastSkip ?? "?"))" }
            if let mape = p.forecastMAPE, let floor = p.meanPlannedReplicas {
                line += "; over \(p.intervalsScored) intervals: forecast error (MAPE) " + NumberFormatting.fixed(mape, decimals: 1)
                    + "%, mean planned floor " + NumberFormatting.significant(floor, digits: 3) + " replicas"
            }
            head.append(["predictive", line])
        }
        let qci = r.confidence.queueWaitMean, eci = r.confidence.e2eMean
        head.append(["95% CI of means", "queue wait " + NumberFormatting.duration(qci.mean) + " ± " + NumberFormatting.duration(qci.halfWidth)
                        + ", end-to-end " + NumberFormatting.duration(eci.mean) + " ± " + NumberFormatting.duration(eci.halfWidth)])
        var lat = TextTable(header: ["latency", "mean", "p50", "p90", "p99", "p99.9"])
        for (name, s) in [("queue wait", r.latencySeconds.queueWait), ("TTFT", r.latencySeconds.ttft),
                          ("TPOT", r.latencySeconds.tpot), ("end-to-end", r.latencySeconds.e2e)] {
            lat.append([name] + [s.mean, s.p50, s.p90, s.p99, s.p999].map(NumberFormatting.duration))
        }
        var text = head.render() + "\n\n" + lat.render()
        if let warning = overloadWarning(r) { text = warning + "\n\n" + text }
        if !r.alerts.isEmpty {
            var alerts = TextTable(header: ["alert", "firings", "firing", "first at"])
            for a in r.alerts {
                alerts.append([a.name, NumberFormatting.grouped(a.firings), NumberFormatting.duration(a.firingSeconds),
                               a.firstFiredAt.map(NumberFormatting.duration) ?? "never"])
            }
            text += "\n\n" + alerts.render()
        }
        if let c = r.clients {
            func n(_ x: Int) -> String { NumberFormatting.grouped(x) }
            func pct(_ x: Double) -> String { NumberFormatting.fixed(100 * x, decimals: 2) + "%" }
            var users = TextTable(header: ["users", ""], alignNumbers: false)
            users.append(["user requests", "\(n(c.userRequests)): \(n(c.served)) served, \(n(c.cacheHits)) from cache, \(n(c.fallbacks)) fallback, \(n(c.failed)) failed, \(n(c.abandoned)) abandoned"])
            users.append(["availability", pct(c.availability) + " served within their deadline"])
            users.append(["attempts", "\(n(c.attempts)) (\(n(c.retries)) retries, \(n(c.hedges)) hedges): amplification " + NumberFormatting.fixed(c.amplification, decimals: 3)
                            + (c.gatewayRetries + c.gatewayRetryOverflows > 0
                               ? "; gateway retries \(n(c.gatewayRetries)) (\(n(c.gatewayRetryOverflows)) refused by its breaker)" : "")])
            if c.routeTimeouts > 0 {
                users.append(["route timeouts", "\(n(c.routeTimeouts)) attempts ended by the gateway's route timeout (504, or a reset stream once tokens flowed)"])
            }
            if c.gatewayPerTryTimeouts > 0 {
                users.append(["per-try timeouts", "\(n(c.gatewayPerTryTimeouts)) tries reset by the gateway's per-try timeout (retried, or 504)"])
            }
            if c.pendingWaits + c.pendingOverflows > 0 {
                users.append(["connections", "\(n(c.pendingWaits)) attempts waited at the gateway for a connection, \(n(c.pendingOverflows)) refused (pending list full)"])
            }
            users.append(["errors", "\(n(c.status429)) × 429, \(n(c.status503)) × 5xx, \(n(c.connectionErrors)) connection, \(n(c.attemptTimeouts)) timeouts, \(n(c.breakerRejections)) breaker-refused"])
            users.append(["wasted", "\(n(c.wastedCompletions)) completions nobody waited for"])
            let l = c.latencySeconds
            users.append(["user latency", "mean \(NumberFormatting.duration(l.mean)), p50 \(NumberFormatting.duration(l.p50)), p99 \(NumberFormatting.duration(l.p99))"])
            text += "\n\n" + users.render()
        }
        return text
    }

    /// The warning an overloaded run opens with (nil when the backlog is
    /// what a stable system holds).
    package static func overloadWarning(_ r: ServingResult) -> String? {
        let o = r.overload
        guard o.overloaded else { return nil }
        return "WARNING: overloaded. \(NumberFormatting.grouped(o.unfinished)) of \(NumberFormatting.grouped(r.requests.offered)) measured requests were "
            + "still in the system at the end, more than the \(NumberFormatting.grouped(Int(o.expectedInFlight.rounded()))) in flight that the "
            + "completion rate and latency account for (Little's law): the queue grows without bound at this load, so the latencies "
            + "below grow with the run's length. Add replicas or shed load (headroom plan sizes the cluster)."
    }

    /// The time series as CSV, one row per interval.
    package static func timeSeriesCSV(_ m: ServingMetrics, duration: Double) -> String {
        let s = m.series
        let bins = Int((duration / s.interval).rounded(.up))
        var out = "t_start,t_end,offered,completed,rejected,timed_out,failed,output_tokens,mean_ttft,mean_e2e,slo_met,waiting,running,busy_replicas,kv_use,ready,starting,desired,failed_replicas,gpu_hours,load_imbalance,utilization"
        if m.client != nil {
            out += ",user_requests,attempts,retries,admitted,served,cache_hits,fallbacks,user_failed,abandoned,status_429,status_503,attempt_errors,amplification,availability,breaker_state,calls_in_flight"
        }
        let predictive = !s.forecastRate.isEmpty
        if predictive { out += ",forecast_rps,predicted_replicas" }
        out += "\n"
        for b in 0..<bins {
            let done = s.completed.value(inBin: b)
            func mean(_ c: TimeBinnedCounter) -> String { done > 0 ? NumberFormatting.compact(c.value(inBin: b) / done) : "" }
            func gauge(_ xs: [Double]) -> String { b < xs.count ? NumberFormatting.compact(xs[b]) : "" }
            let cells: [String] = [
                NumberFormatting.compact(Double(b) * s.interval),
                NumberFormatting.compact(min(Double(b + 1) * s.interval, duration)),
                String(Int(s.offered.value(inBin: b))), String(Int(done)),
                String(Int(s.rejected.value(inBin: b))), String(Int(s.timedOut.value(inBin: b))), String(Int(s.failed.value(inBin: b))),
                String(Int(s.outputTokens.value(inBin: b))), mean(s.ttftSum), mean(s.e2eSum),
                String(Int(s.good.value(inBin: b))), gauge(s.waiting), gauge(s.running), gauge(s.busy), gauge(s.kvUse),
                gauge(s.ready), gauge(s.starting), gauge(s.desired), gauge(s.failedReplicas), gauge(s.gpuHours), gauge(s.imbalance),
                b < s.utilization.count ? s.utilization[b].map(NumberFormatting.compact) ?? "" : "",
            ]
            out += cells.joined(separator: ",")
            if let c = m.client { out += "," + clientCells(c.series, bin: b).joined(separator: ",") }
            if predictive { out += "," + gauge(s.forecastRate) + "," + gauge(s.predictedReplicas) }
            out += "\n"
        }
        return out
    }

    /// The client columns of one bin. Amplification is attempts over user
    /// requests arriving in the bin; availability is served over user
    /// requests that ended in the bin.
    static func clientCells(_ c: ClientSeries, bin b: Int) -> [String] {
        func count(_ x: TimeBinnedCounter) -> String { String(Int(x.value(inBin: b))) }
        func gauge(_ xs: [Double]) -> String { b < xs.count ? NumberFormatting.compact(xs[b]) : "" }
        let users = c.userRequests.value(inBin: b)
        return [count(c.userRequests), count(c.attempts), count(c.retries), count(c.admitted), count(c.served),
                count(c.cacheHits), count(c.fallbacks), count(c.failed), count(c.abandoned), count(c.status429),
                count(c.status503), count(c.attemptErrors),
                users > 0 ? NumberFormatting.compact(c.attempts.value(inBin: b) / users) : "",
                c.availability(inBin: b).map(NumberFormatting.compact) ?? "",
                gauge(c.breakerState), gauge(c.callsInFlight)]
    }
}
