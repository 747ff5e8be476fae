/// One tensor of a LAMB step: where it lies in the slice and how it is treated.
public struct LAMBTensor: Sendable, Equatable {
    /// First element, counted from the start of the slice's views.
    public var offset: Int
    /// Elements.
    public var count: Int
    /// Weight decay applies (not to LayerNorm parameters and biases).
    public var decay: Bool
    /// Layer adaptation: the update is scaled by the trust ratio ‖p‖/‖u‖ (else by 1).
    public var adapt: Bool

    /// A tensor at `offset` of `count` elements.
    public init(offset: Int, count: Int, decay: Bool, adapt: Bool) {
        (self.offset, self.count, self.decay, self.adapt) = (offset, count, decay, adapt)
    }

    /// The flags column of the tensor table: bit 0 decay, bit 1 adapt (Kernels/lamb.cl).
    public var flags: Int32 { (decay ? 1 : 0) | (adapt ? 2 : 0) }
}

/// The host side of a multi-tensor LAMB step: tensors in slice order, each cut into chunks of at most `chunkSize`
/// elements (a chunk never spans two tensors). Built once; its tables are uploaded once (`LAMBTables`).
public struct LAMBLayout: Sendable, Equatable {
    /// Elements per chunk (apex's multi-tensor apply uses 65536 too): one work-group's share of a step.
    public static let defaultChunkSize = 65_536

    /// The tensors, in order.
    public let tensors: [LAMBTensor]
    /// Most elements per chunk (a chunk never spans two tensors).
    public let chunkSize: Int
    /// Chunk table rows (offset, length, tensor), flattened: [chunks, 3].
    public let chunkTable: [Int32]
    /// Tensor table rows (first chunk, chunk count, flags), flattened: [tensors, 3].
    public let tensorTable: [Int32]

    /// Checks that the tensors are in order, do not overlap and fit 32-bit offsets.
    public init(tensors: [LAMBTensor], chunkSize: Int = Self.defaultChunkSize) throws {
        guard chunkSize > 0 else { throw Self.invalid("chunk size \(chunkSize)") }
        var chunkTable: [Int32] = [], tensorTable: [Int32] = []
        var end = 0
        for (j, tensor) in tensors.enumerated() {
            guard tensor.offset >= end, tensor.count >= 0, tensor.offset + tensor.count <= Int(Int32.max) else {
                throw Self.invalid("tensor \(j) (offset \(tensor.offset), \(tensor.count) elements) overlaps the one "
                                   + "before it or passes 2³¹ elements")
            }
            end = tensor.offset + tensor.count
            tensorTable += [Int32(chunkTable.count / 3), Int32(Self.chunks(tensor.count, chunkSize)), tensor.flags]
            for start in stride(from: 0, to: tensor.count, by: chunkSize) {
                chunkTable += [Int32(tensor.offset + start), Int32(min(chunkSize, tensor.count - start)), Int32(j)]
            }
        }
        self.tensors = tensors
        self.chunkSize = chunkSize
        self.chunkTable = chunkTable
        self.tensorTable = tensorTable
    }

    /// Chunks over all tensors.
    public var chunkCount: Int { chunkTable.count / 3 }
    /// One past the last element of the last tensor: the smallest slice the layout fits.
    public var elementCount: Int { tensors.last.map { $0.offset + $0.count } ?? 0 }

    /// Chunks of tensors of these sizes (what a layout of them would have, wherever they lie).
    public static func chunkCount(tensorSizes: [Int], chunkSize: Int = defaultChunkSize) -> Int {
        tensorSizes.reduce(0) { $0 + chunks($1, chunkSize) }
    }

    private static func chunks(_ count: Int, _ chunkSize: Int) -> Int { (count + chunkSize - 1) / chunkSize }

    private static func invalid(_ detail: String) -> ComputeError {
        ComputeError.shapeMismatch(operation: OpName.lamb.rawValue, detail: detail)
    }
}

extension LAMBLayout {
    /// Checks tables read from a device against a slice of `count` elements: chunks within it, tensor indices
    /// and chunk ranges within the tables (the CPU backend runs it every step; the kernels only bound by n).
    static func check(chunks: UnsafePointer<Int32>, chunkCount: Int, tensors: UnsafePointer<Int32>, tensorCount: Int,
                      count: Int) throws {
        for k in 0..<chunkCount {
            let (offset, length, tensor) = (Int(chunks[3 * k]), Int(chunks[3 * k + 1]), Int(chunks[3 * k + 2]))
            guard offset >= 0, length >= 0, offset + length <= count, tensor >= 0, tensor < tensorCount else {
                throw invalid("chunk \(k) (offset \(offset), length \(length), tensor \(tensor)) is outside the "
                              + "\(count)-element slice or the \(tensorCount)-tensor table")
            }
        }
        for j in 0..<tensorCount {
            let (first, chunkRows) = (Int(tensors[3 * j]), Int(tensors[3 * j + 1]))
            guard first >= 0, chunkRows >= 0, first + chunkRows <= chunkCount else {
                throw invalid("tensor \(j) lists chunks \(first)..<\(first + chunkRows) of \(chunkCount)")
            }
        }
    }

    /// A layout with exactly `tensors` tensors and `chunks` chunks over `count` elements, tensors back to back
    /// (chunks shared out evenly, then elements) and every third tensor without decay and adaptation — what the
    /// profiler replays a recorded call with. Throws when no such layout exists.
    static func synthetic(count: Int, tensors: Int, chunks: Int, chunkSize: Int = defaultChunkSize) throws -> LAMBLayout {
        // Each tensor of k chunks holds (k − 1)·chunkSize + 1 … k·chunkSize elements.
        let least = (chunks - tensors) * chunkSize + tensors
        guard tensors > 0, chunks >= tensors, least <= count else {
            throw invalid("no layout of \(tensors) tensors in \(chunks) chunks of ≤ \(chunkSize) covers \(count) elements")
        }
        let perTensor = (0..<tensors).map { chunks / tensors + ($0 < chunks % tensors ? 1 : 0) }
        var spare = min(count, chunks * chunkSize) - least, offset = 0
        var layout: [LAMBTensor] = []
        for (j, k) in perTensor.enumerated() {
            let extra = min(spare, chunkSize - 1)
            spare -= extra
            let size = (k - 1) * chunkSize + 1 + extra
            layout.append(LAMBTensor(offset: offset, count: size, decay: j % 3 != 2, adapt: j % 3 != 2))
            offset += size
        }
        return try LAMBLayout(tensors: layout, chunkSize: chunkSize)
    }
}
