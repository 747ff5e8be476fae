import ArgumentParser
import Compute

/// The device flags every computing command shares.
struct DeviceArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Device: cpu, opencl, opencl:N, or auto (the best real OpenCL GPU the run fits, never a simulator or an OpenCL CPU device; else the CPU backend; `bert devices` shows the choice).",
        discussion: "Under mpirun, {local_rank} and {rank} are replaced by this process's ranks: --device 'opencl:{local_rank}'."))
    var device: String = "auto"

    @Option(name: .long, help: "Device memory budget, e.g. 12GiB or 512MiB (default: the device's memory).")
    var deviceMemory: String?

    @Option(name: .long, parsing: .unconditional, help: "CPU backend threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Record OpenCL profiling events for every kernel and GEMM.")
    var profile = false

    @Option(name: .customLong("clblast-parameters"),
            help: ArgumentHelp("Tuned CLBlast parameters (from `bert-prof tune`) for the OpenCL device, or 'none' for CLBlast's database.",
                               discussion: "Default: the device's file in the kernel cache, <cache>/clblast/<device>_<driver>.json, when it exists.",
                               valueName: "file"))
    var clblastParameters: String?

    @Option(name: .customLong("cpu-gemm"),
            help: ArgumentHelp("CPU backend GEMM library: measured (per shape, the fastest of OpenBLAS, oneDNN's matmul and oneDNN's sgemm, measured once per machine), openblas, onednn or onednn-sgemm.",
                               valueName: "library"))
    var cpuGEMM: String = CPUGEMMPolicy.measured.rawValue

    @Option(name: .long, help: ArgumentHelp(
        "GEMM precision: fp32, bf16 (mixed precision: bf16 GEMM inputs, fp32 accumulation, outputs, weights and every other op; CPU backend with oneDNN) or auto (bf16 where the CPU has AVX512-BF16 or AMX-BF16 and each GEMM shape measures faster in bf16, else fp32).",
        discussion: "Default: \(PrecisionPolicy.trainingDefault.rawValue) for training (finetune, demo, pretrain), \(PrecisionPolicy.inferenceDefault.rawValue) for everything else.",
        valueName: "precision"))
    var precision: String?

    @Option(name: .customLong("cpu-isa"), help: ArgumentHelp(
        "Instruction set of the CPU backend's element-wise kernels: best (detected at run time), baseline, avx2 or avx512.",
        valueName: "isa"))
    var cpuISA: String = CPUKernelISA.best.rawValue

    func validate() throws {
        do {
            _ = try DeviceSpec(parsing: DistributedRun.launch.expand(device))
            if let deviceMemory { _ = try ByteCount.parse(deviceMemory) }
        } catch {
            throw ValidationError(String(describing: error))
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard let policy = CPUGEMMPolicy(rawValue: cpuGEMM) else {
            throw ValidationError("--cpu-gemm must be measured, openblas, onednn or onednn-sgemm, got '\(cpuGEMM)'")
        }
        if policy == .oneDNN || policy == .oneDNNSGEMM, !CPUDevice.oneDNNAvailable {
            throw ValidationError("--cpu-gemm \(cpuGEMM): this build has no oneDNN (install libdnnl-dev and rebuild)")
        }
        let precisionPolicy = try precision.map { name in
            guard let policy = PrecisionPolicy(rawValue: name) else {
                throw ValidationError("--precision must be fp32, bf16 or auto, got '\(name)'")
            }
            return policy
        }
        if precisionPolicy == .bf16, !CPUDevice.oneDNNAvailable {
            throw ValidationError("--precision bf16 needs oneDNN: this build has none (install libdnnl-dev and rebuild)")
        }
        if precisionPolicy == .bf16, !CPUDevice.bf16GEMMAvailable {
            throw ValidationError("--precision bf16: oneDNN has no bf16 matmul for this processor (it needs AVX-512 or AMX); use --precision fp32 or auto")
        }
        guard let isa = CPUKernelISA(rawValue: cpuISA) else {
            throw ValidationError("--cpu-isa must be best, baseline, avx2 or avx512, got '\(cpuISA)'")
        }
        if isa != .best, !CPUKernelISA.supported.contains(isa) {
            throw ValidationError("--cpu-isa \(cpuISA): this processor or build lacks it (it runs \(CPUKernelISA.supported.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    /// Opens the chosen device and reports the choice on standard error; `training` picks the precision default
    /// (`PrecisionPolicy.trainingDefault`, else `inferenceDefault`) when --precision is not given. Under `auto`,
    /// `fits` is asked of each GPU (`DeviceSelector.open(_:options:fits:)`).
    func open(training: Bool = false, fits: DeviceFit? = nil) throws -> any Device {
        let policy = precision.flatMap(PrecisionPolicy.init(rawValue:))
            ?? (training ? PrecisionPolicy.trainingDefault : PrecisionPolicy.inferenceDefault)
        var options = DeviceOptions(memoryBudget: try deviceMemory.map(ByteCount.parse), threads: threads,
                                    profiling: profile)
        options.cpuGEMM = CPUGEMMPolicy(rawValue: cpuGEMM) ?? .measured
        options.precision = policy
        options.cpuISA = CPUKernelISA(rawValue: cpuISA) ?? .best
        switch clblastParameters {
        case nil: options.clblastParameters = .defaultLocation
        case "none"?: options.clblastParameters = .database
        case let path?: options.clblastParameters = .file(path)
        }
        let selection = try DeviceSelector.open(DistributedRun.launch.expand(device), options: options, fits: fits)
        printError("device: \(selection.reason)")
        let reason = (selection.device as? CPUDevice)?.precisionReason ?? "bf16 runs on the CPU backend only"
        if selection.device.gemmPrecision == .bf16 {
            printError("precision: bf16 GEMMs (bf16 inputs, fp32 accumulation; weights, gradients, optimizer state and every other op in fp32; \(reason))")
        } else if policy != .fp32, precision != nil || selection.device is CPUDevice {
            printError("precision: fp32 (\(reason))")
        }
        if let file = (selection.device as? OpenCLDevice)?.clblastParametersFile {
            printError("CLBlast parameters: applied \(file)")
        } else if clblastParameters != nil, selection.device is CPUDevice {
            printError("note: --clblast-parameters is ignored on the CPU backend")
        }
        return selection.device
    }
}
