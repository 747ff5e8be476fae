// The CPU twins of Kernels/embedding.cl.

extension EmbeddingOp {
    public func run(on device: CPUDevice) throws {
        let (f, s, floats, raw, parallel) = (arguments, shape, device.floats, device.raw, device.parallel)
        let op = OpName.embedding
        let ids = try raw(f.ids, op).assumingMemoryBound(to: Int32.self)       // [T]
        let types = try raw(f.types, op).assumingMemoryBound(to: Int32.self)   // [T]
        let word = try floats(f.word, op), position = try floats(f.position, op), type = try floats(f.type, op)
        let out = try floats(f.output, op)                                     // [T, H]
        let h = s.hidden, vocab = f.word.count / h, typeVocab = f.type.count / h
        parallel(s.tokens, grain: max(1, 8192 / h)) { tokens in
            for t in tokens {
                let id = Int(ids[t]), tt = Int(types[t])
                let w = word + (id >= 0 && id < vocab ? id : 0) * h
                let p = position + (t % s.sequence) * h
                let ty = type + (tt >= 0 && tt < typeVocab ? tt : 0) * h
                let o = out + t * h
                for c in 0..<h { o[c] = w[c] + p[c] + ty[c] }
            }
        }
    }
}

extension ScatterAddRowsOp {
    public func run(on device: CPUDevice) throws {
        let (floats, raw, parallel, hidden) = (device.floats, device.raw, device.parallel, self.hidden)
        let op = OpName.scatterAddRows
        let rows = try raw(index.rows, op).assumingMemoryBound(to: Int32.self)
        let offsets = try raw(index.offsets, op).assumingMemoryBound(to: Int32.self)
        let members = try raw(index.members, op).assumingMemoryBound(to: Int32.self)
        let dout = try floats(gradOutput, op), g = try floats(grad, op)   // [T, H], [V, H]
        let tableRows = grad.count / hidden
        parallel(index.uniqueRows, grain: max(1, 4096 / hidden)) { uniques in
            for u in uniques {
                let row = Int(rows[u])
                guard row >= 0, row < tableRows else { continue }
                let target = g + row * hidden
                // Tokens in ascending order, one column at a time: the OpenCL kernel's summation order.
                for c in 0..<hidden {
                    var sum: Float = 0
                    for k in Int(offsets[u])..<Int(offsets[u + 1]) { sum += dout[Int(members[k]) * hidden + c] }
                    target[c] += sum
                }
            }
        }
    }
}
