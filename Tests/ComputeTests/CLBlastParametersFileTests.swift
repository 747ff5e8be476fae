import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The CLBlast parameters file: JSON round trip, the default location, and errors for bad files that name
/// the file, the field and what was expected. No device needed.
final class CLBlastParametersFileTests: XCTestCase {
    private let sample = CLBlastParameters(
        device: .init(name: "pthread-skylake-avx512-AMD EPYC", vendor: "AuthenticAMD", driverVersion: "3.1+debian"),
        kernels: ["GemmRoutine": ["XGEMM_MIN_INDIRECT_SIZE": 512],
                  "XgemmDirect": ["WGD": 16, "KWID": 2, "PADA": 1, "PADB": 1]],
        tuning: CLBlastTuningRecord(date: "2025-01-01T00:00:00Z", workload: ["1024×768×768 Bᵀ"], baselineSeconds: 2.5,
                                    tunedSeconds: 1.25, configurationsMeasured: 12, configurationsRejected: 2,
                                    elapsedSeconds: 300))

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("clblast-file-tests-\(getpid())")
            .appendingPathComponent(name).path
    }

    func testRoundTripThroughAFile() throws {
        let path = temporaryPath("round-trip.json")
        try sample.write(to: path)
        XCTAssertEqual(try CLBlastParameters.load(contentsOf: path), sample)
        var untuned = sample
        untuned.tuning = nil
        try untuned.write(to: path)
        XCTAssertEqual(try CLBlastParameters.load(contentsOf: path), untuned, "the tuning record is optional")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\"format\" : \"swiftbert-clblast-parameters\""), text)
        XCTAssertTrue(text.contains("\"precision\" : 32"), text)
    }

    func testDefaultPathIsInTheKernelCacheAndSanitized() {
        let path = CLBlastParameters.defaultPath(for: sample.device, kernelCacheDirectory: "/tmp/cache")
        XCTAssertEqual(path, "/tmp/cache/clblast/pthread-skylake-avx512-AMD-EPYC_3.1-debian.json")
        XCTAssertEqual(CLBlastParameters.sanitized("  /// "), "unnamed")
        XCTAssertEqual(CLBlastParameters.sanitized("NVIDIA GeForce RTX 3090 (r535)"), "NVIDIA-GeForce-RTX-3090-r535")
    }

    func testMissingFileNamesIt() {
        assertFileError(["nowhere.json", "no such file"]) { _ = try CLBlastParameters.load(contentsOf: "/nonexistent/nowhere.json") }
    }

    func testBadFilesNameTheFieldAndTheExpectation() throws {
        let valid = try JSONSerialization.jsonObject(with: try sample.jsonData()) as! [String: Any]
        func edited(_ edit: (inout [String: Any]) -> Void) throws -> Data {
            var copy = valid
            edit(&copy)
            return try JSONSerialization.data(withJSONObject: copy)
        }
        func kernels(_ value: Any) -> (inout [String: Any]) -> Void { { $0["kernels"] = value } }
        let cases: [(Data, [String])] = [
            (Data("{\"format\": ".utf8), ["bad.json", "a JSON object", "not valid JSON"]),
            (Data("[1, 2]".utf8), ["bad.json", "expected an object", "an array of 2 elements"]),
            (try edited { $0["format"] = "something-else" }, ["'format'", "swiftbert-clblast-parameters", "\"something-else\""]),
            (try edited { $0["version"] = 2 }, ["'version'", "1 (the only version", "the number 2"]),
            (try edited { $0["precision"] = 64 }, ["'precision'", "32", "the number 64"]),
            (try edited { $0["device"] = ["vendor": "x", "driverVersion": "y"] }, ["'device.name'", "a non-empty string", "missing"]),
            (try edited(kernels([String: Any]())), ["'kernels'", "at least one kernel"]),
            (try edited(kernels(["Xgemm": [String: Any]()])), ["'kernels.Xgemm'", "the kernel's parameters"]),
            (try edited(kernels(["Xgemm": ["MWG": "64"]])), ["'kernels.Xgemm.MWG'", "a whole number ≥ 0", "the string \"64\""]),
            (try edited(kernels(["Xgemm": ["MWG": -1]])), ["'kernels.Xgemm.MWG'", "≥ 0", "the number -1"]),
            (try edited(kernels(["Xgemm": ["MWG": 1.5]])), ["'kernels.Xgemm.MWG'", "a whole number", "1.5"]),
            (try edited(kernels(["Xgemm": ["SA": true]])), ["'kernels.Xgemm.SA'", "a whole number", "true"]),
            (try edited { $0["tuning"] = ["date": "d"] }, ["'tuning.workload'", "an array", "missing"]),
        ]
        for (data, fragments) in cases {
            assertFileError(fragments) { _ = try CLBlastParameters.parse(data, file: "bad.json") }
        }
    }

    private func assertFileError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                                 _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
        } catch let error as CLBlastParametersError {
            for fragment in fragments where !error.description.contains(fragment) {
                XCTFail("\"\(error)\" does not mention \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
        }
    }
}
