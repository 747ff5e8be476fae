import TestSupport
import XCTest
@testable import Compute

/// The recording wrapper: forwards unchanged, records each call's shapes and (on a profiled OpenCL device)
/// the events it produced; and the kernel-variant options the profiler sweeps.
final class RecordingDeviceTests: XCTestCase {
    func testForwardsAndRecordsCallsAndAllocations() throws {
        let recorder = RecordingDevice(wrapping: CPUDevice())
        recorder.phase = "setup"
        let x = try recorder.upload([1, -2, 3, -4, 5, -6] as [Float], label: "x")   // [2, 3]
        let bias = try recorder.upload([0.5, 1, 1.5] as [Float], label: "bias")   // [3]
        let y = try recorder.allocate(6, label: "y")
        recorder.phase = "work"
        try recorder.addBias(x, bias: bias, into: y, rows: 2, columns: 3)
        try recorder.gemm(GEMMShape(m: 2, n: 2, k: 3, transB: .transposed), a: x, b: x, c: try recorder.allocate(4, label: "c"))
        XCTAssertEqual(try recorder.readFloats(y), [1.5, -1, 4.5, -3.5, 6, -4.5])
        XCTAssertEqual(recorder.records.map(\.call.description), ["addBias [2, 3]", "gemm 2×2×3 Bᵀ"])
        XCTAssertEqual(recorder.records.map(\.phase), ["work", "work"])
        XCTAssertEqual(recorder.allocations.map(\.label), ["x", "bias", "y", "c"])
        XCTAssertEqual(recorder.allocations.map(\.phase), ["setup", "setup", "setup", "work"])
        XCTAssertTrue(recorder.records.allSatisfy { $0.events == nil && !$0.compiled && $0.hostEnd >= $0.hostStart })
        XCTAssertEqual(recorder.memory.current, recorder.inner.memory.current)
        recorder.clear()
        XCTAssertTrue(recorder.records.isEmpty && recorder.allocations.isEmpty)
    }

    func testProfiledOpenCLCallsOwnTheirEvents() throws {
        let device = try TestDevices.freshOpenCL(DeviceOptions(profiling: true))
        let recorder = RecordingDevice(wrapping: device)
        let (rows, columns) = (4, 32)
        let input = try recorder.upload((0..<(rows * columns)).map { Float($0 % 7) }, label: "input")
        let gamma = try recorder.upload([Float](repeating: 1, count: columns), label: "gamma")
        let zeros = try recorder.upload([Float](repeating: 0, count: columns), label: "beta")
        let output = try recorder.allocate(rows * columns, label: "output")
        let mean = try recorder.allocate(rows, label: "mean"), rstd = try recorder.allocate(rows, label: "rstd")
        let shape = LayerNormShape(rows: rows, columns: columns)
        // Build everything once, then record a warm pass.
        for pass in 0..<2 {
            if pass == 1 { _ = try device.timings(clear: true); recorder.clear() }
            try recorder.layerNorm(LayerNormForward(input: input, gamma: gamma, beta: zeros, output: output, mean: mean, rstd: rstd),
                                   shape: shape)
            try recorder.layerNormBackward(LayerNormBackward(gradOutput: output, input: input, mean: mean, rstd: rstd, gamma: gamma,
                                                             gradInput: try recorder.allocate(rows * columns, label: "dx"),
                                                             gradGamma: gamma, gradBeta: zeros), shape: shape)
            try recorder.gemm(GEMMShape(m: rows, n: rows, k: columns, transB: .transposed), a: input, b: input,
                              c: try recorder.allocate(rows * rows, label: "c"))
        }
        let timings = try device.timings()
        let names = recorder.records.map { r in r.events.map { timings[$0].map(\.name) } ?? [] }
        XCTAssertEqual(names, [["layernorm_forward"], ["layernorm_backward_params", "layernorm_backward_input"],
                               [OpenCLDevice.markerName, "CLBlastSgemm"]])
        XCTAssertEqual(recorder.records.map(\.markedStart), [false, false, true])
        XCTAssertEqual(recorder.records.map(\.compiled), [false, false, false], "the second pass builds nothing")
    }

    func testKernelVariantsChangeLaunchShapesNotResults() throws {
        var random = SplitMix64(seed: 11)
        let (rows, columns) = (6, 300)
        let x = (0..<(rows * columns)).map { _ in random.nextUnitFloat() * 4 - 2 }
        func normalized(_ device: any Device) throws -> [Float] {
            let out = try device.allocate(rows * columns, label: "out")
            try device.layerNorm(LayerNormForward(
                input: try device.upload(x, label: "x"), gamma: try device.upload([Float](repeating: 1, count: columns), label: "g"),
                beta: try device.upload([Float](repeating: 0, count: columns), label: "b"), output: out,
                mean: try device.allocate(rows, label: "m"), rstd: try device.allocate(rows, label: "r")),
                shape: LayerNormShape(rows: rows, columns: columns))
            return try device.readFloats(out)
        }
        let reference = try normalized(TestDevices.cpu)
        for size in [16, 64, 512] {
            var options = DeviceOptions()
            options.kernelVariants = KernelVariants(rowWorkGroupSize: size)
            let device = try TestDevices.freshOpenCL(options)
            XCTAssertEqual(device.rowWorkGroupSize, size)
            assertClose(try normalized(device), reference, atol: 1e-5, rtol: 1e-5, "row work-group \(size)")
        }
        var bad = DeviceOptions()
        bad.kernelVariants = KernelVariants(rowWorkGroupSize: 48)
        assertComputeError(["row work-group size 48 must be a power of two"]) { _ = try TestDevices.freshOpenCL(bad) }
    }

    func testFlashVariantsMatchTheDefault() throws {
        let shape = AttentionShape(batch: 2, heads: 2, queryLength: 37, keyLength: 37, headDim: 16)
        let call = OpCall.flashAttention(shape, mask: true, dropout: true, outputRowStride: 40)
        for (group, tile) in [(16, 8), (32, 64), (128, 16)] {
            var options = DeviceOptions()
            options.kernelVariants = KernelVariants(flashWorkGroupSize: group, flashTile: tile)
            let device = try TestDevices.freshOpenCL(options)
            let op = try OpReplay.prepare(call, on: device, seed: 5)
            let result = try OpValidation.compare(op, seed: 5, device: device, reference: TestDevices.cpu)
            XCTAssertTrue(result.passed, "WG \(group) tile \(tile): \(result.summary)")
        }
        var bad = DeviceOptions()
        bad.kernelVariants = KernelVariants(flashTile: 1 << 20)
        let device = try TestDevices.freshOpenCL(bad)
        assertComputeError(["flash tile", "local memory"]) {
            try OpReplay.prepare(call, on: device, seed: 5).run()
        }
    }
}
