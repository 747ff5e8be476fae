import TestSupport
import XCTest
@testable import Compute

/// Philox4x32-10 against the published known-answer vectors, identical streams on both devices, and dropout
/// masks that match between devices and between forward and backward.
final class DropoutTests: XCTestCase {
    func testPhiloxKnownAnswerVectors() {
        // Random123's kat_vectors for philox4x32 with 10 rounds.
        let cases: [((UInt32, UInt32, UInt32, UInt32), (UInt32, UInt32), [UInt32])] = [
            ((0, 0, 0, 0), (0, 0), [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
            ((0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff),
             [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]),
            ((0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), (0xa409_3822, 0x299f_31d0),
             [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]),
        ]
        for (counter, key, expected) in cases {
            let r = Philox.block(counter, key: key)
            XCTAssertEqual([r.0, r.1, r.2, r.3], expected)
        }
    }

    func testOpenCLDrawsTheSameNumbers() throws {
        let openCL = try TestDevices.openCL()
        let n = 10_001
        var streams: [[Float]] = []
        for device in [TestDevices.cpu as any Device, openCL] {
            let x = try device.uploadAtOffset([Float](repeating: 0, count: n), label: "u")
            try device.fillUniform(x, seed: 0x1234_5678_9abc_def0, stream: 42)
            streams.append(try device.readFloats(x))
        }
        XCTAssertEqual(streams[0], streams[1], "bit-identical uniforms on both devices")
        let mean = streams[0].reduce(0, +) / Float(n)
        XCTAssertEqual(mean, 0.5, accuracy: 0.01)
        XCTAssertTrue(streams[0].allSatisfy { $0 >= 0 && $0 < 1 })
    }

    func testDropoutMasksMatchAcrossDevicesAndBackward() throws {
        let openCL = try TestDevices.openCL()
        var data = TestData(seed: 50)
        let n = 8 * 128 * 64 + 3   // not a multiple of 4: the last Philox block is partial
        let x = data.uniform(n, 0.5, 1.5), dy = data.uniform(n, 0.5, 1.5)
        let config = DropoutConfig(probability: 0.1, seed: 7, stream: 3)
        var outputs: [[Float]] = [], grads: [[Float]] = []
        for device in [TestDevices.cpu as any Device, openCL] {
            let xv = try device.uploadAtOffset(x, label: "x"), dyv = try device.uploadAtOffset(dy, label: "dy")
            let y = try device.allocate(n, label: "y")
            try device.dropout(xv, into: y, config: config)
            outputs.append(try device.readFloats(y))
            try device.dropoutBackward(dyv, into: dyv, config: config)   // in place
            grads.append(try device.readFloats(dyv))
        }
        assertClose(outputs[1], outputs[0], atol: 0, rtol: 1e-7, "dropout opencl vs cpu")
        assertClose(grads[1], grads[0], atol: 0, rtol: 1e-7, "dropout backward opencl vs cpu")
        let dropped = outputs[0].enumerated().filter { $0.element == 0 }.map(\.offset)
        XCTAssertEqual(Double(dropped.count) / Double(n), 0.1, accuracy: 0.01, "drop rate")
        XCTAssertEqual(dropped, grads[0].enumerated().filter { $0.element == 0 }.map(\.offset),
                       "backward drops exactly the forward's elements")
        for i in 0..<100 where outputs[0][i] != 0 {
            XCTAssertEqual(outputs[0][i], x[i] / 0.9, accuracy: 1e-6)
        }
        // A different stream gives a different mask.
        let other = try TestDevices.cpu.allocate(n, label: "other")
        try TestDevices.cpu.dropout(try TestDevices.cpu.upload(x, label: "x"), into: other,
                                    config: DropoutConfig(probability: 0.1, seed: 7, stream: 4))
        XCTAssertNotEqual(try TestDevices.cpu.readFloats(other).map { $0 == 0 }, outputs[0].map { $0 == 0 })
    }

    func testInvalidProbabilityIsAnError() throws {
        let x = try TestDevices.cpu.allocate(4, label: "x")
        assertComputeError(["dropout probability must be in [0, 1), got 1.0"]) {
            try TestDevices.cpu.dropout(x, into: x, config: DropoutConfig(probability: 1, seed: 0, stream: 0))
        }
    }
}
