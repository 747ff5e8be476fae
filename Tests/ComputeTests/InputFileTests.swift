import Files
import Foundation
import XCTest

/// `InputFile`, the one way every reader opens its input: only a regular file is read; a folder, FIFO (without
/// blocking), symbolic-link loop, dangling link, missing path or binary file is refused with the reason in words.
final class InputFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-input-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
        super.tearDown()
    }

    private func reason(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as InputFileError {
            return error.reason
        } catch {
            return "unexpected \(error)"
        }
    }

    func testARegularFileIsReadWhole() throws {
        let path = folder + "/a.txt"
        let text = String(repeating: "word ", count: 5000)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(try InputFile.readText(path), Array(text.utf8))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty"))
        XCTAssertEqual(try InputFile.read(folder + "/empty"), [])
    }

    func testWhatIsNotARegularFileIsRefusedWithItsReason() throws {
        XCTAssertEqual(mkfifo(folder + "/fifo", 0o644), 0)
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop-a", withDestinationPath: folder + "/loop-b")
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop-b", withDestinationPath: folder + "/loop-a")
        try FileManager.default.createSymbolicLink(atPath: folder + "/dangling", withDestinationPath: folder + "/gone")
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/file"))
        let cases: [(String, String)] = [
            ("fifo", "is a FIFO (named pipe); a regular file is expected"),
            ("sub", "is a folder; a file is expected"),
            ("loop-a", "is a symbolic link loop (too many levels of links)"),
            ("dangling", "is a symbolic link to something missing"),
            ("none", "no such file"),
            ("file/inside", "does not exist: a part of the path is a file, not a folder"),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(reason { _ = try InputFile.read(folder + "/" + name) }, expected, name)
        }
        XCTAssertEqual(reason { _ = try InputFile.read("/dev/null") }, "is a device; a regular file is expected")
        XCTAssertEqual(try? InputFile.read(folder + "/none"), nil)
        XCTAssertTrue((try? InputFile.check(folder + "/none")) == nil)
        do {
            try InputFile.check(folder + "/none")
        } catch let error as InputFileError {
            XCTAssertTrue(error.isMissing)
            XCTAssertEqual(error.description, folder + "/none: no such file")
        }
    }

    func testABinaryFileIsRefusedButALateNULIsText() throws {
        var bytes = Array("line one\nline two\n".utf8) + [0, 1, 2] + Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/binary"))
        XCTAssertEqual(reason { _ = try InputFile.readText(folder + "/binary") }, "is not text: a NUL byte on line 3 (a binary file?)")
        XCTAssertEqual(try InputFile.read(folder + "/binary"), bytes, "read() takes any bytes")
        // Past the first 8000 bytes a NUL is text, as git decides (Google's tokenizer drops it).
        bytes = Array(String(repeating: "text\n", count: 2000).utf8) + [0] + Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/late"))
        XCTAssertEqual(try InputFile.readText(folder + "/late"), bytes)
    }

    func testFoldersAreChecked() throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/file"))
        XCTAssertNil(reason { try InputFile.checkFolder(folder) })
        XCTAssertEqual(reason { try InputFile.checkFolder(folder + "/file") }, "is a file; a folder is expected")
        XCTAssertEqual(reason { try InputFile.checkFolder(folder + "/none") }, "no such folder")
    }
}
