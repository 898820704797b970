import Foundation
import ServingModel

/// The fastest a forward pass can possibly be: every weight read once at
/// the GPU's peak memory bandwidth, and every KV-cache token read at it
/// too. A profile (fitted or written by hand) whose decode step or KV read
/// is below this floor describes hardware that cannot exist, and every
/// plan built on it under-provisions.
package enum RooflineFloor {
    /// What a profile is checked against.
    package struct Floor: Sendable, Equatable {
        /// Seconds of one decode step of one sequence with no context (all
        /// of one pipeline stage's weights read once at peak bandwidth).
        package var decodeStep: Double
        /// Seconds per KV-cache token read at peak bandwidth.
        package var perKVToken: Double
    }

    /// The floor of `model` on `gpu` with the profile's parallelism and
    /// weight precision (`bf16`, `fp16`, `fp8`, `int8`, `int4`; nil: the
    /// checkpoint's). With 8- or 4-bit weights the KV cache may be FP8 too
    /// (vLLM's `kv_cache_dtype`), so its floor is taken at 1 byte.
    package static func floor(model: ModelArchitecture, gpu: GPUSpec, tensorParallel tp: Int, pipelineParallel pp: Int,
                              weightPrecision: String? = nil) -> Floor {
        let bytes: Double
        switch weightPrecision {
        case "int4": bytes = 0.5
        case "int8": bytes = 1
        case let name?: bytes = ModelPrecision(rawValue: name)?.bytes ?? model.weightPrecision.bytes
        case nil: bytes = model.weightPrecision.bytes
        }
        let kvBytes = bytes < 2 ? 1.0 : 2.0
        let share = 1 / Double(pp)
        // Dense weights and the LM head, plus the k routed experts one token needs.
        let weights = (model.activeLayerParameters + model.embeddingParameters) * share * bytes / Double(tp)
        let kv = model.kvElementsPerTokenPerLayer(perGPUOf: tp) * Double(model.layers - model.slidingLayers) * share * kvBytes
        return Floor(decodeStep: weights / gpu.memoryBandwidth, perKVToken: kv / gpu.memoryBandwidth)
    }

    /// Problems of `profile` against the floor, each with its numbers (empty: none).
    /// A 2% margin absorbs rounding in a fit.
    package static func violations(of profile: HardwareProfile, floor: Floor, gpu: GPUSpec) -> [String] {
        var problems: [String] = []
        let it = profile.iteration
        let step = it.stageTime(tokens: 1, kvTokens: 0, prefillPairs: 0, sequences: 1)
        if step < floor.decodeStep * 0.98 {
            let ms = { (x: Double) in String(format: "%.2f ms", x * 1000) }
            problems.append("a decode step of one sequence takes \(ms(step)) (fixed + linear_floor\(it.experts > 0 ? " + its experts" : "")), "
                            + "below the \(ms(floor.decodeStep)) it takes to read the weights once at \(gpu.displayName)'s peak "
                            + String(format: "%.2f TB/s", gpu.memoryBandwidth / 1e12))
        }
        let perKV = it.perKVToken * it.speedFactor
        if floor.perKVToken > 0, perKV < floor.perKVToken * 0.98, perKV > 0 {
            problems.append(String(format: "per_kv_token %.3g s is below the %.3g s it takes to read one token's KV cache at peak bandwidth",
                                   perKV, floor.perKVToken))
        }
        return problems
    }
}
