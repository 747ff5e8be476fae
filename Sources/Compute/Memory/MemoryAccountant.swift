import Foundation

/// Tracks the bytes a device has allocated — current and peak — and enforces an optional budget.
///
/// Every device allocation goes through `reserve(_:label:)` before memory is taken and `release(_:)` when it
/// is freed, so `peak` is the true high-water mark of the device's buffers. Thread-safe.
public final class MemoryAccountant: @unchecked Sendable {
    /// The budget in bytes (`--device-memory`), or nil for no budget beyond the device's capacity.
    public let budget: Int?
    /// The device's physical memory in bytes.
    public let capacity: Int

    private let lock = NSLock()
    private var _current = 0
    private var _peak = 0
    private var _allocations = 0

    public init(capacity: Int, budget: Int? = nil) {
        self.capacity = capacity
        self.budget = budget
    }

    /// Bytes allocated now.
    public var current: Int { lock.withLock { _current } }
    /// The most bytes allocated at once since creation or the last `resetPeak()`.
    public var peak: Int { lock.withLock { _peak } }
    /// Live allocations now.
    public var liveAllocations: Int { lock.withLock { _allocations } }

    /// Records an allocation of `bytes` named `label`, or throws if it would exceed the budget or capacity.
    public func reserve(_ bytes: Int, label: String) throws {
        try lock.withLock {
            if let budget, _current + bytes > budget {
                throw ComputeError.budgetExceeded(label: label, requested: bytes, inUse: _current, budget: budget)
            }
            if _current + bytes > capacity {
                throw ComputeError.deviceMemoryExceeded(label: label, requested: bytes, inUse: _current,
                                                        capacity: capacity)
            }
            _current += bytes
            _allocations += 1
            _peak = max(_peak, _current)
        }
    }

    /// Records that an allocation of `bytes` was freed.
    public func release(_ bytes: Int) {
        lock.withLock {
            _current -= bytes
            _allocations -= 1
        }
    }

    /// Starts a new peak measurement from the current level.
    public func resetPeak() {
        lock.withLock { _peak = _current }
    }
}
