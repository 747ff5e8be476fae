import Foundation
import XCTest

/// Runs the package's executables (`bert`, `bert-prof`) the way a user does, as a child process.
public enum ToolProcess {
    /// What a finished process printed (standard output and error together) and its exit status.
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
    }

    /// The executable `name` built beside the running test bundle; skips the test when there is none.
    public static func built(_ name: String, besides bundle: Bundle) throws -> String {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL.deletingLastPathComponent(), bundle.bundleURL.deletingLastPathComponent()]
        for folder in candidates {
            let path = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("no \(name) executable beside the tests (looked in \(candidates.map(\.path)))")
    }

    /// Runs `executable` with `arguments`, this process's environment overridden by `environment`, and waits.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// A fresh folder under the temporary directory, removed when `test` ends.
    public static func folder(_ prefix: String, for test: XCTestCase) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
