import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The dry-run device: the same charges, budget errors and argument errors as the device it mirrors, virtual
/// memory, and GEMM scratch that grows as on OpenCL.
final class DryRunTests: XCTestCase {
    /// What the accountant says after a sequence of allocations.
    private struct Charges: Equatable {
        var current: Int, peak: Int, live: Int, chunks: Int
    }

    /// Allocates an arena (split into chunks where the maximum allocation is small) and a few buffers, one of
    /// them freed again, on a device whose accountant starts at zero.
    private func allocateSomething(on device: any Device) throws -> (Charges, [Any]) {
        var layout = ArenaLayout()
        layout.reserve(1000, label: "weights")
        layout.reserve(333, .float16, label: "half activations")
        layout.reserve(700, .int32, label: "ids")
        layout.reserve(0, label: "empty")
        layout.reserve(900, label: "gradients")
        let arena = try device.makeArena(layout, label: "arena")
        let x = try device.allocate(123, label: "x"), h = try device.allocate(77, .float16, label: "h")
        let empty = try device.allocate(0, label: "nothing")
        do { _ = try device.allocate(1000, label: "temporary") }
        let charges = Charges(current: device.memory.current, peak: device.memory.peak,
                              live: device.memory.liveAllocations, chunks: arena.chunks.count)
        return (charges, [arena, x, h, empty])
    }

    func testAllocationsChargeAsOnTheRealDevice() throws {
        let targets: [any Device] = [CPUDevice(), CPUDevice(options: DeviceOptions(maxAllocation: 4096)),
                                     try TestDevices.freshOpenCL()]
        for target in targets {
            let dry = DryRunDevice(mirroring: target)
            let (real, keepReal) = try allocateSomething(on: target)
            let (virtual, keepVirtual) = try allocateSomething(on: dry)
            XCTAssertEqual(virtual, real, "dry run of \(target.info)")
            XCTAssertGreaterThan(real.peak, real.current)
            XCTAssertEqual(dry.info.name, "dry run of " + target.info.name)
            XCTAssertEqual(dry.info.maxAllocation, target.info.maxAllocation)
            XCTAssertEqual(dry.memory.capacity, target.info.globalMemory)
            _ = (keepReal, keepVirtual)
            XCTAssertEqual(dry.executedOps, 0)
        }
        // Everything given back.
        let dry = DryRunDevice(mirroring: TestDevices.cpu)
        do { _ = try allocateSomething(on: dry) }
        XCTAssertEqual(dry.memory.current, 0)
        XCTAssertEqual(dry.memory.liveAllocations, 0)
    }

    func testBudgetAndSizeErrorsAreTheSame() throws {
        let budget = 1 << 20
        let targets: [any Device] = [CPUDevice(options: DeviceOptions(memoryBudget: budget)),
                                     try TestDevices.freshOpenCL(DeviceOptions(memoryBudget: budget))]
        func error(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch { return "\(error)" }
        }
        for target in targets {
            for dry in [DryRunDevice(mirroring: target), DryRunDevice(mirroring: CPUDevice(), budget: budget)] {
                XCTAssertEqual(dry.memory.budget, budget)
                var kept: [BufferView] = []
                for device in [target, dry as any Device] {
                    kept.append(try device.allocate(200_000, label: "weights"))   // 800,000 bytes
                }
                let real = error { try target.allocate(100_000, label: "activations") }
                XCTAssertNotNil(real)
                XCTAssertEqual(error { try dry.allocate(100_000, label: "activations") }, real, "dry run of \(target.info)")
                XCTAssertEqual(dry.memory.current, 800_000, "a refused allocation must not be charged")
                kept.removeAll()
            }
            let tooLarge = target.info.maxAllocation / 4 + 1
            let dry = DryRunDevice(mirroring: target)
            let real = error { try target.allocate(tooLarge, label: "huge") }
            XCTAssertNotNil(real)
            XCTAssertEqual(error { try dry.allocate(tooLarge, label: "huge") }, real)
        }
    }

    // MARK: - Ops

    /// Sizes of the small schedule below; `wrong` breaks one of its arguments.
    private enum Fault: CaseIterable {
        case none, layerNormRows, gemmLeadingDimension, gemmBatchStride, softmaxMask, splitHeadsStride, convertCount,
             sumOfSquaresOut, dropoutProbability, embeddingSequence, adamwSlice, crossEntropyLabels
    }

    /// Runs a small encoder-like schedule on `device` with one `fault`; returns the error's text, if any.
    private func runSchedule(on device: any Device, fault: Fault) throws -> String? {
        let rows = 8, hidden = 16, heads = 2, sequence = 4, batch = 2
        var data = TestData(seed: 60)
        let x = try device.upload(data.uniform(rows * hidden), label: "x")
        let w = try device.upload(data.uniform(hidden * 3 * hidden), label: "w qkv")
        let qkv = try device.allocate(rows * 3 * hidden, label: "qkv")
        let gamma = try device.upload([Float](repeating: 1, count: hidden), label: "gamma")
        let beta = try device.allocate(hidden, label: "beta")
        let normed = try device.allocate(rows * hidden, label: "normed")
        let mean = try device.allocate(rows, label: "mean"), rstd = try device.allocate(rows, label: "rstd")
        let q = try device.allocate(rows * hidden, label: "q"), k = try device.allocate(rows * hidden, label: "k")
        let scores = try device.allocate(batch * heads * sequence * sequence, label: "scores")
        let mask = try device.upload([Int32](repeating: 1, count: batch * (fault == .softmaxMask ? sequence + 1 : sequence)),
                                     label: "mask")
        let half = try device.allocate(rows * hidden - (fault == .convertCount ? 1 : 0), .float16, label: "half")
        let norm = try device.allocate(fault == .sumOfSquaresOut ? 2 : 1, label: "norm")
        let ids = try device.upload((0..<Int32(rows)).map { $0 % 5 }, label: "ids")
        let types = try device.upload([Int32](repeating: 0, count: rows), label: "types")
        let table = try device.upload(data.uniform(5 * hidden), label: "table")
        let labels = try device.upload([Int32](repeating: 1, count: fault == .crossEntropyLabels ? rows - 1 : rows),
                                       label: "labels")
        let losses = try device.allocate(rows, label: "losses"), m = try device.allocate(w.count, label: "m")
        let v = try device.allocate(fault == .adamwSlice ? w.count - 1 : w.count, label: "v")
        let lnRows = fault == .layerNormRows ? rows + 1 : rows
        do {
            try device.layerNorm(LayerNormForward(input: x, gamma: gamma, beta: beta, output: normed, mean: mean, rstd: rstd),
                                 shape: LayerNormShape(rows: lnRows, columns: hidden))
            try device.gemm(GEMMShape(m: rows, n: 3 * hidden, k: hidden, ldb: fault == .gemmLeadingDimension ? hidden : nil),
                            a: normed, b: w, c: qkv)
            let layout = HeadLayout(batch: batch, sequence: sequence, heads: heads, headDim: hidden / heads,
                                    rowStride: fault == .splitHeadsStride ? hidden - 1 : 3 * hidden)
            try device.splitHeads(qkv, into: q, layout: layout)
            try device.splitHeads(try qkv.slice(hidden, count: qkv.count - hidden), into: k, layout: layout)
            let d = hidden / heads
            try device.gemmStridedBatched(GEMMShape(m: sequence, n: sequence, k: d, transB: .transposed),
                                          batch: BatchStrides(count: batch * heads, a: sequence * d,
                                                              b: fault == .gemmBatchStride ? sequence * d + 1 : sequence * d,
                                                              c: sequence * sequence),
                                          a: q, b: k, c: scores)
            let shape = AttentionShape(batch: batch, heads: heads, queryLength: sequence, keyLength: sequence, headDim: d)
            try device.attentionSoftmax(AttentionSoftmaxForward(scores: scores, keyMask: mask, probabilities: scores,
                                                                scale: 0.5), shape: shape)
            try device.dropout(normed, into: normed, config: DropoutConfig(
                probability: fault == .dropoutProbability ? 1 : 0.1, seed: 1, stream: 2))
            try device.convert(normed, into: half)
            try device.embedding(EmbeddingForward(ids: ids, types: types, word: table, position: table, type: table,
                                                  output: x),
                                 shape: EmbeddingShape(tokens: rows, sequence: fault == .embeddingSequence ? 3 : sequence,
                                                       hidden: hidden))
            try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: normed, labels: labels, losses: losses,
                                                               gradLogits: normed), rows: rows, classes: hidden, scale: 1)
            try device.sumOfSquares(w, into: norm, accumulate: false)
            try device.adamw(OptimizerSlice(parameters: w, gradients: w, m: m, v: v), normSquared: norm,
                             config: AdamWConfig(learningRate: 1e-3))
            return nil
        } catch let error as ComputeError {
            return error.description
        }
    }

    func testWrongSchedulesThrowTheSameErrors() throws {
        for target in try TestDevices.both() {
            for fault in Fault.allCases {
                let dry = DryRunDevice(mirroring: target)
                let real = try runSchedule(on: target, fault: fault)
                XCTAssertEqual(real == nil, fault == .none, "\(fault) on \(target.info): \(real ?? "no error")")
                XCTAssertEqual(try runSchedule(on: dry, fault: fault), real, "\(fault) on a dry run of \(target.info)")
                if fault == .none {
                    XCTAssertEqual(dry.executedOps, 12)
                    XCTAssertEqual(dry.executedGEMMs, [GEMMShape(m: 8, n: 48, k: 16),
                                                       GEMMShape(m: 4, n: 4, k: 8, transB: .transposed)])
                }
            }
        }
    }

    func testTransfersAndForeignBuffers() throws {
        let dry = DryRunDevice(mirroring: TestDevices.cpu)
        let x = try dry.upload([1, 2, 3] as [Float], label: "x")
        XCTAssertEqual(try dry.readFloats(x), [0, 0, 0], "a dry run reads zeros")
        assertComputeError(["write", "2 host values", "'x'"]) { try dry.write([Float](repeating: 1, count: 2), to: x) }
        let real = try TestDevices.cpu.upload([1, 2, 3] as [Float], label: "real")
        assertComputeError(["add", "another device"]) { try dry.add(x, real, into: x) }
        assertComputeError(["read", "another device"]) { _ = try dry.readFloats(real) }
        assertComputeError(["another device"]) { try TestDevices.cpu.add(real, x, into: real) }
        assertComputeError(["another device"]) {
            let openCL = try TestDevices.openCL()
            try openCL.copy(try openCL.allocate(3, label: "y"), to: x)
        }
        let other = DryRunDevice(mirroring: TestDevices.cpu)
        assertComputeError(["fill", "another device"]) { try other.fill(x, value: 1) }
        XCTAssertEqual(dry.executedOps, 0, "refused ops are not counted")
    }

    func testAFourGiBArenaTakesNoMemory() throws {
        let dry = DryRunDevice(mirroring: TestDevices.cpu)
        var layout = ArenaLayout()
        for i in 0..<4 { layout.reserve(1 << 28, label: "tensor \(i)") }   // 4 × 1 GiB
        layout.reserve(1000, label: "tail")
        let residentBefore = Self.residentBytes()
        let start = Date()
        let arena = try dry.makeArena(layout, label: "huge")
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
        XCTAssertGreaterThanOrEqual(arena.bytes, 4 << 30)
        XCTAssertEqual(dry.memory.current, arena.bytes)
        try dry.fill(arena.chunkViews[0], value: 1)
        if let before = residentBefore, let after = Self.residentBytes() {
            XCTAssertLessThan(after - before, 64 << 20, "the dry run took real memory")
        }
        assertComputeError(["budget exceeded", "'huge (chunk 1/2)'"]) {
            _ = try DryRunDevice(mirroring: TestDevices.cpu, budget: 1 << 30).makeArena(layout, label: "huge")
        }
    }

    /// Resident set size of this process (Linux), nil elsewhere.
    private static func residentBytes() -> Int? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }

    // MARK: - Scratch

    /// Lazy GEMM and reduction scratch, then a reservation: the accountant's current after each step.
    private func scratchSteps(on device: any Device, shape: GEMMShape) throws -> [Int] {
        var data = TestData(seed: 61)
        let a = try device.uploadAtOffset(data.uniform(shape.m * shape.k), label: "A")
        let b = try device.uploadAtOffset(data.uniform(shape.n * shape.k), label: "B")
        let c = try device.allocate(shape.m * shape.n, label: "C")
        let norm = try device.allocate(1, label: "norm")
        var steps = [device.memory.current]
        try device.gemm(shape, a: a, b: b, c: c)
        steps.append(device.memory.current)
        try device.gemmStridedBatched(shape, batch: BatchStrides(count: 1, a: 0, b: 0, c: 0), a: a, b: b, c: c)
        steps.append(device.memory.current)
        try device.sumOfSquares(a, into: norm, accumulate: false)
        steps.append(device.memory.current)
        try device.reserveWorkspace(gemmBytes: try device.gemmWorkspaceBytes(shape) + 10)
        steps.append(device.memory.current)
        steps.append(device.memory.peak)
        return steps
    }

    func testScratchGrowsAsOnTheMirroredDevice() throws {
        let openCL = try TestDevices.freshOpenCL()
        let shape = try GEMMShape.needingWorkspace(on: openCL)
        let dryOfOpenCL = DryRunDevice(mirroring: openCL)
        XCTAssertEqual(dryOfOpenCL.kernelScratchBytes, openCL.kernelScratchBytes)
        XCTAssertEqual(try dryOfOpenCL.gemmWorkspaceBytes(shape), try openCL.gemmWorkspaceBytes(shape))
        let dryResult = try scratchSteps(on: dryOfOpenCL, shape: shape)
        let realResult = try scratchSteps(on: openCL, shape: shape)
        XCTAssertEqual(dryResult, realResult)
        XCTAssertGreaterThan(realResult[1], realResult[0], "the GEMM grew its workspace")
        XCTAssertEqual(realResult[3], realResult[2] + openCL.kernelScratchBytes, "the sum of squares allocated its scratch")
        XCTAssertEqual(dryOfOpenCL.executedGEMMs, [shape, shape])

        // A dry run of a dry run mirrors the same device.
        XCTAssertEqual(try scratchSteps(on: DryRunDevice(mirroring: dryOfOpenCL), shape: shape), realResult)

        let cpu = CPUDevice()
        let dryOfCPU = DryRunDevice(mirroring: cpu)
        let cpuResult = try scratchSteps(on: cpu, shape: shape)
        XCTAssertEqual(try scratchSteps(on: dryOfCPU, shape: shape), cpuResult)
        XCTAssertEqual(Set(cpuResult.dropLast()).count, 1, "the CPU backend allocates no scratch")
    }
}
