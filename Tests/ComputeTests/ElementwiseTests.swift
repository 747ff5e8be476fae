import TestSupport
import XCTest
@testable import Compute

/// Every element-wise op: the CPU backend against exact expectations, the OpenCL kernels against the CPU twin.
final class ElementwiseTests: XCTestCase {
    /// Runs `body` on the CPU backend and on OpenCL (if present) and returns both outputs.
    private func onBothDevices(_ body: (any Device) throws -> [Float]) throws -> (cpu: [Float], openCL: [Float]) {
        let cpu = try body(TestDevices.cpu)
        let openCL = try body(try TestDevices.openCL())
        return (cpu, openCL)
    }

    func testFillCopyAddMultiply() throws {
        var data = TestData(seed: 1)
        let a = data.uniform(10_007), b = data.uniform(10_007)
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let av = try device.uploadAtOffset(a, label: "a"), bv = try device.uploadAtOffset(b, label: "b")
            let out = try device.uploadAtOffset([Float](repeating: 0, count: a.count), label: "out")
            try device.add(av, bv, into: out)
            XCTAssertEqual(try device.readFloats(out), zip(a, b).map(+), "add on \(device.info)")
            try device.multiply(av, bv, into: out)
            XCTAssertEqual(try device.readFloats(out), zip(a, b).map(*), "multiply on \(device.info)")
            try device.copy(av, to: out)
            XCTAssertEqual(try device.readFloats(out), a, "copy on \(device.info)")
            try device.fill(out, value: 2.5)
            XCTAssertEqual(try device.readFloats(out), [Float](repeating: 2.5, count: a.count), "fill on \(device.info)")
            // Aliasing: out = a + out, in place.
            try device.add(av, out, into: out)
            XCTAssertEqual(try device.readFloats(out), a.map { $0 + 2.5 }, "in-place add on \(device.info)")
            // The padding around the views is untouched.
            let whole = try device.readFloats(BufferView(allocation: out.allocation, byteOffset: 0,
                                                         count: out.allocation.bytes / 4, dtype: .float32))
            XCTAssertTrue(whole.prefix(37).allSatisfy(\.isNaN) && whole.suffix(5).allSatisfy(\.isNaN),
                          "an op wrote outside its view on \(device.info)")
        }
    }

    func testAxpbyMatchesAndIgnoresOldYWhenBetaIsZero() throws {
        var data = TestData(seed: 2)
        let x = data.uniform(5000), y = data.uniform(5000)
        let results = try onBothDevices { device in
            let xv = try device.uploadAtOffset(x, label: "x"), yv = try device.uploadAtOffset(y, label: "y")
            try device.axpby(alpha: 0.25, xv, beta: -1.5, yv)
            return try device.readFloats(yv)
        }
        assertClose(results.cpu, zip(x, y).map { 0.25 * $0 - 1.5 * $1 }, atol: 1e-7, rtol: 1e-6, "axpby cpu")
        assertClose(results.openCL, results.cpu, atol: 1e-7, rtol: 1e-6, "axpby opencl vs cpu")

        let overwritten = try onBothDevices { device in
            let xv = try device.upload(x, label: "x")
            let yv = try device.upload([Float](repeating: .nan, count: x.count), label: "y")
            try device.axpby(alpha: 2, xv, beta: 0, yv)
            return try device.readFloats(yv)
        }
        XCTAssertEqual(overwritten.cpu, x.map { 2 * $0 })
        XCTAssertEqual(overwritten.openCL, x.map { 2 * $0 })
    }

    func testAddBiasAtBERTShape() throws {
        // [B·S, H] = [2·128, 768] rows of hidden states plus a [768] bias.
        let rows = 256, columns = 768
        var data = TestData(seed: 3)
        let x = data.uniform(rows * columns), bias = data.uniform(columns)
        let results = try onBothDevices { device in
            let xv = try device.uploadAtOffset(x, label: "x"), bv = try device.uploadAtOffset(bias, label: "bias")
            let out = try device.allocate(rows * columns, label: "out")
            try device.addBias(xv, bias: bv, into: out, rows: rows, columns: columns)
            return try device.readFloats(out)
        }
        let expected = (0..<(rows * columns)).map { x[$0] + bias[$0 % columns] }
        XCTAssertEqual(results.cpu, expected)
        XCTAssertEqual(results.openCL, expected)
    }

    func testShapeErrorsAreReportedNotTrapped() throws {
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let a = try device.allocate(10, label: "short a"), b = try device.allocate(11, label: "long b")
            assertComputeError(["add", "long b", "11 elements", "expected 10"]) { try device.add(a, b, into: a) }
            let ints = try device.upload([Int32](repeating: 1, count: 10), label: "ids")
            assertComputeError(["expected a float32 buffer, got int32"]) { try device.copy(ints, to: a) }
            assertComputeError(["bias", "expected 5"]) {
                try device.addBias(a, bias: b, into: a, rows: 2, columns: 5)
            }
            assertComputeError(["outside"]) { _ = try a.slice(5, count: 6) }
        }
    }

    func testBuffersOfAnotherDeviceAreRejected() throws {
        let openCL = try TestDevices.openCL()
        let cpuBuffer = try TestDevices.cpu.allocate(4, label: "host")
        let clBuffer = try openCL.allocate(4, label: "device")
        assertComputeError(["another device"]) { try openCL.fill(cpuBuffer, value: 1) }
        assertComputeError(["another device"]) { try TestDevices.cpu.fill(clBuffer, value: 1) }
    }
}
