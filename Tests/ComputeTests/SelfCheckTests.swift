import TestSupport
import XCTest
@testable import Compute

/// `bert selfcheck`'s checks: every op of the catalogue on both devices (OpenCL against the CPU twin, the CPU
/// backend against a one-thread CPU backend and double precision), and the double-precision references.
final class SelfCheckTests: XCTestCase {
    func testEveryOpOfTheCatalogueChecksOnBothDevices() throws {
        for device in try TestDevices.both() {
            let results = try SelfCheck(device: device).catalogueChecks()
            for result in results where !result.comparison.passed {
                XCTFail("\(device.info): \(result.name): \(result.comparison)")
            }
            let checked = Set(results.map { String($0.name.prefix { $0 != " " }) })
            XCTAssertEqual(checked, Set(OpCatalog.coverage.map(\.name.rawValue)), "\(device.info): every op yields a comparison")
        }
    }

    func testReferenceChecksPass() throws {
        var check = SelfCheck(device: TestDevices.cpu)
        for result in try check.referenceChecks() { XCTAssertTrue(result.comparison.passed, "\(result.name): \(result.comparison)") }
    }

    func testTheCatalogueCoversEveryConversion() {
        // Every op is in the catalogue: OpIdentityTests runs it and checks that every OpenCL kernel was launched.
        XCTAssertEqual(Set(OpCatalog.coverage.compactMap { ($0.kind as? ConvertOp.Call).map { "\($0.from)→\($0.to)" } }).count, 4)
    }

    func testACheckFailsWhenTheDeviceComputesSomethingElse() throws {
        // The same call prepared from another seed has other inputs: the comparison must see it.
        let device = try TestDevices.openCL()
        let call = OpCall.layerNormBackward(rows: 5, columns: 33)
        let op = try OpReplay.prepare(call, on: device, seed: 1)
        let wrong = PreparedOp(call: call, run: op.run, outputs: op.outputs, atol: op.atol, rtol: op.rtol)
        let other = try OpValidation.compare(wrong, seed: 2, device: device, reference: TestDevices.cpu)
        XCTAssertFalse(other.passed, other.summary)
        let same = try OpValidation.compare(try OpReplay.prepare(call, on: device, seed: 3), seed: 3, device: device,
                                            reference: TestDevices.cpu)
        XCTAssertTrue(same.passed, same.summary)
    }
}
