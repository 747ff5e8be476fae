@testable import BERT
import Foundation
import XCTest

final class SafetensorsTests: XCTestCase {
    func testReadsTransformersOutputAndVariants() throws {
        let expected = try Fixtures.json("hf-tiny/expected.json")
        let cases: [(String, String, TensorDType)] = [
            ("f32", Fixtures.hfTiny, .float32),
            ("f16", Fixtures.hfTiny + "/variants/f16-noprefix.safetensors", .float16),
            ("bf16", Fixtures.hfTiny + "/variants/bf16-oldnames.safetensors", .bfloat16),
        ]
        for (key, path, dtype) in cases {
            let checkpoint = try Checkpoint.open(path)
            XCTAssertEqual(checkpoint.format, .safetensors)
            XCTAssertEqual(checkpoint.parameterCount, expected["parameters"] as? Int, key)
            XCTAssertEqual(checkpoint.heads, .preTraining, key)
            XCTAssertTrue(checkpoint.tensors.allSatisfy { $0.dtype == dtype }, key)
            for item in try XCTUnwrap(expected[key] as? [Any]) {
                let tensor = try ExpectedTensor(item)
                let values = try checkpoint.readFloats(tensor.name)
                tensor.check(values, shape: try XCTUnwrap(checkpoint.tensor(tensor.name)).shape)
            }
        }
    }

    func testSkipsBuffersAndTiedCopies() throws {
        let bf16 = try Checkpoint.open(Fixtures.hfTiny + "/variants/bf16-oldnames.safetensors")
        let skipped = Dictionary(uniqueKeysWithValues: bf16.skipped.map { ($0.sourceName, $0.reason) })
        XCTAssertEqual(skipped.keys.sorted(), ["bert.embeddings.position_ids", "cls.predictions.decoder.bias",
                                               "cls.predictions.decoder.weight"])
        XCTAssertNotNil(bf16.tensor("embeddings.LayerNorm.weight"), "LayerNorm.gamma maps to .weight")
        XCTAssertEqual(bf16.tensor("encoder.layer.0.output.LayerNorm.bias")?.sourceName,
                       "bert.encoder.layer.0.output.LayerNorm.beta")
        let f16 = try Checkpoint.open(Fixtures.hfTiny + "/variants/f16-noprefix.safetensors")
        XCTAssertEqual(f16.skipped.map(\.sourceName), ["embeddings.position_ids"])
        XCTAssertNil(f16.config, "no config.json beside the variants")
    }

    func testFolderReadsConfigVocabularyAndTokenizerConfig() throws {
        let checkpoint = try Checkpoint.open(Fixtures.hfTiny)
        XCTAssertEqual(checkpoint.config?.hiddenSize, 16)
        XCTAssertEqual(checkpoint.vocabulary?.tokenCount, 99)
        XCTAssertEqual(checkpoint.doLowerCase, true)
        let config = try checkpoint.requireConfig()
        XCTAssertTrue(checkpoint.match(config.parameterSpecs(heads: .preTraining)).isExact)
    }

    func testReadsAShardedFolder() throws {
        let folder = try TemporaryFolder()
        let source = try SafetensorsFile(path: Fixtures.hfTiny + "/model.safetensors")
        let half = source.entries.count / 2
        var weightMap: [String: String] = [:]
        for (shard, entries) in [Array(source.entries[..<half]), Array(source.entries[half...])].enumerated() {
            let name = "model-0000\(shard + 1)-of-00002.safetensors"
            try SafetensorsWriter.write(entries.map { entry in
                TensorPayload(name: entry.name, shape: entry.shape) { try source.read(entry.name, into: $0) }
            }, to: folder.path + "/" + name)
            for entry in entries { weightMap[entry.name] = name }
        }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": weightMap])
        _ = try folder.write(index, to: "model.safetensors.index.json")
        for name in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(atPath: Fixtures.hfTiny + "/" + name, toPath: folder.path + "/" + name)
        }
        let sharded = try Checkpoint.open(folder.path)
        let whole = try Checkpoint.open(Fixtures.hfTiny)
        XCTAssertEqual(Set(sharded.tensors.map(\.file)).count, 2)
        XCTAssertEqual(sharded.tensors.map(\.name).sorted(), whole.tensors.map(\.name).sorted())
        for tensor in whole.tensors {
            XCTAssertEqual(try sharded.readFloats(tensor.name), try whole.readFloats(tensor.name), tensor.name)
        }
    }

    func testLoadsIntoAFlatBuffer() throws {
        let checkpoint = try Checkpoint.open(Fixtures.hfTiny)
        let config = try checkpoint.requireConfig()
        let layout = ParameterLayout(config.parameterSpecs(heads: .encoder), alignment: 64)
        var weights = [Float](repeating: .nan, count: layout.totalCount)
        try weights.withUnsafeMutableBufferPointer { try checkpoint.load(layout, into: $0) }
        let range = try XCTUnwrap(layout.range(of: "pooler.dense.bias"))
        XCTAssertEqual(Array(weights[range]), try checkpoint.readFloats("pooler.dense.bias"))
        assertCheckpointError(.shapeMismatch, mentions: ["parameter buffer"]) {
            var small = [Float](repeating: 0, count: 10)
            try small.withUnsafeMutableBufferPointer { try checkpoint.load(layout, into: $0) }
        }
    }

    func testWriterRoundTripIsBitExactAndLaidOutLikeTheOfficialLibrary() throws {
        let folder = try TemporaryFolder()
        let special: [Float] = [0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                Float(bitPattern: 0x7fc0_1234), 1.0 / 3.0]
        let tensors = [
            TensorPayload(name: "b.weight", shape: [2, 4], values: special),
            TensorPayload(name: "a.bias", shape: [3], values: [1, 2, 3]),
            TensorPayload(name: "empty", shape: [0, 5], values: []),
        ]
        let path = folder.path + "/t.safetensors"
        try SafetensorsWriter.write(tensors, to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual((8 + headerLength) % 8, 0, "data starts 8-byte aligned")
        let header = try XCTUnwrap(String(data: bytes[8..<(8 + headerLength)], encoding: .utf8))
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces),
                       #"{"__metadata__":{"format":"pt"},"a.bias":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"#
                       + #""b.weight":{"dtype":"F32","shape":[2,4],"data_offsets":[12,44]},"#
                       + #""empty":{"dtype":"F32","shape":[0,5],"data_offsets":[44,44]}}"#)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.entries.map(\.name), ["a.bias", "b.weight", "empty"], "file order")
        XCTAssertEqual(try file.readFloats("b.weight").map(\.bitPattern), special.map(\.bitPattern))
        XCTAssertEqual(try file.readFloats("empty"), [])
        // Write what was read: identical bytes.
        let again = file.entries.map { entry in
            TensorPayload(name: entry.name, shape: entry.shape) { try file.read(entry.name, into: $0) }
        }
        XCTAssertEqual(try SafetensorsWriter.encode(again, path: "again"), bytes)
    }

    func testWriterReproducesTransformersOutputByteForByte() throws {
        // hf-tiny/model.safetensors was written by transformers' save_pretrained (the official safetensors library).
        let path = Fixtures.hfTiny + "/model.safetensors"
        let file = try SafetensorsFile(path: path)
        let tensors = file.entries.map { entry in
            TensorPayload(name: entry.name, shape: entry.shape) { try file.read(entry.name, into: $0) }
        }
        XCTAssertEqual(try SafetensorsWriter.encode(tensors, metadata: file.metadata, path: "copy"),
                       try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testWriterRejectsDuplicateNamesAndWrongCounts() {
        assertCheckpointError(.malformed, mentions: ["out.safetensors", "'x'", "twice"]) {
            _ = try SafetensorsWriter.encode([TensorPayload(name: "x", shape: [1], values: [1]),
                                              TensorPayload(name: "x", shape: [1], values: [2])], path: "out.safetensors")
        }
        assertCheckpointError(.shapeMismatch, mentions: ["'x'", "[2]"]) {
            _ = try SafetensorsWriter.encode([TensorPayload(name: "x", shape: [2], values: [1])], path: "o")
        }
    }

    func testHalfConversionIsExact() {
        XCTAssertEqual(HalfFloat.float(fromBits: 0x3c00), 1)
        XCTAssertEqual(HalfFloat.float(fromBits: 0xc000), -2)
        XCTAssertEqual(HalfFloat.float(fromBits: 0x7bff), 65504)
        XCTAssertEqual(HalfFloat.float(fromBits: 0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(HalfFloat.float(fromBits: 0x8000).bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(HalfFloat.float(fromBits: 0x7c00), .infinity)
        XCTAssertTrue(HalfFloat.float(fromBits: 0x7e00).isNaN)
        XCTAssertEqual(HalfFloat.float(fromBits: 0x3555), 0.333251953125)
    }
}
