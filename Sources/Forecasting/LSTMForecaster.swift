import Foundation
import SimulationCore
import Workload

/// A trained LSTM forecaster: settings, the exogenous columns it expects,
/// and the weights of its member networks. Members differ only in their
/// seed (initialisation and shuffling); their scaled outputs are averaged,
/// which removes much of a small-data network's variance. One model may be
/// trained on several series (a global model): inputs are scaled per
/// window, so it does not depend on any one series' size.
///
/// ```swift
/// let (model, summary) = try LSTMForecaster.train(series: [history], season: 24,
///                                                 settings: LSTMSettings(window: 48, horizon: 24))
/// let q = model.forecast(history, season: 24, origins: [history.count])  // [origin][quantile][step]
/// ```
package struct LSTMForecaster: Sendable, Equatable {
    /// What training did, for reports.
    package struct Summary: Codable, Sendable, Equatable {
        /// Epochs run per member (including the patience tail).
        package var epochs: [Int]
        /// Epoch whose weights were kept, per member (1-based).
        package var bestEpochs: [Int]
        /// Mean validation pinball loss of the members' kept weights.
        package var validationLoss: Double
        /// Training windows.
        package var trainingWindows: Int
        /// Validation windows.
        package var validationWindows: Int
        /// Mean wall seconds per epoch (one member).
        package var secondsPerEpoch: Double
        /// Total wall seconds.
        package var seconds: Double
    }

    /// Shape and training settings.
    package let settings: LSTMSettings
    /// Exogenous columns, in the order the network reads them.
    package let exogenousNames: [String]
    /// The trained member networks.
    package let networks: [LSTMNetwork]

    /// A forecaster from its parts (as read from a model file).
    package init(settings: LSTMSettings, exogenousNames: [String], networks: [LSTMNetwork]) {
        precondition(!networks.isEmpty, "LSTMForecaster: no network")
        self.settings = settings
        self.exogenousNames = exogenousNames
        self.networks = networks
    }

    var encoder: FeatureEncoder { FeatureEncoder(settings: settings, exogenousCount: exogenousNames.count) }

    /// Trains `settings.members` networks on every window of every series
    /// whose targets hold no missing interval; the latest
    /// `validationFraction` of each series' windows decide early stopping,
    /// and each member keeps its best weights.
    ///
    /// - Parameters:
    ///   - season: season length used to impute missing inputs.
    ///   - epochLog: called after each epoch with (epoch, training loss, validation loss).
    /// - Throws: ``ForecastingError`` when the series are too short or the settings invalid.
    ///   - memberStart: called before each member network is trained, with its index.
    package static func train(series: [LoadSeries], season: Int, settings: LSTMSettings,
                             epochLog: ((Int, Double, Double) -> Void)? = nil,
                             memberStart: ((Int) -> Void)? = nil) throws -> (LSTMForecaster, Summary) {
        try settings.validate()
        Matrix.useOneThread()
        guard let first = series.first else {
            throw ForecastingError.invalidSetting(name: "histories", value: "none", expected: "at least one history")
        }
        for s in series where s.exogenousNames != first.exogenousNames {
            throw ForecastingError.exogenousMismatch(series: s.name, expected: first.exogenousNames, got: s.exogenousNames)
        }
        let encoder = FeatureEncoder(settings: settings, exogenousCount: first.exogenousNames.count)
        let prepared = series.map { encoder.prepare($0, season: season) }
        var training: [(Int, Int)] = [], validation: [(Int, Int)] = []
        for (k, p) in prepared.enumerated() {
            let ends = windowEnds(p, window: settings.window, horizon: settings.horizon)
            guard !ends.isEmpty else { continue }
            let nVal = ends.count >= 2 ? max(1, Int((Double(ends.count) * settings.validationFraction).rounded())) : 0
            training += ends.dropLast(nVal).map { (k, $0) }
            validation += ends.suffix(nVal).map { (k, $0) }
        }
        if let cap = settings.maxTrainingWindows, training.count > cap {
            let share = Double(cap) / Double(training.count)
            training = evenSubsample(training, count: cap)
            validation = evenSubsample(validation, count: max(1, Int((Double(validation.count) * share).rounded())))
        }
        guard training.count >= 2 && !validation.isEmpty else {
            let longest = series.map(\.count).max() ?? 0
            throw ForecastingError.tooFewPoints(
                series: series.count == 1 ? first.name : "the histories", count: longest,
                needed: settings.window + settings.horizon + 2,
                purpose: "an LSTM with a \(settings.window)-interval window and \(settings.horizon)-interval horizon")
        }
        let root = RandomStream(seed: settings.seed)
        let start = Clock.seconds()
        var networks: [LSTMNetwork] = [], epochs: [Int] = [], bestEpochs: [Int] = [], losses: [Double] = []
        for member in 0..<settings.members {
            memberStart?(member)
            let (net, ran, bestEpoch, loss) = trainMember(root.stream(member), prepared: prepared, encoder: encoder,
                                                          training: training, validation: validation, settings: settings,
                                                          epochLog: epochLog)
            networks.append(net); epochs.append(ran); bestEpochs.append(bestEpoch); losses.append(loss)
        }
        let seconds = Clock.seconds() - start
        let model = LSTMForecaster(settings: settings, exogenousNames: first.exogenousNames, networks: networks)
        return (model, Summary(epochs: epochs, bestEpochs: bestEpochs, validationLoss: losses.reduce(0, +) / Double(losses.count),
                               trainingWindows: training.count, validationWindows: validation.count,
                               secondsPerEpoch: seconds / Double(epochs.reduce(0, +)), seconds: seconds))
    }

    /// One member: Adam with early stopping; returns its best weights, epochs run, best epoch and loss.
    static func trainMember(_ root: RandomStream, prepared: [FeatureEncoder.Prepared], encoder: FeatureEncoder,
                            training: [(Int, Int)], validation: [(Int, Int)], settings: LSTMSettings,
                            epochLog: ((Int, Double, Double) -> Void)?) -> (LSTMNetwork, Int, Int, Double) {
        var initRNG = root.stream("lstm/init")
        var shuffleRNG = root.stream("lstm/shuffle")
        let quantiles = settings.quantiles.map(Float.init)
        var net = LSTMNetwork(inputSize: encoder.width, hiddenSize: settings.hiddenSize,
                              outputSize: settings.horizon * quantiles.count, rng: &initRNG)
        let batch = min(settings.batchSize, training.count)
        let work = LSTMWorkspace(network: net, steps: settings.window, batch: max(batch, min(64, validation.count)))
        var targets = [Float](repeating: 0, count: work.maxBatch * settings.horizon)
        var adam = Adam(parameterCount: net.parameters.count, learningRate: Float(settings.learningRate), clipNorm: 5)
        var order = training
        var best = net.parameters, bestLoss = Double.infinity, bestEpoch = 0, sinceBest = 0, epochs = 0

        func load(_ windows: ArraySlice<(Int, Int)>) {
            for (slot, (k, end)) in windows.enumerated() {
                let level = encoder.fill(prepared[k], end: end, window: settings.window, slot: slot,
                                        batch: windows.count, input: work.input, stride: work.inputStride)
                for h in 0..<settings.horizon {
                    let t = end + h
                    targets[slot * settings.horizon + h] = encoder.scale(prepared[k].values[t],
                                                                         logY: prepared[k].logValues[t], level: level)
                }
            }
        }

        for epoch in 1...settings.maxEpochs {
            epochs = epoch
            order.shuffle(using: &shuffleRNG)
            var trainLoss = 0.0
            var from = 0
            while from < order.count {
                let slice = order[from..<min(from + batch, order.count)]
                load(slice)
                work.forward(net, steps: settings.window, batch: slice.count)
                let loss = targets.withUnsafeBufferPointer {
                    PinballLoss.evaluate(outputs: work.output, targets: $0.baseAddress!, batch: slice.count,
                                         horizon: settings.horizon, quantiles: quantiles, gradient: work.outputGradient)
                }
                work.backward(net)
                adam.step(parameters: &net.parameters, gradient: work.gradient)
                trainLoss += Double(loss) * Double(slice.count)
                from += batch
            }
            trainLoss /= Double(order.count)
            var valLoss = 0.0
            from = 0
            while from < validation.count {
                let slice = validation[from..<min(from + work.maxBatch, validation.count)]
                load(slice)
                work.forward(net, steps: settings.window, batch: slice.count)
                let loss = targets.withUnsafeBufferPointer {
                    PinballLoss.evaluate(outputs: work.output, targets: $0.baseAddress!, batch: slice.count,
                                         horizon: settings.horizon, quantiles: quantiles, gradient: nil)
                }
                valLoss += Double(loss) * Double(slice.count)
                from += work.maxBatch
            }
            valLoss /= Double(validation.count)
            epochLog?(epoch, trainLoss, valLoss)
            if valLoss < bestLoss {
                bestLoss = valLoss; best = net.parameters; bestEpoch = epoch; sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= settings.patience { break }
            }
        }
        net.parameters = best
        return (net, epochs, bestEpoch, bestLoss)
    }

    /// `count` elements of `items` spread evenly (the first, then every `items.count / count`-th), in order.
    static func evenSubsample<T>(_ items: [T], count: Int) -> [T] {
        guard count < items.count else { return items }
        return (0..<count).map { items[$0 * items.count / count] }
    }

    /// Window ends `e` (targets `e ..< e + horizon`) with a full input window and no missing target.
    static func windowEnds(_ p: FeatureEncoder.Prepared, window: Int, horizon: Int) -> [Int] {
        guard p.values.count >= window + horizon else { return [] }
        var ends: [Int] = []
        var missingRun = 0  // missing targets among e ..< e + horizon, maintained incrementally
        for t in window..<(window + horizon) where p.missing[t] { missingRun += 1 }
        var e = window
        while true {
            if missingRun == 0 { ends.append(e) }
            guard e + horizon < p.values.count else { break }
            if p.missing[e] { missingRun -= 1 }
            if p.missing[e + horizon] { missingRun += 1 }
            e += 1
        }
        return ends
    }

    /// Quantile forecasts `[origin][quantile][step]` of `settings.horizon`
    /// steps from each origin (forecasting `origin ..< origin + horizon` from
    /// the values before it): the members' mean scaled output, unscaled,
    /// monotone across quantiles and clipped at 0.
    ///
    /// - Precondition: `window <= origin <= series.count` for every origin.
    package func forecast(_ series: LoadSeries, season: Int, origins: [Int]) -> [[[Double]]] {
        Matrix.useOneThread()
        let encoder = self.encoder
        let p = encoder.prepare(series, season: season)
        let w = settings.window, hz = settings.horizon, q = settings.quantiles.count
        let batch = min(64, max(1, origins.count))
        let work = LSTMWorkspace(network: networks[0], steps: w, batch: batch)
        let width = hz * q
        var sum = [Float](repeating: 0, count: batch * width)
        var result: [[[Double]]] = []
        var from = 0
        while from < origins.count {
            let slice = origins[from..<min(from + batch, origins.count)]
            var levels: [Double] = []
            for (slot, o) in slice.enumerated() {
                precondition(o >= w && o <= series.count, "LSTMForecaster: origin \(o) outside \(w)...\(series.count)")
                levels.append(encoder.fill(p, end: o, window: w, slot: slot, batch: slice.count, input: work.input,
                                         stride: work.inputStride))
            }
            for k in sum.indices { sum[k] = 0 }
            for network in networks {
                work.forward(network, steps: w, batch: slice.count)
                for k in 0..<(slice.count * width) { sum[k] += work.output[k] / Float(networks.count) }
            }
            for slot in 0..<slice.count {
                var out = Array(repeating: [Double](repeating: 0, count: hz), count: q)
                for h in 0..<hz {
                    var floor = 0.0
                    for k in 0..<q {
                        let v = encoder.unscale(sum[slot * width + h * q + k], level: levels[slot])
                        floor = max(floor, v)
                        out[k][h] = floor
                    }
                }
                result.append(out)
            }
            from += batch
        }
        return result
    }
}
