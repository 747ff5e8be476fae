import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The tuner's parts: the parameter spaces, the choice of switch point, and a tiny tuning run on the OpenCL
/// device that writes a file the device can load.
final class CLBlastTunerTests: XCTestCase {
    private let limits = CLBlastParameterSpace.Limits(maxWorkGroupSize: 4096, localMemoryBytes: 1 << 20)

    func testSpacesEnumerateOnlyConfigurationsObeyingEveryRule() {
        for space in [CLBlastParameterSpace.xgemm(gemmk: 0), .xgemm(gemmk: 1), .xgemmDirect] {
            let all = space.configurations(limits: limits)
            XCTAssertGreaterThan(all.count, 100, space.kernel)
            XCTAssertEqual(Set(all.map { $0.keys.sorted() }).count, 1, "every configuration names every parameter")
            for configuration in all.prefix(2000) {
                XCTAssertEqual(space.violations(configuration, limits: limits, includingSearchRules: true), [],
                               "\(configuration)")
            }
        }
        // A tight device: small work-groups and local memory shrink the space.
        let small = CLBlastParameterSpace.Limits(maxWorkGroupSize: 64, localMemoryBytes: 4096)
        let direct = CLBlastParameterSpace.xgemmDirect.configurations(limits: small)
        XCTAssertTrue(direct.allSatisfy { $0["MDIMCD"]! * $0["NDIMCD"]! <= 64 && $0["WGD"]! <= 16 })
        XCTAssertEqual(CLBlastParameterSpace.xgemmDirect.violations(["WGD": 16], limits: limits).count, 9,
                       "missing parameters break every rule that uses them")
    }

    func testSearchOnlyRulesDoNotRejectFiles() {
        var tiled = ["GEMMK": 1, "KREG": 2, "KWG": 1, "KWI": 1, "MDIMA": 8, "MDIMC": 4, "MWG": 32, "NDIMB": 8,
                     "NDIMC": 8, "NWG": 32, "SA": 0, "SB": 0, "STRM": 0, "STRN": 0, "VWM": 2, "VWN": 2]
        let space = CLBlastParameterSpace.xgemm(gemmk: 1)
        XCTAssertEqual(space.violations(tiled, limits: limits), [])
        XCTAssertEqual(space.violations(tiled, limits: limits, includingSearchRules: true), ["MDIMC must equal MDIMA"])
        tiled["KREG"] = 1
        XCTAssertEqual(space.violations(tiled, limits: limits), ["KREG must be a multiple of VWN"])
    }

    func testPathChoiceSplitsByVolumeAndPicksTheBestTableRows() {
        // Three GEMMs, small to large. Direct is fast for the small two, indirect for the large one.
        let volumes: [UInt64] = [64 * 64 * 64, 128 * 128 * 128, 1024 * 1024 * 1024]
        let indirect: [[Double]] = [[5, 5, 10], [4, 6, 8]]           // row 1 is best on the large GEMM
        let direct: [[Double]] = [[1, 3, 50], [2, 1, 40]]             // row 1 best on the small two together
        let ranked = CLBlastPathChoice.ranked(volumes: volumes, indirect: indirect, direct: direct, preferredThreshold: nil)
        let best = ranked[0]
        XCTAssertEqual(best.indirect, 1)
        XCTAssertEqual(best.direct, 1)
        XCTAssertEqual(best.predictedSeconds, 3 + 8)
        XCTAssertTrue(pow(Double(best.threshold), 3) > Double(volumes[1]) && pow(Double(best.threshold), 3) <= Double(volumes[2]),
                      "threshold \(best.threshold) runs the two small GEMMs direct and the large one indirect")
        XCTAssertEqual(ranked.map(\.predictedSeconds), ranked.map(\.predictedSeconds).sorted())
        XCTAssertEqual(ranked.count, 4, "every split of three distinct volumes")

        // A preferred threshold that gives the same split is kept; one that does not is not used for it.
        XCTAssertEqual(CLBlastPathChoice.ranked(volumes: volumes, indirect: indirect, direct: direct,
                                                preferredThreshold: 896)[0].threshold, 896)
        XCTAssertNotEqual(CLBlastPathChoice.ranked(volumes: volumes, indirect: indirect, direct: direct,
                                                   preferredThreshold: 100)[0].threshold, 100)
        // Without an indirect table only the all-direct split is possible, and its threshold covers the largest.
        let directOnly = CLBlastPathChoice.ranked(volumes: volumes, indirect: [], direct: direct, preferredThreshold: nil)
        XCTAssertEqual(directOnly.count, 1)
        XCTAssertNil(directOnly[0].indirect)
        XCTAssertGreaterThan(pow(Double(directOnly[0].threshold), 3), Double(volumes[2]))
        XCTAssertEqual(CLBlastPathChoice.ranked(volumes: volumes, indirect: indirect, direct: [],
                                                preferredThreshold: nil).map(\.threshold).count, 1)
    }

    func testATinyTuningRunWritesAFileTheDeviceLoads() throws {
        let device = try TestDevices.openCL()
        let before = try CLBlastParameters.current(on: device)
        addTeardownBlock { XCTAssertNoThrow(try before.apply(to: device, source: "saved parameters")) }
        var lines: [String] = []
        let workload = [WeightedGEMM(GEMMShape(m: 96, n: 80, k: 64, transB: .transposed), calls: 2, label: "forward"),
                        WeightedGEMM(GEMMShape(m: 64, n: 48, k: 96, transA: .transposed, beta: 1), label: "dW"),
                        WeightedGEMM(GEMMShape(m: 96, n: 80, k: 64, transB: .transposed), label: "again")]
        let tuner = CLBlastTuner(device: device, configuration: .init(workload: workload, maxSeconds: 300,
                                                                      maxConfigurations: 2, runs: 1, seed: 3,
                                                                      progress: { lines.append($0) }))
        let outcome = try tuner.run()

        XCTAssertEqual(try CLBlastParameters.current(on: device), before, "the tuner restores CLBlast's parameters")
        XCTAssertEqual(outcome.database.kernels, before.kernels)
        XCTAssertEqual(outcome.baseline.count, 2, "equal GEMMs are merged")
        XCTAssertEqual(outcome.baseline.first(where: { $0.gemm.shape.m == 96 })?.gemm.calls, 3)
        XCTAssertTrue((5...6).contains(outcome.configurationsMeasured),
                      "baseline, the database's two kernels forced, one sample of each, maybe the pick: \(lines)")
        XCTAssertTrue(outcome.baselineSeconds > 0 && outcome.tunedSeconds > 0)
        XCTAssertLessThanOrEqual(outcome.tunedSeconds, outcome.baselineSeconds)
        XCTAssertEqual(outcome.improved, outcome.parameters.kernels != before.kernels)
        XCTAssertEqual(Set(outcome.parameters.kernels.keys), Set(CLBlastParameters.gemmKernels))
        XCTAssertEqual(outcome.parameters.tuning?.workload.count, 2)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clblast-tuner-test-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try outcome.parameters.write(to: path)
        let loaded = try CLBlastParameters.load(contentsOf: path)
        XCTAssertEqual(loaded, outcome.parameters)
        try loaded.apply(to: device, source: path)
        let c = try device.allocate(96 * 80, label: "C")
        try device.gemm(GEMMShape(m: 96, n: 80, k: 64, transB: .transposed), a: try device.allocate(96 * 64, label: "A"),
                        b: try device.allocate(80 * 64, label: "B"), c: c)
        try device.synchronize()
    }
}
