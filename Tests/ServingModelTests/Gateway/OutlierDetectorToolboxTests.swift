import Testing
@testable import ServingModel

/// Envoy consecutive-5xx outlier ejection.
@Suite struct OutlierDetectorToolboxTests {
    /// Whether host 0 is ejected at each of `times` (in order).
    static func ejected(_ d: inout OutlierDetector, at times: [Double]) -> [Bool] {
        times.map { d.isEjected(0, now: $0) }
    }

    @Test func fiveConsecutiveErrorsEjectUntilTheSweepAfterThirtySeconds() {
        var d = OutlierDetector(hosts: 10)
        for _ in 0..<4 { let e = d.record(0, is5xx: true, now: 1); #expect(!e) }
        d.record(0, is5xx: false, now: 2)
        for _ in 0..<4 { let e = d.record(0, is5xx: true, now: 3); #expect(!e) }
        let fifth = d.record(0, is5xx: true, now: 3)
        #expect(fifth)
        // 30 s end at 33; the sweep at 40 returns the host.
        #expect(Self.ejected(&d, at: [3, 39.9, 40]) == [true, true, false])
        // Ejected again at once: 2 × 30 s, returned at the sweep at 110.
        for _ in 0..<5 { d.record(0, is5xx: true, now: 41) }
        #expect(d.multiplier[0] == 2)
        #expect(Self.ejected(&d, at: [109, 110]) == [true, false])
        // Healthy sweeps lower the multiplier again: 120 → 1, 130 → 0.
        _ = d.isEjected(0, now: 130)
        #expect(d.multiplier[0] == 0)
    }

    @Test func ejectionTimeIsCappedAtMaxEjectionTime() {
        var d = OutlierDetector(hosts: 1, baseEjectionTime: 30, maxEjectionTime: 60)
        var t = 0.5
        for round in 1...4 {
            for _ in 0..<5 { d.record(0, is5xx: true, now: t) }
            // The multiplier stops growing once 30·m ≥ 60 + 30.
            #expect(d.multiplier[0] == min(round, 3))
            let length = min(30.0 * Double(round), 60)
            // Returned at the first sweep at or after the end.
            let sweep = ((t + length) / 10).rounded(.up) * 10
            #expect(Self.ejected(&d, at: [sweep - 0.1, sweep]) == [true, false])
            t = sweep + 0.5
        }
    }

    @Test func maxEjectionPercentLimitsEjectionsButOneIsAlwaysAllowed() {
        var small = OutlierDetector(hosts: 3)
        for h in 0..<2 { for _ in 0..<5 { small.record(h, is5xx: true, now: 1) } }
        #expect(small.ejectedCount == 1)   // 33% > 10%, yet one host may go
        // Envoy at HEAD (always_eject_one_host: false) ejects none here.
        var strict = OutlierDetector(hosts: 3, alwaysEjectOneHost: false)
        for _ in 0..<5 { strict.record(0, is5xx: true, now: 1) }
        #expect(strict.ejectedCount == 0)
        var ten = OutlierDetector(hosts: 10, alwaysEjectOneHost: false)
        for h in 0..<2 { for _ in 0..<5 { ten.record(h, is5xx: true, now: 1) } }
        #expect(ten.ejectedCount == 1)     // 1 of 10 is exactly 10%
        var large = OutlierDetector(hosts: 20)
        for h in 0..<3 { for _ in 0..<5 { large.record(h, is5xx: true, now: 1) } }
        #expect(large.ejectedCount == 2)   // 10% of 20
        let e = #expect(throws: ServingModelError.self) { try OutlierDetector(hosts: 2, consecutive5xx: 0).validate() }
        #expect(e?.key == "gateway.outlier_detection.consecutive_5xx")
    }

    /// Envoy's success-rate ejection at the sweep: over hosts with 100
    /// requests in the interval (at least 5 of them), a host below mean −
    /// 1.9 × stdev goes. Rates 100 ×5 and 70: mean 95, stdev √125 ≈ 11.2,
    /// floor ≈ 73.8. Its failures are never five in a row.
    @Test func successRateEjectsTheOutlierAtTheSweep() {
        func detector(volume: Int, hosts: Int = 6) -> OutlierDetector {
            var d = OutlierDetector(hosts: hosts)
            for k in 0..<volume {
                let t = 9 * Double(k) / Double(volume)
                for h in 0..<hosts { d.record(h, is5xx: h == hosts - 1 && k % 10 < 3, now: t) }
            }
            return d
        }
        var d = detector(volume: 100)
        let before = d.isEjected(5, now: 9.9), after = d.isEjected(5, now: 10)
        #expect(!before && after && d.ejectedCount == 1)
        var few = detector(volume: 99)
        let fewEjected = few.isEjected(5, now: 10)
        #expect(!fewEjected)
        var small = detector(volume: 100, hosts: 4)
        let smallEjected = small.isEjected(3, now: 10)
        #expect(!smallEjected)
        var off = detector(volume: 100)
        off.successRate = nil
        let offEjected = off.isEjected(5, now: 10)
        #expect(!offEjected)
    }

    /// Failure-percentage ejection (off by default in Envoy): a host failing
    /// 85% or more of at least 50 requests, with 5 hosts of that volume.
    @Test func failurePercentageEjectsAHostFailingMostRequests() {
        var d = OutlierDetector(hosts: 5, consecutive5xx: 1_000)
        d.successRate = nil
        d.failurePercentage = OutlierDetector.FailurePercentage()
        for k in 0..<50 {
            for h in 0..<5 { d.record(h, is5xx: (h == 0 && k % 20 < 18) || (h == 1 && k % 10 < 8), now: Double(k) / 10) }
        }
        // Host 0 fails 90%, host 1 80%: only host 0 goes.
        let zero = d.isEjected(0, now: 10), one = d.isEjected(1, now: 10)
        #expect(zero && !one)
    }
}
