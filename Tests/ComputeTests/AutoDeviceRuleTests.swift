import TestSupport
import XCTest
@testable import Compute

/// `--device auto`'s rule on synthetic device descriptions: simulators and CPU devices skipped, discrete before
/// integrated, then compute units × clock, then memory; a GPU the command does not fit passed over; and the
/// bandwidth probe's buffers sized to a small device.
final class AutoDeviceRuleTests: XCTestCase {
    private func device(_ index: Int, _ name: String, type: String = "GPU", vendor: String = "Vendor",
                        platform: String = "Platform", unified: Bool = false, units: Int = 32, clock: Int = 1500,
                        memory: Int = 8 << 30) -> DeviceInfo {
        DeviceInfo(backend: .openCL, index: index, name: name, vendor: vendor, platform: platform, type: type,
                   isGPU: type == "GPU", openCLCVersion: (1, 2), driverVersion: "1", platformVersion: "OpenCL 1.2",
                   extensions: [], globalMemory: memory, maxAllocation: memory / 4, localMemory: 32 << 10,
                   maxWorkGroupSize: 256, computeUnits: units, hostUnifiedMemory: unified, maxClockMHz: clock,
                   threads: nil, blas: "CLBlast")
    }

    private lazy var simulator = device(0, "Oclgrind Simulator", vendor: "University of Bristol", platform: "Oclgrind",
                                        units: 1, clock: 1, memory: 128 << 20)
    private lazy var pocl = device(1, "pthread-haswell-AMD EPYC", type: "CPU", platform: "Portable Computing Language",
                                   unified: true, units: 2)
    private lazy var integrated = device(2, "Integrated Graphics", unified: true, units: 96, clock: 1300, memory: 16 << 30)
    private lazy var smallDiscrete = device(3, "Small Card", units: 16, clock: 1800, memory: 4 << 30)
    private lazy var bigDiscrete = device(4, "Big Card", units: 132, clock: 1755, memory: 80 << 30)
    private lazy var emulator = device(5, "Some Emulator", units: 500, clock: 5000)

    func testSimulatorsAndCPUDevicesAreSkippedWithTheirReasons() {
        let ranking = AutoDeviceRule.rank([simulator, pocl, emulator])
        XCTAssertTrue(ranking.candidates.isEmpty, "\(ranking.candidates)")
        XCTAssertEqual(ranking.skipped.map(\.device.index), [0, 1, 5])
        XCTAssertTrue(ranking.skipped[0].reason.contains("simulator"), ranking.skipped[0].reason)
        XCTAssertTrue(ranking.skipped[0].reason.contains("'oclgrind'"), ranking.skipped[0].reason)
        XCTAssertTrue(ranking.skipped[1].reason.contains("not a GPU (type CPU)"), ranking.skipped[1].reason)
        XCTAssertTrue(ranking.skipped[2].reason.contains("emulator"), ranking.skipped[2].reason)
    }

    func testDiscreteBeforeIntegratedThenThroughputThenMemory() {
        let ranking = AutoDeviceRule.rank([simulator, pocl, integrated, smallDiscrete, bigDiscrete])
        XCTAssertEqual(ranking.candidates.map(\.name), ["Big Card", "Small Card", "Integrated Graphics"])
        // Equal throughput: more memory first; equal in everything: the lower index first.
        let twin = device(7, "Twin", units: 16, clock: 1800, memory: 8 << 30)
        let same = device(6, "Same", units: 16, clock: 1800, memory: 8 << 30)
        XCTAssertEqual(AutoDeviceRule.rank([smallDiscrete, twin, same]).candidates.map(\.index), [6, 7, 3])
    }

    func testAGPUTheCommandDoesNotFitIsPassedOverDownToTheCPUBackend() throws {
        let ranking = AutoDeviceRule.rank([simulator, pocl, smallDiscrete, bigDiscrete])
        var opened: [Int] = []
        let open: (DeviceInfo) throws -> any Device = { info in
            opened.append(info.index ?? -1)
            return DryRunDevice(mirroring: CPUDevice(options: DeviceOptions(threads: 1)), capacity: info.globalMemory)
        }
        let needs = 6 << 30   // fits the big card, not the small one
        let fits: DeviceFit = { device in
            device.info.globalMemory >= needs ? nil : "needs \(ByteCount.format(needs)), the device holds \(ByteCount.format(device.info.globalMemory))"
        }
        let big = try AutoDeviceRule.firstFitting(ranking, open: open, fits: fits)
        XCTAssertEqual(big.chosen?.name, "Big Card")
        XCTAssertEqual(big.device?.info.globalMemory, 80 << 30)
        XCTAssertEqual(opened, [4])

        opened = []
        let small = try AutoDeviceRule.firstFitting(AutoDeviceRule.rank([simulator, pocl, smallDiscrete]), open: open, fits: fits)
        XCTAssertNil(small.device, "the small card is too small: the CPU backend")
        XCTAssertEqual(opened, [3])
        XCTAssertEqual(small.skipped.map(\.device.index), [0, 1, 3])
        XCTAssertTrue(small.skipped[2].reason.hasPrefix("too small for this command: needs 6.00 GiB"), small.skipped[2].reason)

        let failing = try AutoDeviceRule.firstFitting(ranking, open: { _ in throw ComputeError.noSuchDevice("gone") }, fits: nil)
        XCTAssertNil(failing.device)
        XCTAssertTrue(failing.skipped.last?.reason.hasPrefix("could not be opened") ?? false, "\(failing.skipped)")
    }

    func testAutoNeverChoosesASimulatorOrAnOpenCLCPUDevice() throws {
        let selection = try DeviceSelector.open("auto", options: DeviceOptions(threads: 1))
        let usable = AutoDeviceRule.rank(try OpenCLDevice.availableDevices()).candidates
        XCTAssertEqual(selection.device.info.backend, usable.isEmpty ? .cpu : .openCL, selection.reason)
        if let chosen = selection.device.info.index { XCTAssertEqual(chosen, usable.first?.index) }
        for skipped in selection.skipped { XCTAssertNotNil(AutoDeviceRule.exclusion(skipped.device) ?? skipped.reason) }
        // A command that fits no GPU runs on the CPU backend.
        let refused = try DeviceSelector.open("auto", options: DeviceOptions(threads: 1), fits: { _ in "needs more" })
        XCTAssertEqual(refused.device.info.backend, .cpu, refused.reason)
    }

    func testBandwidthProbeBuffersFitASmallDevice() throws {
        let small = device(0, "Oclgrind Simulator", memory: 128 << 20)
        var info = small
        info.maxAllocation = 128 << 20
        let empty = MemoryAccountant(capacity: 128 << 20)
        XCTAssertEqual(PeakProbe.copyBufferBytes(requested: 256 << 20, info: info, memory: empty), 32 << 20)
        let large = MemoryAccountant(capacity: 80 << 30)
        XCTAssertEqual(PeakProbe.copyBufferBytes(requested: 256 << 20, info: bigDiscrete, memory: large), 256 << 20)
        let budgeted = MemoryAccountant(capacity: 80 << 30, budget: 64 << 20)
        XCTAssertEqual(PeakProbe.copyBufferBytes(requested: 256 << 20, info: bigDiscrete, memory: budgeted), 16 << 20)
        let full = MemoryAccountant(capacity: 128 << 20)
        try full.reserve((128 << 20) - (64 << 10), label: "everything else")
        XCTAssertEqual(PeakProbe.copyBufferBytes(requested: 256 << 20, info: info, memory: full), 1 << 16, "never below 64 KiB")
    }
}
