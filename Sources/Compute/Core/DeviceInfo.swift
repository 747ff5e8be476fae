/// Which backend a device runs on.
public enum DeviceBackend: String, Sendable {
    case cpu
    case openCL = "opencl"
}

/// What a device is and what it can do. Kernel variants are chosen from these capabilities, never from a
/// vendor name.
public struct DeviceInfo: Sendable, CustomStringConvertible {
    public var backend: DeviceBackend
    /// Index among all OpenCL devices of all platforms (`opencl:N`), nil for the CPU backend.
    public var index: Int?
    public var name: String
    public var vendor: String
    public var platform: String
    /// "GPU", "CPU", "Accelerator", … as the driver reports it; "host" for the CPU backend.
    public var type: String
    public var isGPU: Bool
    /// OpenCL C version the device compiles, e.g. (1, 2). Nil for the CPU backend.
    public var openCLCVersion: (major: Int, minor: Int)?
    public var driverVersion: String
    public var platformVersion: String
    public var extensions: Set<String>
    /// Total device memory in bytes (host RAM for the CPU backend).
    public var globalMemory: Int
    /// Largest single buffer in bytes (CL_DEVICE_MAX_MEM_ALLOC_SIZE).
    public var maxAllocation: Int
    /// Local (work-group shared) memory in bytes; 0 for the CPU backend.
    public var localMemory: Int
    public var maxWorkGroupSize: Int
    public var computeUnits: Int
    /// Whether the device shares memory with the host (`CL_DEVICE_HOST_UNIFIED_MEMORY`: an integrated GPU or an
    /// OpenCL CPU device); true for the CPU backend.
    public var hostUnifiedMemory: Bool
    /// Highest clock in MHz (`CL_DEVICE_MAX_CLOCK_FREQUENCY`); 0 where unknown (the CPU backend).
    public var maxClockMHz: Int
    /// Compute threads the CPU backend uses; nil for OpenCL.
    public var threads: Int?
    /// BLAS library behind GEMM ("OpenBLAS 0.3.21 …" or "CLBlast").
    public var blas: String

    /// Whether the device can do half-precision arithmetic (`cl_khr_fp16`). Half *storage* works everywhere.
    public var supportsFP16Arithmetic: Bool { extensions.contains("cl_khr_fp16") }

    public var openCLCVersionString: String {
        openCLCVersion.map { "\($0.major).\($0.minor)" } ?? "-"
    }

    public var description: String {
        switch backend {
        case .cpu: return "cpu (\(name), \(threads ?? 1) threads, \(blas))"
        case .openCL: return "opencl:\(index ?? 0) (\(name), \(platform))"
        }
    }
}
