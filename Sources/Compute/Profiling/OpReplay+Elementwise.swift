// Replays of the element-wise, conversion, dropout, activation and reduction calls.

extension OpReplay {
    static func elementwise(_ call: OpCall, _ d: inout ReplayData) throws -> PreparedOp {
        let device = d.device
        switch call {
        case let .fill(n):
            let x = try d.output(n, "x")                                              // [n]
            return PreparedOp(call: call, run: { try device.fill(x, value: 0.25) }, outputs: [("x", x)], atol: 0, rtol: 0)
        case let .copy(n):
            let x = try d.floats(n, "x"), y = try d.output(n, "y")                    // [n]
            return PreparedOp(call: call, run: { try device.copy(x, to: y) }, outputs: [("y", y)], atol: 0, rtol: 0)
        case let .add(n):
            let a = try d.floats(n, "a"), b = try d.floats(n, "b"), out = try d.output(n, "out")   // [n]
            return PreparedOp(call: call, run: { try device.add(a, b, into: out) }, outputs: [("out", out)], atol: 0, rtol: 0)
        case let .multiply(n):
            let a = try d.floats(n, "a"), b = try d.floats(n, "b"), out = try d.output(n, "out")   // [n]
            return PreparedOp(call: call, run: { try device.multiply(a, b, into: out) }, outputs: [("out", out)],
                              atol: 0, rtol: 0)
        case let .axpby(n):
            let x = try d.floats(n, "x"), y = try d.floats(n, "y")                    // [n]
            return PreparedOp(call: call, run: { try device.axpby(alpha: 0.5, x, beta: 0.5, y) }, outputs: [("y", y)],
                              atol: 1e-7, rtol: 1e-6)
        case let .addBias(r, c):
            let x = try d.floats(r * c, "x"), bias = try d.floats(c, "bias"), out = try d.output(r * c, "out")  // [r, c], [c]
            return PreparedOp(call: call, run: { try device.addBias(x, bias: bias, into: out, rows: r, columns: c) },
                              outputs: [("out", out)], atol: 0, rtol: 0)
        case let .copyRows(r, c, xs, ys):
            let x = try d.floats(r == 0 ? 0 : (r - 1) * xs + c, "x")                 // r rows of c at stride xs
            let out = try d.output(r == 0 ? 0 : (r - 1) * ys + c, "out")              // r rows of c at stride ys
            return PreparedOp(call: call, run: { try device.copyRows(x, stride: xs, into: out, stride: ys, rows: r, columns: c) },
                              outputs: [("out", out)], atol: 0, rtol: 0)
        case let .convert(n, from, to):
            let x = try halfOrFloat(n, from, &d), y = try device.allocate(n, to, label: "replay converted")   // [n]
            return PreparedOp(call: call, run: { try device.convert(x, into: y) }, outputs: [("y", y)], atol: 0, rtol: 0)
        case let .fillUniform(n):
            let x = try d.output(n, "x")                                              // [n]
            return PreparedOp(call: call, run: { try device.fillUniform(x, seed: 42, stream: 7) }, outputs: [("x", x)],
                              atol: 0, rtol: 0)
        case let .dropout(n), let .dropoutBackward(n):
            let x = try d.floats(n, "x"), y = try d.output(n, "y"), config = d.dropout    // [n]
            let backward = call.name == "dropoutBackward"
            return PreparedOp(call: call, run: {
                if backward { try device.dropoutBackward(x, into: y, config: config) } else { try device.dropout(x, into: y, config: config) }
            }, outputs: [("y", y)], atol: 0, rtol: 1e-7)
        default:
            throw ComputeError.shapeMismatch(operation: "replay", detail: "\(call.name) is not an element-wise call")
        }
    }

    static func activation(_ call: OpCall, _ d: inout ReplayData) throws -> PreparedOp {
        let device = d.device
        switch call {
        case let .gelu(n, kind):
            let x = try d.floats(n, "x", -4, 4), y = try d.output(n, "y")            // [n]
            return PreparedOp(call: call, run: { try device.gelu(x, into: y, kind: kind) }, outputs: [("y", y)],
                              atol: 1e-6, rtol: 1e-5)
        case let .geluBackward(n, kind):
            let x = try d.floats(n, "x", -4, 4), dy = try d.floats(n, "dy"), dx = try d.output(n, "dx")   // [n]
            return PreparedOp(call: call, run: { try device.geluBackward(input: x, gradOutput: dy, gradInput: dx, kind: kind) },
                              outputs: [("dx", dx)], atol: 1e-6, rtol: 1e-5)
        case let .biasGELU(r, c, kind):
            // x is updated in place (x += bias), as the FFN keeps the pre-activation for backward.
            let x = try d.floats(r * c, "x", -2, 2), bias = try d.floats(c, "bias", -0.1, 0.1)    // [r, c], [c]
            let y = try d.output(r * c, "y")                                          // [r, c]
            return PreparedOp(call: call, run: { try device.biasGELU(x, bias: bias, into: y, rows: r, columns: c, kind: kind) },
                              outputs: [("x", x), ("y", y)], atol: 1e-6, rtol: 1e-5)
        case let .tanh(n):
            let x = try d.floats(n, "x", -3, 3), y = try d.output(n, "y")            // [n]
            return PreparedOp(call: call, run: { try device.tanh(x, into: y) }, outputs: [("y", y)], atol: 1e-6, rtol: 1e-5)
        case let .tanhBackward(n):
            let y = try d.floats(n, "y"), dy = try d.floats(n, "dy"), dx = try d.output(n, "dx")   // [n]
            return PreparedOp(call: call, run: { try device.tanhBackward(output: y, gradOutput: dy, gradInput: dx) },
                              outputs: [("dx", dx)], atol: 1e-7, rtol: 1e-6)
        case let .sumRows(r, c, accumulate):
            let x = try d.floats(r * c, "x"), out = try d.floats(c, "out")           // [r, c], [c]
            return PreparedOp(call: call, run: { try device.sumRows(x, rows: r, columns: c, into: out, accumulate: accumulate) },
                              outputs: [("out", out)], atol: 1e-5, rtol: 1e-5)
        case let .sumOfSquares(n, accumulate):
            let x = try d.floats(n, "x"), out = try d.output(1, "out", 1)             // [n], [1]
            return PreparedOp(call: call, run: { try device.sumOfSquares(x, into: out, accumulate: accumulate) },
                              outputs: [("out", out)], atol: 0, rtol: 1e-4)
        default:
            throw ComputeError.shapeMismatch(operation: "replay", detail: "\(call.name) is not an activation or reduction call")
        }
    }

    /// A float32 input, or a float16 one holding the same kind of values (converted on the host, exactly as
    /// the devices convert).
    private static func halfOrFloat(_ n: Int, _ dtype: DType, _ d: inout ReplayData) throws -> BufferView {
        switch dtype {
        case .float16:
            let bits = (0..<n).map { _ in HalfFloat.halfBits((8 * d.random.nextUnitFloat() - 4).bitPattern) }
            let view = try d.device.allocate(n, .float16, label: "replay half input")
            try d.device.write(bits, to: view)
            return view
        default:
            return try d.floats(n, "x", -4, 4)
        }
    }
}
