import Tasks
import XCTest

/// Large groups are tokenized in slices on all cores: the documents come out the same, in the same order, as
/// tokenized one after another.
final class PretrainingTokenizeTests: XCTestCase {
    func testSlicedTokenizationEqualsSequential() throws {
        let text = PretrainingSyntheticCorpus.text(documents: 1200, sentences: 1...4, words: 1...8, seed: 11)
        let group: [RawDocument] = text.components(separatedBy: "\n\n").map { $0.split(separator: "\n").map(String.init) }
        XCTAssertGreaterThan(group.count, 1000)
        let tokenizer = try PretrainingSyntheticCorpus.tokenizer()
        // Groups under 512 documents take the sequential path.
        let sequential = stride(from: 0, to: group.count, by: 200).flatMap {
            PretrainingDataGenerator.tokenize(Array(group[$0..<min($0 + 200, group.count)]), with: tokenizer)
        }
        XCTAssertEqual(PretrainingDataGenerator.tokenize(group, with: tokenizer), sequential)
    }
}
