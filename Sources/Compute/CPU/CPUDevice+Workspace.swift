// The CPU backend needs no scratch: OpenBLAS manages its own buffers and the Swift kernels sum in place.

extension CPUDevice {
    public var kernelScratchBytes: Int { 0 }

    /// Does nothing (after rejecting a negative size): the CPU backend allocates no scratch.
    public func reserveWorkspace(gemmBytes: Int) throws {
        try ScratchBuffer.checkReservation(gemmBytes: gemmBytes)
    }

    /// Does nothing: there is no scratch to free.
    public func releaseWorkspace() throws {}

    /// 0: OpenBLAS's own buffers are not device memory.
    public func gemmWorkspaceBytes(_ shape: GEMMShape) throws -> Int {
        try shape.validateDimensions()
        return 0
    }
}
