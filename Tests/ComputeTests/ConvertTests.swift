import TestSupport
import XCTest
@testable import Compute

/// float32 ↔ float16 storage conversion: the OpenCL kernels (vstore_half_rte / vload_half) bit for bit against
/// the CPU twin, known answers at the edges, round trips, offsets and errors.
final class ConvertTests: XCTestCase {
    private let sentinel16: UInt16 = 0xABCD
    private let sentinel32: UInt32 = 0xDEAD_BEEF

    /// Converts float32 bit patterns to float16 bit patterns on `device`, with both views inside larger buffers
    /// (the padding must stay untouched).
    private func toHalf(_ bits: [UInt32], on device: any Device) throws -> [UInt16] {
        let x = try device.uploadRawAtOffset(bits, .float32, sentinel: sentinel32, label: "x f32", padding: 13)
        let y = try device.uploadRawAtOffset([UInt16](repeating: 0, count: bits.count), .float16, sentinel: sentinel16,
                                             label: "y f16", padding: 7)   // odd: a half offset not 4-byte aligned
        try device.convert(x, into: y)
        try assertPaddingUntouched(y, sentinel16, device)
        return try device.readRaw(y, as: UInt16.self)
    }

    private func toFloat(_ bits: [UInt16], on device: any Device) throws -> [UInt32] {
        let x = try device.uploadRawAtOffset(bits, .float16, sentinel: sentinel16, label: "x f16", padding: 9)
        let y = try device.uploadRawAtOffset([UInt32](repeating: 0, count: bits.count), .float32, sentinel: sentinel32,
                                             label: "y f32", padding: 3)
        try device.convert(x, into: y)
        try assertPaddingUntouched(y, sentinel32, device)
        return try device.readRaw(y, as: UInt32.self)
    }

    private func assertPaddingUntouched<T: BitwiseCopyable & Equatable>(_ view: BufferView, _ sentinel: T,
                                                                       _ device: any Device) throws {
        let whole = BufferView(allocation: view.allocation, byteOffset: 0,
                               count: view.allocation.bytes / view.dtype.size, dtype: view.dtype)
        let all = try device.readRaw(whole, as: T.self)
        let padding = all[..<view.elementOffset] + all[(view.elementOffset + view.count)...]
        XCTAssertTrue(padding.allSatisfy { $0 == sentinel }, "convert wrote outside its view on \(device.info)")
    }

    private static func isHalfNaN(_ h: UInt16) -> Bool { h & 0x7C00 == 0x7C00 && h & 0x3FF != 0 }

    /// (float32 bits, expected float16 bits).
    private let knownAnswers: [(UInt32, UInt16)] = [
        (0x3F80_0000, 0x3C00),   // 1
        (0x477F_E000, 0x7BFF),   // 65504, the largest half
        (0x477F_EFFF, 0x7BFF),   // just below 65520: rounds down
        (0x477F_F000, 0x7C00),   // 65520: the tie rounds to even = inf
        (0x4780_0000, 0x7C00),   // 65536 → inf
        (0xC780_0000, 0xFC00),   // −65536 → −inf
        (0x3F80_1000, 0x3C00),   // 1 + 2⁻¹¹: tie, down to even
        (0x3F80_3000, 0x3C02),   // 1 + 3·2⁻¹¹: tie, up to even
        (0x3F80_1001, 0x3C01),   // just above the tie
        (0x3880_0000, 0x0400),   // 2⁻¹⁴, the smallest normal
        (0x387F_C000, 0x03FF),   // the largest subnormal
        (0x387F_F000, 0x0400),   // tie between the largest subnormal and the smallest normal → even
        (0x3380_0000, 0x0001),   // 2⁻²⁴, the smallest subnormal
        (0x3300_0000, 0x0000),   // 2⁻²⁵: tie, down to even zero
        (0x3300_0001, 0x0001),   // just above 2⁻²⁵
        (0x33C0_0000, 0x0002),   // 3·2⁻²⁵: tie, up to even 2·2⁻²⁴
        (0x32FF_FFFF, 0x0000),   // below 2⁻²⁵
        (0xB300_0001, 0x8001),   // negative subnormal
        (0x0000_0001, 0x0000),   // a float subnormal → +0
        (0x8000_0001, 0x8000),   // → −0
        (0x8000_0000, 0x8000),   // −0
        (0x0000_0000, 0x0000),   // +0
        (0x7F80_0000, 0x7C00),   // inf
        (0xFF80_0000, 0xFC00),   // −inf
        (0x7F7F_FFFF, 0x7C00),   // the largest float → inf
    ]
    private let nanInputs: [UInt32] = [0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0x7FA0_0000, 0x7FFF_FFFF, 0xFF80_2000]

    func testKnownAnswersAndNaNOnBothDevices() throws {
        let inputs = knownAnswers.map(\.0) + nanInputs
        for device in try TestDevices.both() {
            let halves = try toHalf(inputs, on: device)
            for (i, (input, expected)) in knownAnswers.enumerated() {
                XCTAssertEqual(halves[i], expected, String(format: "%08x → %04x, expected %04x on ", input, halves[i], expected)
                               + "\(device.info)")
            }
            for (i, input) in nanInputs.enumerated() {
                let h = halves[knownAnswers.count + i]
                XCTAssertTrue(Self.isHalfNaN(h), String(format: "NaN %08x → %04x", input, h))
                XCTAssertEqual(h & 0x8000, UInt16(truncatingIfNeeded: input >> 16) & 0x8000, "NaN keeps its sign")
            }
        }
    }

    func testFloatToHalfIsBitIdenticalOnOpenCLAndCPU() throws {
        let openCL = try TestDevices.openCL()
        var random = SplitMix64(seed: 90)
        // Random bit patterns (every exponent, NaNs, subnormals), values around half's range, and the edges.
        var bits = (0..<200_000).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        bits += (0..<100_000).map { _ in (Float(random.nextUnitFloat()) * 2 - 1) * 70_000 }.map(\.bitPattern)
        bits += (0..<50_000).map { _ in (Float(random.nextUnitFloat()) * 2 - 1) * 0x1p-13 }.map(\.bitPattern)
        // Every rounding tie near 1 and in the subnormal range (lowest 13 bits exactly half an ulp).
        bits += (0..<1024).map { 0x3F80_1000 | UInt32($0) << 13 } + (0..<1024).map { 0x3300_0000 + UInt32($0) << 13 }
        bits += knownAnswers.map(\.0) + nanInputs
        let cpu = try toHalf(bits, on: TestDevices.cpu)
        let gpu = try toHalf(bits, on: openCL)
        // A NaN's payload is the implementation's (OpenCL fixes none: PoCL gives sign | 0x7FFF, which the CPU twin
        // copies, Oclgrind keeps payload bits): a NaN must stay a NaN of its sign; every other input is bit-identical.
        let mismatches = (0..<bits.count).filter { i in
            guard Float(bitPattern: bits[i]).isNaN else { return cpu[i] != gpu[i] }
            return !(Self.isHalfNaN(gpu[i]) && gpu[i] & 0x8000 == cpu[i] & 0x8000)
        }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) mismatches, first: "
            + mismatches.prefix(5).map { String(format: "%08x → cpu %04x, opencl %04x", bits[$0], cpu[$0], gpu[$0]) }
                .joined(separator: "; "))
        #if !(os(macOS) && arch(x86_64))
        // Independently of our bit code: Swift's Float16 rounds to nearest even too (NaN payloads aside).
        for (i, b) in bits.enumerated() where !Float(bitPattern: b).isNaN {
            XCTAssertEqual(cpu[i], Float16(Float(bitPattern: b)).bitPattern, String(format: "%08x", b))
        }
        #endif
    }

    func testHalfToFloatIsExactForEveryHalf() throws {
        let halves = (0...UInt16.max).map { $0 }
        let cpu = try toFloat(halves, on: TestDevices.cpu)
        let gpu = try toFloat(halves, on: try TestDevices.openCL())
        let mismatches = halves.indices.filter { cpu[$0] != gpu[$0] }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) mismatches, first: "
            + mismatches.prefix(5).map { String(format: "%04x → cpu %08x, opencl %08x", halves[$0], cpu[$0], gpu[$0]) }
                .joined(separator: "; "))
        for (h, f) in zip(halves, cpu) where Self.isHalfNaN(h) {
            XCTAssertTrue(Float(bitPattern: f).isNaN, String(format: "%04x", h))
        }
        #if !(os(macOS) && arch(x86_64))
        for (h, f) in zip(halves, cpu) where !Self.isHalfNaN(h) {
            XCTAssertEqual(f, Float(Float16(bitPattern: h)).bitPattern, String(format: "%04x", h))
        }
        #endif
    }

    func testRoundTrips() throws {
        var data = TestData(seed: 91)
        let values = data.uniform(20_000, -60_000, 60_000) + data.uniform(5000, -1e-5, 1e-5)
        let nonNaNHalves = (0...UInt16.max).filter { !Self.isHalfNaN($0) }
        for device in try TestDevices.both() {
            // half → float → half is the identity on every non-NaN half.
            let back = try toHalf(try toFloat(nonNaNHalves, on: device), on: device)
            XCTAssertEqual(back, nonNaNHalves, "half → float → half on \(device.info)")
            // float → half → float loses at most half an ulp of half precision (relative 2⁻¹¹ for normals).
            let once = try toFloat(try toHalf(values.map(\.bitPattern), on: device), on: device).map(Float.init(bitPattern:))
            assertClose(once, values, atol: 0x1p-25, rtol: 0x1p-11, "float → half → float on \(device.info)")
            // And rounding again changes nothing.
            let twice = try toFloat(try toHalf(once.map(\.bitPattern), on: device), on: device).map(Float.init(bitPattern:))
            XCTAssertEqual(twice, once, "a second round trip on \(device.info)")
        }
    }

    func testSameTypeIsACopy() throws {
        var random = SplitMix64(seed: 92)
        let halves = (0..<3001).map { _ in UInt16(truncatingIfNeeded: random.next()) }
        var data = TestData(seed: 93)
        let floats = data.uniform(3001)
        for device in try TestDevices.both() {
            let x16 = try device.uploadRawAtOffset(halves, .float16, sentinel: sentinel16, label: "x16", padding: 5)
            let y16 = try device.uploadRawAtOffset([UInt16](repeating: 0, count: halves.count), .float16,
                                                   sentinel: sentinel16, label: "y16", padding: 11)
            try device.convert(x16, into: y16)
            XCTAssertEqual(try device.readRaw(y16, as: UInt16.self), halves, "f16 → f16 on \(device.info)")
            try assertPaddingUntouched(y16, sentinel16, device)

            let x32 = try device.uploadAtOffset(floats, label: "x32")
            let y32 = try device.uploadAtOffset([Float](repeating: 0, count: floats.count), label: "y32", padding: 3)
            try device.convert(x32, into: y32)
            XCTAssertEqual(try device.readFloats(y32), floats, "f32 → f32 on \(device.info)")
        }
    }

    func testBadArgumentsAreErrors() throws {
        for device in try TestDevices.both() {
            let f32 = try device.allocate(10, label: "floats"), f16 = try device.allocate(10, .float16, label: "halves")
            let i32 = try device.allocate(10, .int32, label: "ids"), short16 = try device.allocate(9, .float16, label: "short")
            assertComputeError(["convert x", "int32"]) { try device.convert(i32, into: f16) }
            assertComputeError(["convert y", "int32"]) { try device.convert(f32, into: i32) }
            assertComputeError(["convert x", "int32"]) { try device.convert(i32, into: i32) }
            assertComputeError(["convert", "'floats'", "10 elements", "'short'", "9"]) {
                try device.convert(f32, into: short16)
            }
            assertComputeError(["convert", "another device"]) {
                try device.convert(f32, into: try (device is CPUDevice ? try TestDevices.openCL() as any Device
                                                                         : TestDevices.cpu).allocate(10, .float16, label: "foreign"))
            }
        }
    }
}
