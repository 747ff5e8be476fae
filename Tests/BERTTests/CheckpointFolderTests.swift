import BERT
import Foundation
import XCTest

final class CheckpointFolderTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    func testConvertsGoogleCheckpointToAHuggingFaceFolder() throws {
        let out = folder.path + "/converted"
        let report = try CheckpointConversion.convert(from: Fixtures.tfTiny, to: out)
        XCTAssertEqual(report.architecture, "BertForPreTraining")
        XCTAssertEqual(report.hiddenAct, "gelu_new", "Google's gelu is the tanh form")
        XCTAssertEqual(report.tensorCount, 46)
        XCTAssertEqual(report.skipped, 9)
        XCTAssertEqual(report.doLowerCase, true)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(names, ["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"])

        let config = try String(contentsOfFile: out + "/config.json", encoding: .utf8)
        XCTAssertTrue(config.contains(#""hidden_act": "gelu_new""#))
        XCTAssertTrue(config.contains(#""BertForPreTraining""#))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/vocab.txt")),
                       try Data(contentsOf: URL(fileURLWithPath: Fixtures.tfTiny + "/vocab.txt")))
        let file = try SafetensorsFile(path: out + "/model.safetensors")
        XCTAssertNotNil(file.entry("bert.encoder.layer.1.output.dense.weight"), "encoder names carry the bert. prefix")
        XCTAssertNotNil(file.entry("cls.predictions.bias"))

        // Every tensor equals the TensorFlow variable (transposed where needed), bit for bit.
        let source = try Checkpoint.open(Fixtures.tfTiny)
        let converted = try Checkpoint.open(out)
        XCTAssertEqual(converted.config, source.config)
        XCTAssertEqual(converted.doLowerCase, true)
        XCTAssertEqual(converted.tensors.count, source.tensors.count)
        for tensor in source.tensors {
            let a = try source.readFloats(tensor.name).map(\.bitPattern)
            let b = try converted.readFloats(tensor.name).map(\.bitPattern)
            XCTAssertEqual(a, b, tensor.name)
            XCTAssertEqual(converted.tensor(tensor.name)?.shape, tensor.shape)
        }
    }

    func testConvertingAgainIsBitIdentical() throws {
        let first = folder.path + "/first", second = folder.path + "/second"
        _ = try CheckpointConversion.convert(from: Fixtures.tfTiny, to: first)
        _ = try CheckpointConversion.convert(from: first, to: second)
        for name in ["model.safetensors", "config.json", "vocab.txt", "tokenizer_config.json"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first + "/" + name)),
                           try Data(contentsOf: URL(fileURLWithPath: second + "/" + name)), name)
        }
    }

    func testConvertsHalfPrecisionAndOldNames() throws {
        // The bf16 variant has no config beside it: put one there with the fixture's vocabulary.
        let source = folder.path + "/bf16"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        for name in ["config.json", "vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.hfTiny + "/" + name, toPath: source + "/" + name)
        }
        try FileManager.default.copyItem(atPath: Fixtures.hfTiny + "/variants/bf16-oldnames.safetensors",
                                         toPath: source + "/model.safetensors")
        let out = folder.path + "/out"
        let report = try CheckpointConversion.convert(from: source, to: out)
        XCTAssertEqual(report.hiddenAct, "gelu", "HF gelu stays erf")
        let original = try Checkpoint.open(source)
        let converted = try Checkpoint.open(out)
        XCTAssertTrue(converted.tensors.allSatisfy { $0.dtype == .float32 })
        for tensor in original.tensors {
            XCTAssertEqual(try original.readFloats(tensor.name), try converted.readFloats(tensor.name), tensor.name)
        }
    }

    func testExistingDestinationNeedsReplacing() throws {
        let out = folder.path + "/out"
        _ = try CheckpointConversion.convert(from: Fixtures.tfTiny, to: out)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out + "/stale.txt"))
        assertCheckpointError(.io, mentions: [out, "already exists"]) {
            _ = try CheckpointConversion.convert(from: Fixtures.tfTiny, to: out)
        }
        _ = try CheckpointConversion.convert(from: Fixtures.hfTiny, to: out, options: .init(replacing: true))
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(names, ["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"],
                       "the folder was replaced as a whole")
        XCTAssertEqual(try Checkpoint.open(out).config?.hiddenSize, 16)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no staging folders left behind")
    }

    func testFolderChecksItsContents() throws {
        let source = try Checkpoint.open(Fixtures.tfTiny)
        let config = try source.requireConfig()
        let vocabulary = try XCTUnwrap(source.vocabulary)
        var specs = config.parameterSpecs(heads: .encoder)
        specs.removeLast()
        assertCheckpointError(.missingTensor, mentions: ["model.safetensors", "tensor 'pooler.dense.bias'", "[32]"]) {
            try CheckpointFolder(config: config, tensors: source.payloads(specs), vocabulary: vocabulary, doLowerCase: true)
                .write(to: folder.path + "/a")
        }
        var wrong = config
        wrong.intermediateSize = 36
        assertCheckpointError(.shapeMismatch, mentions: ["tensor 'encoder.layer.0.intermediate.dense.weight'", "[37, 32]", "[36, 32]"]) {
            try CheckpointFolder(config: wrong, tensors: source.payloads(config.parameterSpecs()), vocabulary: vocabulary,
                                 doLowerCase: true).write(to: folder.path + "/b")
        }
        assertCheckpointError(.vocabularyMismatch, mentions: ["3 tokens", "vocab_size 99"]) {
            try CheckpointFolder(config: config, tensors: source.payloads(config.parameterSpecs()),
                                 vocabulary: VocabularyFile(tokens: ["a", "b", "c"]), doLowerCase: true)
                .write(to: folder.path + "/c")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path + "/a"))
    }

    func testClassifierFolderGetsLabelsAndArchitecture() throws {
        let source = try Checkpoint.open(Fixtures.tfTiny)
        let config = try source.requireConfig()
        var tensors = source.payloads(config.parameterSpecs(heads: .encoder))
        tensors.append(TensorPayload(name: "classifier.weight", shape: [3, 32], values: (0..<96).map { Float($0) / 96 }))
        tensors.append(TensorPayload(name: "classifier.bias", shape: [3], values: [0.1, 0.2, 0.3]))
        let out = folder.path + "/classifier"
        try CheckpointFolder(config: config, tensors: tensors, vocabulary: try XCTUnwrap(source.vocabulary), doLowerCase: true)
            .write(to: out)
        let reopened = try Checkpoint.open(out)
        XCTAssertEqual(reopened.heads, .classifier(labels: 3))
        XCTAssertEqual(reopened.config?.labels, ["LABEL_0", "LABEL_1", "LABEL_2"])
        XCTAssertEqual(try reopened.readFloats("classifier.bias"), [0.1, 0.2, 0.3])
        let text = try String(contentsOfFile: out + "/config.json", encoding: .utf8)
        XCTAssertTrue(text.contains("BertForSequenceClassification"))
    }

    func testTrainingStateRoundTrip() throws {
        let source = try Checkpoint.open(Fixtures.hfTiny)
        let config = try source.requireConfig()
        let specs = config.parameterSpecs(heads: .preTraining)
        let moments = specs.prefix(3).flatMap { spec in
            ["adam_m", "adam_v"].map { slot in
                TensorPayload(name: TrainingState.slotName(parameter: spec.name, slot: slot), shape: spec.shape,
                              values: (0..<spec.count).map { Float($0) * (slot == "adam_m" ? 1e-3 : 1e-6) })
            }
        }
        let opaque: JSONValue = .object(["rng": .array([.string("18446744073709551615"), .integer(7)]),
                                         "data_position": .integer(51200), "lr": .number(2e-5),
                                         "note": .string("line\n\"quoted\""), "done": .bool(false), "none": .null])
        let state = TrainingState(step: 1000, state: opaque, optimizerTensors: moments)
        let out = folder.path + "/step-1000"
        try CheckpointFolder(config: config, tensors: source.payloads(specs), vocabulary: try XCTUnwrap(source.vocabulary),
                             doLowerCase: true, trainingState: state).write(to: out)
        XCTAssertNil(try TrainingState.load(from: Fixtures.hfTiny))
        let loaded = try XCTUnwrap(try TrainingState.load(from: out))
        XCTAssertEqual(loaded.step, 1000)
        XCTAssertEqual(loaded.state, opaque)
        let optimizer = try XCTUnwrap(loaded.optimizer)
        XCTAssertEqual(optimizer.entries.count, 6)
        let name = TrainingState.slotName(parameter: "embeddings.position_embeddings.weight", slot: "adam_v")
        XCTAssertEqual(try optimizer.readFloats(name)[5], 5e-6)
        // The model files are untouched by the training state: the folder still opens as a plain checkpoint.
        XCTAssertEqual(try Checkpoint.open(out).tensors.count, specs.count)

        // Saving again into the same folder replaces the state files.
        try TrainingState(step: 1001).save(to: out)
        XCTAssertEqual(try TrainingState.load(from: out)?.step, 1001)
        XCTAssertNil(try TrainingState.load(from: out)?.optimizer, "the stale optimizer file is gone")
        try Data(#"{"format": "other", "version": 1, "step": 3}"#.utf8)
            .write(to: URL(fileURLWithPath: out + "/" + TrainingState.stateFileName))
        assertCheckpointError(.malformed, mentions: ["trainer_state.json", "format", "other"]) {
            _ = try TrainingState.load(from: out)
        }
    }
}
