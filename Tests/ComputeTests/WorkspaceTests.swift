import TestSupport
import XCTest
@testable import Compute

extension GEMMShape {
    /// The smallest square GEMM (m = n = k, B transposed as in attention's Q·Kᵀ) for which `device`'s BLAS needs a
    /// temporary buffer — on OpenCL, one CLBlast runs on its indirect path (≈ 900³ on PoCL). Skips if none ≤ 1536.
    static func needingWorkspace(on device: any Device) throws -> GEMMShape {
        for size in [64, 128, 256, 384, 512, 640, 768, 832, 864, 896, 960, 1024, 1280, 1536] {
            let shape = GEMMShape(m: size, n: size, k: size, transB: .transposed)
            if try device.gemmWorkspaceBytes(shape) > 0 { return shape }
        }
        throw XCTSkip("\(device.info) takes the direct GEMM path up to 1536³")
    }
}

/// GEMM scratch known ahead (`gemmWorkspaceBytes`) and reserved up front (`reserveWorkspace`), and strided-batched
/// GEMMs on CLBlast's indirect path using the accounted workspace.
final class WorkspaceTests: XCTestCase {
    private struct Operands {
        var a: [Float], b: [Float], c: [Float]
    }

    private func operands(_ s: GEMMShape, batch: BatchStrides?, seed: UInt64) -> Operands {
        var data = TestData(seed: seed)
        let count = batch?.count ?? 1
        return Operands(a: data.uniform((count - 1) * (batch?.a ?? 0) + s.aStored.rows * s.lda),
                        b: data.uniform((count - 1) * (batch?.b ?? 0) + s.bStored.rows * s.ldb),
                        c: data.uniform((count - 1) * (batch?.c ?? 0) + s.m * s.ldc))
    }

    /// Uploads the operands at non-zero offsets: (A, B, C).
    private func upload(_ o: Operands, to device: any Device) throws -> (BufferView, BufferView, BufferView) {
        (try device.uploadAtOffset(o.a, label: "A", padding: 3), try device.uploadAtOffset(o.b, label: "B", padding: 11),
         try device.uploadAtOffset(o.c, label: "C", padding: 7))
    }

    private func cpuResult(_ s: GEMMShape, batch: BatchStrides?, _ o: Operands) throws -> [Float] {
        let cpu = TestDevices.cpu
        let (a, b, c) = try upload(o, to: cpu)
        if let batch { try cpu.gemmStridedBatched(s, batch: batch, a: a, b: b, c: c) } else { try cpu.gemm(s, a: a, b: b, c: c) }
        return try cpu.readFloats(c)
    }

    func testWorkspaceBytesAreKnownAhead() throws {
        XCTAssertEqual(try TestDevices.cpu.gemmWorkspaceBytes(GEMMShape(m: 4096, n: 4096, k: 4096)), 0)
        XCTAssertEqual(TestDevices.cpu.kernelScratchBytes, 0)
        let openCL = try TestDevices.openCL()
        XCTAssertEqual(openCL.kernelScratchBytes, OpenCLDevice.sumSquaresGroups * 4)
        XCTAssertEqual(try openCL.gemmWorkspaceBytes(GEMMShape(m: 32, n: 32, k: 16)), 0, "small GEMMs take the direct path")
        let shape = try GEMMShape.needingWorkspace(on: openCL)
        let bytes = try openCL.gemmWorkspaceBytes(shape)
        XCTAssertEqual(bytes % 4, 0)
        for offsets in [(0, 0, 0), (3, 11, 7), (1, 0, 0), (0, 0, 5)] {
            XCTAssertLessThanOrEqual(try openCL.gemmTemporaryBytes(shape, offsets: offsets), bytes,
                                     "the bound covers offsets \(offsets)")
        }
        for device in try TestDevices.both() {
            assertComputeError(["gemm", "negative dimension"]) { _ = try device.gemmWorkspaceBytes(GEMMShape(m: -1, n: 2, k: 2)) }
            assertComputeError(["reserveWorkspace", "≥ 0", "-4"]) { try device.reserveWorkspace(gemmBytes: -4) }
        }
    }

    func testReserveChargesExactlyAndLaterOpsAllocateNothing() throws {
        let device = try TestDevices.freshOpenCL()
        let shape = try GEMMShape.needingWorkspace(on: device)
        let o = operands(shape, batch: nil, seed: 40)
        let (a, b, c) = try upload(o, to: device)
        var data = TestData(seed: 41)
        let x = try device.uploadAtOffset(data.uniform(10_000), label: "x")
        let norm = try device.allocate(1, label: "norm")
        let live = device.memory.current
        let gemmBytes = try device.gemmWorkspaceBytes(shape)

        try device.reserveWorkspace(gemmBytes: gemmBytes)
        XCTAssertEqual(device.memory.current, live + gemmBytes + device.kernelScratchBytes)
        device.memory.resetPeak()
        try device.gemm(shape, a: a, b: b, c: c)
        try device.sumOfSquares(x, into: norm, accumulate: false)
        assertClose(try device.readFloats(c), try cpuResult(shape, batch: nil, o), atol: 1e-3, rtol: 1e-4, "gemm \(shape)")
        XCTAssertEqual(device.memory.current, live + gemmBytes + device.kernelScratchBytes, "an op allocated")
        XCTAssertEqual(device.memory.peak, device.memory.current, "an op allocated (and freed) scratch")

        try device.reserveWorkspace(gemmBytes: 8)   // smaller: keeps what it holds
        XCTAssertEqual(device.memory.current, live + gemmBytes + device.kernelScratchBytes)
        try device.reserveWorkspace(gemmBytes: gemmBytes + 6)   // larger (and not whole floats): replaced, charged exactly
        XCTAssertEqual(device.memory.current, live + gemmBytes + 6 + device.kernelScratchBytes)
        try device.gemm(shape, a: a, b: b, c: c)
        XCTAssertEqual(device.memory.current, live + gemmBytes + 6 + device.kernelScratchBytes)

        let cpu = CPUDevice()
        try cpu.reserveWorkspace(gemmBytes: 1 << 20)
        XCTAssertEqual(cpu.memory.current, 0, "the CPU backend reserves nothing")
    }

    func testLazyGrowthEndsWhereTheReservationWouldStart() throws {
        let device = try TestDevices.freshOpenCL()
        let shape = try GEMMShape.needingWorkspace(on: device)
        let (a, b, c) = try upload(operands(shape, batch: nil, seed: 42), to: device)
        let x = try device.upload([1, 2, 3] as [Float], label: "x"), norm = try device.allocate(1, label: "norm")
        let live = device.memory.current
        try device.gemm(shape, a: a, b: b, c: c)
        XCTAssertEqual(device.memory.current, live + (try device.gemmWorkspaceBytes(shape)),
                       "a GEMM grows the temporary buffer to its shape's offset-independent bound")
        try device.sumOfSquares(x, into: norm, accumulate: false)
        XCTAssertEqual(device.memory.current, live + (try device.gemmWorkspaceBytes(shape)) + device.kernelScratchBytes)
        XCTAssertEqual(try device.readFloats(norm), [14])
    }

    func testStridedBatchedIndirectPathRunsOnTheAccountedWorkspace() throws {
        let device = try TestDevices.freshOpenCL(DeviceOptions(profiling: true))
        let shape = try GEMMShape.needingWorkspace(on: device)
        let s = shape.m
        // Two heads of Q·Kᵀ with padding between the matrices.
        let batch = BatchStrides(count: 2, a: s * s + 5, b: s * s + 3, c: s * s + 1)
        let o = operands(shape, batch: batch, seed: 43)
        let (a, b, c) = try upload(o, to: device)
        let live = device.memory.current
        let perMatrix = try device.gemmWorkspaceBytes(shape)
        device.memory.resetPeak()
        _ = try device.timings()
        try device.gemmStridedBatched(shape, batch: batch, a: a, b: b, c: c)
        assertClose(try device.readFloats(c), try cpuResult(shape, batch: batch, o), atol: 1e-3, rtol: 1e-4,
                    "strided batched \(shape) ×2")
        XCTAssertEqual(device.memory.current, live + perMatrix, "the loop uses one per-matrix workspace")
        XCTAssertEqual(device.memory.peak, live + perMatrix)
        let names = try device.timings().map(\.name)
        XCTAssertEqual(names.filter { $0.hasPrefix("CLBlastSgemm (batch") }.count, 2, "\(names)")
        XCTAssertFalse(names.contains("CLBlastSgemmStridedBatched"), "\(names)")

        // A small batch stays one CLBlast call on the direct path and allocates nothing.
        let small = GEMMShape(m: 32, n: 32, k: 16, transB: .transposed)
        let smallBatch = BatchStrides(count: 4, a: 32 * 16, b: 32 * 16, c: 32 * 32)
        let so = operands(small, batch: smallBatch, seed: 44)
        let (sa, sb, sc) = try upload(so, to: device)
        let before = device.memory.current
        try device.gemmStridedBatched(small, batch: smallBatch, a: sa, b: sb, c: sc)
        assertClose(try device.readFloats(sc), try cpuResult(small, batch: smallBatch, so), atol: 1e-5, rtol: 1e-5)
        XCTAssertEqual(try device.timings().map(\.name), ["CLBlastSgemmStridedBatched"])
        XCTAssertEqual(device.memory.current, before)
    }
}
