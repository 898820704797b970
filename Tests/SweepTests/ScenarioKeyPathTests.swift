import Scenario
import Testing
import Yams

@Suite struct ScenarioKeyPathTests {
    let document = try! Yams.compose(yaml: """
        replicas:
          count: 3
        workload:
          clients:
            - {rate: 1/s}
            - {rate: 2/s}
        """)

    @Test func setsAnExistingKeyAndKeepsItsNeighbours() throws {
        let edited = try ScenarioKeyPath("replicas.count").set(Node("6"), in: document)
        #expect(edited["replicas"]?["count"]?.string == "6")
        #expect(edited["workload"]?["clients"]?[1]?["rate"]?.string == "2/s")
    }

    @Test func createsMissingMappingsOnTheWay() throws {
        let edited = try ScenarioKeyPath("replicas.batching.max_num_seqs").set(Node("128"), in: document)
        #expect(edited["replicas"]?["batching"]?["max_num_seqs"]?.string == "128")
        #expect(edited["replicas"]?["count"]?.string == "3")
    }

    @Test func setsAListElementByIndex() throws {
        let edited = try ScenarioKeyPath("workload.clients[1].rate").set(Node("9/s"), in: document)
        #expect(edited["workload"]?["clients"]?[1]?["rate"]?.string == "9/s")
        #expect(edited["workload"]?["clients"]?[0]?["rate"]?.string == "1/s")
    }

    @Test func refusesPathsThatCannotBeSetNamingWhy() throws {
        #expect(throws: ScenarioKeyPathError.self) { try ScenarioKeyPath("replicas..count") }
        #expect(throws: ScenarioKeyPathError.self) { try ScenarioKeyPath("replicas[x].count") }
        do {
            _ = try ScenarioKeyPath("replicas.count.value").set(Node("1"), in: document)
            Issue.record("a key under a scalar was set")
        } catch {
            #expect(error.description == "replicas.count.value: 'replicas.count' is not a mapping, so it has no key 'value'")
        }
        do {
            _ = try ScenarioKeyPath("workload.clients[2].rate").set(Node("1/s"), in: document)
            Issue.record("an index past the end was set")
        } catch {
            #expect(error.description == "workload.clients[2].rate: 'workload.clients' has 2 elements, so no [2]")
        }
    }
}
