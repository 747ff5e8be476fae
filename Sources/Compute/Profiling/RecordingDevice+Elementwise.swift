// Element-wise, conversion, activation, dropout and reduction ops of the recording device: recorded, then
// forwarded unchanged.

extension RecordingDevice {
    public func fill(_ x: BufferView, value: Float) throws {
        try record(.fill(count: x.count)) { try inner.fill(x, value: value) }
    }

    public func copy(_ x: BufferView, to y: BufferView) throws {
        try record(.copy(count: x.count)) { try inner.copy(x, to: y) }
    }

    public func add(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try record(.add(count: a.count)) { try inner.add(a, b, into: out) }
    }

    public func multiply(_ a: BufferView, _ b: BufferView, into out: BufferView) throws {
        try record(.multiply(count: a.count)) { try inner.multiply(a, b, into: out) }
    }

    public func axpby(alpha: Float, _ x: BufferView, beta: Float, _ y: BufferView) throws {
        try record(.axpby(count: x.count)) { try inner.axpby(alpha: alpha, x, beta: beta, y) }
    }

    public func addBias(_ x: BufferView, bias: BufferView, into out: BufferView, rows: Int, columns: Int) throws {
        try record(.addBias(rows: rows, columns: columns)) {
            try inner.addBias(x, bias: bias, into: out, rows: rows, columns: columns)
        }
    }

    public func copyRows(_ x: BufferView, stride xStride: Int, into out: BufferView, stride outStride: Int, rows: Int,
                         columns: Int) throws {
        try record(.copyRows(rows: rows, columns: columns, sourceStride: xStride, destinationStride: outStride)) {
            try inner.copyRows(x, stride: xStride, into: out, stride: outStride, rows: rows, columns: columns)
        }
    }

    public func convert(_ x: BufferView, into y: BufferView) throws {
        try record(.convert(count: x.count, from: x.dtype, to: y.dtype)) { try inner.convert(x, into: y) }
    }

    public func gelu(_ x: BufferView, into y: BufferView, kind: GELUKind) throws {
        try record(.gelu(count: x.count, kind: kind)) { try inner.gelu(x, into: y, kind: kind) }
    }

    public func geluBackward(input x: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView,
                             kind: GELUKind) throws {
        try record(.geluBackward(count: x.count, kind: kind)) {
            try inner.geluBackward(input: x, gradOutput: dy, gradInput: dx, kind: kind)
        }
    }

    public func biasGELU(_ x: BufferView, bias: BufferView, into y: BufferView, rows: Int, columns: Int,
                         kind: GELUKind) throws {
        try record(.biasGELU(rows: rows, columns: columns, kind: kind)) {
            try inner.biasGELU(x, bias: bias, into: y, rows: rows, columns: columns, kind: kind)
        }
    }

    public func tanh(_ x: BufferView, into y: BufferView) throws {
        try record(.tanh(count: x.count)) { try inner.tanh(x, into: y) }
    }

    public func tanhBackward(output y: BufferView, gradOutput dy: BufferView, gradInput dx: BufferView) throws {
        try record(.tanhBackward(count: y.count)) { try inner.tanhBackward(output: y, gradOutput: dy, gradInput: dx) }
    }

    public func sumRows(_ x: BufferView, rows: Int, columns: Int, into out: BufferView, accumulate: Bool) throws {
        try record(.sumRows(rows: rows, columns: columns, accumulate: accumulate)) {
            try inner.sumRows(x, rows: rows, columns: columns, into: out, accumulate: accumulate)
        }
    }

    public func fillUniform(_ x: BufferView, seed: UInt64, stream: UInt64) throws {
        try record(.fillUniform(count: x.count)) { try inner.fillUniform(x, seed: seed, stream: stream) }
    }

    public func dropout(_ x: BufferView, into y: BufferView, config: DropoutConfig) throws {
        try record(.dropout(count: x.count)) { try inner.dropout(x, into: y, config: config) }
    }

    public func dropoutBackward(_ dy: BufferView, into dx: BufferView, config: DropoutConfig) throws {
        try record(.dropoutBackward(count: dy.count)) { try inner.dropoutBackward(dy, into: dx, config: config) }
    }
}
