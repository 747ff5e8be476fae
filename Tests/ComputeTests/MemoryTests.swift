import TestSupport
import XCTest
@testable import Compute

/// The memory accountant (budget, peak, release) and arenas split into chunks below the maximum allocation.
final class MemoryTests: XCTestCase {
    func testBudgetOverflowIsAClearError() throws {
        for device in [CPUDevice(options: DeviceOptions(memoryBudget: 1 << 20)) as any Device,
                       try OpenCLDevice(index: try TestDevices.openCL().info.index ?? 0,
                                        options: DeviceOptions(memoryBudget: 1 << 20,
                                                               kernelCacheDirectory: TestDevices.cacheDirectory))] {
            let first = try device.allocate(200_000, label: "weights")   // 800,000 bytes
            assertComputeError(["budget exceeded", "'activations'", "781.25 KiB is already in use",
                                "budget is 1.00 MiB", "needs 390.6"]) {
                _ = try device.allocate(100_000, label: "activations")
            }
            XCTAssertEqual(device.memory.current, 800_000, "a refused allocation must not be charged")
            _ = first
        }
    }

    func testPeakAndReleaseAreTracked() throws {
        let device = CPUDevice(options: DeviceOptions(memoryBudget: 10 << 20))
        XCTAssertEqual(device.memory.current, 0)
        do {
            let a = try device.allocate(1000, label: "a")
            do {
                let b = try device.allocate(500, .float16, label: "b")
                XCTAssertEqual(device.memory.current, 5000)
                _ = b
            }
            XCTAssertEqual(device.memory.current, 4000, "a freed view returns its bytes")
            _ = a
        }
        XCTAssertEqual(device.memory.current, 0)
        XCTAssertEqual(device.memory.peak, 5000)
        device.memory.resetPeak()
        XCTAssertEqual(device.memory.peak, 0)
    }

    func testArenaLayoutPlacement() throws {
        var layout = ArenaLayout()
        let a = layout.reserve(100, label: "a")             // 400 B
        let b = layout.reserve(1000, label: "b")            // 4000 B → needs its own chunk
        let c = layout.reserve(10, .float16, label: "c")    // 20 B
        let placement = try layout.place(maxChunkBytes: 4096)
        XCTAssertEqual(placement.chunkSizes, [400, 4000, 20])
        XCTAssertEqual(placement.layout.payloadBytes, 4420)
        XCTAssertEqual(placement.totalBytes, 4420)
        _ = (a, b, c)

        var aligned = ArenaLayout()
        aligned.reserve(1, label: "x")
        aligned.reserve(1, label: "y")
        XCTAssertEqual(try aligned.place(maxChunkBytes: 1 << 20).chunkSizes, [ArenaLayout.alignment + 4],
                       "each tensor starts on an aligned boundary")

        var tooBig = ArenaLayout()
        tooBig.reserve(2000, label: "embedding table")
        assertComputeError(["'embedding table'", "largest single allocation"]) {
            _ = try tooBig.place(maxChunkBytes: 4096)
        }
    }

    func testChunkedArenaWorksOnBothDevicesWithATinyMaxAllocation() throws {
        // Force a 4 KiB maximum allocation: a 12 KiB arena must become several chunks and ops must work
        // across views that live in different chunks.
        let openCLIndex = try TestDevices.openCL().info.index ?? 0
        let devices: [any Device] = [
            CPUDevice(options: DeviceOptions(maxAllocation: 4096)),
            try OpenCLDevice(index: openCLIndex, options: DeviceOptions(maxAllocation: 4096,
                                                                        kernelCacheDirectory: TestDevices.cacheDirectory)),
        ]
        for device in devices {
            XCTAssertEqual(device.info.maxAllocation, 4096)
            var layout = ArenaLayout()
            let x = layout.reserve(700, label: "x"), y = layout.reserve(700, label: "y"), z = layout.reserve(700, label: "z")
            let arena = try device.makeArena(layout, label: "activations")
            XCTAssertEqual(arena.chunks.count, 3)
            XCTAssertEqual(device.memory.current, arena.bytes)
            XCTAssertTrue(arena.chunks[1].label.contains("activations (chunk 2/3)"))
            XCTAssertFalse(arena[x].allocation === arena[y].allocation)
            var data = TestData(seed: 40)
            let xs = data.uniform(700), ys = data.uniform(700)
            try device.write(xs, to: arena[x])
            try device.write(ys, to: arena[y])
            try device.add(arena[x], arena[y], into: arena[z])
            XCTAssertEqual(try device.readFloats(arena[z]), zip(xs, ys).map(+), "across chunks on \(device.info)")
            assertComputeError(["'big'", "4.00 KiB"]) { _ = try device.allocate(2000, label: "big") }
        }
    }

    func testByteCounts() throws {
        XCTAssertEqual(try ByteCount.parse("12GiB"), 12 << 30)
        XCTAssertEqual(try ByteCount.parse("12 gib"), 12 << 30)
        XCTAssertEqual(try ByteCount.parse("512MiB"), 512 << 20)
        XCTAssertEqual(try ByteCount.parse("1.5G"), 3 << 29)
        XCTAssertEqual(try ByteCount.parse("8GB"), 8_000_000_000)
        XCTAssertEqual(try ByteCount.parse("1073741824"), 1 << 30)
        for bad in ["", "GiB", "12 parsecs", "-1GiB", "1e3", "0"] {
            assertComputeError(["invalid memory size", "12GiB"]) { _ = try ByteCount.parse(bad) }
        }
        XCTAssertEqual(ByteCount.format(1536), "1.50 KiB")
        XCTAssertEqual(ByteCount.format(12 << 30), "12.00 GiB")
        XCTAssertEqual(ByteCount.format(100), "100 B")
    }
}
