import Testing
@testable import SimulationCore

@Suite struct EventQueueTests {
    @Test func popsInTimeOrderThenInsertionOrder() {
        var q = EventQueue<Int>()
        q.push(1, at: 2.0)
        q.push(2, at: 1.0)
        q.push(3, at: 2.0)
        q.push(4, at: 1.0)
        q.push(5, at: 0.5)
        var out: [Int] = []
        while let e = q.pop() { out.append(e.event) }
        #expect(out == [5, 2, 4, 1, 3])
        #expect(q.isEmpty)
    }

    @Test func matchesAStableSortOnRandomInput() {
        var rng = RandomStream(seed: 42)
        var q = EventQueue<Int>()
        var reference: [(Double, Int)] = []
        for i in 0..<5_000 {
            // Coarse times force many ties, which must keep insertion order.
            let t = Double(rng.nextInt(below: 200))
            q.push(i, at: t)
            reference.append((t, i))
            if i % 7 == 0, let popped = q.pop() {
                let best = reference.indices.min { reference[$0].0 < reference[$1].0 || (reference[$0].0 == reference[$1].0 && reference[$0].1 < reference[$1].1) }!
                #expect(popped.event == reference[best].1)
                reference.remove(at: best)
            }
        }
        let expected = reference.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.map(\.1)
        var got: [Int] = []
        while let e = q.pop() { got.append(e.event) }
        #expect(got == expected)
    }
}

/// A model that records the times at which its events fire.
struct Recorder: SimulationModel {
    enum Event { case tick(Int) }
    var fired: [(Double, Int)] = []
    mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        guard case .tick(let n) = event else { return }
        fired.append((scheduler.now, n))
        if n < 5 { scheduler.schedule(.tick(n + 1), after: 1) }
    }
}

@Suite struct SimulationTests {
    @Test func runUntilFiresEventsAtTheBoundaryAndStopsThere() {
        var sim = Simulation(model: Recorder())
        sim.schedule(.tick(0), at: 0)
        sim.run(until: 3)
        #expect(sim.model.fired.map(\.0) == [0, 1, 2, 3])
        #expect(sim.now == 3)
        #expect(sim.eventCount == 4)
        sim.run(until: 100)
        #expect(sim.model.fired.map(\.1) == [0, 1, 2, 3, 4, 5])
        #expect(sim.now == 100)
    }

    @Test func stepReturnsFalseOnEmptyCalendarAndPastEventsAreClamped() {
        var sim = Simulation(model: Recorder())
        #expect(sim.step() == false)
        sim.schedule(.tick(5), at: 2)
        sim.step()
        sim.scheduler.schedule(.tick(5), at: 1)  // in the past: fires now
        sim.step()
        #expect(sim.model.fired.map(\.0) == [2, 2])
    }
}
