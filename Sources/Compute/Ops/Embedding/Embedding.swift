// BERT's embedding gather-sum and the deterministic scatter-add of its gradient (no atomics: a CSR index built on
// the host): buffers, the index, checks, descriptors, their calls (cost, replay) and the device sugar. Bodies:
// Embedding+CPU.swift, Embedding+OpenCL.swift (Kernels/embedding.cl).

/// Sizes of an embedding lookup: `tokens` = batch · sequence ids, `hidden` columns.
public struct EmbeddingShape: Sendable, Hashable {
    public var tokens: Int
    public var sequence: Int
    public var hidden: Int

    public init(tokens: Int, sequence: Int, hidden: Int) {
        (self.tokens, self.sequence, self.hidden) = (tokens, sequence, hidden)
    }
}

/// Buffers of BERT's embedding sum `word[ids] + position[t mod S] + type[types]`.
public struct EmbeddingForward {
    public var ids: BufferView              // int32 [tokens]
    public var types: BufferView            // int32 [tokens]
    public var word: BufferView             // [V, H]
    public var position: BufferView         // [P, H]  (P ≥ sequence)
    public var type: BufferView             // [Tv, H]
    public var output: BufferView           // [tokens, H]

    public init(ids: BufferView, types: BufferView, word: BufferView, position: BufferView, type: BufferView,
                output: BufferView) {
        (self.ids, self.types, self.word, self.position, self.type, self.output)
            = (ids, types, word, position, type, output)
    }
}

/// A CSR grouping of token positions by table row, for deterministic scatter-add (no atomics): built on the
/// host from the ids with `ScatterIndex.build`, uploaded as three int32 buffers.
public struct ScatterIndex: Sendable, Equatable {
    /// Distinct table rows, ascending.
    public var rows: [Int32]
    /// `members[offsets[u] ..< offsets[u + 1]]` are the tokens that read `rows[u]`, ascending (tokens left out
    /// by `skipping` appear nowhere).
    public var offsets: [Int32]
    public var members: [Int32]

    /// Groups `ids` (one per token) by value. Every id must lie in `0..<tableRows`; the error names the first
    /// token that does not. Tokens whose id is `skipping` are left out (a padding row that receives no gradient,
    /// as PyTorch's `padding_idx`).
    public static func build(ids: [Int32], tableRows: Int, table: String, skipping: Int32? = nil) throws -> ScatterIndex {
        var counts = [Int32](repeating: 0, count: tableRows)
        var kept = 0
        for (t, id) in ids.enumerated() {
            guard id >= 0, Int(id) < tableRows else {
                throw ComputeError.shapeMismatch(operation: OpName.embedding.rawValue,
                    detail: "token \(t) has id \(id), outside the \(tableRows) rows of the \(table) table")
            }
            if id == skipping { continue }
            counts[Int(id)] += 1
            kept += 1
        }
        var rows: [Int32] = [], offsets: [Int32] = [0], start = [Int32](repeating: 0, count: tableRows)
        for (row, count) in counts.enumerated() where count > 0 {
            rows.append(Int32(row))
            start[row] = offsets.last!
            offsets.append(offsets.last! + count)
        }
        var members = [Int32](repeating: 0, count: kept)
        for (t, id) in ids.enumerated() where id != skipping {
            members[Int(start[Int(id)])] = Int32(t)
            start[Int(id)] += 1
        }
        return ScatterIndex(rows: rows, offsets: offsets, members: members)
    }

    /// The index for position embeddings: token t reads row t mod `sequence`.
    public static func positions(tokens: Int, sequence: Int) throws -> ScatterIndex {
        try build(ids: (0..<tokens).map { Int32($0 % sequence) }, tableRows: sequence, table: "position")
    }
}

/// A `ScatterIndex` on a device.
public struct DeviceScatterIndex {
    public var rows: BufferView       // int32 [U]
    public var offsets: BufferView    // int32 [U + 1]
    public var members: BufferView    // int32 [≤ tokens]

    public init(rows: BufferView, offsets: BufferView, members: BufferView) {
        (self.rows, self.offsets, self.members) = (rows, offsets, members)
    }

    public var uniqueRows: Int { rows.count }
}

extension EmbeddingForward {
    func validate(_ s: EmbeddingShape) throws {
        let op = OpName.embedding
        for (name, view) in [("ids", ids), ("types", types)] {
            guard view.dtype == .int32 else { throw ComputeError.dtypeMismatch(operation: "\(op) \(name)", expected: .int32, got: view.dtype) }
            guard view.count == s.tokens else {
                throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "\(name) has \(view.count) ids, expected \(s.tokens)")
            }
        }
        try OpChecks.matrix(op, "output", output, rows: s.tokens, columns: s.hidden)
        for (name, view) in [("word", word), ("position", position), ("type", type)] {
            guard view.dtype == .float32, s.hidden > 0, view.count % s.hidden == 0, view.count > 0 else {
                throw ComputeError.shapeMismatch(operation: op.rawValue, detail: "\(name) table is not [rows, \(s.hidden)] float32")
            }
        }
        guard s.sequence > 0, s.tokens % s.sequence == 0, position.count / s.hidden >= s.sequence else {
            throw ComputeError.shapeMismatch(operation: op.rawValue,
                detail: "sequence \(s.sequence) needs \(s.sequence) position rows and must divide \(s.tokens) tokens; the table has \(position.count / max(s.hidden, 1))")
        }
    }
}

extension DeviceScatterIndex {
    func validate(gradOutput: BufferView, grad: BufferView, hidden: Int) throws {
        let op = OpName.scatterAddRows
        for view in [rows, offsets, members] where view.dtype != .int32 {
            throw ComputeError.dtypeMismatch(operation: op.rawValue, expected: .int32, got: view.dtype)
        }
        guard offsets.count == rows.count + 1, hidden > 0, gradOutput.count % hidden == 0,
              members.count <= gradOutput.count / hidden, grad.count % hidden == 0 else {
            throw ComputeError.shapeMismatch(operation: op.rawValue,
                detail: "index of \(rows.count) rows / \(offsets.count) offsets / \(members.count) members does not fit gradOutput \(gradOutput.count) and grad \(grad.count) at hidden \(hidden)")
        }
        try OpChecks.floats(op, count: gradOutput.count, ("gradOutput", gradOutput))
        try OpChecks.floats(op, count: grad.count, ("grad", grad))
    }
}

/// `output[t] = word[ids[t]] + position[t mod S] + type[types[t]]` (see `EmbeddingForward`).
public struct EmbeddingOp: DeviceOp {
    public var arguments: EmbeddingForward
    public var shape: EmbeddingShape

    public var call: OpCall {
        let h = max(shape.hidden, 1)
        return OpCall(Call(embedding: shape, wordRows: arguments.word.count / h, positionRows: arguments.position.count / h,
                           typeRows: arguments.type.count / h))
    }
    public func validate() throws { try arguments.validate(shape) }

    public struct Call: OpCallKind {
        public var embedding: EmbeddingShape
        /// Table rows of the word, position and type embeddings.
        public var wordRows, positionRows, typeRows: Int

        public var name: OpName { .embedding }
        public var shape: String { "[\(embedding.tokens), \(embedding.hidden)] tables \(wordRows)/\(positionRows)/\(typeRows)" }
        public var cost: OpCost {
            OpCost(bytes: Double(16 * embedding.tokens * embedding.hidden + 8 * embedding.tokens),
                   formula: "16TH (read 3 table rows, write) + 8T (ids, types)")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            let s = embedding
            let forward = EmbeddingForward(
                ids: try d.ints(s.tokens, below: wordRows, "ids"), types: try d.ints(s.tokens, below: typeRows, "types"),
                word: try d.floats(wordRows * s.hidden, "word table"),                 // [V, H]
                position: try d.floats(positionRows * s.hidden, "position table"),     // [P, H]
                type: try d.floats(typeRows * s.hidden, "type table"),                 // [Tv, H]
                output: try d.output(s.tokens * s.hidden, "output"))                   // [tokens, H]
            return d.prepared(self, EmbeddingOp(arguments: forward, shape: s), outputs: [("output", forward.output)], atol: 1e-6, rtol: 1e-6)
        }
    }
}

/// `grad[rows[u], :] += Σ_{tokens t of row u} gradOutput[t, :]` (parameter gradients accumulate), summing each
/// row's tokens in ascending order.
public struct ScatterAddRowsOp: DeviceOp {
    public var gradOutput: BufferView   // [tokens, hidden]
    public var index: DeviceScatterIndex
    public var grad: BufferView         // [table rows, hidden]
    public var hidden: Int

    public var call: OpCall {
        OpCall(Call(tokens: index.members.count, hidden: hidden, uniqueRows: index.uniqueRows,
                    tableRows: grad.count / max(hidden, 1)))
    }
    public func validate() throws { try index.validate(gradOutput: gradOutput, grad: grad, hidden: hidden) }

    public struct Call: OpCallKind {
        /// Gradient rows summed (the index's members) into `uniqueRows` rows of a `tableRows`-row table.
        public var tokens, hidden, uniqueRows, tableRows: Int

        public var name: OpName { .scatterAddRows }
        public var shape: String { "[\(tokens), \(hidden)] → \(uniqueRows) of \(tableRows) rows" }
        public var cost: OpCost {
            OpCost(bytes: Double(4 * tokens * hidden + 8 * uniqueRows * hidden + 4 * (2 * uniqueRows + 1 + tokens)),
                   formula: "4TH (read dy) + 8UH (read and write U table rows) + 4(2U + 1 + T) (index)")
        }

        public func replay(_ d: inout ReplayData) throws -> PreparedOp {
            // `uniqueRows` distinct rows spread over the table, each read by tokens t ≡ u (mod uniqueRows).
            let device = d.device
            let spacing = max(1, tableRows / max(uniqueRows, 1))
            let ids = (0..<tokens).map { Int32(($0 % max(uniqueRows, 1)) * spacing) }
            let host = try ScatterIndex.build(ids: ids, tableRows: tableRows, table: "replay")
            let index = DeviceScatterIndex(rows: try device.upload(host.rows, label: "replay index rows"),
                                           offsets: try device.upload(host.offsets, label: "replay index offsets"),
                                           members: try device.upload(host.members, label: "replay index members"))
            let gradOutput = try d.floats(tokens * hidden, "dy")                      // [tokens, H]
            let grad = try d.floats(tableRows * hidden, "table grad")                 // [table rows, H]
            return d.prepared(self, ScatterAddRowsOp(gradOutput: gradOutput, index: index, grad: grad, hidden: hidden),
                              outputs: [("grad", grad)], atol: 1e-5, rtol: 1e-5)
        }
    }
}

extension OpCall {
    public static func embedding(_ shape: EmbeddingShape, wordRows: Int, positionRows: Int, typeRows: Int) -> OpCall {
        OpCall(EmbeddingOp.Call(embedding: shape, wordRows: wordRows, positionRows: positionRows, typeRows: typeRows))
    }
    public static func scatterAddRows(tokens: Int, hidden: Int, uniqueRows: Int, tableRows: Int) -> OpCall {
        OpCall(ScatterAddRowsOp.Call(tokens: tokens, hidden: hidden, uniqueRows: uniqueRows, tableRows: tableRows))
    }
}

extension Device {
    /// BERT's embedding sum (`EmbeddingOp`).
    public func embedding(_ f: EmbeddingForward, shape: EmbeddingShape, role: OpRole = .unnamed) throws {
        try execute(EmbeddingOp(arguments: f, shape: shape), role: role)
    }

    /// `grad[rows[u], :] += Σ_{tokens t of row u} gradOutput[t, :]` (`ScatterAddRowsOp`).
    public func scatterAddRows(_ gradOutput: BufferView, index: DeviceScatterIndex, into grad: BufferView, hidden: Int,
                               role: OpRole = .unnamed) throws {
        try execute(ScatterAddRowsOp(gradOutput: gradOutput, index: index, grad: grad, hidden: hidden), role: role)
    }
}

/// The names of this file's ops (`OpName`: what the profiler, the checks and the errors call them).
extension OpName {
    public static let embedding = OpName("embedding"), scatterAddRows = OpName("scatterAddRows")
}
