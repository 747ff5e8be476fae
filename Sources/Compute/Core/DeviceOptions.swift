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
