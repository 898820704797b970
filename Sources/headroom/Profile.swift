import ArgumentParser
import Foundation
import ModelProfiles
import Scenario
import ServingModel
import Workload

/// `headroom profile`: a hardware profile for a model on a GPU, from the
/// model's Hugging Face config.json and the GPU's datasheet.
struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a hardware profile from a model's config.json and a GPU, or list what is bundled.",
        discussion: """
        Iteration time comes from roofline terms (weights and KV cache read, linear-layer and attention FLOPs, \
        tensor-parallel all-reduces) scaled by the GPU family's fitted efficiencies; KV capacity from GPU memory \
        × utilisation minus weights and the activation reserve, as vLLM computes it. See docs/profiles.md.
        """
    )

    @Option(help: "The model's Hugging Face config.json.")
    var model: String?

    @Option(help: "The GPU (see --list), e.g. h100-sxm, a100-80gb, l40s.")
    var gpu: String?

    @Option(help: "Tensor-parallel GPUs per replica.")
    var tp = 1

    @Option(help: "Pipeline-parallel stages per replica.")
    var pp = 1

    @Option(help: "Weight precision: bf16, fp16 or fp8 (default: the checkpoint's).")
    var dtype: String?

    @Option(name: .customLong("gpu-memory-utilization"), help: "vLLM --gpu-memory-utilization, a fraction of GPU memory (0, 1].")
    var gpuMemoryUtilization = 0.9

    @Option(name: .customLong("max-num-seqs"), help: "vLLM --max-num-seqs (sequences; sizes the sampler's reserve).")
    var maxNumSeqs = 256

    @Option(name: .customLong("max-num-batched-tokens"), help: "vLLM --max-num-batched-tokens (tokens; sizes the activation reserve).")
    var maxNumBatchedTokens = 8192

    @Option(name: .customLong("block-size"), help: "vLLM --block-size (tokens per KV block).")
    var blockSize = 16

    @Option(name: .customLong("max-model-len"), help: "vLLM --max-model-len (tokens; default: the model's max_position_embeddings).")
    var maxModelLen: Int?

    @Option(name: .customLong("price"), help: "Price of one GPU-hour in USD (default: the catalogue's on-demand price).")
    var price: Double?

    @Option(help: "Write the profile here (YAML); default: print it.")
    var out: String?

    @Flag(help: "List the bundled GPUs and profiles.")
    var list = false

    func validate() throws {
        if list { return }
        guard model != nil else { throw ValidationError("--model CONFIG.json is required (or --list)") }
        guard gpu != nil else { throw ValidationError("--gpu NAME is required; --list shows the bundled GPUs") }
        if let price, !(price.isFinite && price >= 0 && price <= 1e6) { throw ValidationError("--price must be from 0 to 1000000 USD") }
    }

    func run() throws {
        if list {
            print("GPUs (--gpu):")
            for g in GPUCatalog.all {
                let fitted = GPUEfficiency.of(g.family).fitted ? "fitted" : "borrowed efficiencies"
                print("  \(g.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(g.displayName), \(Int(g.memoryGiB)) GB, "
                      + String(format: "%.2f TB/s, %.0f BF16 TFLOPS dense, $%.2f/h", g.memoryBandwidth / 1e12, g.bf16FLOPS / 1e12, g.pricePerHour)
                      + " (\(g.family.rawValue), \(fitted))")
            }
            print("Bundled profiles (hardware: NAME):")
            let names = BundledProfiles.names()
            if names.isEmpty { print("  none found (set HEADROOM_MODELS to the repository's models/ folder)") }
            for n in names { print("  \(n)") }
            print("Model architectures (--model): \(ModelConfigReader.supportedTypes.joined(separator: ", "))")
            return
        }
        guard let modelPath = model, let gpuName = gpu else { return }
        if let out { try AtomicFile.checkFile(out, option: "--out") }
        do {
            let generated = try ProfileGeneration.generate(model: modelPath, gpu: gpuName, tp: tp, pp: pp, dtype: dtype,
                                                           gpuMemoryUtilization: gpuMemoryUtilization, maxNumSeqs: maxNumSeqs,
                                                           maxNumBatchedTokens: maxNumBatchedTokens, blockSize: blockSize,
                                                           maxModelLength: maxModelLen, price: price)
            let text = HardwareProfileWriter.yaml(generated.profile, source: ProfileGeneration.source(generated, modelPath: modelPath),
                                                 notes: generated.notes)
            if let out {
                try AtomicFile.write(text, to: out)
                FileHandle.standardError.write(Data(ProfileGeneration.summary(generated).utf8))
                print("wrote \(out)")
            } else {
                print(text, terminator: "")
            }
        } catch let error as ModelProfileError {
            throw ValidationError(error.description)
        }
    }
}
