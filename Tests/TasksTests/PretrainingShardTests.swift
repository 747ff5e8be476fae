import Foundation
import Tasks
import Tokenizer
import XCTest

/// Shards: round trip, streaming in groups independent of the thread count, and bad input.
final class PretrainingShardTests: XCTestCase {
    private func options(shardDocuments: Int = 40, maxSeqLength: Int = 64) -> PretrainingOptions {
        var options = PretrainingOptions()
        options.maxSeqLength = maxSeqLength
        options.maxPredictionsPerSeq = 10
        options.dupeFactor = 2
        options.shardDocuments = shardDocuments
        return options
    }

    /// Generates shards from a synthetic corpus of `documents` documents into a new folder.
    private func generate(documents: Int = 130, options: PretrainingOptions, threads: Int? = nil,
                          corpusSeed: Int = 3) throws -> (folder: String, corpus: String, summary: PretrainingSummary) {
        let folder = try Fixtures.temporaryDirectory()
        let corpus = try PretrainingSyntheticCorpus.write(
            PretrainingSyntheticCorpus.text(documents: documents, sentences: 2...8, words: 3...12, seed: corpusSeed), in: folder)
        let configuration = PretrainingDataConfiguration(inputs: [corpus], outputDirectory: folder + "/out", options: options,
                                                         vocabularyName: "synthetic", concurrentGroups: threads)
        let summary = try PretrainingDataGenerator(configuration: configuration, tokenizer: PretrainingSyntheticCorpus.tokenizer()).run()
        return (folder + "/out", corpus, summary)
    }

    private func shardBytes(_ folder: String) throws -> [Data] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sbpt") }.sorted()
            .map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)) }
    }

    private func assertThrows(_ expression: @autoclosure () throws -> Any, mentioning fragments: [String],
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            let message = "\(error)"
            for fragment in fragments where !message.contains(fragment) {
                XCTFail("error \"\(message)\" does not mention \"\(fragment)\"", file: file, line: line)
            }
        }
    }

    func testRoundTripEqualsBuilderPerGroup() throws {
        let options = options()
        let (folder, corpus, summary) = try generate(options: options)
        XCTAssertEqual(summary.shards, 4, "130 documents in groups of 40")
        let dataset = try PretrainingDataset(paths: [folder])
        XCTAssertEqual(dataset.count, summary.instances)
        XCTAssertEqual(dataset.maxSeqLength, 64)
        XCTAssertEqual(dataset.maxPredictions, 10)
        let tokenizer = try PretrainingSyntheticCorpus.tokenizer()
        XCTAssertEqual(dataset.vocabularySize, tokenizer.vocabulary.count)
        let builder = try PretrainingInstanceBuilder(options: options, vocabulary: PretrainingVocabulary(tokenizer: tokenizer, name: "synthetic"))
        var reader = PretrainingCorpusReader(files: [corpus])
        var expected: [PretrainingInstance] = []
        var group = 0
        while let raw = try reader.nextGroup(limit: 40) {
            var rng = PythonRandom(seed: options.seed, stream: UInt64(group))
            var created: [PretrainingInstance] = []
            var counts = MaskingCounts()
            let order = builder.build(documents: PretrainingDataGenerator.tokenize(raw, with: tokenizer), rng: &rng, counts: &counts) {
                created.append($0)
            }
            expected += order.map { created[$0] }
            group += 1
        }
        XCTAssertEqual(try (0..<dataset.count).map { try dataset.instance(at: $0) }, expected)
        assertThrows(try dataset.instance(at: dataset.count), mentioning: ["outside"])
    }

    func testOutputIndependentOfThreadCount() throws {
        let one = try generate(options: options(shardDocuments: 25), threads: 1)
        let two = try generate(options: options(shardDocuments: 25), threads: 2)
        let many = try generate(options: options(shardDocuments: 25), threads: 5)
        XCTAssertEqual(try shardBytes(one.folder).count, 6)
        XCTAssertEqual(try shardBytes(one.folder), try shardBytes(two.folder))
        XCTAssertEqual(try shardBytes(one.folder), try shardBytes(many.folder))
        XCTAssertEqual(one.summary.instances, many.summary.instances)
        XCTAssertEqual(one.summary.masking, many.summary.masking)
    }

    func testLargeVocabularyUsesFourByteIDs() throws {
        let header = PretrainingShardHeader(maxSeqLength: 128, maxPredictions: 20, vocabularySize: 70000, instanceCount: 0, checksum: 0)
        XCTAssertEqual(header.tokenIDWidth, 4)
        XCTAssertEqual(header.recordSize, 8 + 4 * 148 + 40)
        XCTAssertEqual(PretrainingShardHeader(maxSeqLength: 128, maxPredictions: 20, vocabularySize: 30522, instanceCount: 0, checksum: 0).recordSize,
                       8 + 2 * 148 + 40)
    }

    func testCorruptShardsNameTheFile() throws {
        let (folder, _, _) = try generate(documents: 30, options: options())
        let shard = folder + "/part-00000.sbpt"
        let good = try Data(contentsOf: URL(fileURLWithPath: shard))
        let bad = try Fixtures.temporaryDirectory() + "/bad.sbpt"
        func write(_ data: Data) throws { try data.write(to: URL(fileURLWithPath: bad)) }

        try write(good.prefix(good.count - 7))
        assertThrows(try PretrainingDataset(paths: [bad]), mentioning: [bad, "truncated"])
        try write(good.prefix(20))
        assertThrows(try PretrainingDataset(paths: [bad]), mentioning: [bad, "truncated"])
        var flipped = good
        flipped[good.count - 100] ^= 0x10
        try write(flipped)
        assertThrows(try PretrainingDataset(paths: [bad]), mentioning: [bad, "checksum"])
        var magic = good
        magic[0] = UInt8(ascii: "X")
        try write(magic)
        assertThrows(try PretrainingDataset(paths: [bad]), mentioning: [bad, "magic"])
        var version = good
        version[8] = 9
        try write(version)
        assertThrows(try PretrainingDataset(paths: [bad]), mentioning: [bad, "version 9"])
        assertThrows(try PretrainingDataset(paths: [folder + "/missing.sbpt"]), mentioning: [folder + "/missing.sbpt"])
        assertThrows(try PretrainingDataset(paths: [folder + "/nothing-*.sbpt"]), mentioning: ["nothing-*.sbpt"])
    }

    func testMismatchedShardsNameTheFile() throws {
        let short = try generate(documents: 30, options: options(maxSeqLength: 64))
        let long = try generate(documents: 30, options: options(maxSeqLength: 96))
        let other = long.folder + "/part-00000.sbpt"
        assertThrows(try PretrainingDataset(paths: [short.folder, other]), mentioning: [other, "max_seq_length", "96", "64"])
    }

    func testBadSettingsAndVocabulary() throws {
        var options = options()
        options.maxSeqLength = 4
        assertThrows(try options.validate(), mentioning: ["--max-seq-length", "4"])
        options = self.options()
        options.maskedLMProbability = 0
        assertThrows(try options.validate(), mentioning: ["--masked-lm-prob"])
        options.maskedLMProbability = 1.5
        assertThrows(try options.validate(), mentioning: ["--masked-lm-prob", "1.5"])
        assertThrows(try PretrainingVocabulary(tokenizer: PretrainingSyntheticCorpus.tokenizer(withMask: false), name: "my-vocab.txt"),
                     mentioning: ["my-vocab.txt", "[MASK]"])
    }

    func testReaderErrorsAndLineEndings() throws {
        let folder = try Fixtures.temporaryDirectory()
        let invalid = folder + "/invalid.txt"
        try Data([0x61, 0x0A, 0x62, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: invalid))
        var reader = PretrainingCorpusReader(files: [invalid])
        assertThrows(try reader.nextGroup(limit: 10), mentioning: [invalid + ":2", "UTF-8"])
        // \n and \r\n end lines and a lone \r is dropped (TensorFlow's readline); whitespace-only lines (Python's
        // str.isspace) end documents; a document runs on into the next file.
        let first = folder + "/a.txt", second = folder + "/b.txt"
        try Data("one\rtwo\r\n \u{00A0}\r\nthree\n".utf8).write(to: URL(fileURLWithPath: first))
        try Data("  four \n\n\nfive".utf8).write(to: URL(fileURLWithPath: second))
        var lines = PretrainingCorpusReader(files: [first, second])
        XCTAssertEqual(try lines.nextGroup(limit: 2), [["onetwo"], ["three", "four"]])
        XCTAssertEqual(try lines.nextGroup(limit: 2), [["five"]])
        XCTAssertNil(try lines.nextGroup(limit: 2))
        let configuration = PretrainingDataConfiguration(inputs: [folder + "/none-*.txt"], outputDirectory: folder + "/out",
                                                         options: self.options(), vocabularyName: "synthetic")
        assertThrows(try PretrainingDataGenerator(configuration: configuration, tokenizer: PretrainingSyntheticCorpus.tokenizer()).run(),
                     mentioning: ["none-*.txt"])
    }
}
