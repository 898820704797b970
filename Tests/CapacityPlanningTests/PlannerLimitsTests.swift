import Foundation
import Scenario
import ServingModel
import SimulationCore
import Testing
import Workload
@testable import CapacityPlanning

/// Absurd design loads are refused before any simulation, naming the flag,
/// instead of trapping on a replica count or allocating terabytes
/// (docs/scenario-reference.md#limits).
@Suite struct PlannerLimitsTests {
    static let base = StaticPlannerTests.mmc(rate: 10, mu: 20)

    @Test(arguments: [1e300, 1e12, 1e6])
    func aPeakRateThatMeansBillionsOfArrivalsIsRefused(_ rate: Double) {
        #expect { try StaticPlanner(base: Self.base, designRate: rate, sla: .standard) } throws: { error in
            guard let e = error as? PlanningError else { return false }
            return e.key == "--peak-rate" && e.message.contains("50 million")
        }
    }

    @Test func aSizeAboveTheReplicaLimitIsRefusedNotTrapped() throws {
        // 1e5 req/s for 240 s is within the arrivals limit only with a
        // short duration; at 1000 s of service each, it needs 10^8 replicas.
        var config = Self.base
        config.duration = 100
        config.warmup = 10
        config.replicas.service = .exponential(mean: 1000)
        let planner = try StaticPlanner(base: config, designRate: 1e5, sla: .standard)
        #expect { try planner.plan() } throws: { ($0 as? PlanningError)?.message.contains("100000") == true }
    }

    @Test func aHorizonScaledBy1e300IsRefused() throws {
        let planner = try HorizonPlanner(base: Self.base, sla: .standard, interval: 600)
        #expect { try planner.plan(rates: [1e300, 1e300]) } throws: { ($0 as? PlanningError)?.key == "--load-scale" }
        #expect { try planner.plan(rates: [.infinity]) } throws: { $0 is PlanningError }
    }

    @Test func capacityCurvesCannotTrapOnAHugeRate() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 10, inFlightPerReplica: 1)])
        #expect(curve.replicas(for: 50) == 5)
        _ = curve.replicas(for: 1e6)  // 100,000 replicas, no trap
    }
}
