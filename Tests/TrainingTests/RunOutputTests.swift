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
        // PIDs above any pid_max: their writers are gone.
        let dead = (2_147_480_001...2_147_480_006).map(String.init)
        func file(_ relative: String, bytes: Int = 4) throws {
            try manager.createDirectory(atPath: ((path + "/" + relative) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(repeating: 1, count: bytes).write(to: URL(fileURLWithPath: path + "/" + relative))
        }
        try file("checkpoints/.step-000004.tmp-\(dead[0])-17/model.safetensors", bytes: 1000)
        try file(".metrics.jsonl.tmp-\(dead[1])-123456", bytes: 10)
        try file("checkpoints/step-000002/model.safetensors")
        try file("checkpoints/.step-000002.tmp-\(dead[2])-9.old/model.safetensors", bytes: 100)   // its original exists
        try file("model/.model.tmp-\(dead[3])-8.old/model.safetensors")            // the only copy of the old model
        let kept = ["metrics.jsonl", ".tmp-1-2", "notes.tmp-1-2", ".draft.tmp-x-2", ".a.tmp-12",
                    ".live.tmp-\(getpid())-5", ".init.tmp-1-5",                          // writers alive
                    "other-run/.lock", "other-run/.x.tmp-\(dead[4])-1"]                   // another run's folder
        for relative in kept { try file(relative) }

        let output = try RunOutput.claim(path, command: "test")
        defer { output.release() }
        XCTAssertEqual(Set(output.removedLeftovers), [path + "/checkpoints/.step-000004.tmp-\(dead[0])-17",
                                                      path + "/.metrics.jsonl.tmp-\(dead[1])-123456",
                                                      path + "/checkpoints/.step-000002.tmp-\(dead[2])-9.old"])
        XCTAssertEqual(output.removedBytes, 1110)
        XCTAssertTrue(manager.fileExists(atPath: path + "/model/model/model.safetensors"), "the set-aside folder is renamed back")
        XCTAssertTrue(manager.fileExists(atPath: path + "/checkpoints/step-000002/model.safetensors"))
        for relative in kept { XCTAssertTrue(manager.fileExists(atPath: path + "/" + relative), "kept: \(relative)") }
        XCTAssertFalse(manager.fileExists(atPath: path + "/.write-probe-\(getpid())"), "the probe is removed")
    }

    func testTemporaryNamesAreRecognised() {
        let made = (TemporaryName.beside("/x/checkpoints/step-000010") as NSString).lastPathComponent
        XCTAssertTrue(TemporaryName.matches(made), made)
        XCTAssertTrue(TemporaryName.matches(made + ".old"))
        XCTAssertEqual(TemporaryName.writer(of: made), getpid())
        XCTAssertEqual(TemporaryName.original(of: "/x/checkpoints/" + made + ".old"), "/x/checkpoints/step-000010")
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
