import TestSupport
import XCTest
@testable import Compute

final class ReductionTests: XCTestCase {
    func testSumRowsMatchesReferenceAndAccumulates() throws {
        // A bias gradient: dY [B·S, H] = [3·128, 768] summed over rows.
        let rows = 384, columns = 768
        var data = TestData(seed: 20)
        let x = data.uniform(rows * columns), start = data.uniform(columns)
        let expected = (0..<columns).map { c in (0..<rows).reduce(0.0) { $0 + Double(x[$1 * columns + c]) } }
        var perDevice: [[Float]] = []
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let xv = try device.uploadAtOffset(x, label: "dY"), out = try device.uploadAtOffset(start, label: "db")
            try device.sumRows(xv, rows: rows, columns: columns, into: out, accumulate: true)
            let accumulated = try device.readFloats(out)
            assertClose(accumulated, zip(start, expected).map { Float(Double($0) + $1) }, atol: 1e-4, rtol: 1e-5,
                        "accumulate on \(device.info)")
            try device.sumRows(xv, rows: rows, columns: columns, into: out, accumulate: false)
            let overwritten = try device.readFloats(out)
            assertClose(overwritten, expected.map { Float($0) }, atol: 1e-4, rtol: 1e-5, "overwrite on \(device.info)")
            perDevice.append(overwritten)
        }
        // Same summation order on both devices: the results agree to the last bit.
        XCTAssertEqual(perDevice[0], perDevice[1])
    }

    func testCPUReductionDoesNotDependOnThreadCount() throws {
        var data = TestData(seed: 21)
        let rows = 1000, columns = 300
        let x = data.uniform(rows * columns)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            let device = CPUDevice(options: DeviceOptions(threads: threads))
            let out = try device.allocate(columns, label: "out")
            try device.sumRows(try device.upload(x, label: "x"), rows: rows, columns: columns, into: out, accumulate: false)
            results.append(try device.readFloats(out))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
        _ = CPUDevice()  // restore OpenBLAS's thread count for the other tests
    }
}
