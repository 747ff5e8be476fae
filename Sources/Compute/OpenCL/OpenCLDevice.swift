import COpenCL
import Foundation

/// An OpenCL device: our kernels (Kernels/*.cl, compiled at run time and cached) plus CLBlast for GEMM (each op's
/// OpenCL body is in its folder under `Compute/Ops`).
///
/// One context and one in-order queue per device. Buffers are `cl_mem` objects addressed through
/// `BufferView`s (buffer, offset), so arenas larger than `CL_DEVICE_MAX_MEM_ALLOC_SIZE` are split into chunks.
/// With `DeviceOptions.profiling` every kernel and GEMM records queued/start/end times (`timings(clear:)`).
public final class OpenCLDevice: Device, @unchecked Sendable {
    public let info: DeviceInfo
    public let memory: MemoryAccountant
    /// Always fp32: bf16 (`--precision bf16`) is refused when the device opens; `auto` is fp32 here.
    public var gemmPrecision: GEMMPrecision { .fp32 }
    let deviceID: cl_device_id
    let context: CLContext
    let queue: CLQueue
    let programs: ProgramCache
    let profile: ProfileLog?
    /// The tuned CLBlast parameters file applied when the device opened (`DeviceOptions.clblastParameters`);
    /// nil when CLBlast runs with its database.
    public let clblastParametersFile: String?
    /// Build options every program gets: the language version and capability defines (never vendor names).
    let buildOptions: String
    /// The options the device was opened with (another launch shape is the same options with other
    /// `kernelVariants`).
    public let options: DeviceOptions
    /// The kernels' launch shapes: the device's defaults, or `DeviceOptions.kernelVariants`.
    public let launchSettings: LaunchSettings
    /// Work-group size of the row kernels (`SB_ROW_WG`).
    var rowWorkGroupSize: Int { launchSettings.rowWorkGroupSize }
    private var kernels: [String: CLKernel] = [:]
    /// CLBlast's GEMM temporary buffer, grown to the largest size a GEMM asked for (or reserved up front).
    let gemmWorkspace = ScratchBuffer(label: ScratchBuffer.gemmLabel)
    /// Partial sums of the two-stage sum of squares, allocated on first use (or reserved up front).
    let reductionPartials = ScratchBuffer(label: ScratchBuffer.reductionLabel)

    /// Every OpenCL device on the machine, numbered as `opencl:N` numbers them. Empty without a platform.
    public static func availableDevices() throws -> [DeviceInfo] {
        try OpenCLDiscovery.devices().map(\.info)
    }

    /// Opens OpenCL device number `index` (see `availableDevices()`).
    public convenience init(index: Int, options: DeviceOptions = DeviceOptions()) throws {
        let entries = try OpenCLDiscovery.devices()
        guard entries.indices.contains(index) else {
            throw ComputeError.noSuchDevice(entries.isEmpty
                ? "no OpenCL platform is installed (install an OpenCL driver, e.g. pocl-opencl-icd), so opencl:\(index) does not exist"
                : "there is no opencl:\(index); this machine has \(entries.count) OpenCL device(s): "
                    + entries.map { "opencl:\($0.info.index ?? 0) \($0.info.name)" }.joined(separator: ", "))
        }
        try self.init(entry: entries[index], options: options)
    }

    init(entry: OpenCLDeviceEntry, options: DeviceOptions) throws {
        if options.precision == .bf16 {
            throw ComputeError.unsupportedPrecision(
                "--precision bf16 runs on the CPU backend only (\(entry.info.name) is an OpenCL device: no device with fp16/bf16 arithmetic has been reachable to test OpenCL kernels on); use --precision fp32 or auto, or --device cpu")
        }
        self.options = options
        var info = entry.info
        info.maxAllocation = min(info.maxAllocation, options.maxAllocation ?? .max, DeviceOptions.kernelAddressableBytes)
        self.info = info
        deviceID = entry.device
        memory = MemoryAccountant(capacity: info.globalMemory, budget: options.memoryBudget)

        var status: cl_int = 0
        var properties: [cl_context_properties] = [
            cl_context_properties(CL_CONTEXT_PLATFORM), cl_context_properties(Int(bitPattern: UnsafeRawPointer(entry.platform))), 0,
        ]
        var device: cl_device_id? = entry.device
        guard let contextHandle = clCreateContext(&properties, 1, &device, nil, nil, &status), status == CL_SUCCESS else {
            throw ComputeError.openCL(call: "clCreateContext", status: status)
        }
        context = CLContext(contextHandle)
        let queueProperties = options.profiling ? cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) : 0
        guard let queueHandle = clCreateCommandQueue(contextHandle, entry.device, queueProperties, &status),
              status == CL_SUCCESS else {
            throw ComputeError.openCL(call: "clCreateCommandQueue", status: status)
        }
        queue = CLQueue(queueHandle)
        profile = options.profiling ? ProfileLog() : nil
        let cacheDirectory = options.kernelCacheDirectory.map { URL(fileURLWithPath: $0) } ?? ProgramCache.defaultDirectory()
        programs = ProgramCache(context: context, device: entry.device, info: info, directory: cacheDirectory)
        let launchSettings = try LaunchSettings(info: info, variants: options.kernelVariants)
        self.launchSettings = launchSettings
        buildOptions = "-cl-std=CL1.2 -D SB_ROW_WG=\(launchSettings.rowWorkGroupSize)" + (info.supportsFP16Arithmetic ? " -D SB_HAS_FP16=1" : "")
        // Before anything asks CLBlast for workspace sizes: tuned parameters change them.
        clblastParametersFile = try CLBlastParameters.applyAtOpen(options.clblastParameters, info: info,
                                                                  deviceID: entry.device,
                                                                  kernelCacheDirectory: cacheDirectory.path)
    }

    // MARK: - Memory

    public func allocateMemory(bytes: Int, label: String) throws -> DeviceAllocation {
        guard bytes <= info.maxAllocation else {
            throw ComputeError.allocationTooLarge(label: label, requested: bytes, maxAllocation: info.maxAllocation)
        }
        try memory.reserve(bytes, label: label)
        var status: cl_int = 0
        guard let handle = clCreateBuffer(context.handle, cl_mem_flags(CL_MEM_READ_WRITE), max(bytes, 1), nil, &status),
              status == CL_SUCCESS else {
            memory.release(bytes)
            throw ComputeError.openCL(call: "clCreateBuffer('\(label)', \(ByteCount.format(bytes)))", status: status)
        }
        return DeviceAllocation(bytes: bytes, label: label, storage: .openCL(CLMemory(handle)),
                                owner: ObjectIdentifier(self), accountant: memory)
    }

    public func write(_ source: UnsafeRawBufferPointer, to view: BufferView) throws {
        let memory = try clMemory(view, "write")
        try OpChecks.transfer("write", bytes: source.count, view)
        guard source.count > 0, let base = source.baseAddress else { return }
        try OpenCLStatus.check(
            clEnqueueWriteBuffer(queue.handle, memory.handle, cl_bool(CL_TRUE), view.byteOffset, source.count, base, 0, nil, nil),
            "clEnqueueWriteBuffer('\(view.label)')")
    }

    public func read(_ view: BufferView, into destination: UnsafeMutableRawBufferPointer) throws {
        let memory = try clMemory(view, "read")
        try OpChecks.transfer("read", bytes: destination.count, view)
        guard destination.count > 0, let base = destination.baseAddress else { return }
        try OpenCLStatus.check(
            clEnqueueReadBuffer(queue.handle, memory.handle, cl_bool(CL_TRUE), view.byteOffset, destination.count, base, 0, nil, nil),
            "clEnqueueReadBuffer('\(view.label)')")
    }

    public func synchronize() throws {
        try OpenCLStatus.check(clFinish(queue.handle), "clFinish")
    }

    /// Runs the op's checks, then enqueues its OpenCL body (`DeviceOp.run(on:)`: kernel launches or CLBlast).
    public func execute<Op: DeviceOp>(_ op: Op, role: OpRole) throws {
        try op.validate()
        try op.run(on: self)
    }

    /// Kernel and GEMM timings recorded since the last clear (empty unless created with profiling on).
    public func timings(clear: Bool = true) throws -> [KernelTiming] {
        try profile?.timings(clear: clear) ?? []
    }

    func clMemory(_ view: BufferView, _ operation: String) throws -> CLMemory {
        guard view.allocation.owner == ObjectIdentifier(self), let memory = view.allocation.clMemory else {
            throw ComputeError.foreignBuffer(operation: operation)
        }
        return memory
    }

    // MARK: - Kernels

    /// Builds (or fetches from the caches) every program of the kernel library, so no compile happens later.
    public func prepareKernels() throws {
        for file in KernelLibrary.fileNames {
            _ = try programs.program(file: file, source: try KernelLibrary.programSource(file), options: buildOptions)
        }
    }

    /// The kernel `name` from `file`, built (with the device's options plus `options`) and cached on first use.
    func kernel(_ name: String, in file: String, options: String = "") throws -> CLKernel {
        let key = "\(file)/\(name)/\(options)"
        if let kernel = kernels[key] { return kernel }
        let program = try programs.program(file: file, source: try KernelLibrary.programSource(file),
                                           options: options.isEmpty ? buildOptions : buildOptions + " " + options)
        var status: cl_int = 0
        guard let handle = clCreateKernel(program.handle, name, &status), status == CL_SUCCESS else {
            throw ComputeError.openCL(call: "clCreateKernel(\(name) in \(file))", status: status)
        }
        let kernel = CLKernel(handle, name: name)
        kernels[key] = kernel
        return kernel
    }

    /// Enqueues kernel `name` of `file` (built with extra `options`, e.g. a head width) over `global`
    /// work-items (the driver picks the work-group size unless `local` is given; then each global size must
    /// be a multiple of it).
    func launch(_ name: String, in file: String, options: String = "", global requested: [Int], local fixed: [Int]? = nil,
                _ arguments: [KernelArgument]) throws {
        guard !requested.contains(0) else { return }
        // 1-D launches without a fixed local size get the element-wise local size, when there is one, and a global
        // size rounded up to it (every such kernel guards its bounds).
        var (global, local) = (requested, fixed)
        if fixed == nil, requested.count == 1, let group = launchSettings.elementwiseWorkGroupSize {
            global = [(requested[0] + group - 1) / group * group]
            local = [group]
        }
        for argument in arguments {
            if case let .buffer(view) = argument { _ = try clMemory(view, name) }
        }
        let kernel = try self.kernel(name, in: file, options: options)
        try kernel.setArguments(arguments)
        try recordingEvent(name, global: global, local: local) { event in
            let status = global.withUnsafeBufferPointer { globalSizes in
                guard let local else {
                    return clEnqueueNDRangeKernel(queue.handle, kernel.handle, cl_uint(global.count), nil,
                                                  globalSizes.baseAddress, nil, 0, nil, event)
                }
                return local.withUnsafeBufferPointer { localSizes in
                    clEnqueueNDRangeKernel(queue.handle, kernel.handle, cl_uint(global.count), nil,
                                           globalSizes.baseAddress, localSizes.baseAddress, 0, nil, event)
                }
            }
            try OpenCLStatus.check(status, "clEnqueueNDRangeKernel(\(name))")
        }
    }

    /// Runs `body` with a slot for a completion event when profiling (nil otherwise) and records the event.
    func recordingEvent(_ name: String, global: [Int], local: [Int]? = nil,
                        _ body: (UnsafeMutablePointer<cl_event?>?) throws -> Void) throws {
        guard let profile else { return try body(nil) }
        var event: cl_event?
        try body(&event)
        if let event { profile.record(name, global: global, local: local, event: CLEvent(event)) }
    }

}
