import Foundation
import TestSupport
import Testing
@testable import Forecasting
@testable import Workload

/// Model files are validated like scenarios: every field's range, the
/// references between methods, the key path of what is wrong.
@Suite struct ModelFileValidationTests {
    static let root = TestData.root
    static let tenMinute = root.appendingPathComponent("models/forecasters/servegen-10min.json").path
    static let hourly = root.appendingPathComponent("models/forecasters/servegen-hourly.json").path

    /// The 10-minute model's JSON with `change` applied, written to a temporary file.
    func variant(_ change: (inout [String: Any]) -> Void) throws -> String {
        var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.tenMinute))) as? [String: Any])
        change(&object)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-test-model-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Sets `methods[index].method` to `method`.
    func setMethod(_ object: inout [String: Any], _ index: Int, _ method: [String: Any]) {
        var methods = object["methods"] as! [[String: Any]]
        methods[index]["method"] = method
        object["methods"] = methods
    }

    /// The reason `load` gives for the file `change` makes.
    func reason(_ change: (inout [String: Any]) -> Void) throws -> String {
        let path = try variant(change)
        do {
            _ = try ForecasterModel.load(path: path)
            return "loaded"
        } catch let ForecastingError.invalidModelFile(file, reason) {
            #expect(file == path)
            return reason
        }
    }

    @Test func shippedModelsPass() throws {
        _ = try ForecasterModel.load(path: Self.tenMinute)
        _ = try ForecasterModel.load(path: Self.hourly)
        #expect(try reason { _ in } == "loaded")
    }

    @Test func anEnsembleNamingItselfOrACycleIsRefusedNotOverflowingTheStack() throws {
        // methods[9] is Ensemble2, methods[10] Ensemble3.
        let own = try reason { setMethod(&$0, 9, ["ensemble": ["members": ["Ensemble2"]]]) }
        #expect(own.contains("cycle (Ensemble2 → Ensemble2)"), "\(own)")
        let cycle = try reason {
            setMethod(&$0, 9, ["ensemble": ["members": ["Ensemble3"]]])
            setMethod(&$0, 10, ["combination": ["members": ["Ensemble2", "DampedHolt"], "weights": [0.5, 0.5]]])
        }
        #expect(cycle.contains("cycle"), "\(cycle)")
        let unknown = try reason { setMethod(&$0, 9, ["ensemble": ["members": ["DampedHolt", "Nope"]]]) }
        #expect(unknown == "key 'methods[9].method.ensemble.members[1]': 'Nope' is not among methods", "\(unknown)")
    }

    @Test func everyFieldsRangeIsChecked() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("key 'season'", { $0["season"] = 0 }),
            ("key 'horizon'", { $0["horizon"] = 0 }),
            ("key 'interval_seconds'", { $0["interval_seconds"] = -600 }),
            ("key 'interval_seconds'", { $0["interval_seconds"] = 1e-300 }),
            ("key 'levels[1]'", { $0["levels"] = [0.5, 1.5] }),
            ("key 'levels'", { $0["levels"] = [Double]() }),
            ("key 'methods[0].method.seasonal_naive.lag'", { setMethod(&$0, 0, ["seasonal_naive": ["lag": 0]]) }),
            ("key 'methods[3].method.seasonal_mean.seasons'", { setMethod(&$0, 3, ["seasonal_mean": ["seasons": -1]]) }),
            ("key 'methods[11].method.combination.weights[0]'", {
                setMethod(&$0, 11, ["combination": ["members": ["DampedHolt"], "weights": ["nan"]]])
            }),
            ("key 'methods[11].method.combination.weights'", {
                setMethod(&$0, 11, ["combination": ["members": ["DampedHolt"], "weights": [0.5, 0.5]]])
            }),
            ("key 'methods[0].calibration.peak_correction'", {
                var methods = $0["methods"] as! [[String: Any]]
                var c = methods[0]["calibration"] as! [String: Any]
                c["peak_correction"] = "inf"
                methods[0]["calibration"] = c
                $0["methods"] = methods
            }),
            ("key 'methods[0].calibration.corrections[0]'", {
                var methods = $0["methods"] as! [[String: Any]]
                var c = methods[0]["calibration"] as! [String: Any]
                var rows = c["corrections"] as! [[Double]]
                rows[0].removeLast()
                c["corrections"] = rows
                methods[0]["calibration"] = c
                $0["methods"] = methods
            }),
            ("key 'lstm.settings.hidden_size'", {
                var lstm = $0["lstm"] as! [String: Any]
                var settings = lstm["settings"] as! [String: Any]
                settings["hidden_size"] = 1_000_000
                lstm["settings"] = settings
                $0["lstm"] = lstm
            }),
            ("key 'lstm.input_size'", {
                var lstm = $0["lstm"] as! [String: Any]
                lstm["input_size"] = 4
                $0["lstm"] = lstm
            }),
            ("key 'selected'", { $0["selected"] = "Nothing" }),
            ("key 'season': expected an integer", { $0["season"] = "daily" }),
            ("missing key 'methods[2].name'", {
                var methods = $0["methods"] as! [[String: Any]]
                methods[2]["name"] = nil
                $0["methods"] = methods
            }),
        ]
        for (expected, change) in cases {
            let r = try reason(change)
            #expect(r.contains(expected), "expected \(expected), got \(r)")
        }
    }

    @Test func aModelOnAnotherIntervalIsRefusedByPredict() throws {
        let model = try ForecasterModel.load(path: Self.tenMinute)
        let n = 24 * 14
        let hourly = LoadSeries(name: "hourly.csv", timestamps: (0..<n).map { 1_704_067_200 + Double($0) * 3600 }, interval: 3600,
                                values: (0..<n).map { 100 + Double($0 % 24) })
        #expect(throws: ForecastingError.modelIntervalMismatch(series: "hourly.csv", interval: 3600, model: 600)) {
            try model.forecast(hourly, horizon: 6)
        }
        let message = ForecastingError.modelIntervalMismatch(series: "hourly.csv", interval: 3600, model: 600).description
        #expect(message.hasPrefix("hourly.csv: the history has 3600-s intervals, the model was trained on 600-s"))
    }

    @Test func trainingRefusesAHugeNetworkBeforeAllocating() throws {
        let n = 4 * 40
        let s = LoadSeries(name: "toy", timestamps: (0..<n).map { 1_704_067_200 + Double($0) * 21_600 }, interval: 21_600,
                           values: (0..<n).map { [40, 90, 120, 70][$0 % 4] })
        var options = ForecasterOptions(horizon: 2)
        options.hiddenSize = 1_000_000
        let start = Date()
        #expect(throws: ForecastingError.self) { try ForecasterModel.train(histories: [s], options: options) }
        #expect(Date().timeIntervalSince(start) < 1)
        do {
            try options.validate()
        } catch let ForecastingError.invalidSetting(name, _, expected) {
            #expect(name == "--hidden")
            #expect(expected.contains("1024"))
        }
        options.hiddenSize = 64
        options.window = 100_000
        #expect(throws: ForecastingError.self) { try options.validate() }
        options.window = nil
        options.horizon = 1_000_000
        #expect(throws: ForecastingError.self) { try options.validate() }
    }
}
