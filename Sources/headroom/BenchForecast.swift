import ArgumentParser
import Forecasting
import Foundation
import Report
import SimulationCore

/// `headroom bench forecast`: epoch time of the LSTM on the benchmark's fixed
/// training problem (1,321 windows × 168 steps × 10 features, hidden 64,
/// batch 64, one OpenBLAS thread), the figure PyTorch takes 0.79 s for.
struct BenchForecast: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Time LSTM training epochs on the forecasting benchmark's fixed problem."
    )

    @Option(help: "Training windows per epoch (count).")
    var windows = 1_321
    @Option(help: "Time steps per window (count).")
    var steps = 168
    @Option(help: "Hidden units (count, a multiple of 8).")
    var hidden = 64
    @Option(help: "Sequences per batch (count).")
    var batch = 64
    @Option(help: "Outputs of the head (count: horizon × quantiles).")
    var outputs = 24
    @Option(help: "Epochs to time (count; the median is reported).")
    var epochs = 5
    @Option(help: "Random seed (an integer).")
    var seed: UInt64 = 1
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
        guard windows > 0, steps > 0, batch > 0, outputs > 0, epochs > 0 else {
            throw ValidationError("--windows, --steps, --batch, --outputs and --epochs must be > 0")
        }
        guard hidden > 0 && hidden % 8 == 0 && hidden <= 1024 else { throw ValidationError("--hidden: expected a multiple of 8 from 8 to 1024, got \(hidden)") }
        // The problem is allocated up front: bound each size and the data.
        for (flag, value, limit) in [("--windows", windows, 1_000_000), ("--steps", steps, 10_000), ("--batch", batch, 10_000),
                                     ("--outputs", outputs, 10_000), ("--epochs", epochs, 1000)] where value > limit {
            throw ValidationError("\(flag): expected from 1 to \(limit), got \(value)")
        }
        guard windows * steps <= 100_000_000 else {
            throw ValidationError("--windows × --steps: expected at most 100000000 time steps in all, got \(windows * steps)")
        }
    }

    /// The benchmark's result.
    struct Result: Encodable {
        var windows: Int
        var steps: Int
        var features: Int
        var hidden: Int
        var batch: Int
        var outputs: Int
        var parameters: Int
        var epochs: Int
        var epochSecondsMedian: Double
        var epochSecondsMin: Double
        var epochCpuSecondsMedian: Double
        var gflopPerEpoch: Double
        var gflopPerSecond: Double
        var pytorchEpochSeconds: Double
        var speedupVsPytorch: Double
        var openblasThreads: String
    }

    func run() throws {
        let result = BenchForecast.measure(windows: windows, steps: steps, hidden: hidden, batch: batch,
                                           outputs: outputs, epochs: epochs, seed: seed)
        switch output.format {
        case .json:
            print(try JSONOutput.encode(result))
        case .table:
            var t = TextTable(header: ["metric", "value"])
            t.append(["problem", "\(windows) windows × \(steps) steps × \(result.features) features, hidden \(hidden), batch \(batch)"])
            t.append(["parameters", NumberFormatting.grouped(result.parameters)])
            t.append(["epoch seconds (median of \(epochs))", NumberFormatting.fixed(result.epochSecondsMedian, decimals: 3)])
            t.append(["epoch seconds (min)", NumberFormatting.fixed(result.epochSecondsMin, decimals: 3)])
            t.append(["epoch CPU seconds (median)", NumberFormatting.fixed(result.epochCpuSecondsMedian, decimals: 3)])
            t.append(["GFLOP/s (GEMM work)", NumberFormatting.fixed(result.gflopPerSecond, decimals: 1)])
            t.append(["PyTorch epoch seconds", "0.79"])
            t.append(["speed-up vs PyTorch", NumberFormatting.fixed(result.speedupVsPytorch, decimals: 2) + "x"])
            print(t.render())
        }
    }

    /// Trains `epochs` epochs (forward, backward through time, Adam) on
    /// random inputs and targets of the fixed shape and times each one.
    static func measure(windows: Int, steps: Int, hidden: Int, batch: Int, outputs: Int, epochs: Int, seed: UInt64) -> Result {
        Matrix.useOneThread()
        let features = 10
        let root = RandomStream(seed: seed)
        var rng = root.stream("bench/init")
        var net = LSTMNetwork(inputSize: features, hiddenSize: hidden, outputSize: outputs, rng: &rng)
        var dataRNG = root.stream("bench/data")
        let data = (0..<(windows * steps * features)).map { _ in Float(dataRNG.nextUniform() * 2 - 1) }
        let targets = (0..<(windows * outputs)).map { _ in Float(dataRNG.nextUniform() * 2 - 1) }
        let work = LSTMWorkspace(network: net, steps: steps, batch: batch)
        var adam = Adam(parameterCount: net.parameters.count, learningRate: 1e-3, clipNorm: 5)
        var order = Array(0..<windows)
        var shuffleRNG = root.stream("bench/shuffle")
        var times: [Double] = [], cpuTimes: [Double] = []
        for _ in 0..<epochs {
            order.shuffle(using: &shuffleRNG)
            let start = CPUClock.wallSeconds(), cpuStart = CPUClock.threadSeconds()
            var from = 0
            while from < windows {
                let slice = order[from..<min(from + batch, windows)]
                for (slot, w) in slice.enumerated() {
                    for t in 0..<steps {
                        let src = (w * steps + t) * features
                        let dst = (t * slice.count + slot) * work.inputStride
                        for f in 0..<features { work.input[dst + f] = data[src + f] }
                    }
                }
                work.forward(net, steps: steps, batch: slice.count)
                var batchTargets = [Float](repeating: 0, count: slice.count * outputs)
                for (slot, w) in slice.enumerated() {
                    for k in 0..<outputs { batchTargets[slot * outputs + k] = targets[w * outputs + k] }
                }
                _ = batchTargets.withUnsafeBufferPointer {
                    PinballLoss.evaluate(outputs: work.output, targets: $0.baseAddress!, batch: slice.count,
                                         horizon: outputs, quantiles: [0.5], gradient: work.outputGradient)
                }
                work.backward(net)
                adam.step(parameters: &net.parameters, gradient: work.gradient)
                from += batch
            }
            times.append(CPUClock.wallSeconds() - start)
            cpuTimes.append(CPUClock.threadSeconds() - cpuStart)
        }
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        // GEMM work per sequence step: forward h·Wh and x·Wx, backward dG·Whᵀ, hᵀ·dG, xᵀ·dG.
        let g = Double(4 * hidden)
        let perStep = 2 * g * (3 * Double(hidden) + 2 * Double(features))
        let gflop = Double(windows * steps) * perStep / 1e9
        return Result(windows: windows, steps: steps, features: features, hidden: hidden, batch: batch, outputs: outputs,
                      parameters: net.parameters.count, epochs: epochs, epochSecondsMedian: median,
                      epochSecondsMin: sorted[0], epochCpuSecondsMedian: cpuTimes.sorted()[cpuTimes.count / 2], gflopPerEpoch: gflop, gflopPerSecond: gflop / median,
                      pytorchEpochSeconds: 0.79, speedupVsPytorch: 0.79 / median,
                      openblasThreads: ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "1 (set by headroom)")
    }
}
