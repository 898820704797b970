/// The GPUs Headroom knows, from their vendors' public datasheets. Each
/// figure is the datasheet's; dense throughput is the "with sparsity"
/// figure halved. Link bandwidth is one direction (NVLink totals are
/// quoted bidirectional). Prices are early-2026 on-demand list prices of
/// GPU clouds (see models/hardware/README.md, "Price"); override them.
package enum GPUCatalog {
    private static let tera = 1e12, giga = 1e9

    /// Every bundled GPU.
    package static let all: [GPUSpec] = [
        GPUSpec(name: "a100-40gb", aliases: ["a100-sxm-40gb", "a100-40", "a100-sxm4-40gb"], displayName: "NVIDIA A100 SXM 40GB", family: .ampere,
                memoryGiB: 40, memoryBandwidth: 1555 * giga, bf16FLOPS: 312 * tera, fp8FLOPS: nil, linkBandwidth: 300 * giga,
                pricePerHour: 1.50, source: "NVIDIA A100 Tensor Core GPU datasheet (nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-nvidia-us-2188504-web.pdf): 312 TFLOPS BF16 dense, 1,555 GB/s, NVLink 600 GB/s"),
        GPUSpec(name: "a100-80gb", aliases: ["a100", "a100-sxm", "a100-80", "a100-80gb-sxm", "a100-sxm4-80gb"], displayName: "NVIDIA A100 SXM 80GB", family: .ampere,
                memoryGiB: 80, memoryBandwidth: 2039 * giga, bf16FLOPS: 312 * tera, fp8FLOPS: nil, linkBandwidth: 300 * giga,
                pricePerHour: 2.00, source: "NVIDIA A100 datasheet (as above): 312 TFLOPS BF16 dense, 2,039 GB/s HBM2e, NVLink 600 GB/s"),
        GPUSpec(name: "h100-sxm", aliases: ["h100", "h100-80gb", "h100-sxm5", "h100-80gb-hbm3"], displayName: "NVIDIA H100 SXM 80GB", family: .hopper,
                memoryGiB: 80, memoryBandwidth: 3350 * giga, bf16FLOPS: 989.5 * tera, fp8FLOPS: 1979 * tera, linkBandwidth: 450 * giga,
                pricePerHour: 3.00, source: "NVIDIA H100 Tensor Core GPU datasheet 2430615: BF16 1,979 TFLOPS with sparsity, FP8 3,958; 3.35 TB/s HBM3; NVLink 900 GB/s"),
        GPUSpec(name: "h100-pcie", aliases: ["h100-pcie-80gb"], displayName: "NVIDIA H100 PCIe 80GB", family: .hopper,
                memoryGiB: 80, memoryBandwidth: 2000 * giga, bf16FLOPS: 756.5 * tera, fp8FLOPS: 1513 * tera, linkBandwidth: 300 * giga,
                pricePerHour: 2.50, source: "NVIDIA H100 datasheet 2430615 (PCIe column): BF16 1,513 TFLOPS with sparsity, FP8 3,026; 2 TB/s HBM2e; NVLink bridge 600 GB/s"),
        GPUSpec(name: "h100-nvl", aliases: ["h100-nvl-94gb"], displayName: "NVIDIA H100 NVL 94GB", family: .hopper,
                memoryGiB: 94, memoryBandwidth: 3900 * giga, bf16FLOPS: 835.5 * tera, fp8FLOPS: 1670.5 * tera, linkBandwidth: 300 * giga,
                pricePerHour: 3.00, source: "NVIDIA H100 datasheet 2430615 (NVL column): BF16 1,671 TFLOPS with sparsity, FP8 3,341; 3.9 TB/s HBM3; NVLink 600 GB/s"),
        GPUSpec(name: "h200", aliases: ["h200-sxm", "h200-141gb"], displayName: "NVIDIA H200 SXM 141GB", family: .hopper,
                memoryGiB: 141, memoryBandwidth: 4800 * giga, bf16FLOPS: 989.5 * tera, fp8FLOPS: 1979 * tera, linkBandwidth: 450 * giga,
                pricePerHour: 3.80, source: "NVIDIA H200 Tensor Core GPU datasheet: BF16 1,979 TFLOPS with sparsity, FP8 3,958; 141 GB HBM3e at 4.8 TB/s; NVLink 900 GB/s"),
        GPUSpec(name: "b200", aliases: ["b200-sxm", "hgx-b200"], displayName: "NVIDIA B200 180GB", family: .blackwell,
                memoryGiB: 180, memoryBandwidth: 8000 * giga, bf16FLOPS: 2250 * tera, fp8FLOPS: 4500 * tera, linkBandwidth: 900 * giga,
                pricePerHour: 6.00, source: "NVIDIA DGX B200 datasheet (per GPU of 8): FP8 72 PFLOPS training/8 = 9 with sparsity, 4.5 dense; BF16 2.25 dense; 1,440 GB/8 HBM3e at 64 TB/s/8; NVLink 5 1.8 TB/s"),
        GPUSpec(name: "l40s", aliases: ["l40s-48gb"], displayName: "NVIDIA L40S 48GB", family: .ada,
                memoryGiB: 48, memoryBandwidth: 864 * giga, bf16FLOPS: 362.05 * tera, fp8FLOPS: 733 * tera, linkBandwidth: 32 * giga,
                pricePerHour: 1.00, source: "NVIDIA L40S datasheet: BF16 733 TFLOPS with sparsity, FP8 1,466; 48 GB GDDR6 at 864 GB/s; PCIe Gen4 x16 64 GB/s, no NVLink"),
        GPUSpec(name: "l4", aliases: ["l4-24gb"], displayName: "NVIDIA L4 24GB", family: .ada,
                memoryGiB: 24, memoryBandwidth: 300 * giga, bf16FLOPS: 121 * tera, fp8FLOPS: 242.5 * tera, linkBandwidth: 32 * giga,
                pricePerHour: 0.70, source: "NVIDIA L4 Tensor Core GPU datasheet: BF16 242 TFLOPS with sparsity, FP8 485; 24 GB GDDR6 at 300 GB/s; PCIe Gen4 x16 64 GB/s"),
        GPUSpec(name: "mi300x", aliases: ["mi300x-192gb", "amd-mi300x", "instinct-mi300x"], displayName: "AMD Instinct MI300X 192GB", family: .cdna3,
                memoryGiB: 192, memoryBandwidth: 5300 * giga, bf16FLOPS: 1307.4 * tera, fp8FLOPS: 2614.9 * tera, linkBandwidth: 448 * giga,
                pricePerHour: 2.50, source: "AMD Instinct MI300X data sheet: BF16 1,307.4 TFLOPS dense, FP8 2,614.9; 192 GB HBM3 at 5.3 TB/s; Infinity Fabric 896 GB/s aggregate"),
    ]

    /// The GPU called `name` (canonical or alias, any case).
    package static func named(_ name: String) throws -> GPUSpec {
        if let gpu = find(name) { return gpu }
        throw ModelProfileError(file: "", key: "gpu", "'\(name)' is not a bundled GPU; known: \(all.map(\.name).joined(separator: ", "))")
    }

    /// The GPU a profile's `gpu:` names (canonical name, alias or display
    /// name, any case), nil when none matches. The names `nvidia-smi` and
    /// `rocm-smi` print (`NVIDIA H100 80GB HBM3`, `NVIDIA A100-SXM4-80GB`,
    /// `AMD Instinct MI300X`) and Kubernetes' `nvidia.com/gpu.product` label
    /// (`NVIDIA-H100-80GB-HBM3`) match too: the vendor prefix is dropped.
    /// Names of variants not bundled (an A100 PCIe 80GB, an H200 NVL) match
    /// nothing rather than a near neighbour with other figures.
    package static func find(_ name: String) -> GPUSpec? {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        let bare = ["nvidia-", "amd-"].first { key.hasPrefix($0) }.map { String(key.dropFirst($0.count)) } ?? key
        return all.first {
            $0.name == key || $0.aliases.contains(key) || $0.name == bare || $0.aliases.contains(bare)
                || $0.displayName.lowercased() == name.lowercased()
        }
    }
}
