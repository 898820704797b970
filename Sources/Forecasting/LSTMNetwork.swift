import SimulationCore

/// A one-layer LSTM with a direct linear head on its last hidden state:
/// `inputSize` features per step in, `outputSize` values out (horizon steps ×
/// quantiles).
///
/// All parameters live in one flat Float32 array so that Adam, gradient
/// clipping and model files treat them as one vector. Layout, each block row
/// major: `Wx` (inputSize × 4H), `Wh` (H × 4H), `b` (4H), `Wy` (H × outputSize),
/// `by` (outputSize); the four gate blocks of a 4H row are input, forget,
/// cell candidate, output.
///
/// ```swift
/// var rng = RandomStream(seed: 1)
/// let net = LSTMNetwork(inputSize: 10, hiddenSize: 64, outputSize: 24, rng: &rng)
/// let work = LSTMWorkspace(network: net, steps: 168, batch: 64)
/// ```
package struct LSTMNetwork: Sendable, Equatable {
    /// Features per time step.
    package let inputSize: Int
    /// Hidden units (a multiple of 8).
    package let hiddenSize: Int
    /// Outputs of the head.
    package let outputSize: Int
    /// All parameters (see the type's notes for the layout).
    package var parameters: [Float]

    /// A network with PyTorch's default initialisation (uniform ±1/√H) and a
    /// forget-gate bias of 1.
    package init(inputSize: Int, hiddenSize: Int, outputSize: Int, rng: inout RandomStream) {
        precondition(hiddenSize > 0 && hiddenSize % 8 == 0, "LSTMNetwork: hidden size must be a positive multiple of 8")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        let count = LSTMNetwork.parameterCount(inputSize: inputSize, hiddenSize: hiddenSize, outputSize: outputSize)
        let bound = 1 / Double(hiddenSize).squareRoot()
        var p = [Float](repeating: 0, count: count)
        for i in p.indices { p[i] = Float((rng.nextUniform() * 2 - 1) * bound) }
        parameters = p
        for j in 0..<hiddenSize { parameters[biasOffset + hiddenSize + j] += 1 }
    }

    /// A network with the given parameters (as stored in a model file).
    package init(inputSize: Int, hiddenSize: Int, outputSize: Int, parameters: [Float]) {
        precondition(parameters.count == LSTMNetwork.parameterCount(inputSize: inputSize, hiddenSize: hiddenSize,
                                                                    outputSize: outputSize))
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        self.parameters = parameters
    }

    /// Number of parameters of a network of this shape.
    package static func parameterCount(inputSize: Int, hiddenSize: Int, outputSize: Int) -> Int {
        let g = 4 * hiddenSize
        return inputSize * g + hiddenSize * g + g + hiddenSize * outputSize + outputSize
    }

    var gateWidth: Int { 4 * hiddenSize }
    var inputWeightOffset: Int { 0 }
    var recurrentWeightOffset: Int { inputSize * gateWidth }
    var biasOffset: Int { recurrentWeightOffset + hiddenSize * gateWidth }
    var headWeightOffset: Int { biasOffset + gateWidth }
    var headBiasOffset: Int { headWeightOffset + hiddenSize * outputSize }
}
