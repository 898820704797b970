import Forecasting
import Foundation
import Report
import Scenario
import ServingModel
import TestSupport
import Testing

/// Every bundled example, simulated for a short time, gives the JSON it
/// gave when its golden file was written, byte for byte (the wall-clock
/// field aside). A refactor of the serving model must keep these green at
/// every step; a change that means to alter results rewrites the files
/// with `HEADROOM_UPDATE_GOLDEN=1 swift test --filter GoldenExamplesTests`
/// and says why in its commit.
@Suite struct GoldenExamplesTests {
    static let root = TestData.root
    static let golden = root.appendingPathComponent("Tests/ScenarioTests/Golden")
    /// Simulated time per example: long enough to pass every example's
    /// start-up (cold starts, first scrapes, warm-ups are cut to a fifth).
    static let duration = 120.0

    /// The example scenarios, relative to the repository root, sorted.
    static let examples: [String] = {
        let base = root.appendingPathComponent("examples")
        let walker = FileManager.default.enumerator(atPath: base.path)
        var out: [String] = []
        while let relative = walker?.nextObject() as? String {
            if relative.hasSuffix(".yaml") && !relative.hasSuffix("claims.yaml") && !relative.hasSuffix(".sweep.yaml") { out.append("examples/" + relative) }
        }
        return out.sorted()
    }()

    /// The example's result as `simulate --format json --duration 2m` prints it, wall clock zeroed.
    static func json(_ example: String) throws -> String {
        var config = try ScenarioLoader.load(path: root.appendingPathComponent(example).path, forecasters: ModelLoadForecaster.factory)
        config.duration = min(config.duration, duration)
        config.warmup = min(config.warmup, config.duration / 5)
        var result = try ServingRun(configuration: config).execute().result
        result.wallSeconds = 0
        return try JSONOutput.encode(result) + "\n"
    }

    static func goldenPath(_ example: String) -> URL {
        golden.appendingPathComponent(example.dropFirst("examples/".count).replacingOccurrences(of: "/", with: "__")
            .replacingOccurrences(of: ".yaml", with: ".json"))
    }

    @Test func everyExampleHasAGoldenFile() throws {
        #expect(Self.examples.count >= 50, "\(Self.examples.count) examples")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: Self.golden.path).filter { $0.hasSuffix(".json") })
        let expected = Set(Self.examples.map { Self.goldenPath($0).lastPathComponent })
        #expect(files == expected, "stale: \(files.subtracting(expected).sorted()), missing: \(expected.subtracting(files).sorted())")
    }

    @Test(arguments: examples) func exampleGivesItsGoldenJSON(_ example: String) throws {
        let text = try Self.json(example)
        let path = Self.goldenPath(example)
        if ProcessInfo.processInfo.environment["HEADROOM_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try text.write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: path, encoding: .utf8)
        if text != expected {
            let a = text.split(separator: "\n", omittingEmptySubsequences: false)
            let b = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record("\(example) differs from \(path.lastPathComponent) at line \(line + 1): got '\(line < a.count ? a[line] : "")', golden '\(line < b.count ? b[line] : "")'")
        }
    }
}
