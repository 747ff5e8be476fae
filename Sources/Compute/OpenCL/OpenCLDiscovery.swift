import Foundation
import COpenCL

/// One OpenCL device found on the machine.
struct OpenCLDeviceEntry: @unchecked Sendable {
    let platform: cl_platform_id
    let device: cl_device_id
    let info: DeviceInfo
}

/// Finds every OpenCL device of every platform and reads its capabilities.
enum OpenCLDiscovery {
    /// All devices, numbered across platforms in the order the ICD loader reports them. Empty when no
    /// OpenCL platform is installed.
    static func devices() throws -> [OpenCLDeviceEntry] {
        var platformCount: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &platformCount)
        if status == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || platformCount == 0 { return [] }
        try OpenCLStatus.check(status, "clGetPlatformIDs")
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        try OpenCLStatus.check(clGetPlatformIDs(platformCount, &platforms, nil), "clGetPlatformIDs")

        var entries: [OpenCLDeviceEntry] = []
        for case let platform? in platforms {
            var deviceCount: cl_uint = 0
            let deviceStatus = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &deviceCount)
            if deviceStatus == CL_DEVICE_NOT_FOUND || deviceCount == 0 { continue }
            try OpenCLStatus.check(deviceStatus, "clGetDeviceIDs")
            var devices = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            try OpenCLStatus.check(
                clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), deviceCount, &devices, nil),
                "clGetDeviceIDs")
            for case let device? in devices {
                let info = try describe(platform: platform, device: device, index: entries.count)
                entries.append(OpenCLDeviceEntry(platform: platform, device: device, info: info))
            }
        }
        return entries
    }

    static func describe(platform: cl_platform_id, device: cl_device_id, index: Int) throws -> DeviceInfo {
        let typeBits: cl_device_type = try value(device, CL_DEVICE_TYPE)
        let isGPU = typeBits & cl_device_type(CL_DEVICE_TYPE_GPU) != 0
        let type: String
        if isGPU { type = "GPU" }
        else if typeBits & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 { type = "CPU" }
        else if typeBits & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { type = "Accelerator" }
        else { type = "Other" }
        let cVersion = parseOpenCLCVersion(try string(device, CL_DEVICE_OPENCL_C_VERSION))
        let extensions = Set(try string(device, CL_DEVICE_EXTENSIONS).split(separator: " ").map(String.init))
        let globalMemory: cl_ulong = try value(device, CL_DEVICE_GLOBAL_MEM_SIZE)
        let maxAllocation: cl_ulong = try value(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE)
        let localMemory: cl_ulong = try value(device, CL_DEVICE_LOCAL_MEM_SIZE)
        let maxWorkGroup: Int = try value(device, CL_DEVICE_MAX_WORK_GROUP_SIZE)
        let computeUnits: cl_uint = try value(device, CL_DEVICE_MAX_COMPUTE_UNITS)
        let unified: cl_bool = try value(device, CL_DEVICE_HOST_UNIFIED_MEMORY)
        let clock: cl_uint = try value(device, CL_DEVICE_MAX_CLOCK_FREQUENCY)
        return DeviceInfo(
            backend: .openCL, index: index,
            name: try string(device, CL_DEVICE_NAME), vendor: try string(device, CL_DEVICE_VENDOR),
            platform: try platformString(platform, CL_PLATFORM_NAME), type: type, isGPU: isGPU,
            openCLCVersion: cVersion, driverVersion: try string(device, CL_DRIVER_VERSION),
            platformVersion: try platformString(platform, CL_PLATFORM_VERSION), extensions: extensions,
            globalMemory: Int(clamping: globalMemory), maxAllocation: Int(clamping: maxAllocation),
            localMemory: Int(clamping: localMemory), maxWorkGroupSize: maxWorkGroup,
            computeUnits: Int(computeUnits), hostUnifiedMemory: unified != 0, maxClockMHz: Int(clock), threads: nil,
            blas: "CLBlast")
    }

    /// "OpenCL C 1.2 pocl" → (1, 2).
    static func parseOpenCLCVersion(_ text: String) -> (major: Int, minor: Int)? {
        let words = text.split(separator: " ")
        guard words.count >= 3, let dot = words[2].firstIndex(of: ".") else { return nil }
        guard let major = Int(words[2][..<dot]), let minor = Int(words[2][words[2].index(after: dot)...]) else {
            return nil
        }
        return (major, minor)
    }

    private static func value<T: BitwiseCopyable>(_ device: cl_device_id, _ parameter: Int32) throws -> T {
        try withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer in
            try OpenCLStatus.check(
                clGetDeviceInfo(device, cl_device_info(parameter), MemoryLayout<T>.size, buffer.baseAddress, nil),
                "clGetDeviceInfo(\(parameter))")
            return buffer[0]
        }
    }

    private static func string(_ device: cl_device_id, _ parameter: Int32) throws -> String {
        try queryString("clGetDeviceInfo(\(parameter))") { size, pointer, sizeOut in
            clGetDeviceInfo(device, cl_device_info(parameter), size, pointer, sizeOut)
        }
    }

    private static func platformString(_ platform: cl_platform_id, _ parameter: Int32) throws -> String {
        try queryString("clGetPlatformInfo(\(parameter))") { size, pointer, sizeOut in
            clGetPlatformInfo(platform, cl_platform_info(parameter), size, pointer, sizeOut)
        }
    }

    /// The two-call pattern of OpenCL string queries: ask the size, then the bytes.
    static func queryString(_ call: String,
                            _ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) throws -> String {
        var size = 0
        try OpenCLStatus.check(query(0, nil, &size), call)
        var bytes = [UInt8](repeating: 0, count: size + 1)
        try OpenCLStatus.check(bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }, call)
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
