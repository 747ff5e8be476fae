import Foundation

/// Checks a replayed call before it is timed: against the same call on a reference device (the CPU twin) with
/// the same inputs, or — for a GEMM where no independent twin exists (the CPU backend is its own reference) —
/// against a double-precision product on a slice of C.
public enum OpValidation {
    /// The outcome for one call: one comparison per output, or why none was made.
    public struct Result: Sendable {
        public let comparisons: [(output: String, comparison: Comparison)]
        /// "CPU twin", "double-precision slice" or "none".
        public let method: String
        /// Why nothing was compared (the CPU backend is the reference for its own kernels).
        public let note: String?

        public var passed: Bool { comparisons.allSatisfy { $0.comparison.passed } }

        /// No comparison, for the reason given (e.g. the op ran on its own reference device).
        public static func skipped(_ note: String) -> Result { Result(comparisons: [], method: "none", note: note) }

        /// One line: the method and the largest errors, or the first failing output.
        public var summary: String {
            if let failing = comparisons.first(where: { !$0.comparison.passed }) {
                return "FAIL \(failing.output): \(failing.comparison)"
            }
            if comparisons.isEmpty { return note ?? "not compared" }
            let worst = comparisons.map(\.comparison.maxAbsoluteError).max() ?? 0
            return "ok (\(method), max abs error \(worst == 0 ? "0" : String(format: "%.1e", worst)))"
        }
    }

    /// Runs `op` (prepared on its device from `seed`) once and compares its outputs with the same call
    /// prepared from `seed` on `reference`.
    public static func compare(_ op: PreparedOp, seed: UInt64, device: any Device, reference: any Device) throws -> Result {
        let twin = try OpReplay.prepare(op.call, on: reference, seed: seed)
        try op.run()
        try twin.run()
        var comparisons: [(String, Comparison)] = []
        for ((name, view), (_, expected)) in zip(op.outputs, twin.outputs) {
            comparisons.append((name, Comparison(try comparable(view, on: device), try comparable(expected, on: reference),
                                                 atol: op.atol, rtol: op.rtol)))
        }
        return Result(comparisons: comparisons, method: "CPU twin", note: nil)
    }

    /// Runs a GEMM `op` once and compares up to `rows` × `columns` of C (of the first and last matrix of a
    /// batch) with a double-precision product of the same A, B and initial C.
    public static func gemmSlice(_ op: PreparedOp, device: any Device, rows: Int = 8, columns: Int = 64) throws -> Result {
        guard let gemm = op.call.kind as? GEMMOp.Call else {
            return Result(comparisons: [], method: "none", note: "not a GEMM")
        }
        let (shape, batch) = (gemm.gemm, gemm.batch)
        guard let av = op.buffers["A"], let bv = op.buffers["B"], let cv = op.buffers["C"] else {
            return Result(comparisons: [], method: "none", note: "operands unavailable")
        }
        let (a, b, c0) = (try device.readFloats(av), try device.readFloats(bv), try device.readFloats(cv))
        try op.run()
        let c = try device.readFloats(cv)
        var values: [Float] = [], expected: [Float] = []
        let count = batch?.count ?? 1
        for index in Set([0, count - 1]).sorted() {
            let offsets = (index * (batch?.a ?? 0), index * (batch?.b ?? 0), index * (batch?.c ?? 0))
            for i in 0..<min(rows, shape.m) {
                for j in 0..<min(columns, shape.n) {
                    expected.append(Reference.gemmEntry(shape, a: a, b: b, c: c0, offsets: offsets, i, j))
                    values.append(c[offsets.2 + i * shape.ldc + j])
                }
            }
        }
        return Result(comparisons: [("C slice", Comparison(values, expected, atol: op.atol, rtol: op.rtol))],
                      method: "double-precision slice", note: nil)
    }

    /// A view's values as floats (float16 widened exactly, int32 converted).
    static func comparable(_ view: BufferView, on device: any Device) throws -> [Float] {
        switch view.dtype {
        case .float32: return try device.readFloats(view)
        case .int32: return try device.readInts(view).map(Float.init)
        case .float16:
            var bits = [UInt16](repeating: 0, count: view.count)
            try bits.withUnsafeMutableBytes { try device.read(view, into: $0) }
            return bits.map { Float(bitPattern: HalfFloat.floatBits($0)) }
        }
    }
}
