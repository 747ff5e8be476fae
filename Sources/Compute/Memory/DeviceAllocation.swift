import COpenCL
import Foundation

/// One physical allocation on a device: host memory for the CPU backend, a `cl_mem` for OpenCL, nothing at
/// all for a `DryRunDevice` (a virtual allocation: only its charge exists).
///
/// Created only by a device, which has already charged its size to the device's `MemoryAccountant`; the
/// charge is returned when the allocation is freed (when the last view of it goes away).
public final class DeviceAllocation: @unchecked Sendable {
    enum Storage {
        case host(UnsafeMutableRawPointer)
        case openCL(CLMemory)
        /// A dry run's allocation: charged to the accountant, no memory behind it.
        case virtual
    }

    /// Size in bytes.
    public let bytes: Int
    /// What it holds, for error messages and memory reports.
    public let label: String
    let storage: Storage
    /// Identity of the device that owns it.
    let owner: ObjectIdentifier
    private let accountant: MemoryAccountant

    init(bytes: Int, label: String, storage: Storage, owner: ObjectIdentifier, accountant: MemoryAccountant) {
        self.bytes = bytes
        self.label = label
        self.storage = storage
        self.owner = owner
        self.accountant = accountant
    }

    deinit {
        if case let .host(pointer) = storage { free(pointer) }
        accountant.release(bytes)
    }

    /// The host pointer of a CPU-backend allocation.
    var hostPointer: UnsafeMutableRawPointer? {
        if case let .host(pointer) = storage { return pointer }
        return nil
    }

    /// Whether this is a dry run's virtual allocation.
    var isVirtual: Bool {
        if case .virtual = storage { return true }
        return false
    }

    /// The `cl_mem` of an OpenCL allocation.
    var clMemory: CLMemory? {
        if case let .openCL(memory) = storage { return memory }
        return nil
    }
}

/// A typed window into a device allocation: `count` elements of `dtype` starting `byteOffset` bytes in.
///
/// Views are how every operation addresses memory, so one large arena can back many tensors and be split into
/// chunks no larger than the device's maximum allocation. Kernels receive (buffer, element offset) pairs.
public struct BufferView: @unchecked Sendable {
    public let allocation: DeviceAllocation
    public let byteOffset: Int
    public let count: Int
    public let dtype: DType

    init(allocation: DeviceAllocation, byteOffset: Int, count: Int, dtype: DType) {
        precondition(byteOffset % dtype.size == 0 && byteOffset + count * dtype.size <= allocation.bytes,
                     "view outside its allocation")
        self.allocation = allocation
        self.byteOffset = byteOffset
        self.count = count
        self.dtype = dtype
    }

    /// Size in bytes.
    public var byteCount: Int { count * dtype.size }
    /// Offset in elements from the start of the allocation (what kernels and CLBlast take).
    public var elementOffset: Int { byteOffset / dtype.size }
    /// The allocation's label, for messages.
    public var label: String { allocation.label }

    /// A view of `count` elements starting where this one starts — longer or shorter, within the allocation
    /// (for tensors laid out side by side, e.g. fused Q/K/V weights).
    public func resized(count: Int) throws -> BufferView {
        guard count >= 0, byteOffset + count * dtype.size <= allocation.bytes else {
            throw ComputeError.shapeMismatch(operation: "resize view",
                detail: "\(count) elements from element \(elementOffset) run past '\(label)' (\(allocation.bytes) bytes)")
        }
        return BufferView(allocation: allocation, byteOffset: byteOffset, count: count, dtype: dtype)
    }

    /// A sub-view of `count` elements starting at element `start` of this view.
    public func slice(_ start: Int, count: Int) throws -> BufferView {
        guard start >= 0, count >= 0, start + count <= self.count else {
            throw ComputeError.shapeMismatch(operation: "slice",
                detail: "elements \(start)..<\(start + count) lie outside '\(label)' view of \(self.count) elements")
        }
        return BufferView(allocation: allocation, byteOffset: byteOffset + start * dtype.size, count: count,
                          dtype: dtype)
    }
}
