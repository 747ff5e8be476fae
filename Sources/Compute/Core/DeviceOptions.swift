/// Settings shared by every backend, chosen on the command line (`--device-memory`, `--threads`, …).
public struct DeviceOptions: Sendable {
    /// Memory budget in bytes (`--device-memory 12GiB`); nil = the device's memory.
    public var memoryBudget: Int?
    /// Cap on a single allocation in bytes (tests use a tiny one to exercise arena chunking); nil = the device's.
    public var maxAllocation: Int?
    /// CPU backend threads; nil = all cores.
    public var threads: Int?
    /// Record an OpenCL profiling event (queued/start/end) for every kernel and GEMM.
    public var profiling: Bool
    /// Where compiled OpenCL programs are cached; nil = `$SWIFTBERT_CACHE_DIR`, else `$XDG_CACHE_HOME/swiftbert`,
    /// else `~/.cache/swiftbert`. The cache is skipped when the folder cannot be written.
    public var kernelCacheDirectory: String?
    /// Tuned CLBlast parameters an OpenCL device applies when it opens (`--clblast-parameters`); by default
    /// the device's file from `bert-prof tune`, when there is one. The CPU backend ignores it.
    public var clblastParameters = CLBlastParametersSource.defaultLocation
    /// Overrides of the OpenCL kernels' launch shapes (work-group sizes, tiles), for the profiler's sweeps;
    /// the defaults are chosen from the device's capabilities.
    public var kernelVariants = KernelVariants()
    /// Which library runs the CPU backend's GEMMs (`--cpu-gemm`); OpenCL devices ignore it.
    public var cpuGEMM = CPUGEMMPolicy.measured
    /// Which instruction set's build of the CPU backend's element-wise kernels runs (`--cpu-isa`); OpenCL devices
    /// ignore it.
    public var cpuISA = CPUKernelISA.best
    /// The precision of the GEMMs' inputs (`--precision`): fp32, bf16 (mixed precision: bf16 inputs, fp32
    /// accumulation and outputs; CPU backend with oneDNN only) or auto (bf16 where the processor has bf16
    /// arithmetic, else fp32). Every other op computes in fp32 either way.
    public var precision = PrecisionPolicy.fp32

    public init(memoryBudget: Int? = nil, maxAllocation: Int? = nil, threads: Int? = nil, profiling: Bool = false,
                kernelCacheDirectory: String? = nil) {
        self.memoryBudget = memoryBudget
        self.maxAllocation = maxAllocation
        self.threads = threads
        self.profiling = profiling
        self.kernelCacheDirectory = kernelCacheDirectory
    }

    /// Kernels address buffers with 32-bit element offsets, so no single allocation exceeds 4 GiB − 256 B
    /// (BERT's largest tensor, attention probabilities at batch 32 × 16 heads × 512², is 512 MiB).
    public static let kernelAddressableBytes = Int(UInt32.max) - 255
}

/// The precision asked for on the command line (`--precision`); each device resolves it to a `GEMMPrecision`.
public enum PrecisionPolicy: String, Sendable, CaseIterable {
    /// Every GEMM in float32.
    case fp32
    /// GEMM inputs rounded to bfloat16, fp32 accumulation and outputs (as PyTorch's CPU autocast); the CPU backend
    /// with oneDNN only.
    case bf16
    /// bf16 on a CPU backend whose processor has bf16 arithmetic (AVX512-BF16 or AMX-BF16) and oneDNN, where
    /// measured faster (at BERT-Base's FFN GEMM, then per GEMM shape); else fp32.
    case auto

    /// What training (`bert finetune`, `bert demo`, `bert pretrain`) uses unless told: mixed precision where it is
    /// measured to pay, as HF users turn on bf16 autocast (weights, gradients and optimizer state stay fp32).
    public static let trainingDefault = PrecisionPolicy.auto
    /// What inference, feature extraction, benchmarks and checks use unless told: fp32 outputs on every machine.
    public static let inferenceDefault = PrecisionPolicy.fp32
}

/// The precision a device runs its GEMMs in.
public enum GEMMPrecision: String, Sendable {
    case fp32
    case bf16
}

/// Which library runs the CPU backend's GEMMs.
public enum CPUGEMMPolicy: String, Sendable, CaseIterable {
    /// Per shape, the fastest of OpenBLAS, oneDNN's matmul primitive and oneDNN's `dnnl_sgemm` as measured once on
    /// this machine (cached per machine); OpenBLAS everywhere when the package was built without oneDNN.
    case measured
    /// OpenBLAS for every GEMM.
    case openBLAS = "openblas"
    /// oneDNN's matmul primitive for every GEMM it runs (all but k = 0); only when the package was built with oneDNN.
    case oneDNN = "onednn"
    /// oneDNN's BLAS-style `dnnl_sgemm` for every GEMM (a strided batch as single-threaded calls per matrix on the
    /// backend's threads); only with oneDNN.
    case oneDNNSGEMM = "onednn-sgemm"
}

/// Launch-shape knobs of the OpenCL kernels that have one, each nil for the device-derived default. Set by
/// `bert-prof` to sweep them; an invalid value makes `OpenCLDevice.init` throw, naming the limit.
public struct KernelVariants: Sendable, Equatable, CustomStringConvertible {
    /// Work-group size of the row kernels (LayerNorm, softmax, cross-entropy, sum of squares; `SB_ROW_WG`):
    /// a power of two ≤ the device's maximum. Default: the largest power of two ≤ 256 the device allows.
    public var rowWorkGroupSize: Int?
    /// Query rows per work-group of the online-softmax attention kernel (`SB_FLASH_WG`). Default:
    /// min(64, row work-group size).
    public var flashWorkGroupSize: Int?
    /// Keys per K/V tile of the online-softmax attention kernel (`SB_FLASH_TILE`). Default: the largest of
    /// 32, 16, … whose tiles use at most half the local memory.
    public var flashTile: Int?
    /// Work-group size of the kernels launched with one work-item per element and no fixed local size (fill,
    /// copy, GELU, dropout, AdamW, …): their global size is rounded up to a multiple of it (the kernels guard
    /// their bounds). Default: the driver picks the local size for the exact global size.
    public var elementwiseWorkGroupSize: Int?

    public init(rowWorkGroupSize: Int? = nil, flashWorkGroupSize: Int? = nil, flashTile: Int? = nil,
                elementwiseWorkGroupSize: Int? = nil) {
        self.rowWorkGroupSize = rowWorkGroupSize
        self.flashWorkGroupSize = flashWorkGroupSize
        self.flashTile = flashTile
        self.elementwiseWorkGroupSize = elementwiseWorkGroupSize
    }

    public var description: String {
        let parts = [rowWorkGroupSize.map { "row WG \($0)" }, flashWorkGroupSize.map { "flash WG \($0)" },
                     flashTile.map { "flash tile \($0)" }, elementwiseWorkGroupSize.map { "element-wise WG \($0)" }]
            .compactMap { $0 }
        return parts.isEmpty ? "defaults" : parts.joined(separator: ", ")
    }
}

extension KernelVariants {
    /// The row work-group size to use: the override when it is a power of two within the device's limit,
    /// else `fallback`; a bad override throws.
    func rowWorkGroupSize(default fallback: Int, maxWorkGroupSize: Int) throws -> Int {
        guard let size = rowWorkGroupSize else { return fallback }
        guard size > 0, size & (size - 1) == 0, size <= maxWorkGroupSize else {
            throw ComputeError.shapeMismatch(operation: "kernel variants",
                detail: "row work-group size \(size) must be a power of two ≤ the device's maximum work-group size \(maxWorkGroupSize)")
        }
        return size
    }

    /// Checks the element-wise work-group override against the device's limit.
    func checkElementwise(maxWorkGroupSize: Int) throws {
        if let group = elementwiseWorkGroupSize, group < 1 || group > maxWorkGroupSize {
            throw ComputeError.shapeMismatch(operation: "kernel variants",
                detail: "element-wise work-group size \(group) must be in 1...\(maxWorkGroupSize)")
        }
    }

    /// Checks the flash-attention overrides against the device: work-group size within its limit, tiles that
    /// fit its local memory at head width `headDim`.
    func checkFlash(maxWorkGroupSize: Int, localMemory: Int, headDim: Int) throws {
        if let group = flashWorkGroupSize, group < 1 || group > maxWorkGroupSize {
            throw ComputeError.shapeMismatch(operation: "kernel variants",
                detail: "flash work-group size \(group) must be in 1...\(maxWorkGroupSize)")
        }
        if let tile = flashTile, tile < 1 || (2 * tile * headDim + tile) * 4 > localMemory {
            throw ComputeError.shapeMismatch(operation: "kernel variants",
                detail: "flash tile \(tile) must be ≥ 1 and its K/V tiles (\((2 * tile * headDim + tile) * 4) bytes at head width \(headDim)) must fit the \(localMemory) bytes of local memory")
        }
    }
}
