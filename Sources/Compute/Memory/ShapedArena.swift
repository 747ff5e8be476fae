/// An arena allocated once for the largest shape a run takes (its capacity) and viewed at the shape of the
/// work at hand: each tensor sits where the capacity's size table placed it and holds the element count the
/// current shape's size table gives it. Ops see exact-sized views, so a batch of short sequences computes only
/// its own tokens, and nothing is allocated when the shape changes.
///
/// `table(shape)` must reserve the same tensors in the same order for every shape (only counts change), and no
/// count may exceed the capacity's — `view(_:at:)` checks both when the shape changes.
public final class ShapedArena<Shape: Equatable> {
    /// The memory: the capacity's size table, placed.
    public let arena: Arena
    /// The shape the arena was planned for.
    public let capacity: Shape
    private let table: (Shape) -> ArenaLayout
    private var current: Shape
    private var counts: [Int]

    /// Allocates `table(capacity)` on `device` as one arena named `label`.
    public init(device: any Device, capacity: Shape, label: String, table: @escaping (Shape) -> ArenaLayout) throws {
        arena = try device.makeArena(table(capacity), label: label)
        self.capacity = capacity
        self.table = table
        current = capacity
        counts = arena.placement.layout.entries.map(\.count)
    }

    /// Bytes taken on the device.
    public var bytes: Int { arena.bytes }

    /// Every tensor at `shape`: fails (naming the tensor) when `shape` needs more than the capacity holds.
    public func check(_ shape: Shape) throws {
        _ = try counts(for: shape)
    }

    /// The view of `slot` at `shape` (a shape that `check` accepted; a larger one is a programming error).
    public func view(_ slot: ArenaLayout.Slot, at shape: Shape) -> BufferView {
        if shape != current {
            do {
                counts = try counts(for: shape)
            } catch {
                preconditionFailure("\(arena.label): \(error)")
            }
            current = shape
        }
        return arena[slot, count: counts[slot.index]]
    }

    private func counts(for shape: Shape) throws -> [Int] {
        let planned = arena.placement.layout.entries, wanted = table(shape).entries
        guard wanted.count == planned.count else {
            throw ComputeError.shapeMismatch(operation: arena.label,
                detail: "the size table has \(wanted.count) tensors at this shape, \(planned.count) at its capacity")
        }
        for (entry, plan) in zip(wanted, planned) where entry.count > plan.count || entry.dtype != plan.dtype {
            throw ComputeError.shapeMismatch(operation: arena.label,
                detail: "'\(plan.label)' needs \(entry.count) \(entry.dtype) elements, the arena holds \(plan.count) \(plan.dtype)")
        }
        return wanted.map(\.count)
    }
}
