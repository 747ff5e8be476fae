@testable import BERT
import Foundation
import XCTest

/// Damaged TensorFlow checkpoints give CheckpointErrors naming the file and the tensor or structure.
final class TensorFlowBadInputTests: XCTestCase {
    private var folder: TemporaryFolder!
    private var checkpoint: String!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
        checkpoint = try folder.copy(Fixtures.tfTiny, as: "ckpt")
    }

    override func tearDown() { folder = nil }

    private var indexPath: String { checkpoint + "/bert_model.ckpt.index" }
    private var dataPath: String { checkpoint + "/bert_model.ckpt.data-00000-of-00001" }

    private func modify(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path)).bytes
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func testWrongMagic() throws {
        try modify(indexPath) { $0[$0.count - 1] ^= 0xff }
        assertCheckpointError(.malformed, mentions: ["bert_model.ckpt.index", "magic"]) { _ = try Checkpoint.open(checkpoint) }
    }

    func testTruncatedIndexAndData() throws {
        try modify(indexPath) { $0 = Array($0.prefix(20)) }
        assertCheckpointError(.truncated, mentions: ["bert_model.ckpt.index", "footer"]) { _ = try Checkpoint.open(checkpoint) }
        try FileManager.default.removeItem(atPath: indexPath)
        try FileManager.default.copyItem(atPath: Fixtures.tfTiny + "/bert_model.ckpt.index", toPath: indexPath)
        try modify(dataPath) { $0 = Array($0.prefix($0.count / 2)) }
        assertCheckpointError(.truncated, mentions: ["bert_model.ckpt.data-00000-of-00001", "tensor '", "past the end"]) {
            _ = try Checkpoint.open(checkpoint)
        }
    }

    func testFooterHandleOutsideTheFile() throws {
        try modify(indexPath) { bytes in
            // Index handle: offset = 2^40 (varint), size = 1.
            let footer = bytes.count - SSTable.footerSize
            let handle: [UInt8] = [0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1]
            bytes.replaceSubrange(footer..<(footer + handle.count), with: handle)
        }
        assertCheckpointError(.malformed, mentions: ["bert_model.ckpt.index", "index block", "runs past the end"]) {
            _ = try Checkpoint.open(checkpoint)
        }
    }

    func testBlockChecksumMismatch() throws {
        try modify(indexPath) { $0[10] ^= 0x01 }
        assertCheckpointError(.checksumMismatch, mentions: ["bert_model.ckpt.index", "data block at offset 0", "CRC"]) {
            _ = try Checkpoint.open(checkpoint)
        }
    }

    func testTensorChecksumMismatch() throws {
        let bundle = try TensorBundle(prefix: Fixtures.tfTiny + "/bert_model.ckpt")
        let entry = try XCTUnwrap(bundle.entry("bert/pooler/dense/bias"))
        try modify(dataPath) { $0[entry.byteRange.lowerBound + 3] ^= 0x40 }
        let opened = try Checkpoint.open(checkpoint)
        assertCheckpointError(.checksumMismatch, mentions: ["bert_model.ckpt.data-00000-of-00001",
                                                            "tensor 'bert/pooler/dense/bias'", "CRC-32C"]) {
            _ = try opened.readFloats("pooler.dense.bias")
        }
        XCTAssertNoThrow(try opened.readFloats("pooler.dense.weight"), "other tensors still read")
    }

    func testMissingDataShard() throws {
        try FileManager.default.removeItem(atPath: dataPath)
        assertCheckpointError(.notFound, mentions: ["bert_model.ckpt.data-00000-of-00001"]) { _ = try Checkpoint.open(checkpoint) }
    }

    func testVocabularySizeMustMatchTheConfig() throws {
        try modify(checkpoint + "/vocab.txt") { $0 += Array("extra\n".utf8) }
        assertCheckpointError(.vocabularyMismatch, mentions: ["vocab.txt", "100 tokens", "bert_config.json", "vocab_size 99"]) {
            _ = try Checkpoint.open(checkpoint)
        }
    }

    func testMissingTensorsAndShapeMismatchVsConfig() throws {
        let opened = try Checkpoint.open(checkpoint)
        var config = try opened.requireConfig()
        config.numHiddenLayers = 3
        assertCheckpointError(.missingTensor, mentions: ["tensor 'encoder.layer.2.attention.self.query.weight'",
                                                         "missing", "[32, 32]", "and 15 more"]) {
            try opened.requireAll(config.parameterSpecs(heads: .preTraining))
        }
        config.numHiddenLayers = 2
        config.intermediateSize = 40
        assertCheckpointError(.shapeMismatch, mentions: ["bert_model.ckpt.data-00000-of-00001",
                                                         "tensor 'encoder.layer.0.intermediate.dense.weight'",
                                                         "[37, 32]", "[40, 32]"]) {
            try opened.requireAll(config.parameterSpecs(heads: .preTraining))
        }
        let match = opened.match(config.parameterSpecs(heads: .encoder))
        XCTAssertEqual(match.unexpected.count, 7, "the pre-training heads")
        XCTAssertEqual(match.mismatched.count, 6)
    }

    func testBadConfigJSONBesideTheCheckpoint() throws {
        try Data(#"{"vocab_size": 99, "hidden_size": }"#.utf8).write(to: URL(fileURLWithPath: checkpoint + "/bert_config.json"))
        assertCheckpointError(.invalidJSON, mentions: ["bert_config.json", "not valid JSON"]) { _ = try Checkpoint.open(checkpoint) }
    }

    func testPathsThatAreNotCheckpoints() throws {
        assertCheckpointError(.notFound, mentions: ["/no/such/ckpt"]) { _ = try Checkpoint.open("/no/such/ckpt") }
        let empty = folder.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        assertCheckpointError(.notFound, mentions: ["empty", "model.safetensors"]) { _ = try Checkpoint.open(empty) }
        let pickle = try folder.write(Data([0x80, 0x02]), to: "pytorch_model.bin")
        assertCheckpointError(.unsupported, mentions: ["pytorch_model.bin", "safetensors"]) { _ = try Checkpoint.open(pickle) }
    }
}
