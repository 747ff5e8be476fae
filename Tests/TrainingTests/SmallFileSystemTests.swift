import BERT
import Compute
import Foundation
import XCTest
@testable import Training

/// Checkpoints written to a real small file system: a tmpfs with room for one and a half checkpoints (the second
/// fails with ENOSPC), then remounted read-only (EROFS). Mounting needs root; the test is skipped otherwise.
final class SmallFileSystemTests: XCTestCase {
    private var mountPoint: String?

    override func tearDown() {
        if let mountPoint {
            _ = Self.run("/bin/umount", [mountPoint])
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        super.tearDown()
    }

    @discardableResult
    private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Bytes the folder's files take on a page-granular file system.
    private func pagedSize(of folder: String) throws -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return try FileManager.default.contentsOfDirectory(atPath: folder).reduce(0) { total, name in
            let size = (try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0
            return total + (size + page - 1) / page * page
        }
    }

    private func temporaries(in folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? [])
            .filter { TemporaryName.matches(($0 as NSString).lastPathComponent) }
    }

    func testAFullAndThenReadOnlyFileSystemKeepsTheCheckpoint() throws {
        // The size of one checkpoint, measured on the ordinary disk.
        let probe = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-tmpfs-probe")
        let sizing = try TrainerFixture.trainer(CPUDevice(), micro: 8, output: probe)
        let one = try pagedSize(of: try sizing.saveCheckpoint(step: 1, previous: nil))

        let mountPoint = TrainerFixture.outputFolder(for: self, prefix: "swiftbert-tmpfs")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(one + one / 2)", "tmpfs", mountPoint]) == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the injected faults of WriteFaultTests still run")
        }
        self.mountPoint = mountPoint
        let output = mountPoint + "/run"
        let trainer = try TrainerFixture.trainer(CPUDevice(), micro: 8, output: output) { $0.keepCheckpoints = 1 }
        let first = try trainer.saveCheckpoint(step: 1, previous: nil)

        XCTAssertThrowsError(try trainer.saveCheckpoint(step: 2, previous: first)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot write the checkpoint of step 2: \(output)/checkpoints/step-000002/"), "\(error)")
            XCTAssertTrue("\(error)".contains(String(cString: strerror(ENOSPC))), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("(the last good checkpoint, \(first), is intact)"), "\(error)")
        }
        XCTAssertEqual(temporaries(in: output), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output + "/checkpoints"), ["step-000001"])
        XCTAssertNoThrow(try trainer.restore(from: first))

        guard Self.run("/bin/mount", ["-o", "remount,ro", mountPoint]) == 0 else { return XCTFail("cannot remount read-only") }
        XCTAssertThrowsError(try trainer.saveCheckpoint(step: 3, previous: first)) { error in
            XCTAssertTrue("\(error)".contains(String(cString: strerror(EROFS))), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output + "/checkpoints"), ["step-000001"])
        XCTAssertNoThrow(try trainer.restore(from: first))
    }
}
