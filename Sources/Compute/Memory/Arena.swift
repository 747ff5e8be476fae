/// A size table: every tensor a phase of work needs, in order, before any memory is taken.
///
/// The table is placed into chunks no larger than the device's maximum single allocation (a tensor never
/// straddles two chunks), which gives the exact bytes the arena will take — the memory planner's unit.
public struct ArenaLayout: Sendable {
    /// A handle to one reserved tensor.
    public struct Slot: Hashable, Sendable {
        public let index: Int
    }

    public struct Entry: Sendable {
        public let label: String
        public let count: Int
        public let dtype: DType
        public var bytes: Int { count * dtype.size }
    }

    /// Alignment of every tensor's start, in bytes (covers AVX-512 lines and OpenCL base-address alignment).
    public static let alignment = 256

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Reserves `count` elements of `dtype` named `label`.
    @discardableResult
    public mutating func reserve(_ count: Int, _ dtype: DType = .float32, label: String) -> Slot {
        precondition(count >= 0, "negative element count for \(label)")
        entries.append(Entry(label: label, count: count, dtype: dtype))
        return Slot(index: entries.count - 1)
    }

    /// Bytes of the tensors themselves, without alignment or chunking overhead.
    public var payloadBytes: Int { entries.reduce(0) { $0 + $1.bytes } }

    /// Places the tensors into chunks of at most `maxChunkBytes`, in order, each aligned.
    public func place(maxChunkBytes: Int) throws -> ArenaPlacement {
        var chunkSizes: [Int] = []
        var positions: [(chunk: Int, offset: Int)] = []
        positions.reserveCapacity(entries.count)
        var offset = 0
        for entry in entries {
            guard entry.bytes <= maxChunkBytes else {
                throw ComputeError.allocationTooLarge(label: entry.label, requested: entry.bytes,
                                                      maxAllocation: maxChunkBytes)
            }
            var start = (offset + Self.alignment - 1) / Self.alignment * Self.alignment
            if start + entry.bytes > maxChunkBytes, offset > 0 {
                chunkSizes.append(offset)
                start = 0
            }
            positions.append((chunkSizes.count, start))
            offset = start + entry.bytes
        }
        if let last = positions.last, last.chunk == chunkSizes.count { chunkSizes.append(max(offset, 1)) }
        return ArenaPlacement(layout: self, chunkSizes: chunkSizes, positions: positions)
    }
}

/// Where each tensor of an `ArenaLayout` lives: chunk sizes and (chunk, byte offset) per tensor.
public struct ArenaPlacement: Sendable {
    public let layout: ArenaLayout
    /// Bytes of each chunk (each becomes one device allocation).
    public let chunkSizes: [Int]
    let positions: [(chunk: Int, offset: Int)]

    /// Bytes the arena takes on the device: payload plus alignment and chunk-tail overhead.
    public var totalBytes: Int { chunkSizes.reduce(0, +) }
    /// Bytes lost to alignment and chunk ends.
    public var overheadBytes: Int { totalBytes - layout.payloadBytes }
}

/// Device memory carved by a size table into tensors. Created by `Device.makeArena(_:label:)`; no allocation
/// happens after that, so a training step that uses only arena views allocates nothing.
public final class Arena: @unchecked Sendable {
    public let label: String
    public let placement: ArenaPlacement
    public let chunks: [DeviceAllocation]

    init(label: String, placement: ArenaPlacement, chunks: [DeviceAllocation]) {
        self.label = label
        self.placement = placement
        self.chunks = chunks
    }

    /// Bytes taken on the device.
    public var bytes: Int { placement.totalBytes }

    /// Each chunk as one float32 view (e.g. to zero a whole gradient arena in a few launches).
    public var chunkViews: [BufferView] {
        chunks.map { BufferView(allocation: $0, byteOffset: 0, count: $0.bytes / DType.float32.size, dtype: .float32) }
    }

    /// The view of a reserved tensor.
    public subscript(slot: ArenaLayout.Slot) -> BufferView {
        self[slot, count: placement.layout.entries[slot.index].count]
    }

    /// The first `count` elements of a reserved tensor (at most its reserved count).
    public subscript(slot: ArenaLayout.Slot, count count: Int) -> BufferView {
        let entry = placement.layout.entries[slot.index]
        precondition((0...entry.count).contains(count), "\(count) elements of '\(entry.label)', which holds \(entry.count)")
        let position = placement.positions[slot.index]
        return BufferView(allocation: chunks[position.chunk], byteOffset: position.offset, count: count, dtype: entry.dtype)
    }
}
