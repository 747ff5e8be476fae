import BERT
import Foundation
import XCTest

/// The real all-MiniLM-L6-v2 checkpoint (fetched by Tools/fetch-minilm.sh). Skipped with a reason when the
/// model is not on this machine, unless CI is set — then its absence is a failure.
final class MiniLMTests: XCTestCase {
    func testLoadsTheRealModel() throws {
        let folder = try Fixtures.miniLMFolder()
        let expected = try Fixtures.json("minilm-expected.json")
        let checkpoint = try Checkpoint.open(folder)
        let config = try checkpoint.requireConfig()
        XCTAssertEqual(config.numHiddenLayers, 6)
        XCTAssertEqual(config.hiddenSize, 384)
        XCTAssertEqual(config.numAttentionHeads, 12)
        XCTAssertEqual(config.intermediateSize, 1536)
        XCTAssertEqual(config.activation, .erf, "an HF config's \"gelu\" is the erf form")
        XCTAssertEqual(config.vocabSize, 30522)
        XCTAssertEqual(checkpoint.vocabulary?.tokenCount, 30522)
        XCTAssertEqual(checkpoint.heads, .encoder)
        XCTAssertEqual(checkpoint.skipped.map(\.sourceName), ["embeddings.position_ids"])

        XCTAssertEqual(config.parameterCount(heads: .encoder), 22_713_216)
        XCTAssertEqual(checkpoint.parameterCount, expected["parameters"] as? Int)
        XCTAssertTrue(checkpoint.match(config.parameterSpecs(heads: .encoder)).isExact)

        for item in try XCTUnwrap(expected["tensors"] as? [[String: Any]]) {
            let tensor = try ExpectedTensor(item)
            let values = try checkpoint.readFloats(tensor.name)
            tensor.check(values, shape: try XCTUnwrap(checkpoint.tensor(tensor.name)).shape)
            let middle = try XCTUnwrap(item["middle_index"] as? Int)
            XCTAssertEqual(values[middle], Float(try XCTUnwrap(item["middle"] as? Double)), tensor.name)
        }
    }

    func testLoadsIntoOneParameterBuffer() throws {
        let checkpoint = try Checkpoint.open(try Fixtures.miniLMFolder())
        let layout = ParameterLayout(try checkpoint.requireConfig().parameterSpecs(heads: .encoder), alignment: 64)
        var weights = [Float](repeating: .nan, count: layout.totalCount)
        try weights.withUnsafeMutableBufferPointer { try checkpoint.load(layout, into: $0) }
        let range = try XCTUnwrap(layout.range(of: "encoder.layer.5.output.LayerNorm.weight"))
        XCTAssertEqual(Array(weights[range]), try checkpoint.readFloats("encoder.layer.5.output.LayerNorm.weight"))
    }
}
