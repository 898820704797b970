/// A numeric format of weights, activations or the KV cache.
package enum ModelPrecision: String, Sendable, Equatable, CaseIterable {
    /// 16-bit brain float.
    case bf16
    /// 16-bit IEEE half.
    case fp16
    /// 8-bit float (E4M3): FP8 checkpoints and `--dtype fp8`.
    case fp8
    /// 32-bit float.
    case fp32

    /// Bytes per element.
    package var bytes: Double {
        switch self {
        case .bf16, .fp16: return 2
        case .fp8: return 1
        case .fp32: return 4
        }
    }
}
