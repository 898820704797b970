import Testing
@testable import ServingModel

/// nginx smooth weighted round robin and least_conn.
@Suite struct UpstreamToolboxTests {
    static func picks(_ lb: inout SmoothWeightedRoundRobin, _ n: Int, now: Double = 0) -> [Int] {
        (0..<n).map { _ in
            let p = lb.pick(now: now)!
            lb.finished(p, failed: false, now: now)
            return p
        }
    }

    @Test func weightsFiveOneOneGiveTheNginxSequence() {
        var lb = SmoothWeightedRoundRobin(peers: [.init(weight: 5), .init(weight: 1), .init(weight: 1)])
        let names = Self.picks(&lb, 14).map { ["a", "b", "c"][$0] }
        #expect(names == ["a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a"])
    }

    @Test func sharesFollowWeightsExactly() {
        var lb = SmoothWeightedRoundRobin(peers: [.init(weight: 3), .init(weight: 2), .init(weight: 1)])
        let p = Self.picks(&lb, 600)
        #expect([0, 1, 2].map { i in p.filter { $0 == i }.count } == [300, 200, 100])
    }

    @Test func aFailureLowersTheEffectiveWeightWhichRecoversOneUnitPerRound() {
        // w = 10, max_fails = 2: one failure costs 10/2 = 5 and does not eject.
        var lb = SmoothWeightedRoundRobin(peers: [.init(weight: 10, maxFails: 2), .init(weight: 10, maxFails: 2)])
        _ = Self.picks(&lb, 20)
        let first = lb.pick(now: 1)!
        lb.finished(first, failed: true, now: 1)
        #expect(lb.peers[first].effectiveWeight == 5)
        #expect(lb.peers[first].fails == 1)
        var trajectory: [Int] = []
        for _ in 0..<6 {
            let p = lb.pick(now: 2)!
            lb.finished(p, failed: false, now: 2)
            trajectory.append(lb.peers[first].effectiveWeight)
        }
        #expect(trajectory == [6, 7, 8, 9, 10, 10])
        // While it ramps back, the failed peer gets fewer of the picks.
        var lb2 = SmoothWeightedRoundRobin(peers: [.init(weight: 10, maxFails: 2), .init(weight: 10, maxFails: 2)])
        _ = lb2.pick(now: 0)
        lb2.finished(0, failed: true, now: 0)
        let next = Self.picks(&lb2, 6, now: 0.5)
        #expect(next.filter { $0 == 0 }.count < 3)
    }

    @Test func maxFailsEjectsForFailTimeoutThenTheServerReturns() {
        var lb = SmoothWeightedRoundRobin(peers: [.init(weight: 1), .init(weight: 1)])
        #expect(lb.pick(now: 1) == 0)
        lb.finished(0, failed: true, now: 1)
        #expect(lb.peers[0].effectiveWeight == 0)
        for t in stride(from: 1.0, through: 11.0, by: 0.5) {
            #expect(lb.pick(now: t) == 1)
            lb.finished(1, failed: false, now: t)
        }
        // fail_timeout over: eligible again, starting from effective weight 0.
        let back = Self.picks(&lb, 4, now: 11.5)
        #expect(back.contains(0))
        #expect(lb.peers[0].fails == 0)   // a success after the window resets fails
        // Failing again ejects it again.
        var again: Int? = nil
        while again != 0 { again = lb.pick(now: 12); lb.finished(again!, failed: again == 0, now: 12) }
        #expect(Self.picks(&lb, 4, now: 15).allSatisfy { $0 == 1 })
    }

    @Test func aSingleServerGroupIsNeverMarkedFailed() {
        var lb = SmoothWeightedRoundRobin(peers: [.init()])
        for t in 0..<5 {
            let p = lb.pick(now: Double(t))
            #expect(p == 0)
            lb.finished(0, failed: true, now: Double(t))
        }
        #expect(lb.peers[0].fails == 0)
        var down = SmoothWeightedRoundRobin(peers: [.init(isDown: true)])
        #expect(down.pick(now: 0) == nil)
    }

    @Test func backupServersServeOnlyWhenEveryPrimaryIsDown() {
        var lb = SmoothWeightedRoundRobin(peers: [.init(weight: 1), .init(weight: 1), .init(weight: 1, isBackup: true)])
        #expect(!Self.picks(&lb, 10).contains(2))
        for p in [0, 1] {
            _ = lb.pick(now: 1, excluding: [1 - p])
            lb.finished(p, failed: true, now: 1)
        }
        #expect(Self.picks(&lb, 5, now: 2).allSatisfy { $0 == 2 })
        #expect(!Self.picks(&lb, 10, now: 20).contains(2))
        // Tried peers are skipped; with none left there is no live upstream.
        #expect(lb.pick(now: 30, excluding: [0, 1, 2]) == nil)
    }

    @Test func leastConnChoosesFewestConnectionsPerWeight() {
        var lb = LeastConnections(peers: [.init(weight: 1), .init(weight: 2), .init(weight: 3)])
        for _ in 0..<60 { _ = lb.pick(now: 0) }
        #expect(lb.peers.map(\.conns) == [10, 20, 30])
        lb.finished(2, failed: false, now: 1)
        lb.finished(2, failed: false, now: 1)
        #expect(lb.pick(now: 1) == 2)
    }

    @Test func leastConnBreaksTiesBySmoothWeightedRoundRobin() {
        var lb = LeastConnections(peers: [.init(weight: 5), .init(weight: 1), .init(weight: 1)])
        var seq: [Int] = []
        for _ in 0..<7 {
            let p = lb.pick(now: 0)!
            lb.finished(p, failed: false, now: 0)
            seq.append(p)
        }
        #expect(seq == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test func validationNamesTheServer() {
        let e = #expect(throws: ServingModelError.self) {
            try SmoothWeightedRoundRobin(peers: [.init(weight: 1), .init(weight: 0)]).validate()
        }
        #expect(e?.key == "upstream.servers[1].weight")
        let b = #expect(throws: ServingModelError.self) {
            try LeastConnections(peers: [.init(isBackup: true)]).validate()
        }
        #expect(b?.key == "upstream.servers")
    }
}
