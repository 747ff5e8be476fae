import TestSupport
import XCTest
@testable import Compute

/// The launch shapes `bert selfcheck --launch-variants` and `bert-prof`'s sweep run: only what the device allows,
/// with exactly one default per knob, the one `LaunchSettings` gives a device opened without overrides.
final class LaunchVariantsTests: XCTestCase {
    private func device(maxWorkGroup: Int, localMemory: Int, gpu: Bool) -> DeviceInfo {
        DeviceInfo(backend: .openCL, index: 0, name: "test", vendor: "test", platform: "test", type: gpu ? "GPU" : "CPU",
                   isGPU: gpu, openCLCVersion: (1, 2), driverVersion: "1", platformVersion: "OpenCL 1.2", extensions: [],
                   globalMemory: 1 << 30, maxAllocation: 1 << 28, localMemory: localMemory, maxWorkGroupSize: maxWorkGroup,
                   computeUnits: 4, hostUnifiedMemory: !gpu, maxClockMHz: 1000, threads: nil, blas: "CLBlast")
    }

    func testVariantsStayWithinTheDeviceAndMarkItsDefault() throws {
        let gpu = device(maxWorkGroup: 256, localMemory: 16 << 10, gpu: true)
        let rows = try LaunchSettings.variants(.rowWorkGroup, info: gpu)
        XCTAssertEqual(rows.map(\.variants.rowWorkGroupSize), [16, 32, 64, 128, 256])
        XCTAssertEqual(rows.filter(\.isDefault).map(\.label), ["WG 256"])

        // Head width 64: a tile of t keys takes (2·t·64 + t)·4 bytes; 64 keys (33 KiB) do not fit 16 KiB.
        let flash = try LaunchSettings.variants(.flash(headDim: 64), info: gpu)
        XCTAssertEqual(Set(flash.compactMap(\.variants.flashTile)), [8, 16])
        XCTAssertEqual(Set(flash.compactMap(\.variants.flashWorkGroupSize)), [16, 32, 64, 128])
        XCTAssertEqual(flash.filter(\.isDefault).count, 1)
        let settings = try LaunchSettings(info: gpu)
        let chosen = try XCTUnwrap(flash.first(where: \.isDefault))
        XCTAssertEqual(chosen.variants.flashWorkGroupSize, settings.flashWorkGroupSize)
        XCTAssertEqual(chosen.variants.flashTile, try settings.flashTile(headDim: 64))

        let elementwise = try LaunchSettings.variants(.elementwise, info: gpu)
        XCTAssertEqual(elementwise.map(\.label), ["driver", "WG 64", "WG 256"], "the driver's choice is a GPU's default")
        let cpu = try LaunchSettings.variants(.elementwise, info: device(maxWorkGroup: 4096, localMemory: 1 << 20, gpu: false))
        XCTAssertEqual(cpu.map(\.label), ["WG 64", "WG 256", "WG 1024"])
        XCTAssertEqual(cpu.filter(\.isDefault).map(\.label), ["WG 64"])
    }
}
