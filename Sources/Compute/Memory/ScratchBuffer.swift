/// A scratch allocation a device owns and only ever grows: CLBlast's GEMM temporary buffer, the reduction
/// partial sums. Grown (or reserved up front with `Device.reserveWorkspace(gemmBytes:)`) through the device's
/// allocator, so it is charged to the memory accountant like any buffer.
final class ScratchBuffer {
    /// Label of CLBlast's GEMM temporary buffer.
    static let gemmLabel = "CLBlast GEMM temporary buffer"
    /// Label of the CPU backend's bf16 copies of a bf16 GEMM's operands.
    static let bf16Label = "bf16 GEMM operands"
    /// Label of the sum-of-squares partial sums.
    static let reductionLabel = "reduction partial sums"

    /// Label of the allocation, as the accountant and error messages show it.
    let label: String
    private(set) var allocation: DeviceAllocation?

    init(label: String) {
        self.label = label
    }

    /// Bytes held now (0 before the first allocation).
    var bytes: Int { allocation?.bytes ?? 0 }

    /// Makes sure at least `bytes` are held and returns the allocation (nil when `bytes` is 0 and nothing is
    /// held). When it must grow, the smaller allocation is released first and exactly `bytes` are allocated.
    @discardableResult
    func ensure(_ bytes: Int, allocate: (_ bytes: Int, _ label: String) throws -> DeviceAllocation) throws
        -> DeviceAllocation? {
        if let allocation, allocation.bytes >= bytes { return allocation }
        guard bytes > 0 else { return nil }
        allocation = nil
        let grown = try allocate(bytes, label)
        allocation = grown
        return grown
    }

    /// The lazy-growth rule of the GEMM temporary buffer: the allocation held when it has at least `need`
    /// bytes, else one grown to `bound()` (the shape's offset-independent need, so the buffer ends as large as
    /// `reserveWorkspace` would have made it). Nil when `need` is 0.
    @discardableResult
    func holding(_ need: Int, growingTo bound: () throws -> Int,
                 allocate: (_ bytes: Int, _ label: String) throws -> DeviceAllocation) throws -> DeviceAllocation? {
        guard need > 0 else { return nil }
        if let allocation, allocation.bytes >= need { return allocation }
        return try ensure(max(Self.roundedToFloats(need), try bound()), allocate: allocate)
    }

    /// Frees the allocation (its charge returns to the accountant once no view of it is left).
    func release() {
        allocation = nil
    }

    /// Rejects a negative reservation with a clear error.
    static func checkReservation(gemmBytes: Int) throws {
        guard gemmBytes >= 0 else {
            throw ComputeError.shapeMismatch(operation: "reserveWorkspace",
                                             detail: "gemmBytes must be ≥ 0, got \(gemmBytes)")
        }
    }

    /// `bytes` rounded up to whole float32 elements (CLBlast's temporary buffer holds floats).
    static func roundedToFloats(_ bytes: Int) -> Int { (bytes + 3) / 4 * 4 }
}
