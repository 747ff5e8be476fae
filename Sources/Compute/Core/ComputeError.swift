/// Errors raised by the device layer. Every case carries the numbers and names a user needs to act on it.
public enum ComputeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An allocation would take the device past its memory budget (`--device-memory`).
    case budgetExceeded(label: String, requested: Int, inUse: Int, budget: Int)
    /// An allocation is larger than the device's memory.
    case deviceMemoryExceeded(label: String, requested: Int, inUse: Int, capacity: Int)
    /// A single buffer larger than the device's maximum allocation (use an `Arena`, which splits into chunks).
    case allocationTooLarge(label: String, requested: Int, maxAllocation: Int)
    /// The host could not allocate memory.
    case hostAllocationFailed(label: String, bytes: Int)
    /// An arena has no room for a sub-allocation.
    case arenaFull(arena: String, label: String, requested: Int, free: Int)
    /// Buffer sizes or shapes that do not fit an operation.
    case shapeMismatch(operation: String, detail: String)
    /// A buffer of the wrong element type for an operation.
    case dtypeMismatch(operation: String, expected: DType, got: DType)
    /// A buffer that belongs to another device.
    case foreignBuffer(operation: String)
    /// An OpenCL call failed.
    case openCL(call: String, status: Int32)
    /// A CLBlast routine failed.
    case clblast(routine: String, status: Int32)
    /// A oneDNN call failed (the CPU backend's GEMMs): the call and oneDNN's status.
    case oneDNN(call: String, status: Int32)
    /// An OpenCL program failed to build; the source and the build log were written to `dumpPath`.
    case programBuild(file: String, log: String, dumpPath: String?)
    /// A `--device` value that does not name a device.
    case invalidDeviceSpec(String, reason: String)
    /// No device matches the request.
    case noSuchDevice(String)
    /// A byte count (e.g. `--device-memory 12GiB`) that could not be read.
    case invalidByteCount(String)
    /// A kernel file that is not part of the kernel library.
    case unknownKernelFile(String)
    /// A precision the device cannot run (why, and what to use instead).
    case unsupportedPrecision(String)
    /// A run's memory plan does not fit the device or budget: what it needs, what there is, what to change.
    case runDoesNotFit(String)

    public var description: String {
        switch self {
        case let .budgetExceeded(label, requested, inUse, budget):
            return "device memory budget exceeded while allocating '\(label)': it needs \(ByteCount.format(requested)), "
                + "\(ByteCount.format(inUse)) is already in use and the budget is \(ByteCount.format(budget)) "
                + "(\(ByteCount.format(inUse + requested)) needed in all). Raise --device-memory or use a smaller batch."
        case let .deviceMemoryExceeded(label, requested, inUse, capacity):
            return "the device has too little memory for '\(label)': it needs \(ByteCount.format(requested)), "
                + "\(ByteCount.format(inUse)) is in use and the device holds \(ByteCount.format(capacity))."
        case let .allocationTooLarge(label, requested, maxAllocation):
            return "'\(label)' needs one buffer of \(ByteCount.format(requested)), more than the device's largest single "
                + "allocation (\(ByteCount.format(maxAllocation))); allocate it from an Arena, which splits into chunks."
        case let .hostAllocationFailed(label, bytes):
            return "the host could not allocate \(ByteCount.format(bytes)) for '\(label)'."
        case let .arenaFull(arena, label, requested, free):
            return "arena '\(arena)' has no room for '\(label)': it needs \(ByteCount.format(requested)) in one chunk, "
                + "\(ByteCount.format(free)) is free in all."
        case let .shapeMismatch(operation, detail):
            return "\(operation): \(detail)"
        case let .dtypeMismatch(operation, expected, got):
            return "\(operation): expected a \(expected) buffer, got \(got)."
        case let .foreignBuffer(operation):
            return "\(operation): a buffer belongs to another device."
        case let .openCL(call, status):
            return "OpenCL call \(call) failed with \(OpenCLStatus.name(status)) (\(status))."
        case let .clblast(routine, status):
            return "CLBlast \(routine) failed with status \(status) (\(OpenCLStatus.clblastName(status)))."
        case let .oneDNN(call, status):
            return "oneDNN \(call) failed with status \(status) (\(OneDNNStatus.name(status)))."
        case let .programBuild(file, log, dumpPath):
            let dump = dumpPath.map { " Source and log written to \($0)." } ?? ""
            return "OpenCL program \(file) failed to build.\(dump)\nBuild log:\n\(log)"
        case let .invalidDeviceSpec(spec, reason):
            return "invalid --device '\(spec)': \(reason). Expected cpu, opencl, opencl:N or auto."
        case let .noSuchDevice(detail):
            return detail
        case let .invalidByteCount(text):
            return "invalid memory size '\(text)' (--device-memory): expected a number with an optional unit, e.g. 12GiB, 512MiB, 8GB, 1073741824."
        case let .unsupportedPrecision(detail):
            return detail
        case let .runDoesNotFit(detail):
            return detail
        case let .unknownKernelFile(name):
            return "no kernel file named '\(name)' in the kernel library."
        }
    }
}
