import TestSupport
import XCTest
@testable import Compute

final class DeviceSelectionTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try DeviceSpec(parsing: "cpu"), .cpu)
        XCTAssertEqual(try DeviceSpec(parsing: "AUTO"), .auto)
        XCTAssertEqual(try DeviceSpec(parsing: "opencl"), .openCL(index: nil))
        XCTAssertEqual(try DeviceSpec(parsing: "opencl:2"), .openCL(index: 2))
        assertComputeError(["invalid --device 'gpu'", "cpu, opencl, opencl:N or auto"]) { _ = try DeviceSpec(parsing: "gpu") }
        assertComputeError(["'opencl:x'", "whole number"]) { _ = try DeviceSpec(parsing: "opencl:x") }
        assertComputeError(["'opencl:-1'"]) { _ = try DeviceSpec(parsing: "opencl:-1") }
    }

    func testCPUAndAutoSelection() throws {
        let cpu = try DeviceSelector.open("cpu", options: DeviceOptions(threads: 2))
        XCTAssertEqual(cpu.device.info.backend, .cpu)
        XCTAssertEqual(cpu.device.info.threads, 2)
        let auto = try DeviceSelector.open("auto")
        let hasGPU = !AutoDeviceRule.rank(try OpenCLDevice.availableDevices()).candidates.isEmpty
        XCTAssertEqual(auto.device.info.backend, hasGPU ? .openCL : .cpu)
        XCTAssertTrue(auto.reason.hasPrefix("auto chose"), auto.reason)
    }

    func testOpenCLSelectionAndMissingIndex() throws {
        let device = try TestDevices.openCL()
        let count = try OpenCLDevice.availableDevices().count
        XCTAssertEqual(device.info.backend, .openCL)
        XCTAssertNotNil(device.info.openCLCVersion)
        XCTAssertGreaterThan(device.info.maxAllocation, 0)
        XCTAssertGreaterThan(device.info.localMemory, 0)
        assertComputeError(["there is no opencl:\(count)", "opencl:0"]) {
            _ = try OpenCLDevice(index: count)
        }
    }

    func testOpenCLCVersionParsing() {
        XCTAssertTrue(OpenCLDiscovery.parseOpenCLCVersion("OpenCL C 1.2 pocl")! == (1, 2))
        XCTAssertTrue(OpenCLDiscovery.parseOpenCLCVersion("OpenCL C 3.0 ")! == (3, 0))
        XCTAssertNil(OpenCLDiscovery.parseOpenCLCVersion("garbage"))
    }
}
