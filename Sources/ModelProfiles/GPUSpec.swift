/// What one accelerator offers a forward pass, from its vendor's datasheet.
///
/// Throughputs are **dense** (datasheets quote tensor-core figures "with
/// sparsity", twice the dense rate; those are halved here). Memory is the
/// nominal capacity; ``usableMemoryBytes`` is what the CUDA/ROCm runtime
/// reports as total device memory, the figure vLLM's
/// `gpu_memory_utilization` multiplies.
package struct GPUSpec: Sendable, Equatable {
    /// The efficiency family a GPU's fitted coefficients belong to.
    package enum Family: String, Sendable, Equatable, CaseIterable {
        /// NVIDIA Ampere (A100).
        case ampere
        /// NVIDIA Ada Lovelace (L40S, L4).
        case ada
        /// NVIDIA Hopper (H100, H200).
        case hopper
        /// NVIDIA Blackwell (B200).
        case blackwell
        /// AMD CDNA 3 (MI300X).
        case cdna3
    }

    /// Canonical name, as `--gpu` takes it (e.g. `h100-sxm`).
    package var name: String
    /// Other accepted names.
    package var aliases: [String]
    /// Marketing name.
    package var displayName: String
    /// Efficiency family.
    package var family: Family
    /// Nominal memory (GB as the datasheet says, 10⁹ bytes... or GiB where the
    /// vendor means GiB: the HBM stacks of these parts are binary sizes).
    package var memoryGiB: Double
    /// Peak memory bandwidth (bytes/s).
    package var memoryBandwidth: Double
    /// Dense BF16/FP16 tensor throughput (FLOP/s).
    package var bf16FLOPS: Double
    /// Dense FP8 tensor throughput (FLOP/s); nil where the GPU has no FP8
    /// tensor cores (FP8 weights then run weight-only, computed in BF16).
    package var fp8FLOPS: Double?
    /// GPU-to-GPU bandwidth, one direction (bytes/s): NVLink/Infinity
    /// Fabric where the part has it, else PCIe.
    package var linkBandwidth: Double
    /// Default price of one GPU-hour (USD, on demand; override per scenario).
    package var pricePerHour: Double
    /// Where the figures come from.
    package var source: String

    /// Memory the runtime reports (bytes): 99% of the nominal binary size,
    /// the share left after the driver's reservations (an H100 80GB reports
    /// 79.2 GiB).
    package var usableMemoryBytes: Double { memoryGiB * 0.99 * 1_073_741_824 }

    /// Throughput of linear layers at `precision` (FP8 only where supported).
    package func flops(for precision: ModelPrecision) -> Double {
        precision == .fp8 ? (fp8FLOPS ?? bf16FLOPS) : bf16FLOPS
    }
}
