import Foundation
import XCTest
@testable import Compute

/// Folders are created with their parents, and a failure is one line naming the folder and the system's reason —
/// for the atomic writers too — never Foundation's error text.
final class FoldersTests: XCTestCase {
    func testFoldersAreCreatedOrRefusedWithTheReason() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-folders-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: base) }
        try Folders.create(base + "/a/b/c")
        try Folders.create(base + "/a/b/c")   // existing: fine
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: base + "/a/b/c", isDirectory: &isDirectory) && isDirectory.boolValue)
        try Data("x".utf8).write(to: URL(fileURLWithPath: base + "/file"))
        let refusals: [(String, String)] = [
            (base + "/file", "cannot create the folder \(base)/file: it is a file, not a folder"),
            (base + "/file/sub", "cannot create the folder \(base)/file/sub: \(base)/file is a file, not a folder"),
            ("/proc/swiftbert/x", "cannot create the folder /proc/swiftbert/x: cannot create /proc/swiftbert: No such file or directory"),
        ]
        for (path, message) in refusals {
            XCTAssertThrowsError(try Folders.create(path)) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertThrowsError(try AtomicFile.write(Data("y".utf8), to: base + "/file/metrics.jsonl")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot create the folder \(base)/file: it is a file"), "\(error)")
        }
        XCTAssertThrowsError(try AtomicFileWriter(path: base + "/file/predictions.jsonl")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot create the folder \(base)/file: it is a file"), "\(error)")
        }
    }
}
