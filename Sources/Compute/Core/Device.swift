/// A compute device: the CPU backend (oneDNN or OpenBLAS + Swift) or an OpenCL device (our kernels + CLBlast).
///
/// Both backends implement the same operations with the same numerics, so a model runs unchanged on either
/// and every OpenCL kernel can be checked against its CPU twin. Operations take `BufferView`s; shapes are
/// given by the operation's arguments (row-major throughout).
///
/// A device is used from one thread at a time. Operations are enqueued in order; `read` waits for them.
///
/// ```swift
/// let device = try DeviceSelector.make("auto")
/// let x = try device.upload([0.5, -1, 2], label: "x")       // [3]
/// let y = try device.allocate(3, label: "y")                 // [3]
/// try device.gelu(x, into: y, kind: .erf)               // sugar for device.execute(ActivationOp(…), role: …)
/// print(try device.readFloats(y))
/// ```
///
/// Every operation is a `DeviceOp` descriptor (one folder per op family under `Compute/Ops`) run through
/// `execute(_:role:)`; the named methods (`layerNorm`, `gemm`, …) are one-line sugar over it.
public protocol Device: AnyObject {
    /// What the device is and can do.
    var info: DeviceInfo { get }
    /// Current/peak bytes and the budget of this device.
    var memory: MemoryAccountant { get }

    /// Allocates `bytes` bytes of device memory named `label`, charged to `memory`. The contents are undefined.
    func allocateMemory(bytes: Int, label: String) throws -> DeviceAllocation
    /// Copies host bytes into a view (sizes must match).
    func write(_ source: UnsafeRawBufferPointer, to view: BufferView) throws
    /// Copies a view into host memory (sizes must match); waits for queued work first.
    func read(_ view: BufferView, into destination: UnsafeMutableRawBufferPointer) throws
    /// Waits until all queued work has finished.
    func synchronize() throws

    /// Runs `op` on this device: its checks (`validate`), then the backend's body. `role` says where in the model
    /// the call is (recorded by `RecordingDevice`, ignored by the backends).
    func execute<Op: DeviceOp>(_ op: Op, role: OpRole) throws

    /// Bytes of BLAS temporary buffer one GEMM of this shape may need, whatever its operands' offsets: the
    /// size to pass (as the maximum over a schedule's shapes) to `reserveWorkspace(gemmBytes:)`. A multiple of
    /// 4; 0 when the GEMM needs none (always on the CPU; on OpenCL when CLBlast takes its direct kernel). For a
    /// strided-batched GEMM pass the per-matrix shape.
    func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int
    /// The same for a strided-batched GEMM as a whole: by default the per-matrix need (OpenCL runs the batch per
    /// matrix when it needs scratch); the CPU backend's bf16 operand copies cover the whole batch.
    func batchedGEMMWorkspaceBytes(_ shape: GEMMShape, batch: BatchStrides) throws -> Int

    /// Bytes of scratch the device's own kernels allocate on first use (OpenCL: the partial sums of the
    /// two-stage sum of squares; 0 on the CPU). Part of what `reserveWorkspace(gemmBytes:)` allocates.
    var kernelScratchBytes: Int { get }
    /// Allocates now, through `memory`, every scratch buffer later operations would otherwise allocate on
    /// first use: the GEMM temporary buffer (`gemmBytes`, the largest `gemmWorkspaceBytes` of the schedule; only
    /// when it is larger than the one held) and the kernel scratch (`kernelScratchBytes`, once). The accountant
    /// is charged exactly those bytes, so a memory plan can count them and a step allocates nothing. Without
    /// it the same buffers are still allocated lazily. Does nothing on the CPU.
    func reserveWorkspace(gemmBytes: Int) throws
    /// Frees the GEMM temporary buffer and kernel scratch (e.g. between a training run and an inference run
    /// with other shapes); later operations allocate them again on first need.
    func releaseWorkspace() throws

    /// The precision of the GEMMs' inputs (`DeviceOptions.precision` as this device resolved it); every other op
    /// computes in fp32.
    var gemmPrecision: GEMMPrecision { get }
}

extension Device {
    public func batchedGEMMWorkspaceBytes(_ shape: GEMMShape, batch: BatchStrides) throws -> Int {
        try gemmWorkspaceBytes(shape)
    }

    /// Allocates one buffer of `count` elements (at most the device's maximum single allocation).
    public func allocate(_ count: Int, _ dtype: DType = .float32, label: String) throws -> BufferView {
        let bytes = max(count * dtype.size, 1)
        guard bytes <= info.maxAllocation else {
            throw ComputeError.allocationTooLarge(label: label, requested: bytes, maxAllocation: info.maxAllocation)
        }
        let allocation = try allocateMemory(bytes: bytes, label: label)
        return BufferView(allocation: allocation, byteOffset: 0, count: count, dtype: dtype)
    }

    /// Allocates an arena for a size table, split into chunks no larger than the device's maximum allocation.
    public func makeArena(_ layout: ArenaLayout, label: String) throws -> Arena {
        let placement = try layout.place(maxChunkBytes: info.maxAllocation)
        var chunks: [DeviceAllocation] = []
        for (i, size) in placement.chunkSizes.enumerated() {
            let name = placement.chunkSizes.count == 1 ? label : "\(label) (chunk \(i + 1)/\(placement.chunkSizes.count))"
            chunks.append(try allocateMemory(bytes: size, label: name))
        }
        return Arena(label: label, placement: placement, chunks: chunks)
    }

    /// Allocates a float32 buffer holding `values`.
    public func upload(_ values: [Float], label: String) throws -> BufferView {
        let view = try allocate(values.count, .float32, label: label)
        try write(values, to: view)
        return view
    }

    /// Allocates an int32 buffer holding `values`.
    public func upload(_ values: [Int32], label: String) throws -> BufferView {
        let view = try allocate(values.count, .int32, label: label)
        try write(values, to: view)
        return view
    }

    /// Copies host values into a view of the same element size and count.
    public func write<T: BitwiseCopyable>(_ values: [T], to view: BufferView) throws {
        guard MemoryLayout<T>.stride == view.dtype.size, values.count == view.count else {
            throw ComputeError.shapeMismatch(operation: "write",
                detail: "\(values.count) host values of \(MemoryLayout<T>.stride) bytes for '\(view.label)' "
                    + "view of \(view.count) \(view.dtype)")
        }
        try values.withUnsafeBytes { try write($0, to: view) }
    }

    /// Reads a float32 view into an array.
    public func readFloats(_ view: BufferView) throws -> [Float] {
        try readArray(view, as: Float.self, expecting: .float32)
    }

    /// Reads an int32 view into an array.
    public func readInts(_ view: BufferView) throws -> [Int32] {
        try readArray(view, as: Int32.self, expecting: .int32)
    }

    private func readArray<T: BitwiseCopyable>(_ view: BufferView, as _: T.Type, expecting dtype: DType) throws -> [T] {
        guard view.dtype == dtype else { throw ComputeError.dtypeMismatch(operation: "read", expected: dtype, got: view.dtype) }
        return try [T](unsafeUninitializedCapacity: view.count) { buffer, initialized in
            try read(view, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = view.count
        }
    }
}
