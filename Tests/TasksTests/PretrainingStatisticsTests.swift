import Foundation
import Tasks
import Tokenizer
import XCTest

/// The statistics of generated data on a large synthetic sample: masking rate and kinds, NSP balance, short
/// sequences, whole-word masking.
final class PretrainingStatisticsTests: XCTestCase {
    private func build(_ options: PretrainingOptions, documents: Int = 300, sentences: ClosedRange<Int> = 3...12)
        throws -> (instances: [PretrainingInstance], counts: MaskingCounts, tokenizer: WordPieceTokenizer) {
        let tokenizer = try PretrainingSyntheticCorpus.tokenizer()
        let text = PretrainingSyntheticCorpus.text(documents: documents, sentences: sentences, words: 5...18, seed: 7)
        let raw = text.components(separatedBy: "\n\n").map { $0.split(separator: "\n").map(String.init) }.filter { !$0.isEmpty }
        let documents = PretrainingDataGenerator.tokenize(raw, with: tokenizer)
        let builder = try PretrainingInstanceBuilder(options: options, vocabulary: PretrainingVocabulary(tokenizer: tokenizer, name: "synthetic"))
        var rng = PythonRandom(seed: options.seed)
        var counts = MaskingCounts()
        var instances: [PretrainingInstance] = []
        _ = builder.build(documents: documents, rng: &rng, counts: &counts) { instances.append($0) }
        return (instances, counts, tokenizer)
    }

    private var defaults: PretrainingOptions {
        var options = PretrainingOptions()
        options.dupeFactor = 5
        return options
    }

    func testMaskingRateAndKinds() throws {
        let (instances, counts, _) = try build(defaults)
        XCTAssertGreaterThan(instances.count, 1000)
        var expectedPredictions = 0, tokens = 0
        for instance in instances {
            let n = instance.tokenIDs.count
            tokens += n
            expectedPredictions += min(20, max(1, Int((Double(n) * 0.15).rounded(.toNearestOrEven))))
            XCTAssertEqual(instance.maskedPositions, instance.maskedPositions.sorted())
            XCTAssertLessThanOrEqual(instance.maskedPositions.count, 20)
        }
        XCTAssertEqual(counts.total, expectedPredictions, "without whole-word masking every instance gets its full budget")
        XCTAssertEqual(Double(counts.total) / Double(tokens), 0.15, accuracy: 0.01)
        let total = Double(counts.total)
        XCTAssertEqual(Double(counts.mask) / total, 0.8, accuracy: 0.015)
        XCTAssertEqual(Double(counts.keep) / total, 0.1, accuracy: 0.01)
        XCTAssertEqual(Double(counts.random) / total, 0.1, accuracy: 0.01)
    }

    func testMaskCapRespected() throws {
        var options = defaults
        options.maxPredictionsPerSeq = 5
        let (instances, counts, _) = try build(options)
        XCTAssertTrue(instances.allSatisfy { $0.maskedPositions.count <= 5 })
        XCTAssertEqual(counts.total, instances.reduce(0) { $0 + min(5, max(1, Int((Double($1.tokenIDs.count) * 0.15).rounded(.toNearestOrEven)))) })
    }

    func testNextSentenceBalance() throws {
        let (instances, _, _) = try build(defaults)
        let fraction = Double(instances.filter(\.isRandomNext).count) / Double(instances.count)
        // 0.5 by coin, a little more from one-segment chunks, which are always random.
        XCTAssertGreaterThan(fraction, 0.47)
        XCTAssertLessThan(fraction, 0.6)
    }

    func testShortSequenceProbability() throws {
        func shorterFraction(_ probability: Double) throws -> Double {
            var options = defaults
            options.shortSeqProbability = probability
            let (instances, _, _) = try build(options, documents: 120, sentences: 40...60)
            return Double(instances.filter { $0.tokenIDs.count < 128 }.count) / Double(instances.count)
        }
        let never = try shorterFraction(0), always = try shorterFraction(1), usual = try shorterFraction(0.1)
        XCTAssertLessThan(never, 0.12, "only a document's last chunk is short")
        XCTAssertGreaterThan(always, 0.9)
        XCTAssertGreaterThan(usual, never + 0.05)
        XCTAssertLessThan(usual, never + 0.35)
    }

    func testWholeWordMaskingNeverSplitsAWord() throws {
        var options = defaults
        options.wholeWordMask = true
        let (instances, counts, tokenizer) = try build(options)
        let vocabulary = try PretrainingVocabulary(tokenizer: tokenizer, name: "synthetic")
        var partialPieces = 0, maskedContinuations = 0
        for instance in instances {
            var original = instance.tokenIDs
            for (position, label) in zip(instance.maskedPositions, instance.maskedLabels) { original[Int(position)] = label }
            let masked = Set(instance.maskedPositions.map(Int.init))
            // Words as Google groups them: [CLS] and [SEP] skipped, each "##" piece joined to the word before.
            var words: [[Int]] = []
            for (index, id) in original.enumerated() where id != vocabulary.classifierID && id != vocabulary.separatorID {
                if vocabulary.isContinuation(id), !words.isEmpty { words[words.count - 1].append(index) } else { words.append([index]) }
            }
            for word in words {
                let maskedInWord = word.filter(masked.contains).count
                if maskedInWord != 0 && maskedInWord != word.count { partialPieces += 1 }
                maskedContinuations += word.dropFirst().filter(masked.contains).count
            }
        }
        XCTAssertEqual(partialPieces, 0)
        XCTAssertGreaterThan(maskedContinuations, 100, "the sample must mask many multi-piece words")
        XCTAssertGreaterThan(counts.total, 0)
    }
}
