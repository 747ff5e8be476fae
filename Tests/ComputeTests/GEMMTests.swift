import TestSupport
import XCTest
@testable import Compute

/// GEMM through OpenBLAS (CPU) and CLBlast (OpenCL): every transpose combination, padded leading dimensions,
/// offsets, and the strided-batched form attention uses.
final class GEMMTests: XCTestCase {
    private let transposes: [(Transpose, Transpose)] = [(.none, .none), (.transposed, .none), (.none, .transposed),
                                                         (.transposed, .transposed)]

    /// Runs one GEMM on `device` with operands placed at offsets and returns C.
    private func run(_ device: any Device, _ s: GEMMShape, batch: BatchStrides?, _ a: [Float], _ b: [Float],
                     _ c: [Float]) throws -> [Float] {
        let av = try device.uploadAtOffset(a, label: "A", padding: 3)
        let bv = try device.uploadAtOffset(b, label: "B", padding: 11)
        let cv = try device.uploadAtOffset(c, label: "C", padding: 7)
        if let batch {
            try device.gemmStridedBatched(s, batch: batch, a: av, b: bv, c: cv)
        } else {
            try device.gemm(s, a: av, b: bv, c: cv)
        }
        return try device.readFloats(cv)
    }

    private func operands(_ s: GEMMShape, batch: BatchStrides?, seed: UInt64) -> ([Float], [Float], [Float]) {
        var data = TestData(seed: seed)
        let count = batch?.count ?? 1
        return (data.uniform((count - 1) * (batch?.a ?? 0) + s.aStored.rows * s.lda),
                data.uniform((count - 1) * (batch?.b ?? 0) + s.bStored.rows * s.ldb),
                data.uniform((count - 1) * (batch?.c ?? 0) + s.m * s.ldc))
    }

    func testCPUMatchesReferenceWithPaddedLeadingDimensions() throws {
        for (ta, tb) in transposes {
            var s = GEMMShape(m: 19, n: 23, k: 29, transA: ta, transB: tb, alpha: 1.5, beta: -0.5)
            s.lda += 3
            s.ldb += 2
            s.ldc += 5
            let (a, b, c) = operands(s, batch: nil, seed: 30)
            assertClose(try run(TestDevices.cpu, s, batch: nil, a, b, c), Reference.gemm(s, batch: nil, a: a, b: b, c: c),
                        atol: 1e-5, rtol: 1e-5, "cpu gemm \(s)")
        }
    }

    func testOpenCLMatchesCPUForEveryTranspose() throws {
        let openCL = try TestDevices.openCL()
        for (ta, tb) in transposes {
            // A projection-like shape: [B·S, H] × [H, H'] with odd sizes to exercise CLBlast's padding path.
            let s = GEMMShape(m: 96, n: 72, k: 130, transA: ta, transB: tb, alpha: 1, beta: 0.25)
            let (a, b, c) = operands(s, batch: nil, seed: 31)
            let cpu = try run(TestDevices.cpu, s, batch: nil, a, b, c)
            assertClose(try run(openCL, s, batch: nil, a, b, c), cpu, atol: 1e-5, rtol: 1e-5, "opencl gemm \(s)")
        }
    }

    func testStridedBatchedAttentionShapes() throws {
        // Attention for B=2, heads=4, S=32, d=16: scores = Q·Kᵀ [S, S] per head, then context = P·V [S, d].
        let heads = 2 * 4, s = 32, d = 16
        let scores = GEMMShape(m: s, n: s, k: d, transB: .transposed, alpha: 0.25)
        let scoreStrides = BatchStrides(count: heads, a: s * d, b: s * d, c: s * s)
        let context = GEMMShape(m: s, n: d, k: s)
        let contextStrides = BatchStrides(count: heads, a: s * s, b: s * d, c: s * d)
        for (shape, strides, seed) in [(scores, scoreStrides, UInt64(32)), (context, contextStrides, 33)] {
            let (a, b, c) = operands(shape, batch: strides, seed: seed)
            let reference = Reference.gemm(shape, batch: strides, a: a, b: b, c: c)
            let cpu = try run(TestDevices.cpu, shape, batch: strides, a, b, c)
            assertClose(cpu, reference, atol: 1e-5, rtol: 1e-5, "cpu batched \(shape)")
            assertClose(try run(try TestDevices.openCL(), shape, batch: strides, a, b, c), cpu, atol: 1e-5, rtol: 1e-5,
                        "opencl batched \(shape)")
        }
    }

    func testOperandTooSmallIsAnErrorNotACrash() throws {
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let s = GEMMShape(m: 8, n: 8, k: 8)
            let a = try device.allocate(64, label: "A"), b = try device.allocate(63, label: "small B")
            let c = try device.allocate(64, label: "C")
            assertComputeError(["gemm 8×8×8", "small B", "needs 64 elements", "has 63"]) {
                try device.gemm(s, a: a, b: b, c: c)
            }
            assertComputeError(["leading dimension of A"]) {
                try device.gemm(GEMMShape(m: 8, n: 8, k: 8, lda: 4), a: a, b: a, c: c)
            }
            assertComputeError(["C", "needs 128"]) {
                try device.gemmStridedBatched(s, batch: BatchStrides(count: 2, a: 0, b: 0, c: 64), a: a, b: a, c: c)
            }
        }
    }
}
