import Foundation
import Tasks
import Tokenizer
import XCTest

/// Instances identical to Google's create_pretraining_data.py (fixture: Tools/reference/make_pretraining_fixture.py).
final class PretrainingGoldenTests: XCTestCase {
    private struct Expected: Decodable {
        struct Instance: Decodable {
            let input_ids: [Int32]
            let segment_ids: [Int32]
            let masked_lm_positions: [Int32]
            let masked_lm_ids: [Int32]
            let is_random_next: Bool
            var instance: PretrainingInstance {
                PretrainingInstance(tokenIDs: input_ids, segmentIDs: segment_ids, maskedPositions: masked_lm_positions,
                                    maskedLabels: masked_lm_ids, isRandomNext: is_random_next)
            }
        }
        let instances: [Instance]
        let whole_word_instances: [Instance]
    }

    static func options(wholeWordMask: Bool) -> PretrainingOptions {
        var options = PretrainingOptions()
        options.maxSeqLength = 32
        options.maxPredictionsPerSeq = 5
        options.dupeFactor = 2
        options.wholeWordMask = wholeWordMask
        return options
    }

    static func tokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabularyFile: Fixtures.path("pretraining/vocab.txt"), lowercase: true, compatibility: .google)
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("pretraining/expected.json"))))
    }

    private func builtInstances(wholeWordMask: Bool) throws -> [PretrainingInstance] {
        let tokenizer = try Self.tokenizer()
        var reader = PretrainingCorpusReader(files: [try Fixtures.path("pretraining/text.txt")])
        let group = try XCTUnwrap(try reader.nextGroup(limit: 1000))
        XCTAssertNil(try reader.nextGroup(limit: 1000))
        let documents = PretrainingDataGenerator.tokenize(group, with: tokenizer)
        let builder = try PretrainingInstanceBuilder(options: Self.options(wholeWordMask: wholeWordMask),
                                                     vocabulary: PretrainingVocabulary(tokenizer: tokenizer, name: "vocab.txt"))
        return builder.instances(documents: documents, seed: 12345)
    }

    private func assertSame(_ actual: [PretrainingInstance], _ expected: [PretrainingInstance], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (index, (a, e)) in zip(actual, expected).enumerated() where a != e {
            XCTFail("instance \(index) differs:\n ours   \(a)\n google \(e)", file: file, line: line)
            return
        }
    }

    func testInstancesMatchGoogle() throws {
        assertSame(try builtInstances(wholeWordMask: false), try expected().instances.map(\.instance))
    }

    func testWholeWordInstancesMatchGoogle() throws {
        assertSame(try builtInstances(wholeWordMask: true), try expected().whole_word_instances.map(\.instance))
    }

    /// The full path — generator, shard, dataset — gives Google's instances when the corpus fits one group.
    func testGeneratedShardMatchesGoogle() throws {
        let output = try Fixtures.temporaryDirectory()
        let configuration = PretrainingDataConfiguration(inputs: [try Fixtures.path("pretraining/text.txt")], outputDirectory: output,
                                                         options: Self.options(wholeWordMask: true), vocabularyName: "vocab.txt")
        let summary = try PretrainingDataGenerator(configuration: configuration, tokenizer: Self.tokenizer()).run()
        XCTAssertEqual(summary.shards, 1)
        let dataset = try PretrainingDataset(paths: [output])
        let read = try (0..<dataset.count).map { try dataset.instance(at: $0) }
        assertSame(read, try expected().whole_word_instances.map(\.instance))
        XCTAssertEqual(summary.instances, read.count)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/summary.json"))
    }
}
