import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// `bert extract-features`' library: real sentences through the packaged MiniLM, tokenized by our tokenizer,
/// against PyTorch's hidden states (the fixture's first four examples are these sentences, unpaired).
final class FeatureExtractorTests: XCTestCase {
    private let sentences = [
        "It was the best of times, it was the worst of times.",
        "Call me Ishmael.",
        "The quick brown fox jumps over the lazy dog!",
        "A film that is funny, moving and beautifully acted.",
    ]

    func testLastLayerAndMeanPoolingMatchPyTorch() throws {
        let folder = try Fixtures.miniLMFolder()
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("minilm_hidden_states.safetensors"))
        let entry = try XCTUnwrap(expected.entry("input_ids"))
        let (s, h) = (entry.shape[1], 384)
        let ids = try expected.readInt32("input_ids"), mask = try expected.readInt32("attention_mask")
        let last = try expected.readFloats("hidden_states.6")
        for device in try TestDevices.both() {
            let extractor = try FeatureExtractor(model: folder, device: device,
                                                 options: .init(layers: [-1, 0], maxSequenceLength: 32, batchSize: 3))
            let results = try extractor.extract(sentences)
            let pooled = try FeatureExtractor(model: folder, device: device,
                                              options: .init(maxSequenceLength: 32, batchSize: 3, pooling: .mean)).extract(sentences)
            for (b, result) in results.enumerated() {
                let count = Int(mask[(b * s)..<((b + 1) * s)].reduce(0, +))
                XCTAssertEqual(extractor.tokenizer.tokens(Array(ids[(b * s)..<(b * s + count)])), result.tokens,
                               "the same tokens as HF's tokenizer")
                XCTAssertEqual(result.layers[0].count, count)
                let reference = Array(last[(b * s * h)..<((b * s + count) * h)])
                assertClose(result.layers[0].flatMap { $0 }, reference, atol: 1e-4, rtol: 1e-4, "sentence \(b) on \(device.info)")
                let mean = (0..<h).map { c in (0..<count).reduce(0.0) { $0 + Double(reference[$1 * h + c]) } / Double(count) }
                assertClose(try XCTUnwrap(pooled[b].pooled), mean.map(Float.init), atol: 1e-4, rtol: 1e-4, "mean pooling \(b)")
            }
        }
    }

    func testBadLayerAndLengthAreClearErrors() throws {
        let folder = try Fixtures.miniLMFolder()
        XCTAssertThrowsError(try FeatureExtractor(model: folder, device: TestDevices.cpu, options: .init(layers: [-8]))) {
            XCTAssertTrue("\($0)".contains("layer -8 does not exist: the model has 6 layers"), "\($0)")
        }
        XCTAssertThrowsError(try FeatureExtractor(model: folder, device: TestDevices.cpu, options: .init(maxSequenceLength: 600))) {
            XCTAssertTrue("\($0)".contains("max_position_embeddings 512"), "\($0)")
        }
    }
}
