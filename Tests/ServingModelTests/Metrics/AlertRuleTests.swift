import Testing
@testable import ServingModel

/// Alert rules over a time series, with Prometheus' `for` semantics.
@Suite struct AlertRuleTests {
    /// 30-s bins; utilisation is 1.0 in bins 0–9 (300 s), 0.5 in 10–11, 1.0
    /// in 12–16 (150 s) and 0.5 after.
    static func metrics() -> ServingMetrics {
        var m = ServingMetrics(interval: 30, warmup: 0, duration: 900)
        for b in 0..<30 {
            m.series.utilization.append((0..<10).contains(b) || (12..<17).contains(b) ? 1 : 0.5)
            m.series.imbalance.append(0)
            if b < 20 {
                // One completion of 0.8 s per bin for 20 bins; none after.
                m.series.completed.add(at: Double(b) * 30 + 1)
                m.series.e2eSum.add(0.8, at: Double(b) * 30 + 1)
            }
        }
        return m
    }

    @Test func anAlertFiresOnceItsConditionHeldForItsDuration() {
        let m = Self.metrics()
        let cpu = AlertRule(name: "cpu", metric: .utilization, above: true, threshold: 0.85, forDuration: 180)
        // Held 0–300 s: fires at 180 s for 120 s; held 360–510 s: 150 s < 180 s, never fires.
        #expect(cpu.evaluate(m, duration: 900) == .init(name: "cpu", firings: 1, firingSeconds: 120, firstFiredAt: 180))
        let instant = AlertRule(name: "cpu0", metric: .utilization, above: true, threshold: 0.85)
        #expect(instant.evaluate(m, duration: 900) == .init(name: "cpu0", firings: 2, firingSeconds: 450, firstFiredAt: 0))
        // Latency holds while there are completions (600 s); bins without
        // data do not hold.
        let slow = AlertRule(name: "slow", metric: .meanLatency, above: true, threshold: 0.5)
        #expect(slow.evaluate(m, duration: 900) == .init(name: "slow", firings: 1, firingSeconds: 600, firstFiredAt: 0))
        // Every completion succeeded.
        let ok = AlertRule(name: "ok", metric: .successRate, above: false, threshold: 0.95)
        #expect(ok.evaluate(m, duration: 900).firings == 0)
        #expect((try? AlertRule(name: "x", metric: .utilization, above: true, threshold: 0.5, forDuration: -1).validate("alerts[0]")) == nil)
    }
}
