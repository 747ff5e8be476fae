import Compute
import Foundation
import XCTest
@testable import Training

/// A run's claim on its output folder: refused while another run holds it and free again once that one is gone,
/// the temporaries of killed writes (and nothing else) removed, and an unusable path refused in one line before any
/// work.
final class RunOutputTests: XCTestCase {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-output-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testASecondRunIsRefusedWhileTheFirstHoldsTheFolderAndAdmittedAfter() throws {
        let path = try folder() + "/run"
        let first = try RunOutput.claim(path, command: "bert finetune classify")
        XCTAssertThrowsError(try RunOutput.claim(path, command: "bert finetune ner")) { error in
            guard case let RunOutputError.busy(busyPath, holder) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(busyPath, path)
            XCTAssertTrue(holder.contains("pid \(getpid())") && holder.contains("bert finetune classify"), holder)
            XCTAssertTrue("\(error)".contains("choose another --output"), "\(error)")
        }
        first.release()   // as the kernel does when the holder dies
        let second = try RunOutput.claim(path, command: "bert finetune ner")
        XCTAssertTrue(try String(contentsOfFile: path + "/" + RunOutput.lockName, encoding: .utf8).contains("bert finetune ner"))
        second.release()
    }

    func testTheTemporariesOfKilledWritesAndNothingElseAreRemoved() throws {
        let path = try folder()
        let manager = FileManager.default
        try manager.createDirectory(atPath: path + "/checkpoints/.step-000004.tmp-4242-17/", withIntermediateDirectories: true)
        try Data(repeating: 1, count: 1000).write(to: URL(fileURLWithPath: path + "/checkpoints/.step-000004.tmp-4242-17/model.safetensors"))
        try Data(repeating: 2, count: 10).write(to: URL(fileURLWithPath: path + "/.metrics.jsonl.tmp-99-123456"))
        try manager.createDirectory(atPath: path + "/model/.model.tmp-7-8.old", withIntermediateDirectories: true)
        let kept = [path + "/checkpoints/step-000002/model.safetensors", path + "/metrics.jsonl", path + "/.tmp-1-2",
                    path + "/notes.tmp-1-2", path + "/.draft.tmp-x-2", path + "/.a.tmp-12"]
        for file in kept {
            try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
        }
        let output = try RunOutput.claim(path, command: "test")
        defer { output.release() }
        XCTAssertEqual(Set(output.removedLeftovers), [path + "/checkpoints/.step-000004.tmp-4242-17", path + "/.metrics.jsonl.tmp-99-123456",
                                                      path + "/model/.model.tmp-7-8.old"])
        XCTAssertEqual(output.removedBytes, 1010)
        for file in kept { XCTAssertTrue(manager.fileExists(atPath: file), "kept: \(file)") }
        XCTAssertFalse(manager.fileExists(atPath: path + "/.write-probe-\(getpid())"), "the probe is removed")
    }

    func testTemporaryNamesAreRecognised() {
        let made = (TemporaryName.beside("/x/checkpoints/step-000010") as NSString).lastPathComponent
        XCTAssertTrue(TemporaryName.matches(made), made)
        XCTAssertTrue(TemporaryName.matches(made + ".old"))
        for name in ["step-000010", ".tmp-1-2", ".a.tmp-1", ".a.tmp-1-2-3", ".a.tmp-x-2", "a.tmp-1-2", ".a.tmp-1-2.new"] {
            XCTAssertFalse(TemporaryName.matches(name), name)
        }
    }

    func testAnUnusableOutputIsRefusedInOneLine() throws {
        let base = try folder()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: base + "/file"))
        let cases: [(String, String)] = [
            (base + "/file", "it is a file, not a folder"),
            (base + "/file/run", "is a file, not a folder"),
            ("/proc/swiftbert-run", "cannot create /proc/swiftbert-run"),
        ]
        for (path, reason) in cases {
            XCTAssertThrowsError(try RunOutput.claim(path, command: "test")) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("cannot use --output \(path): ") && text.contains(reason), text)
                XCTAssertFalse(text.contains("\n") || text.contains("NSCocoaErrorDomain"), text)
            }
        }
    }
}
