/// Rebuilds a recorded `OpCall` on any device: fresh buffers of the call's shapes, filled from a seed, and a
/// closure that runs the call on them. The same seed gives the same inputs on every device, so a call
/// prepared on an OpenCL device and on the CPU backend can be run once each and their outputs compared (the
/// CPU twin is the reference), and then timed on the device alone. Each op's `Call` knows how to rebuild itself.
///
/// ```swift
/// let call = OpCall.layerNorm(rows: 1024, columns: 768, residual: true, dropout: true, storesSum: true)
/// let op = try OpReplay.prepare(call, on: device, seed: 1)
/// try op.run()
/// ```
public enum OpReplay {
    /// Buffers for `call` on `device` from `seed`, and the closure that runs it.
    public static func prepare(_ call: OpCall, on device: any Device, seed: UInt64) throws -> PreparedOp {
        var data = ReplayData(device: device, seed: seed)
        return try call.kind.replay(&data)
    }
}

/// A call ready to run on one device.
public struct PreparedOp {
    public let call: OpCall
    /// Runs the call once on the prepared buffers.
    public let run: () throws -> Void
    /// The buffers the call writes, compared between devices after one run from the initial inputs.
    public let outputs: [(name: String, view: BufferView)]
    /// `|x − ref| ≤ atol + rtol·|ref|` for the comparison with the CPU twin.
    public let atol: Double
    public let rtol: Double
    /// Every input and output by name (a GEMM's A, B, C), for checks that need the inputs.
    public let buffers: [String: BufferView]

    init(call: OpCall, run: @escaping () throws -> Void, outputs: [(name: String, view: BufferView)], atol: Double,
         rtol: Double, buffers: [String: BufferView] = [:]) {
        self.call = call
        self.run = run
        self.outputs = outputs
        self.atol = atol
        self.rtol = rtol
        self.buffers = buffers
    }
}

/// Deterministic inputs for a replay: uniform floats, ids, masks, written to new buffers of `device`.
public struct ReplayData {
    let device: any Device
    var random: SplitMix64
    /// Dropout settings of replayed calls that drop (the stream varies nothing but the mask).
    let dropout = DropoutConfig(probability: 0.1, seed: 42, stream: 7)

    init(device: any Device, seed: UInt64) {
        self.device = device
        random = SplitMix64(seed: seed)
    }

    /// `op` ready to run on this data's device as `call`, comparing `outputs` with tolerances `atol`, `rtol`.
    func prepared<Op: DeviceOp>(_ call: any OpCallKind, _ op: Op, outputs: [(name: String, view: BufferView)],
                                atol: Double, rtol: Double, buffers: [String: BufferView] = [:]) -> PreparedOp {
        let device = self.device
        return PreparedOp(call: OpCall(call), run: { try device.execute(op, role: "replay") }, outputs: outputs,
                          atol: atol, rtol: rtol, buffers: buffers)
    }

    /// A float32 buffer of `count` values uniform in [low, high).
    mutating func floats(_ count: Int, _ label: String, _ low: Float = -1, _ high: Float = 1) throws -> BufferView {
        let values = (0..<count).map { _ in low + (high - low) * random.nextUnitFloat() }
        return try device.upload(values, label: "replay \(label)")
    }

    /// An int32 buffer of `count` values uniform in 0..<bound.
    mutating func ints(_ count: Int, below bound: Int, _ label: String) throws -> BufferView {
        let values = (0..<count).map { _ in Int32(random.next() % UInt64(max(bound, 1))) }
        return try device.upload(values, label: "replay \(label)")
    }

    /// A key mask [batch, keys]: every other sequence has its last quarter padded (0), the rest 1.
    func mask(batch: Int, keys: Int) throws -> BufferView {
        let values = (0..<(batch * keys)).map { i -> Int32 in
            let (b, j) = (i / keys, i % keys)
            return b % 2 == 1 && j >= keys - keys / 4 ? 0 : 1
        }
        return try device.upload(values, label: "replay key mask")
    }

    /// An uninitialised-looking float32 output, filled with a constant so both devices start equal.
    func output(_ count: Int, _ label: String, _ value: Float = 0) throws -> BufferView {
        let view = try device.allocate(count, label: "replay \(label)")
        try device.fill(view, value: value)
        return view
    }
}
