import ServingModel
import Workload

/// `cluster.predictive:` — forecast-driven capacity from a trained model.
extension ScenarioParser {
    func parsePredictive(_ p: Fields) -> PredictiveScaling? {
        defer { p.finish() }
        guard let modelPath = p.requiredValue("model", "a model file written by 'headroom forecast train'", { $0 }) else { return nil }
        let level = p.number("quantile", min: 0, allowEqual: false, max: 1)
        let method = p.string("method")
        let target = p.quantity("target_per_replica", .rate, .positiveRate, required: true)
        let scale = p.quantity("history_scale", .multiplier, .factor) ?? 1
        guard let forecasters else {
            reader.fail(p.node("model"), p.child("model"), "this program cannot load forecaster models for predictive scaling")
            return nil
        }
        let forecaster: any LoadForecaster
        do {
            forecaster = try forecasters(resolve(modelPath), level, method)
        } catch {
            reader.fail(p.node("model"), p.child("model"), "\(error)")
            return nil
        }
        var history = LoadSeries(name: "run", timestamps: [], interval: forecaster.interval, values: [])
        if let path = p.string("history") {
            do {
                history = try LoadSeriesCSV.read(path: resolve(path))
                history.values = history.values.map { $0 * scale }
            } catch {
                reader.fail(p.node("history"), p.child("history"), "\(error)")
                return nil
            }
        }
        guard let target else { return nil }
        var s = PredictiveScaling(forecaster: forecaster, history: history, targetPerReplica: target)
        s.buffer = p.duration("buffer") ?? s.buffer
        s.refresh = p.interval("refresh") ?? s.refresh
        s.horizon = p.duration("horizon", min: 0, allowEqual: false) ?? s.horizon
        s.minimumHistory = p.duration("minimum_history") ?? s.minimumHistory
        do {
            try s.validate()
        } catch {
            reader.fail(error)
            return nil
        }
        return s
    }
}
