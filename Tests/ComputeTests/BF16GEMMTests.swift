import TestSupport
import XCTest
@testable import Compute

/// The CPU backend's bf16 GEMMs (`--precision bf16`): exact products of the bf16-rounded inputs in fp32
/// accumulation, in every transpose, batch and alpha/beta form; their operand scratch counted by a dry run as it
/// is allocated; and bf16 refused where it cannot run.
final class BF16GEMMTests: XCTestCase {
    private func device(_ precision: PrecisionPolicy) -> CPUDevice {
        var options = DeviceOptions()
        options.precision = precision
        return CPUDevice(options: options)
    }

    /// x rounded to the nearest bfloat16 (ties to even).
    private func bf16(_ x: Float) -> Double {
        let bits = x.bitPattern
        return Double(Float(bitPattern: ((bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16) << 16))
    }

    func testProductsAreThoseOfTheRoundedInputsInEveryForm() throws {
        try XCTSkipUnless(CPUDevice.bf16GEMMAvailable, "no bf16 GEMMs here (built without oneDNN, or oneDNN has no bf16 matmul for this processor)")
        let cpu = device(.bf16)
        var data = TestData(seed: 16)
        for (ta, tb) in [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)] {
            for batch in [nil, BatchStrides(count: 3, a: 37 * 71 + 5, b: 71 * 53 + 2, c: 37 * 53 + 1)] {
                let s = GEMMShape(m: 37, n: 53, k: 71, transA: ta, transB: tb, alpha: 0.75, beta: 0.5)
                let count = batch?.count ?? 1
                let (aCount, bCount, cCount) = ((count - 1) * (batch?.a ?? 0) + 37 * 71, (count - 1) * (batch?.b ?? 0) + 71 * 53,
                                                (count - 1) * (batch?.c ?? 0) + 37 * 53)
                let a = data.uniform(aCount), b = data.uniform(bCount), c0 = data.uniform(cCount)
                let av = try cpu.upload(a, label: "A"), bv = try cpu.upload(b, label: "B"), cv = try cpu.upload(c0, label: "C")
                try cpu.execute(GEMMOp(shape: s, batch: batch, a: av, b: bv, c: cv), role: .unnamed)
                let c = try cpu.readFloats(cv)
                var worst = 0.0
                for matrix in 0..<count {
                    let (ao, bo, co) = (matrix * (batch?.a ?? 0), matrix * (batch?.b ?? 0), matrix * (batch?.c ?? 0))
                    for i in 0..<37 {
                        for j in 0..<53 {
                            var sum = 0.0
                            for p in 0..<71 {
                                let x = a[ao + (ta == .none ? i * 71 + p : p * 37 + i)]
                                let y = b[bo + (tb == .none ? p * 53 + j : j * 71 + p)]
                                sum += bf16(x) * bf16(y)
                            }
                            let reference = 0.75 * sum + 0.5 * Double(c0[co + i * 53 + j])
                            worst = max(worst, abs(Double(c[co + i * 53 + j]) - reference))
                        }
                    }
                }
                XCTAssertLessThan(worst, 2e-5, "\(s) batch \(String(describing: batch))")
            }
        }
    }

    func testADryRunChargesTheOperandScratchAsTheDeviceAllocatesIt() throws {
        try XCTSkipUnless(CPUDevice.bf16GEMMAvailable, "no bf16 GEMMs here (built without oneDNN, or oneDNN has no bf16 matmul for this processor)")
        let cpu = device(.bf16), dry = DryRunDevice(mirroring: cpu)
        let shapes = [(GEMMShape(m: 64, n: 96, k: 48, transB: .transposed), nil as BatchStrides?),
                      (GEMMShape(m: 16, n: 16, k: 8), BatchStrides(count: 12, a: 128, b: 128, c: 256)),
                      (GEMMShape(m: 128, n: 32, k: 64, transA: .transposed), nil)]
        for d in [cpu as any Device, dry] {
            for (s, batch) in shapes {
                let count = batch?.count ?? 1
                let extent = { (rows: Int, columns: Int, stride: Int) in (count - 1) * stride + rows * columns }
                let a = try d.allocate(extent(s.aStored.rows, s.aStored.columns, batch?.a ?? 0), label: "A")
                let b = try d.allocate(extent(s.bStored.rows, s.bStored.columns, batch?.b ?? 0), label: "B")
                let c = try d.allocate(extent(s.m, s.n, batch?.c ?? 0), label: "C")
                if d is CPUDevice { for v in [a, b, c] { try d.fill(v, value: 0.5) } }
                try d.execute(GEMMOp(shape: s, batch: batch, a: a, b: b, c: c), role: .unnamed)
            }
        }
        XCTAssertEqual(dry.memory.peak, cpu.memory.peak)
        XCTAssertGreaterThan(cpu.bf16Operands.bytes, 0)
        XCTAssertEqual(cpu.bf16Operands.bytes, CPUDevice.bf16OperandBytes(shapes[2].0, batch: nil))
    }

    func testAutoAndExplicitPrecisionResolveByTheProcessorsFeatures() {
        XCTAssertEqual(CPUDevice.resolve(.auto, features: ["AVX-512F"]), .fp32)
        XCTAssertEqual(CPUDevice.resolve(.auto, features: ["AVX512-BF16"]), CPUDevice.oneDNNAvailable ? .bf16 : .fp32)
        XCTAssertEqual(CPUDevice.resolve(.auto, features: ["AMX-BF16"]), CPUDevice.oneDNNAvailable ? .bf16 : .fp32)
        XCTAssertEqual(CPUDevice.resolve(.fp32, features: ["AMX-BF16"]), .fp32)
        XCTAssertEqual(CPUDevice.resolve(.bf16, features: []), .bf16)
        XCTAssertEqual(device(.fp32).gemmPrecision, .fp32)
    }

    func testAutoMeasuresBF16AgainstFP32OnceAndKeepsTheChoice() throws {
        let features = CPUDevice().info.extensions
        try XCTSkipUnless(CPUDevice.hasBF16Arithmetic(features: features), "no AVX512-BF16/AMX-BF16 (or no oneDNN): auto is fp32 without measuring")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf16-auto-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = DeviceOptions(kernelCacheDirectory: directory + "/programs")
        options.precision = .auto
        let first = CPUDevice(options: options)
        XCTAssertTrue(first.precisionReason.contains("measured"), first.precisionReason)
        let key = try XCTUnwrap(first.gemmChoice.entries.keys.first { $0.hasPrefix("precision auto") })
        let entry = try XCTUnwrap(first.gemmChoice.entries[key])
        let (fp32, bf16) = (try XCTUnwrap(entry.seconds["fp32"]), try XCTUnwrap(entry.seconds["bf16"]))
        XCTAssertEqual(first.gemmPrecision.rawValue, bf16 < fp32 ? "bf16" : "fp32")
        XCTAssertEqual(first.memory.current, 0, "the measurement's scratch is not device memory")
        let second = CPUDevice(options: options)   // reads the kept choice
        XCTAssertEqual(second.gemmPrecision, first.gemmPrecision)
        XCTAssertEqual(second.gemmChoice.entries[key], entry)
    }

    func testOpenCLRefusesBF16WithAClearError() throws {
        var options = DeviceOptions()
        options.precision = .bf16
        _ = try TestDevices.openCL()   // skips or fails as the OpenCL tests do when no device is present
        assertComputeError(["--precision bf16 runs on the CPU backend only", "--device cpu"]) {
            _ = try OpenCLDevice(index: 0, options: options)
        }
    }
}
