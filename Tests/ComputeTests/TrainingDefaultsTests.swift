import Compute
import Foundation
import XCTest

/// Each training default is written once in the sources (`TrainingDefaults`), and the cache folder is resolved in
/// one place with an empty variable counting as unset.
final class TrainingDefaultsTests: XCTestCase {
    private var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    /// The lines of Swift code (comments dropped) under Sources that match `pattern`, as `file:line`.
    private func places(matching pattern: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        var found: [String] = []
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        for file in files.sorted() {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.components(separatedBy: "//").first ?? ""
                if regex.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil { found.append("\(file):\(number + 1)") }
            }
        }
        return found
    }

    func testEachDefaultIsWrittenOnce() throws {
        XCTAssertFalse(try places(matching: #"Float = 0"#).isEmpty, "the scan sees the sources")
        for (name, pattern) in [("seed", #"\b12345\b"#), ("learning rate", #"[=:]\s*5e-5\b"#),
                                ("weight decay", #"(?i)decay\w*:?\s*(Float\s*)?=\s*0\.01\b"#),
                                ("max grad norm", #"(?i)gradNorm\w*:?\s*(Float\s*)?=\s*1(\.0)?\b"#)] {
            let found = try places(matching: pattern)
            XCTAssertEqual(found.map { $0.components(separatedBy: ":")[0] }, ["Compute/Core/TrainingDefaults.swift"],
                           "the \(name) default is written in \(found)")
        }
    }

    func testTheCacheFolderIsResolvedOnce() {
        XCTAssertEqual(CacheFolder.root(environment: ["SWIFTBERT_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"]), "/c")
        XCTAssertEqual(CacheFolder.root(environment: ["SWIFTBERT_CACHE_DIR": "", "XDG_CACHE_HOME": "/x"]), "/x/swiftbert")
        XCTAssertEqual(CacheFolder.root(environment: ["XDG_CACHE_HOME": ""]),
                       FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/swiftbert")
    }
}
