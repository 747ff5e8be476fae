// Scratch buffers of the OpenCL backend — CLBlast's GEMM temporary buffer and the sum-of-squares partial
// sums — allocated through the accountant, lazily on first need or all at once with `reserveWorkspace`.

extension OpenCLDevice {
    /// Work-groups of the first sum-of-squares stage: fixed, so the summation order never changes.
    static let sumSquaresGroups = 64

    /// The partial sums of the two-stage sum of squares: `sumSquaresGroups` floats.
    public var kernelScratchBytes: Int { Self.sumSquaresGroups * DType.float32.size }

    public func reserveWorkspace(gemmBytes: Int) throws {
        try ScratchBuffer.checkReservation(gemmBytes: gemmBytes)
        try gemmWorkspace.ensure(gemmBytes, allocate: allocateMemory)
        _ = try reductionScratch()
    }

    public func releaseWorkspace() throws {
        try synchronize()      // queued kernels may still use them
        gemmWorkspace.release()
        reductionPartials.release()
    }

    /// The partial sums of the first reduction stage ([sumSquaresGroups] floats), allocated on first use
    /// unless reserved.
    func reductionScratch() throws -> BufferView {
        guard let allocation = try reductionPartials.ensure(kernelScratchBytes, allocate: allocateMemory) else {
            throw ComputeError.shapeMismatch(operation: "sumOfSquares", detail: "no reduction scratch was allocated")
        }
        return BufferView(allocation: allocation, byteOffset: 0, count: Self.sumSquaresGroups, dtype: .float32)
    }
}
