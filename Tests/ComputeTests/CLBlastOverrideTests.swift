import Foundation
import TestSupport
import XCTest
@testable import Compute

/// Applying CLBlast parameters to the OpenCL device: GEMMs stay correct, the override is visible (workspace
/// sizes follow XGEMM_MIN_INDIRECT_SIZE), bad sets change nothing, and devices apply files when they open.
///
/// CLBlast's parameter table is global to the process for a device, and every test in this process shares
/// it (the memory-plan tests read `gemmWorkspaceBytes`), so each test restores what it found.
final class CLBlastOverrideTests: XCTestCase {
    /// A valid set unlike PoCL's database entry, switching to the indirect kernel from 256³.
    static func knownValid(for device: OpenCLDevice) -> CLBlastParameters {
        CLBlastParameters(device: .init(device.info), kernels: [
            "Xgemm": ["GEMMK": 0, "KREG": 1, "KWG": 16, "KWI": 2, "MDIMA": 8, "MDIMC": 8, "MWG": 32, "NDIMB": 8,
                      "NDIMC": 8, "NWG": 32, "SA": 0, "SB": 0, "STRM": 0, "STRN": 0, "VWM": 2, "VWN": 2],
            "XgemmDirect": ["KWID": 2, "MDIMAD": 8, "MDIMCD": 8, "NDIMBD": 8, "NDIMCD": 8, "PADA": 1, "PADB": 1,
                            "VWMD": 2, "VWND": 2, "WGD": 16],
            "GemmRoutine": ["XGEMM_MIN_INDIRECT_SIZE": 256],
        ])
    }

    /// CLBlast's current parameters, restored when the test ends (whatever happens in it).
    private func savingParameters(_ device: OpenCLDevice) throws -> CLBlastParameters {
        let saved = try CLBlastParameters.current(on: device)
        addTeardownBlock {
            XCTAssertNoThrow(try saved.apply(to: device, source: "saved parameters"))
            XCTAssertEqual(try CLBlastParameters.current(on: device), saved, "CLBlast's parameters are restored")
        }
        return saved
    }

    func testDatabaseValuesAreReadableAndObeyTheRules() throws {
        let device = try TestDevices.openCL()
        let current = try CLBlastParameters.current(on: device)
        XCTAssertEqual(Set(current.kernels.keys), Set(CLBlastParameters.gemmKernels))
        XCTAssertEqual(current.kernels["Xgemm"]?.count, 16, "\(current.kernels)")
        XCTAssertEqual(current.kernels["XgemmDirect"]?.count, 10, "\(current.kernels)")
        XCTAssertNotNil(current.kernels["GemmRoutine"]?["XGEMM_MIN_INDIRECT_SIZE"])
        let limits = CLBlastParameterSpace.Limits(device.info)
        XCTAssertEqual(CLBlastParameterSpace.xgemm(gemmk: current.kernels["Xgemm"]?["GEMMK"] ?? 0)
            .violations(current.kernels["Xgemm"] ?? [:], limits: limits), [])
        XCTAssertEqual(CLBlastParameterSpace.xgemmDirect.violations(current.kernels["XgemmDirect"] ?? [:], limits: limits), [])
    }

    func testAppliedParametersGiveCorrectGEMMsAndChangeTheWorkspace() throws {
        let device = try TestDevices.openCL()
        let saved = try savingParameters(device)
        let midSize = GEMMShape(m: 512, n: 512, k: 512, transB: .transposed)
        let databaseThreshold = try XCTUnwrap(saved.kernels["GemmRoutine"]?["XGEMM_MIN_INDIRECT_SIZE"])
        guard databaseThreshold > 512 else { throw XCTSkip("the database already runs 512³ indirect") }
        XCTAssertEqual(try device.gemmWorkspaceBytes(midSize), 0, "direct with the database's switch point")

        let tuned = Self.knownValid(for: device)
        try tuned.apply(to: device, source: "test parameters")
        XCTAssertEqual(try CLBlastParameters.current(on: device), tuned)
        XCTAssertGreaterThan(try device.gemmWorkspaceBytes(midSize), 0, "indirect from 256³ on")

        // Indirect (≥ 256³, sizes not multiples of the tiles), direct, and strided-batched, against the CPU.
        let cases: [(GEMMShape, BatchStrides?)] = [
            (GEMMShape(m: 300, n: 260, k: 280, transB: .transposed, alpha: 1.5, beta: 0.5), nil),
            (GEMMShape(m: 270, n: 310, k: 300, transA: .transposed, beta: 1), nil),
            (GEMMShape(m: 50, n: 40, k: 30), nil),
            (GEMMShape(m: 24, n: 24, k: 16, transB: .transposed), BatchStrides(count: 5, a: 24 * 16, b: 24 * 16, c: 24 * 24)),
        ]
        for (index, (shape, batch)) in cases.enumerated() {
            var data = TestData(seed: 900 + UInt64(index))
            let count = batch?.count ?? 1
            let a = data.uniform(count * shape.aStored.rows * shape.lda)
            let b = data.uniform(count * shape.bStored.rows * shape.ldb)
            let c = data.uniform(count * shape.m * shape.ldc)
            var results: [[Float]] = []
            for target in [TestDevices.cpu as any Device, device] {
                let (av, bv, cv) = (try target.uploadAtOffset(a, label: "A"), try target.uploadAtOffset(b, label: "B"),
                                    try target.uploadAtOffset(c, label: "C"))
                if let batch { try target.gemmStridedBatched(shape, batch: batch, a: av, b: bv, c: cv) }
                else { try target.gemm(shape, a: av, b: bv, c: cv) }
                results.append(try target.readFloats(cv))
            }
            assertClose(results[1], results[0], atol: 1e-4, rtol: 1e-4, "\(shape) with applied parameters")
        }

        try saved.apply(to: device, source: "saved parameters")
        XCTAssertEqual(try device.gemmWorkspaceBytes(midSize), 0, "back to the database's switch point")
    }

    func testBadSetsAreRejectedWhole() throws {
        let device = try TestDevices.openCL()
        let saved = try savingParameters(device)
        func assertRejected(_ fragments: [String], _ edit: (inout CLBlastParameters) -> Void) {
            var parameters = Self.knownValid(for: device)
            edit(&parameters)
            do {
                try parameters.apply(to: device, source: "bad set")
                XCTFail("expected an error mentioning \(fragments)")
            } catch {
                for fragment in fragments where !"\(error)".contains(fragment) {
                    XCTFail("\"\(error)\" does not mention \"\(fragment)\"")
                }
            }
            XCTAssertEqual(try CLBlastParameters.current(on: device), saved, "nothing was applied: \(fragments)")
        }
        assertRejected(["bad set", "Xgemm", "missing", "VWN"]) { $0.kernels["Xgemm"]?["VWN"] = nil }
        assertRejected(["XgemmDirect", "unknown", "EXTRA"]) { $0.kernels["XgemmDirect"]?["EXTRA"] = 1 }
        assertRejected(["Nope", "no parameters for a kernel"]) { $0.kernels["Nope"] = ["X": 1] }
        assertRejected(["Xgemm", "MWG must be a multiple of MDIMC·VWM"]) { $0.kernels["Xgemm"]?["MWG"] = 24 }
        assertRejected(["XgemmDirect", "local memory"]) {
            $0.kernels["XgemmDirect"]?["WGD"] = 1 << 14
        }
        assertRejected(["tuned for", "Some Other GPU", "--clblast-parameters none"]) { $0.device.name = "Some Other GPU" }
    }

    func testDevicesApplyTheNamedFileOrTheDefaultOneWhenTheyOpen() throws {
        let shared = try TestDevices.openCL()
        _ = try savingParameters(shared)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clblast-open-tests-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = Self.knownValid(for: shared)

        // Named file.
        let named = folder.appendingPathComponent("named.json").path
        try tuned.write(to: named)
        var options = DeviceOptions()
        options.clblastParameters = .file(named)
        let opened = try TestDevices.freshOpenCL(options)
        XCTAssertEqual(opened.clblastParametersFile, named)
        XCTAssertEqual(try CLBlastParameters.current(on: opened), tuned)

        // Default location inside the kernel cache, found without naming it; `.database` ignores it.
        let cache = folder.appendingPathComponent("cache").path
        try tuned.write(to: CLBlastParameters.defaultPath(for: .init(shared.info), kernelCacheDirectory: cache))
        options = DeviceOptions(kernelCacheDirectory: cache)
        XCTAssertEqual(try TestDevices.freshOpenCL(options).clblastParametersFile,
                       CLBlastParameters.defaultPath(for: .init(shared.info), kernelCacheDirectory: cache))
        options.clblastParameters = .database
        XCTAssertNil(try TestDevices.freshOpenCL(options).clblastParametersFile)
        XCTAssertNil(try TestDevices.freshOpenCL(DeviceOptions(kernelCacheDirectory: folder.path)).clblastParametersFile,
                     "no file at the default location: CLBlast's database")

        // A bad named file stops the device from opening, naming the file.
        let broken = folder.appendingPathComponent("broken.json").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: broken))
        options = DeviceOptions()
        options.clblastParameters = .file(broken)
        XCTAssertThrowsError(try TestDevices.freshOpenCL(options)) { error in
            XCTAssertTrue("\(error)".contains("broken.json") && "\(error)".contains("'format'"), "\(error)")
        }
    }
}
