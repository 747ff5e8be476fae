import Foundation
import XCTest
@testable import Compute

/// The atomic writers under every injected write failure (`WriteFaults`): a file written whole (`AtomicFile`, as
/// evaluation results, SQuAD predictions and the caches are), a file streamed (`AtomicFileWriter`, as predictions
/// and extracted features are) and the GEMM-choice cache. Each failure names the file's final name and the reason,
/// leaves the old content under the final name, and leaves no temporary.
final class AtomicWriteFaultTests: XCTestCase {
    static let codes: [Int32] = [ENOSPC, EROFS, EACCES, EDQUOT, EIO]

    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        WriteFaults.clear()
        try? FileManager.default.removeItem(atPath: folder)
        super.tearDown()
    }

    private func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    /// Runs `write` with `code` injected into `call` of the file `name`, which holds "old" before.
    private func check(_ name: String, _ code: Int32, _ call: WriteCall, _ write: (String) throws -> Void) throws {
        let path = folder + "/" + name
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        WriteFaults.inject(code, into: call) { $0.contains(name) }
        let label = "\(name) \(call) \(String(cString: strerror(code)))"
        XCTAssertThrowsError(try write(path), label) { error in
            XCTAssertEqual(error as? AtomicFileError, AtomicFileError(path: path, operation: error.operation, code: code), label)
            XCTAssertTrue("\(error)".hasPrefix("cannot ") && "\(error)".hasSuffix(": " + String(cString: strerror(code))),
                          "\(label): \(error)")
        }
        XCTAssertEqual(WriteFaults.pending, 0, label)
        WriteFaults.clear()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old", "\(label): the old content stays")
        XCTAssertEqual(try entries(), [name], "\(label): no temporary is left")
    }

    func testAWholeFileWriteFailsCleanly() throws {
        for code in Self.codes {
            for call in [WriteCall.create, .write, .sync, .rename] {
                try check("eval_results.json", code, call) { try AtomicFile.write(Data(repeating: 7, count: 1 << 16), to: $0) }
            }
        }
    }

    func testAStreamedFileFailsCleanly() throws {
        for code in Self.codes {
            for call in [WriteCall.create, .write, .sync, .rename] {
                try check("predictions.jsonl", code, call) { path in
                    let writer = try AtomicFileWriter(path: path)
                    for line in 0..<100 { try writer.write("{\"line\": \(line)}\n") }
                    try writer.commit()
                }
            }
        }
    }

    func testAnAppendFailureNamesTheLog() throws {
        for code in Self.codes {
            for call in [WriteCall.create, .write] {
                let path = folder + "/metrics.jsonl"
                WriteFaults.inject(code, into: call) { $0.hasSuffix("/metrics.jsonl") }
                XCTAssertThrowsError(try AtomicFile.append(Data("{}\n".utf8), to: path)) { error in
                    XCTAssertEqual((error as? AtomicFileError)?.path, path)
                    XCTAssertEqual((error as? AtomicFileError)?.code, code)
                }
                XCTAssertEqual(WriteFaults.pending, 0)
            }
        }
    }

    func testAFolderThatCannotBeMadeIsNamed() throws {
        for code in Self.codes {
            let path = folder + "/a/b/out.json"
            WriteFaults.inject(code, into: .makeFolder) { $0.hasSuffix("/a/b") }
            XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: path)) { error in
                XCTAssertEqual("\(error)", "cannot create the folder \(folder)/a/b: cannot create \(folder)/a/b: \(String(cString: strerror(code)))")
            }
            XCTAssertEqual(WriteFaults.pending, 0)
        }
    }

    func testTheGEMMChoiceCacheSurvivesAFailedWrite() throws {
        for code in Self.codes {
            let path = folder + "/choices-\(code).json"
            WriteFaults.inject(code, into: .sync) { $0.contains("choices-\(code).json") }
            let cache = CPUGEMMChoice(path: path)
            XCTAssertEqual(cache.choice(for: "m=8") { ["a": 2, "b": 1] }, "b", "the measured choice is used")
            XCTAssertEqual(WriteFaults.pending, 0)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing under the cache's name")
            XCTAssertEqual(try entries().filter { TemporaryName.matches($0) }, [], "no temporary is left")
        }
    }
}

private extension Error {
    var operation: String { (self as? AtomicFileError)?.operation ?? "" }
}
