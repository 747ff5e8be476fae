import COpenBLAS
import Foundation

/// The CPU backend: buffers in host memory, GEMM through oneDNN or OpenBLAS (per shape the faster, measured once per
/// machine: `CPUGEMMChoice`), the element-wise and row ops in C built per instruction set (Sources/CPUKernels, the
/// best the processor runs chosen at start) or Swift, over all threads (each op's CPU body is in its folder under
/// `Compute/Ops`).
///
/// It is both the fallback device and the reference ("twin") every OpenCL kernel is checked against.
public final class CPUDevice: Device, @unchecked Sendable {
    public private(set) var info: DeviceInfo
    public let memory: MemoryAccountant
    let parallel: ParallelFor
    /// The C kernels of the chosen instruction set (`DeviceOptions.cpuISA`).
    let kernels: CPUKernelTable
    /// Which build of the C kernels runs: "baseline", "AVX2" or "AVX-512".
    public var kernelBuild: String { kernels.name }

    /// The measured library choice of a GEMM shape (its `GEMMOp.Call` shape text) — the chosen library and each
    /// candidate's seconds per call, timed directly on scratch operands — or nil when it was not measured.
    public func measuredGEMMLibraries(shape: String) -> (choice: String, seconds: [String: Double])? {
        gemmChoice.entries[shape].map { ($0.choice, $0.seconds) }
    }
    /// The precision of the GEMMs' inputs (`DeviceOptions.precision` resolved for this processor and, for `auto`,
    /// by measurement: `measuredAutoPrecision`).
    public private(set) var gemmPrecision: GEMMPrecision
    /// How `gemmPrecision` was chosen (for the device line).
    public private(set) var precisionReason: String
    /// The requested policy: under `auto` a bf16 device measures per GEMM shape whether bf16 pays.
    let precisionPolicy: PrecisionPolicy
    /// The bf16 copies of a bf16 GEMM's A and B (`bf16OperandBytes`), grown to the largest GEMM and kept.
    let bf16Operands = ScratchBuffer(label: ScratchBuffer.bf16Label)
    /// Which library runs each GEMM (`DeviceOptions.cpuGEMM`).
    let gemmPolicy: CPUGEMMPolicy
    /// OpenBLAS's threads: all of ours when it runs every GEMM, else 1. Next to oneDNN, OpenBLAS's own thread
    /// pool busy-waits after each call against OpenMP's team that runs oneDNN and our kernels (measured: a MiniLM
    /// fine-tune 15–20 % slower when the per-shape choice sent a few small GEMMs to multi-threaded OpenBLAS), and
    /// the shapes it wins there are small enough for one thread (its strided batches run one matrix per thread).
    let openBLASThreads: Int
    /// The measured per-shape choice between the libraries (`.measured` with oneDNN).
    let gemmChoice: CPUGEMMChoice
    #if SWIFTBERT_DNNL
    /// oneDNN's matmul primitives; nil when the policy is OpenBLAS or oneDNN could not start.
    let oneDNN: OneDNNGEMM?
    /// Each shape's library once known, so a GEMM call looks it up without formatting its key.
    var gemmLibraries: [OneDNNGEMM.Key: CPUGEMMLibrary] = [:]
    /// Under `--precision auto`, each shape's measured precision once known.
    var gemmPrecisions: [OneDNNGEMM.Key: GEMMPrecision] = [:]
    #endif

    /// Whether this build can run GEMMs on oneDNN (Package.swift found its header).
    public static var oneDNNAvailable: Bool {
        #if SWIFTBERT_DNNL
        return true
        #else
        return false
        #endif
    }

    /// Creates the CPU backend.
    ///
    /// - Parameter options: `threads` (default: all cores) sets this backend's threads and OpenBLAS's
    ///   (`openBLASThreads`; OpenBLAS's thread count is process-wide); `memoryBudget` caps what it may allocate;
    ///   `maxAllocation` caps a single buffer (to exercise arena chunking; default: unlimited up to RAM).
    public convenience init(options: DeviceOptions = DeviceOptions()) {
        self.init(options: options, settingBLASThreads: true)
    }

    /// With `settingBLASThreads` false, OpenBLAS's process-wide thread count is left as it is (a second CPU backend
    /// made as a reference, e.g. by `SelfCheck`, must not change the first one's GEMMs).
    init(options: DeviceOptions, settingBLASThreads: Bool) {
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let ram = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        let blasConfig = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        let maxAllocation = min(options.maxAllocation ?? DeviceOptions.kernelAddressableBytes,
                                DeviceOptions.kernelAddressableBytes, ram)
        info = DeviceInfo(
            backend: .cpu, index: nil, name: CPUDevice.processorName(), vendor: "host", platform: "SwiftBERT CPU backend",
            type: "host", isGPU: false, openCLCVersion: nil, driverVersion: "", platformVersion: "",
            extensions: Set(CPUFeatures.detect()), globalMemory: ram, maxAllocation: maxAllocation, localMemory: 0,
            maxWorkGroupSize: 1, computeUnits: ProcessInfo.processInfo.activeProcessorCount,
            hostUnifiedMemory: true, maxClockMHz: 0, threads: threads,
            blas: "\(blasConfig.trimmingCharacters(in: .whitespaces)) (core \(core))")
        memory = MemoryAccountant(capacity: ram, budget: options.memoryBudget)
        parallel = ParallelFor(threads: threads)
        kernels = CPUKernelTable(options.cpuISA)
        gemmPolicy = options.cpuGEMM
        let cacheDirectory = options.kernelCacheDirectory.map { URL(fileURLWithPath: $0) }
            ?? ProgramCache.defaultDirectory().deletingLastPathComponent()
        gemmChoice = CPUGEMMChoice(path: CPUGEMMChoice.path(directory: cacheDirectory.appendingPathComponent("cpu-gemm").path,
                                                            processor: info.name, threads: threads))
        gemmPrecision = Self.resolve(options.precision, features: info.extensions)
        precisionReason = "--precision \(options.precision.rawValue)"
        precisionPolicy = options.precision
        #if SWIFTBERT_DNNL
        oneDNN = options.cpuGEMM == .openBLAS && gemmPrecision == .fp32
            ? nil : try? OneDNNGEMM(threads: threads, settingThreads: settingBLASThreads)
        info.blas += "; " + OneDNNGEMM.version + (oneDNN == nil ? " (not started)" : "") + ", GEMM library per shape: "
            + (options.cpuGEMM == .measured ? "measured once, cached in \(gemmChoice.path ?? "memory")" : options.cpuGEMM.rawValue)
        #endif
        #if SWIFTBERT_DNNL
        openBLASThreads = oneDNN == nil || options.cpuGEMM == .openBLAS ? threads : 1
        #else
        openBLASThreads = threads
        #endif
        if settingBLASThreads { openblas_set_num_threads(Int32(openBLASThreads)) }
        #if SWIFTBERT_DNNL
        if options.precision == .auto, gemmPrecision == .bf16 {
            let (measured, fp32, bf16) = measuredAutoPrecision()
            gemmPrecision = measured
            precisionReason = String(format: "--precision auto: bf16 GEMMs measured %@ than fp32 here (%.1f ms vs %.1f ms at 1024×3072×768)%@",
                                     measured == .bf16 ? "faster" : "slower", bf16 * 1e3, fp32 * 1e3,
                                     measured == .bf16 ? "; each GEMM shape in bf16 where measured faster" : "")
        }
        #endif
        if options.precision == .auto, !Self.hasBF16Arithmetic(features: info.extensions) {
            precisionReason = "--precision auto: this CPU has no AVX512-BF16 or AMX-BF16"
        }
        info.blas += "; element-wise kernels: C, \(kernels.name) build; GEMMs in \(gemmPrecision.rawValue)"
            + (gemmPrecision == .bf16 ? " (bf16 inputs, fp32 accumulation and outputs)" : "")
            + (options.precision == .fp32 ? "" : " (\(precisionReason))")
    }

    /// Whether `--precision bf16` can run here: this build has oneDNN and oneDNN has a bf16 matmul for this
    /// processor (natively, or emulated on AVX-512; not on AVX2-only processors). Probed once per process.
    public static var bf16GEMMAvailable: Bool {
        #if SWIFTBERT_DNNL
        return OneDNNGEMM.bf16MatmulAvailable
        #else
        return false
        #endif
    }

    /// Whether this processor has bf16 arithmetic (AVX512-BF16 or AMX-BF16) and this build has oneDNN to use it.
    public static func hasBF16Arithmetic(features: Set<String>) -> Bool {
        oneDNNAvailable && !features.isDisjoint(with: ["AVX512-BF16", "AMX-BF16"])
    }

    /// `auto` is bf16 where the processor has bf16 arithmetic, else fp32; `bf16` is bf16 (run by oneDNN, which
    /// emulates it on AVX-512 processors without bf16 instructions, and refuses it where it cannot: the GEMM then
    /// throws `unsupportedPrecision`).
    static func resolve(_ policy: PrecisionPolicy, features: Set<String>) -> GEMMPrecision {
        switch policy {
        case .fp32: return .fp32
        case .bf16: return .bf16
        case .auto: return hasBF16Arithmetic(features: features) ? .bf16 : .fp32
        }
    }

    public func allocateMemory(bytes: Int, label: String) throws -> DeviceAllocation {
        try memory.reserve(bytes, label: label)
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, 64, max(bytes, 1)) == 0, let pointer else {
            memory.release(bytes)
            throw ComputeError.hostAllocationFailed(label: label, bytes: bytes)
        }
        return DeviceAllocation(bytes: bytes, label: label, storage: .host(pointer), owner: ObjectIdentifier(self),
                                accountant: memory)
    }

    public func write(_ source: UnsafeRawBufferPointer, to view: BufferView) throws {
        let target = try raw(view, .write)
        try OpChecks.transfer("write", bytes: source.count, view)
        if let base = source.baseAddress { target.copyMemory(from: base, byteCount: source.count) }
    }

    public func read(_ view: BufferView, into destination: UnsafeMutableRawBufferPointer) throws {
        let source = try raw(view, .read)
        try OpChecks.transfer("read", bytes: destination.count, view)
        if let base = destination.baseAddress { base.copyMemory(from: source, byteCount: destination.count) }
    }

    /// CPU operations complete before they return.
    public func synchronize() throws {}

    /// Runs the op's checks, then its CPU body (`DeviceOp.run(on:)`), which returns when the work is done.
    public func execute<Op: DeviceOp>(_ op: Op, role: OpRole) throws {
        try op.validate()
        try op.run(on: self)
    }

    /// The start of a view in host memory.
    func raw(_ view: BufferView, _ operation: OpName) throws -> UnsafeMutableRawPointer {
        guard view.allocation.owner == ObjectIdentifier(self), let base = view.allocation.hostPointer else {
            throw ComputeError.foreignBuffer(operation: operation.rawValue)
        }
        return base + view.byteOffset
    }

    /// A float32 view as a typed pointer.
    func floats(_ view: BufferView, _ operation: OpName) throws -> UnsafeMutablePointer<Float> {
        guard view.dtype == .float32 else {
            throw ComputeError.dtypeMismatch(operation: operation.rawValue, expected: .float32, got: view.dtype)
        }
        return try raw(view, operation).assumingMemoryBound(to: Float.self)
    }

    private static func processorName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "host CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
