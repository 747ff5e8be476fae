import Compute
import Foundation
import Tokenizer

/// What to generate: inputs, output folder and settings.
public struct PretrainingDataConfiguration: Sendable {
    /// Text files or globs: one sentence per line, blank lines between documents.
    public var inputs: [String]
    /// The folder that receives `part-00000.sbpt` … and `summary.json`.
    public var outputDirectory: String
    /// Google's settings and the group size.
    public var options: PretrainingOptions
    /// How errors name the vocabulary (its path).
    public var vocabularyName: String
    /// Groups processed at once; `nil` for every core (`ProcessInfo.activeProcessorCount`). The output does not
    /// depend on it.
    public var concurrentGroups: Int?

    /// A configuration; `concurrentGroups` defaults to every core.
    public init(inputs: [String], outputDirectory: String, options: PretrainingOptions, vocabularyName: String,
                concurrentGroups: Int? = nil) {
        self.inputs = inputs
        self.outputDirectory = outputDirectory
        self.options = options
        self.vocabularyName = vocabularyName
        self.concurrentGroups = concurrentGroups
    }
}

/// `bert create-pretraining-data`: streams documents in groups of ``PretrainingOptions/shardDocuments``,
/// processes each group exactly as Google's `create_pretraining_data.py` processes a whole corpus (group g seeded
/// with `random.Random(|seed| + (g << 64))`, so group 0 uses the seed itself), on all cores, and writes group g
/// to `part-<g>.sbpt` (format: ``PretrainingShardHeader``). A corpus that fits one group gives exactly Google's
/// instances, in Google's order.
public struct PretrainingDataGenerator: Sendable {
    /// What to generate.
    public let configuration: PretrainingDataConfiguration
    /// The tokenizer (Google's `FullTokenizer` behaviour with `compatibility: .google`).
    public let tokenizer: WordPieceTokenizer

    /// A generator.
    public init(configuration: PretrainingDataConfiguration, tokenizer: WordPieceTokenizer) {
        self.configuration = configuration
        self.tokenizer = tokenizer
    }

    /// The name of group `index`'s shard.
    public static func shardName(_ index: Int) -> String { String(format: "part-%05d.sbpt", index) }

    /// Generates every shard and `summary.json`.
    ///
    /// - Throws: ``PretrainingError`` naming the file (and line or setting) at fault.
    public func run() throws -> PretrainingSummary {
        let started = Date()
        let options = configuration.options
        try options.validate()
        let files = try PretrainingPaths.expand(configuration.inputs)
        let builder = try PretrainingInstanceBuilder(options: options,
                                                     vocabulary: PretrainingVocabulary(tokenizer: tokenizer, name: configuration.vocabularyName))
        try prepareOutputDirectory()
        do {
            return try generate(files: files, builder: builder, started: started)
        } catch {
            // A failed run leaves no shards behind (they would block, or mix into, the next run).
            removeShards()
            throw error
        }
    }

    /// Reads the groups, processes them on the workers and writes `summary.json`.
    private func generate(files: [String], builder: PretrainingInstanceBuilder, started: Date) throws -> PretrainingSummary {
        let options = configuration.options
        let workers = max(1, configuration.concurrentGroups ?? ProcessInfo.processInfo.activeProcessorCount)
        let results = GroupResults()
        let slots = DispatchSemaphore(value: workers)
        let running = DispatchGroup()
        let queue = DispatchQueue(label: "pretraining-groups", attributes: .concurrent)
        var reader = PretrainingCorpusReader(files: files)
        var groupCount = 0
        var readError: Error?
        while !results.failed {
            slots.wait()
            let group: [RawDocument]?
            do {
                group = try reader.nextGroup(limit: options.shardDocuments)
            } catch {
                readError = error
                slots.signal()
                break
            }
            guard let group else { slots.signal(); break }
            let index = groupCount
            groupCount += 1
            queue.async(group: running) { [self] in
                results.record(index, Result { try process(group, index: index, builder: builder) })
                slots.signal()
            }
        }
        running.wait()
        if let readError { throw readError }
        var summary = try results.merged(count: groupCount)
        guard summary.documents > 0 else { throw PretrainingError.emptyCorpus(paths: configuration.inputs) }
        summary.options = options
        summary.seconds = Date().timeIntervalSince(started)
        let summaryPath = URL(fileURLWithPath: configuration.outputDirectory).appendingPathComponent("summary.json").path
        do {
            try AtomicFile.write(try summary.json(), to: summaryPath)
        } catch {
            throw PretrainingError.unwritableFile(path: summaryPath, reason: "\(error)")
        }
        return summary
    }

    /// Tokenizes, builds and writes one group; returns its counts.
    private func process(_ group: [RawDocument], index: Int, builder: PretrainingInstanceBuilder) throws -> PretrainingSummary {
        let documents = Self.tokenize(group, with: tokenizer)
        let options = builder.options
        var summary = PretrainingSummary()
        var writer = PretrainingShardWriter(maxSeqLength: options.maxSeqLength, maxPredictions: options.maxPredictionsPerSeq,
                                            vocabularySize: builder.vocabulary.size)
        var rng = PythonRandom(seed: options.seed, stream: UInt64(index))
        var masking = MaskingCounts()
        let order = builder.build(documents: documents, rng: &rng, counts: &masking) { instance in
            writer.append(instance)
            summary.count(instance, maxSeqLength: options.maxSeqLength)
        }
        let path = URL(fileURLWithPath: configuration.outputDirectory).appendingPathComponent(Self.shardName(index)).path
        try writer.write(order: order, to: path)
        summary.masking = masking
        summary.documents = documents.count
        summary.shards = 1
        return summary
    }

    /// The documents as Google reads them: each line's word pieces, lines without any dropped, documents
    /// without any line dropped. Large groups are tokenized in slices on all cores (so one group — a corpus
    /// Google's way — still uses them all); the result does not depend on the slicing.
    public static func tokenize(_ group: [RawDocument], with tokenizer: WordPieceTokenizer) -> [PretrainingDocument] {
        let slices = min(ProcessInfo.processInfo.activeProcessorCount, max(1, group.count / 256))
        guard slices > 1 else { return tokenize(group[...], with: tokenizer) }
        let parts = UnsafeMutableBufferPointer<[PretrainingDocument]>.allocate(capacity: slices)
        parts.initialize(repeating: [])
        defer { _ = parts.deinitialize(); parts.deallocate() }
        // Each iteration writes only its own slot.
        nonisolated(unsafe) let results = parts
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (group.count * slice / slices)..<(group.count * (slice + 1) / slices)
            results[slice] = tokenize(group[range], with: tokenizer)
        }
        return parts.flatMap { $0 }
    }

    private static func tokenize(_ group: ArraySlice<RawDocument>, with tokenizer: WordPieceTokenizer) -> [PretrainingDocument] {
        let session = TokenizerSession()
        var documents: [PretrainingDocument] = []
        for raw in group {
            var document: PretrainingDocument = []
            for line in raw {
                var pieces = TokenizedText()
                tokenizer.tokenize(line, session: session, into: &pieces)
                if !pieces.ids.isEmpty { document.append(pieces.ids) }
            }
            if !document.isEmpty { documents.append(document) }
        }
        return documents
    }

    /// Deletes the shards this run wrote (after a failure).
    private func removeShards() {
        let path = configuration.outputDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name.hasSuffix(".sbpt") {
            try? FileManager.default.removeItem(atPath: path + "/" + name)
        }
    }

    /// Creates the output folder; refuses one that already holds shards (they would be read with the new ones).
    private func prepareOutputDirectory() throws {
        let path = configuration.outputDirectory
        do {
            try Folders.create(path)
        } catch let error as FolderError {
            throw PretrainingError.unwritableFile(path: path, reason: error.reason)
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if existing.contains(where: { $0.hasSuffix(".sbpt") }) { throw PretrainingError.outputNotEmpty(path: path) }
    }
}

/// Per-group results, filled by worker threads.
private final class GroupResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<PretrainingSummary, Error>] = [:]
    private var anyFailure = false

    var failed: Bool { lock.withLock { anyFailure } }

    func record(_ index: Int, _ result: Result<PretrainingSummary, Error>) {
        lock.withLock {
            results[index] = result
            if case .failure = result { anyFailure = true }
        }
    }

    /// The groups' counts added in group order; the first group's error if any failed.
    func merged(count: Int) throws -> PretrainingSummary {
        try lock.withLock {
            var total = PretrainingSummary()
            for index in 0..<count {
                guard let result = results[index] else { continue }
                total.add(try result.get())
            }
            return total
        }
    }
}
