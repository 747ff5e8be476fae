import Foundation
import XCTest
import Compute

// Shared by every test target (one test process, so one OpenCL context and one set of PoCL compiles).

/// Devices shared by every test in the process (one OpenCL context: PoCL compiles are slow the first time).
public enum TestDevices {
    public static let cpu = CPUDevice()

    /// Program cache for the tests, kept between runs so warm runs are fast.
    public static let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-test-cache").path

    /// The environment variable that picks the OpenCL device the tests run on (`opencl:N`'s N; default 0), e.g.
    /// `SWIFTBERT_TEST_OPENCL_DEVICE=1` with Oclgrind registered next to PoCL through `OCL_ICD_VENDORS`.
    public static let deviceVariable = "SWIFTBERT_TEST_OPENCL_DEVICE"

    private static let openCLResult: Result<OpenCLDevice, Error>? = {
        do {
            guard !(try OpenCLDevice.availableDevices()).isEmpty else { return nil }
            let options = DeviceOptions(kernelCacheDirectory: cacheDirectory)
            let chosen = ProcessInfo.processInfo.environment[deviceVariable]
            guard let index = chosen.map({ Int($0) }) ?? 0 else {
                throw ComputeError.invalidDeviceSpec(chosen ?? "", reason: "\(deviceVariable) must be a device number (opencl:N's N)")
            }
            return .success(try OpenCLDevice(index: index, options: options))
        } catch {
            return .failure(error)
        }
    }()

    /// The OpenCL device the tests run on: opencl:0, or the one `SWIFTBERT_TEST_OPENCL_DEVICE` names. Skips the test
    /// when no OpenCL platform exists — except under CI (the `CI` variable set), where CI installs PoCL and a
    /// missing device is a failure.
    public static func openCL() throws -> OpenCLDevice {
        switch openCLResult {
        case .success(let device): return device
        case .failure(let error): throw error
        case nil:
            if isCI {
                XCTFail("CI is set but no OpenCL platform was found: .ci/run must install pocl-opencl-icd")
                throw XCTSkip("no OpenCL device (failure recorded: CI must have one)")
            }
            print("note: skipping an OpenCL test: no OpenCL platform is installed (apt-get install pocl-opencl-icd)")
            throw XCTSkip("no OpenCL platform installed")
        }
    }

    /// Both devices, the CPU backend first. Without an OpenCL platform (outside CI) only the CPU backend: its half
    /// of a test still runs instead of being skipped with the OpenCL half.
    public static func both() throws -> [any Device] {
        if case .none = openCLResult, !isCI {
            print("note: no OpenCL platform is installed: only the CPU half of this test runs")
            return [cpu]
        }
        return [cpu, try openCL()]
    }

    /// Whether the `CI` variable says this is a CI run (where a missing OpenCL platform is a failure).
    public static var isCI: Bool {
        guard let ci = ProcessInfo.processInfo.environment["CI"] else { return false }
        return !ci.isEmpty && ci != "0" && ci != "false"
    }

    /// A new device on the same OpenCL hardware as `openCL()`, with its own context and accountant (to measure
    /// memory from zero, or with a budget); it shares the test program cache.
    public static func freshOpenCL(_ options: DeviceOptions = DeviceOptions()) throws -> OpenCLDevice {
        let shared = try openCL()
        var options = options
        options.kernelCacheDirectory = options.kernelCacheDirectory ?? cacheDirectory
        return try OpenCLDevice(index: shared.info.index ?? 0, options: options)
    }
}

/// Deterministic test data.
public struct TestData {
    public var random: SplitMix64

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    public mutating func uniform(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0..<count).map { _ in low + (high - low) * random.nextUnitFloat() }
    }
}

/// Fails with the comparison (counts, max errors, first mismatches) unless every value is within
/// atol + rtol·|reference|.
public func assertClose(_ values: [Float], _ reference: [Float], atol: Double = 1e-6, rtol: Double = 1e-5,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(values.count, reference.count, "length differs \(message())", file: file, line: line)
    let comparison = Comparison(values, reference, atol: atol, rtol: rtol)
    if !comparison.passed {
        XCTFail("\(message()): \(comparison)", file: file, line: line)
    }
}

/// Asserts that `body` throws a `ComputeError` whose message contains every fragment.
public func assertComputeError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
    } catch let error as ComputeError {
        let text = error.description
        for fragment in fragments where !text.contains(fragment) {
            XCTFail("error \"\(text)\" does not mention \"\(fragment)\"", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}

extension Device {
    /// Uploads `values` into the middle of a larger buffer, so kernels are exercised with a non-zero offset.
    public func uploadAtOffset(_ values: [Float], label: String, padding: Int = 37) throws -> BufferView {
        let backing = try upload([Float](repeating: .nan, count: padding) + values + [Float](repeating: .nan, count: 5),
                                 label: label)
        return try backing.slice(padding, count: values.count)
    }
}

extension Device {
    /// Reads a view as raw elements of `T`, which must have the view's element size (e.g. the `UInt16` bits of a
    /// float16 view, the `UInt32` bits of a float32 view).
    public func readRaw<T: BitwiseCopyable>(_ view: BufferView, as _: T.Type) throws -> [T] {
        guard MemoryLayout<T>.stride == view.dtype.size else {
            throw ComputeError.shapeMismatch(operation: "readRaw",
                detail: "\(MemoryLayout<T>.stride)-byte host elements for a \(view.dtype) view")
        }
        return try [T](unsafeUninitializedCapacity: view.count) { buffer, initialized in
            try read(view, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = view.count
        }
    }

    /// Uploads raw elements (`T` of the dtype's size) into the middle of a larger buffer of `dtype`, with
    /// `sentinel` on both sides, so kernels are exercised with a non-zero offset and stray writes show.
    public func uploadRawAtOffset<T: BitwiseCopyable>(_ values: [T], _ dtype: DType, sentinel: T, label: String,
                                                      padding: Int = 37) throws -> BufferView {
        let backing = try allocate(padding + values.count + 5, dtype, label: label)
        try write([T](repeating: sentinel, count: padding) + values + [T](repeating: sentinel, count: 5), to: backing)
        return try backing.slice(padding, count: values.count)
    }
}
