import BERT
import Foundation
import XCTest

/// Fixture files and helpers shared by the BERT tests.
enum Fixtures {
    /// The copied `Fixtures` folder inside the test bundle.
    static var root: String {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else {
            preconditionFailure("the BERTTests bundle has no Fixtures resource folder")
        }
        return url.path
    }

    static var tfTiny: String { root + "/tf-tiny" }

    /// The packaged all-MiniLM-L6-v2 folder (Tools/fetch-minilm.sh). Skipped with a reason when it is not on this
    /// machine, unless CI is set — then its absence is a failure.
    static func miniLMFolder() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["SWIFTBERT_CACHE_DIR"]
            ?? ((environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/swiftbert")
        let folder = environment["SWIFTBERT_MINILM_DIR"] ?? (cache + "/models/all-MiniLM-L6-v2")
        if FileManager.default.fileExists(atPath: folder + "/model.safetensors") { return folder }
        let reason = "all-MiniLM-L6-v2 not found at \(folder): run `bash Tools/fetch-minilm.sh` or set SWIFTBERT_MINILM_DIR"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            XCTFail(reason)
        } else {
            print("skipping: \(reason)")
        }
        throw XCTSkip(reason)
    }
    static var hfTiny: String { root + "/hf-tiny" }

    /// A fixture JSON file parsed with Foundation.
    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relativePath))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError("fixture \(relativePath) is not a JSON object: rerun its script in Tools/reference/")
        }
        return object
    }
}

/// A fixture that exists but does not hold what its test reads: a failure, never a skip (a skipped fidelity test
/// would pass while checking nothing).
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One tensor's expected values, as the reference scripts wrote them.
struct ExpectedTensor {
    let name: String
    let shape: [Int]
    let first: [Float]
    let last: Float?
    let sum: Double

    init(_ object: Any) throws {
        guard let item = object as? [String: Any], let name = item["name"] as? String,
              let shape = item["shape"] as? [Int], let first = item["first"] as? [Double],
              let sum = item["sum"] as? Double else {
            throw FixtureError("malformed expected-tensor entry (want name, shape, first, sum): \(object)")
        }
        self.name = name
        self.shape = shape
        self.first = first.map { Float($0) }
        self.last = (item["last"] as? Double).map { Float($0) }
        self.sum = sum
    }

    /// Checks values read by SwiftBERT: first/last values bit-exact, the sum to float64 rounding.
    func check(_ values: [Float], shape actualShape: [Int], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actualShape, shape, "\(name) shape", file: file, line: line)
        XCTAssertEqual(Array(values.prefix(first.count)), first, "\(name) first values", file: file, line: line)
        if let last { XCTAssertEqual(values.last, last, "\(name) last value", file: file, line: line) }
        let total = values.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(total, sum, accuracy: 1e-9 * max(1, values.reduce(0.0) { $0 + abs(Double($1)) }),
                       "\(name) sum", file: file, line: line)
    }
}

/// A temporary folder removed when the test ends.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "swiftbert-tests-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies a fixture folder into this folder and returns the copy's path.
    func copy(_ folder: String, as name: String) throws -> String {
        let destination = path + "/" + name
        try FileManager.default.copyItem(atPath: folder, toPath: destination)
        return destination
    }

    func write(_ data: Data, to name: String) throws -> String {
        let file = path + "/" + name
        try data.write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// Asserts that `body` throws a `CheckpointError` of `kind` whose message mentions every string in `mentions`.
func assertCheckpointError(_ kind: CheckpointError.Kind, mentions: [String], file: StaticString = #filePath,
                           line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected a \(kind) error mentioning \(mentions), nothing was thrown", file: file, line: line)
    } catch let error as CheckpointError {
        XCTAssertEqual(error.kind, kind, "wrong kind for: \(error)", file: file, line: line)
        for text in mentions {
            XCTAssertTrue(error.description.contains(text), "'\(error)' does not mention '\(text)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected a CheckpointError, got \(error)", file: file, line: line)
    }
}

extension Data {
    /// The bytes as an array.
    var bytes: [UInt8] { [UInt8](self) }
}
