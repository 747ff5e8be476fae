import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// `SentenceEmbedder` and `SentencePooling` against sentence-transformers on the real all-MiniLM-L6-v2
/// (Tools/reference/make_embedding_fixture.py), the pooling modes against a written-out reference, and the
/// embedding files.
final class SentenceEmbeddingTests: XCTestCase {
    func testMatchesSentenceTransformersOnBothDevices() throws {
        let folder = try Fixtures.miniLMFolder()
        let fixture = try Fixtures.json("minilm-embeddings.json")
        let sentences = try XCTUnwrap(fixture["sentences"] as? [String])
        let expected = try XCTUnwrap(fixture["embeddings"] as? [[Double]])
        let tokens = try XCTUnwrap(fixture["tokens"] as? [Int])
        let length = try XCTUnwrap(fixture["max_seq_length"] as? Int)
        let (pooling, declared) = try SentencePooling.of(model: folder)
        XCTAssertEqual(pooling, SentencePooling(mode: .mean, normalize: true))
        XCTAssertTrue(declared)
        for device in try TestDevices.both() {
            // Batches of 8 mix long and short texts, so padding and per-batch lengths are exercised.
            let embedder = try SentenceEmbedder(model: folder, device: device,
                                                options: .init(maxSequenceLength: length, batchSize: 8, pooling: pooling))
            let result = try embedder.embed(sentences)
            XCTAssertEqual(result.count, sentences.count)
            XCTAssertEqual(result.dimension, 384)
            XCTAssertEqual(result.truncatedTexts, tokens.filter { $0 > length }.count)
            for (index, vector) in expected.enumerated() {
                let difference = zip(result.vector(index), vector).map { abs(Double($0) - $1) }.max() ?? .infinity
                XCTAssertLessThan(difference, 1e-4, "sentence \(index) \(sentences[index].prefix(40).debugDescription) on \(device.info)")
            }
        }
    }

    func testPoolingModes() {
        // Three tokens of two values: [CLS] (1, 2), then (3, −4) and (−1, 5).
        let states: ArraySlice<Float> = [1, 2, 3, -4, -1, 5, 99, 99][...]   // a padding row after the tokens
        XCTAssertEqual(SentencePooling(mode: .cls).pool(states, tokens: 3, hidden: 2), [1, 2])
        XCTAssertEqual(SentencePooling(mode: .mean).pool(states, tokens: 3, hidden: 2), [1, 1])
        XCTAssertEqual(SentencePooling(mode: .max).pool(states, tokens: 3, hidden: 2), [3, 5])
        XCTAssertEqual(SentencePooling(mode: .meanSqrtLen).pool(states, tokens: 3, hidden: 2),
                       [Float(3 / 3.0.squareRoot()), Float(3 / 3.0.squareRoot())])
        XCTAssertEqual(SentencePooling(mode: .max, normalize: true).pool(states, tokens: 3, hidden: 2),
                       [Float(3 / 34.0.squareRoot()), Float(5 / 34.0.squareRoot())])
        XCTAssertEqual(SentencePooling(mode: .mean, normalize: true).pool([0, 0][...], tokens: 1, hidden: 2), [0, 0], "no NaN for a zero vector")
    }

    func testDeclaredPoolingFromTheFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooling-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/1_Pooling", withIntermediateDirectories: true)
        XCTAssertEqual(try SentencePooling.of(model: folder).declared, false, "no modules.json: mean, not declared")
        XCTAssertEqual(try SentencePooling.of(model: folder).pooling, SentencePooling(mode: .mean, normalize: false))
        try #"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]"#
            .write(toFile: folder + "/modules.json", atomically: true, encoding: .utf8)
        try #"{"word_embedding_dimension": 4, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#
            .write(toFile: folder + "/1_Pooling/config.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(try SentencePooling.of(model: folder).pooling, SentencePooling(mode: .cls, normalize: false))
        try #"{"pooling_mode_cls_token": true, "pooling_mode_max_tokens": true}"#
            .write(toFile: folder + "/1_Pooling/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SentencePooling.of(model: folder)) {
            XCTAssertTrue("\($0)".contains("1_Pooling/config.json") && "\($0)".contains("pooling_mode_max_tokens"), "\($0)")
        }
    }

    func testEmbeddingFilesReadBack() throws {
        let embeddings = SentenceEmbedder.Embeddings(vectors: [1, -2.5, 0.25, 3, 4, 5], count: 2, dimension: 3, truncatedTexts: 0)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embeddings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // .npy: magic, version 1.0, a header padded to 64 bytes, then little-endian float32.
        try EmbeddingFile.write(embeddings, to: folder + "/e.npy", format: .npy)
        let npy = try Data(contentsOf: URL(fileURLWithPath: folder + "/e.npy"))
        XCTAssertEqual(Array(npy.prefix(8)), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(npy[8]) | Int(npy[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: npy[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") && header.hasSuffix("\n"), header)
        let values = stride(from: 10 + headerLength, to: npy.count, by: 4).map { offset -> Float in
            let bytes = (0..<4).map { UInt32(npy[offset + $0]) << (8 * UInt32($0)) }
            return Float(bitPattern: bytes.reduce(0, |))
        }
        XCTAssertEqual(values, embeddings.vectors)
        // .safetensors: one tensor "embeddings" [2, 3].
        try EmbeddingFile.write(embeddings, to: folder + "/e.safetensors", format: .safetensors)
        let file = try SafetensorsFile(path: folder + "/e.safetensors")
        XCTAssertEqual(try file.readFloats("embeddings"), embeddings.vectors)
        // .jsonl: one object per row, in order.
        try EmbeddingFile.write(embeddings, to: folder + "/e.jsonl", format: .jsonl)
        XCTAssertEqual(try String(contentsOfFile: folder + "/e.jsonl", encoding: .utf8),
                       "{\"index\":0,\"embedding\":[1.0,-2.5,0.25]}\n{\"index\":1,\"embedding\":[3.0,4.0,5.0]}\n")
        XCTAssertEqual(EmbeddingFile.Format(path: "x.NPY"), .npy)
        XCTAssertNil(EmbeddingFile.Format(path: "x.txt"))
    }
}
