import Compute
import Foundation
import XCTest
@testable import BERT

/// Devices and fixtures shared by the encoder tests.
enum EncoderTestSupport {
    static let cpu = CPUDevice()

    private static let openCLResult: Result<OpenCLDevice, Error>? = {
        do {
            guard !(try OpenCLDevice.availableDevices()).isEmpty else { return nil }
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-test-cache").path
            return .success(try OpenCLDevice(index: 0, options: DeviceOptions(kernelCacheDirectory: cache)))
        } catch {
            return .failure(error)
        }
    }()

    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !value.isEmpty && value != "0" && value != "false"
    }

    /// The OpenCL device; skips without an OpenCL platform except under CI, where that is a failure.
    static func openCL() throws -> OpenCLDevice {
        switch openCLResult {
        case .success(let device): return device
        case .failure(let error): throw error
        case nil:
            if isCI { XCTFail("CI is set but no OpenCL platform was found") }
            throw XCTSkip("no OpenCL platform installed")
        }
    }

    /// Both devices (CPU first).
    static func devices() throws -> [any Device] { [cpu, try openCL()] }

    /// A committed fixture file.
    static func fixture(_ path: String) -> String {
        Fixtures.root + "/encoder/" + path
    }
}

extension SafetensorsFile {
    /// An int32 tensor of a fixture.
    func readInt32(_ name: String) throws -> [Int32] {
        let bytes = try self.bytes(of: name)
        return bytes.withMemoryRebound(to: Int32.self) { Array($0) }
    }
}

/// Fails unless |x − ref| ≤ atol + rtol·|ref| everywhere, printing the first mismatches.
func assertClose(_ values: [Float], _ reference: [Float], atol: Double, rtol: Double, _ message: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    let comparison = Comparison(values, reference, atol: atol, rtol: rtol)
    if !comparison.passed || values.count != reference.count {
        XCTFail("\(message): \(comparison)", file: file, line: line)
    }
}
