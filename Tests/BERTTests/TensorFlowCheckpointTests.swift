@testable import BERT
import Foundation
import XCTest

final class TensorFlowCheckpointTests: XCTestCase {
    func testCRC32CKnownValues() {
        let text = Array("123456789".utf8)
        XCTAssertEqual(text.withUnsafeBytes { CRC32C.checksum($0) }, 0xE306_9283)
        let zeros = [UInt8](repeating: 0, count: 32)
        XCTAssertEqual(zeros.withUnsafeBytes { CRC32C.checksum($0) }, 0x8A91_36AA)
        let split = text.withUnsafeBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[4...]),
                            continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<4])))
        }
        XCTAssertEqual(split, 0xE306_9283)
        for value: UInt32 in [0, 1, 0xE306_9283, 0xFFFF_FFFF] { XCTAssertEqual(CRC32C.unmask(CRC32C.mask(value)), value) }
    }

    func testOpensByFolderIndexFileOrPrefix() throws {
        for path in [Fixtures.tfTiny, Fixtures.tfTiny + "/bert_model.ckpt.index", Fixtures.tfTiny + "/bert_model.ckpt"] {
            let checkpoint = try Checkpoint.open(path)
            XCTAssertEqual(checkpoint.format, .tensorFlow, path)
            XCTAssertEqual(checkpoint.tensors.count, 46, path)
        }
    }

    func testReadsGoogleVariablesUnderCanonicalNames() throws {
        let expected = try Fixtures.json("tf-tiny/expected.json")
        let checkpoint = try Checkpoint.open(Fixtures.tfTiny)
        XCTAssertEqual(checkpoint.parameterCount, expected["parameters"] as? Int)
        XCTAssertEqual(checkpoint.tensors.count + checkpoint.skipped.count, expected["variables"] as? Int)
        XCTAssertEqual(checkpoint.heads, .preTraining)
        XCTAssertTrue(checkpoint.unrecognized.isEmpty)
        for item in try XCTUnwrap(expected["tensors"] as? [Any]) {
            let tensor = try ExpectedTensor(item)
            let stored = try XCTUnwrap(checkpoint.tensor(tensor.name), tensor.name)
            XCTAssertEqual(stored.sourceName, (item as? [String: Any])?["source"] as? String)
            tensor.check(try checkpoint.readFloats(tensor.name), shape: stored.shape)
        }
        let query = try XCTUnwrap(checkpoint.tensor("encoder.layer.0.attention.self.query.weight"))
        XCTAssertTrue(query.transposed)
        let intermediate = try XCTUnwrap(checkpoint.tensor("encoder.layer.1.intermediate.dense.weight"))
        XCTAssertEqual(intermediate.storedShape, [32, 37])
        XCTAssertEqual(intermediate.shape, [37, 32])
        XCTAssertEqual(checkpoint.tensor("cls.seq_relationship.weight")?.transposed, false)
        XCTAssertEqual(checkpoint.tensor("cls.predictions.bias")?.sourceName, "cls/predictions/output_bias")
    }

    func testSkipsOptimizerSlotsAndGlobalStep() throws {
        let checkpoint = try Checkpoint.open(Fixtures.tfTiny)
        let skipped = checkpoint.skipped.map(\.sourceName)
        XCTAssertEqual(skipped.count, 9)
        XCTAssertTrue(skipped.contains("global_step"))
        XCTAssertTrue(skipped.contains("bert/embeddings/word_embeddings/adam_m"))
        XCTAssertTrue(skipped.contains("cls/seq_relationship/output_weights/adam_v"))
        XCTAssertEqual(checkpoint.skipped.first { $0.sourceName == "global_step" }?.dtype, "DT_INT64")
        let bundle = try TensorBundle(prefix: Fixtures.tfTiny + "/bert_model.ckpt")
        let step = try bundle.bytes(of: "global_step")
        XCTAssertEqual(step.loadUnaligned(as: Int64.self), 1234)
    }

    func testConfigAndVocabularyBesideTheCheckpoint() throws {
        let checkpoint = try Checkpoint.open(Fixtures.tfTiny)
        XCTAssertEqual(checkpoint.config?.activation, .tanh)
        XCTAssertEqual(checkpoint.configFile?.hasSuffix("bert_config.json"), true)
        XCTAssertEqual(checkpoint.vocabulary?.tokenCount, 99)
        XCTAssertEqual(checkpoint.vocabulary?.looksUncased, true)
        XCTAssertNil(checkpoint.doLowerCase)
        let config = try checkpoint.requireConfig()
        XCTAssertTrue(checkpoint.match(config.parameterSpecs(heads: .preTraining)).isExact)
    }

    func testGoogleNameMapping() {
        XCTAssertEqual(GoogleNames.map("bert/encoder/layer_11/attention/output/LayerNorm/gamma"),
                       .parameter("encoder.layer.11.attention.output.LayerNorm.weight", transposed: false))
        XCTAssertEqual(GoogleNames.map("bert/pooler/dense/kernel"), .parameter("pooler.dense.weight", transposed: true))
        XCTAssertEqual(GoogleNames.map("bert/embeddings/token_type_embeddings"),
                       .parameter("embeddings.token_type_embeddings.weight", transposed: false))
        XCTAssertEqual(GoogleNames.map("cls/predictions/output_bias"), .parameter("cls.predictions.bias", transposed: false))
        XCTAssertEqual(GoogleNames.map("cls/predictions/transform/LayerNorm/beta"),
                       .parameter("cls.predictions.transform.LayerNorm.bias", transposed: false))
        XCTAssertEqual(GoogleNames.map("output_weights"), .parameter("classifier.weight", transposed: false))
        XCTAssertEqual(GoogleNames.map("cls/squad/output_bias"), .parameter("qa_outputs.bias", transposed: false))
        XCTAssertEqual(GoogleNames.map("bert/encoder/layer_0/output/dense/kernel/adam_v"),
                       .skipped(reason: "optimizer slot, not a parameter"))
        XCTAssertEqual(GoogleNames.map("global_step"), .skipped(reason: "training state, not a parameter"))
        XCTAssertEqual(GoogleNames.map("loss/dense/kernel"), .unrecognized)
        XCTAssertEqual(GoogleNames.map("bert/something/else"), .unrecognized)
        XCTAssertEqual(HuggingFaceNames.map("bert.embeddings.LayerNorm.gamma"),
                       .parameter("embeddings.LayerNorm.weight", transposed: false))
        XCTAssertEqual(HuggingFaceNames.stored("encoder.layer.0.output.dense.bias", withHeads: true),
                       "bert.encoder.layer.0.output.dense.bias")
        XCTAssertEqual(HuggingFaceNames.stored("classifier.bias", withHeads: true), "classifier.bias")
        XCTAssertEqual(HuggingFaceNames.stored("pooler.dense.bias", withHeads: false), "pooler.dense.bias")
    }
}
