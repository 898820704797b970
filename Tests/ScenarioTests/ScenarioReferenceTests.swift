import Forecasting
import Foundation
import Scenario
import TestSupport
import Testing

/// `docs/scenario-reference.md` against the parser: every key the parser
/// looks up is documented, and every documented key is one the parser
/// looks up. The keys looked up come from parsing every bundled scenario
/// and every YAML example of the reference itself (each a whole scenario,
/// together reaching every branch: each arrival process, distribution,
/// batching policy, balancer, breaker, autoscaler...). A parser asks for
/// the keys of a mapping whether the file has them or not, so a new key
/// fails this test until it is documented.
@Suite struct ScenarioReferenceTests {
    static let root = TestData.root
    static let reference = root.appendingPathComponent("docs/scenario-reference.md")
    /// YAML files under `examples/` that are not scenarios (and sweeps, `*.sweep.yaml`).
    static let notScenarios: Set<String> = ["examples/case-studies/claims.yaml"]
    /// The heading of the reference's section on hardware profiles; the
    /// key tables below it document profile keys, not scenario keys.
    static let profileHeading = "## Hardware profiles"

    /// The keys a reference documents: the first cell of each row of a
    /// table whose first header cell is `Key`, in backticks (`<dist>`
    /// stands for any distribution), split into scenario and hardware
    /// profile keys; with each key's line, for messages.
    struct Documented {
        var scenario: [String: [Int]] = [:]
        var profile: [String: [Int]] = [:]
    }

    static func documentedKeys(_ markdown: String) -> Documented {
        var out = Documented()
        var inKeyTable = false, inProfiles = false, inFence = false
        for (i, raw) in markdown.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") { inFence.toggle() }
            if inFence { continue }
            if line.hasPrefix("## ") { inProfiles = line.hasPrefix(profileHeading) }
            guard line.hasPrefix("|") else {
                inKeyTable = false
                continue
            }
            let cells = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = cells.first else { continue }
            if first == "Key" {
                inKeyTable = true
                continue
            }
            guard inKeyTable, first.hasPrefix("`") else { continue }
            let key = String(first.dropFirst().prefix { $0 != "`" })
            if inProfiles { out.profile[key, default: []].append(i + 1) } else { out.scenario[key, default: []].append(i + 1) }
        }
        return out
    }

    /// The reference's fenced YAML blocks with their first line: scenarios
    /// (```` ```yaml ````) and hardware profiles (```` ```yaml hardware-profile ````).
    static func yamlBlocks(_ markdown: String) -> (scenarios: [(line: Int, text: String)], profiles: [(line: Int, text: String)]) {
        var scenarios: [(Int, String)] = [], profiles: [(Int, String)] = []
        var current: [String]?, kind = "", start = 0
        for (i, line) in markdown.components(separatedBy: "\n").enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if var body = current {
                if t == "```" {
                    let block = (start, body.joined(separator: "\n") + "\n")
                    if kind == "yaml" { scenarios.append(block) } else if kind == "yaml hardware-profile" { profiles.append(block) }
                    current = nil
                } else {
                    body.append(line)
                    current = body
                }
            } else if t.hasPrefix("```") {
                kind = String(t.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                current = []
                start = i + 2
            }
        }
        return (scenarios, profiles)
    }

    /// The bundled scenarios: every `*.yaml` under `examples/`, recursively,
    /// but the case studies' claims manifest.
    static func bundledScenarios() -> [String] {
        let dir = root.appendingPathComponent("examples")
        let all = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".sweep.yaml") && !notScenarios.contains("examples/" + $0) }.sorted()
            .map { dir.appendingPathComponent($0).path }
    }

    /// Every key path the parser looks up on the bundled scenarios and the
    /// reference's examples, and those of the hardware profiles read (all
    /// of `models/hardware/`, and the reference's own profile example).
    static func consulted() throws -> (scenario: Set<String>, profile: Set<String>) {
        let markdown = try String(contentsOf: reference, encoding: .utf8)
        var scenario = Set<String>(), profile = Set<String>()
        var inputs = try bundledScenarios().map { (file: $0, text: try String(contentsOfFile: $0, encoding: .utf8)) }
        // The reference's paths are relative to the repository root.
        inputs += yamlBlocks(markdown).scenarios.map {
            (file: root.appendingPathComponent("scenario-reference-line-\($0.line).yaml").path, text: $0.text)
        }
        for input in inputs {
            let r = ScenarioLoader.consultedKeys(text: input.text, file: input.file, forecasters: ModelLoadForecaster.factory)
            if let error = r.error { Issue.record("\(input.file) is not a valid scenario, so some of its keys went unread: \(error)") }
            scenario.formUnion(r.keys)
            for keys in r.profiles.values { profile.formUnion(keys) }
        }
        let hardware = root.appendingPathComponent("models/hardware")
        var profiles = try FileManager.default.contentsOfDirectory(atPath: hardware.path).filter { $0.hasSuffix(".yaml") }
            .map { hardware.appendingPathComponent($0).path }
        for block in yamlBlocks(markdown).profiles {
            profiles.append(try TestData.write(block.text, name: "reference-profile-line-\(block.line).yaml"))
        }
        for path in profiles {
            let log = ConsultedKeyLog()
            ConsultedKeyLog.$current.withValue(log) {
                do { _ = try HardwareProfileLoader.load(path: path) } catch { Issue.record("\(path) is not a valid hardware profile: \(error)") }
            }
            profile.formUnion(log.keys(file: path))
        }
        return (scenario, profile)
    }

    @Test func everyKeyTheParserReadsIsDocumentedAndEveryDocumentedKeyIsRead() throws {
        let documented = Self.documentedKeys(try String(contentsOf: Self.reference, encoding: .utf8))
        let consulted = try Self.consulted()
        #expect(documented.scenario.count > 100, "the reference's key tables were not found (a table's first header cell must be Key)")

        let undocumented = consulted.scenario.subtracting(documented.scenario.keys).sorted()
        #expect(undocumented.isEmpty, """
            scenario keys the parser reads that docs/scenario-reference.md does not document: \(undocumented.joined(separator: ", "))
            """)
        let unread = Set(documented.scenario.keys).subtracting(consulted.scenario).sorted()
        #expect(unread.isEmpty, """
            scenario keys docs/scenario-reference.md documents that the parser never reads (on the bundled scenarios and the \
            reference's examples; a key of a branch no example reaches counts too): \
            \(unread.map { "\($0) (line \(documented.scenario[$0]![0]))" }.joined(separator: ", "))
            """)

        let undocumentedProfile = consulted.profile.subtracting(documented.profile.keys).sorted()
        #expect(undocumentedProfile.isEmpty, """
            hardware profile keys the loader reads that docs/scenario-reference.md does not document: \
            \(undocumentedProfile.joined(separator: ", "))
            """)
        let unreadProfile = Set(documented.profile.keys).subtracting(consulted.profile).sorted()
        #expect(unreadProfile.isEmpty, """
            hardware profile keys docs/scenario-reference.md documents that the loader never reads: \
            \(unreadProfile.map { "\($0) (line \(documented.profile[$0]![0]))" }.joined(separator: ", "))
            """)
    }

    @Test func eachKeyIsDocumentedOnce() throws {
        let documented = Self.documentedKeys(try String(contentsOf: Self.reference, encoding: .utf8))
        for (key, lines) in documented.scenario.merging(documented.profile.map { ("profile " + $0.key, $0.value) }, uniquingKeysWith: +)
        where lines.count > 1 {
            Issue.record("\(key) is documented \(lines.count) times, at lines \(lines.map(String.init).joined(separator: ", "))")
        }
    }

    @Test func theReferenceHasExamples() throws {
        let markdown = try String(contentsOf: Self.reference, encoding: .utf8)
        #expect(Self.yamlBlocks(markdown).scenarios.count >= 8)
        #expect(Self.yamlBlocks(markdown).profiles.count >= 1)
    }

    /// The log itself: keys absent from the file count, list indices are
    /// written `[]`, distributions share `<dist>`, and a client's arrival
    /// process is logged as `workload.arrivals`.
    @Test func theLogRecordsEveryKeyAskedFor() {
        let r = ScenarioLoader.consultedKeys(text: """
            duration: 1h
            workload:
              clients: [{arrivals: {process: poisson, rate: 1/s}}, {arrivals: {process: poisson, rate: 2/s}}]
            replicas: {count: 2, batching: {policy: none}, service: {distribution: exponential, mean: 10ms}}
            cluster: {faults: {scheduled: [{at: 1m, replica: 0, down_for: 1m}]}}
            """, file: "/tmp/consulted.yaml")
        #expect(r.error == nil)
        for key in ["name", "seed", "warmup", "workload.clients", "workload.clients[].arrivals", "workload.arrivals.process",
                    "workload.arrivals.rate", "workload.arrivals.scale", "workload.sizes", "replicas.service", "<dist>.distribution",
                    "<dist>.mean", "cluster.faults.scheduled[].at", "cluster.faults.mtbf", "client", "gateway"] {
            #expect(r.keys.contains(key), "\(key)")
        }
        #expect(!r.keys.contains { $0.contains("[0]") || $0.contains("[1]") })
        #expect(!r.keys.contains("workload.arrivals"), "not asked for when clients are given")
    }
}
