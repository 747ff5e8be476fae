import BERT
import Compute
import Foundation
import XCTest

final class BertConfigTests: XCTestCase {
    func testNamedSizesAndParameterCounts() {
        XCTAssertEqual(BertConfig(size: .base).parameterCount(heads: .encoder), 109_482_240)
        XCTAssertEqual(BertConfig(size: .large).parameterCount(heads: .encoder), 335_141_888)
        let tiny = BertConfig(size: .tiny)
        XCTAssertEqual([tiny.numHiddenLayers, tiny.hiddenSize, tiny.numAttentionHeads, tiny.intermediateSize],
                       [2, 128, 2, 512])
        for size in BertSize.allCases {
            let config = BertConfig(size: size)
            XCTAssertNoThrow(try config.validate())
            XCTAssertEqual(config.vocabSize, 30522)
            XCTAssertEqual(config.intermediateSize, 4 * config.hiddenSize)
            XCTAssertEqual(config.maxPositionEmbeddings, 512)
            XCTAssertEqual(config.typeVocabSize, 2)
        }
        XCTAssertEqual(BertConfig(size: .medium).numHiddenLayers, 8)
        XCTAssertEqual(BertConfig(size: .small).numAttentionHeads, 8)
    }

    func testHeadsAddTheirParameters() {
        let base = BertConfig(size: .base)
        let h = 768, v = 30522
        XCTAssertEqual(base.parameterCount(heads: .preTraining),
                       109_482_240 + (h * h + h) + 2 * h + v + (2 * h + 2))
        XCTAssertEqual(base.parameterCount(heads: .classifier(labels: 3)), 109_482_240 + 3 * h + 3)
        XCTAssertEqual(base.parameterCount(heads: .questionAnswering), 109_482_240 - (h * h + h) + 2 * h + 2)
        let specs = base.parameterSpecs(heads: .preTraining)
        XCTAssertEqual(specs.first, ParameterSpec("embeddings.word_embeddings.weight", [v, h]))
        XCTAssertEqual(specs.last, ParameterSpec("cls.seq_relationship.bias", [2]))
        XCTAssertTrue(specs.contains(ParameterSpec("encoder.layer.11.intermediate.dense.weight", [3072, h])))
        XCTAssertTrue(specs.contains(ParameterSpec("encoder.layer.0.output.dense.weight", [h, 3072])))
        XCTAssertEqual(Set(specs.map(\.name)).count, specs.count)
        XCTAssertEqual(BertHeads.preTraining.architecture, "BertForPreTraining")
        XCTAssertEqual(BertHeads.encoder.architecture, "BertModel")
        XCTAssertEqual(BertHeads.classifier(labels: 2).architecture, "BertForSequenceClassification")
    }

    func testParameterLayoutPacksSpecsInOrder() {
        let specs = [ParameterSpec("a", [3]), ParameterSpec("b", [2, 2]), ParameterSpec("c", [1])]
        let packed = ParameterLayout(specs)
        XCTAssertEqual(packed.offsets, [0, 3, 7])
        XCTAssertEqual(packed.totalCount, 8)
        let aligned = ParameterLayout(specs, alignment: 4)
        XCTAssertEqual(aligned.offsets, [0, 4, 8])
        XCTAssertEqual(aligned.range(of: "b"), 4..<8)
        XCTAssertNil(aligned.range(of: "missing"))
    }

    func testGELUTrapDependsOnWhoWroteTheFile() throws {
        let google = try BertConfig.read(contentsOf: Fixtures.tfTiny + "/bert_config.json")
        XCTAssertEqual(google.activation, .tanh, "Google's \"gelu\" is the tanh approximation")
        let hf = try BertConfig.read(contentsOf: Fixtures.hfTiny + "/config.json")
        XCTAssertEqual(hf.activation, .erf, "HuggingFace's \"gelu\" is the exact erf form")
        let json = Data(#"{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu"}"#.utf8)
        XCTAssertEqual(try BertConfig.parse(json, file: "x", dialect: .google).activation, .tanh)
        XCTAssertEqual(try BertConfig.parse(json, file: "x", dialect: .huggingFace).activation, .erf)
        for name in ["gelu_new", "gelu_pytorch_tanh", "gelu_fast"] {
            XCTAssertEqual(ConfigDialect.huggingFace.activation(named: name), .tanh, name)
        }
        XCTAssertEqual(ConfigDialect.huggingFace.activationName(.erf), "gelu")
        XCTAssertEqual(ConfigDialect.huggingFace.activationName(.tanh), "gelu_new")
    }

    func testReadsEveryFieldWithDefaults() throws {
        let config = try BertConfig.read(contentsOf: Fixtures.tfTiny + "/bert_config.json")
        XCTAssertEqual(config, BertConfig(vocabSize: 99, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                                          intermediateSize: 37, activation: .tanh, maxPositionEmbeddings: 64))
        XCTAssertEqual(config.layerNormEps, 1e-12)
        XCTAssertEqual(config.headSize, 8)
        let hf = try BertConfig.read(contentsOf: Fixtures.hfTiny + "/config.json")
        XCTAssertEqual(hf.padTokenId, 0)
        XCTAssertNil(hf.labels)
    }

    func testWritesHuggingFaceJSONThatReadsBack() throws {
        var config = BertConfig(size: .mini, activation: .tanh)
        config.labels = ["negative", "positive"]
        let text = config.huggingFaceJSON(architecture: "BertForSequenceClassification")
        XCTAssertTrue(text.contains(#""hidden_act": "gelu_new""#), text)
        XCTAssertTrue(text.contains(#""architectures": ["#))
        XCTAssertTrue(text.contains(#""1": "positive""#))
        XCTAssertEqual(try BertConfig.parse(Data(text.utf8), file: "config.json", dialect: .huggingFace), config)
        config.activation = .erf
        XCTAssertTrue(config.huggingFaceJSON(architecture: "BertModel").contains(#""hidden_act": "gelu""#))
        XCTAssertFalse(text.contains("problem_type"), text)
        config.problemType = .multiLabel
        let multi = config.huggingFaceJSON(architecture: "BertForSequenceClassification")
        XCTAssertTrue(multi.contains(#""problem_type": "multi_label_classification""#), multi)
        XCTAssertEqual(try BertConfig.parse(Data(multi.utf8), file: "config.json", dialect: .huggingFace), config)
    }

    func testProblemTypeIsOneOfTransformersNames() throws {
        let base = #""vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu""#
        for type in BertConfig.ProblemType.allCases {
            let parsed = try BertConfig.parse(Data("{\(base), \"problem_type\": \"\(type.rawValue)\"}".utf8), file: "c", dialect: .huggingFace)
            XCTAssertEqual(parsed.problemType, type)
        }
        XCTAssertNil(try BertConfig.parse(Data("{\(base), \"problem_type\": null}".utf8), file: "c", dialect: .huggingFace).problemType)
        assertCheckpointError(.invalidConfig, mentions: ["c", "problem_type", "multi_label", "multi_label_classification"]) {
            _ = try BertConfig.parse(Data("{\(base), \"problem_type\": \"multi_label\"}".utf8), file: "c", dialect: .huggingFace)
        }
    }

    func testLabelsFromNumLabelsOrId2Label() throws {
        let base = #""vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu""#
        let counted = try BertConfig.parse(Data("{\(base), \"num_labels\": 3}".utf8), file: "c", dialect: .huggingFace)
        XCTAssertEqual(counted.labels, ["LABEL_0", "LABEL_1", "LABEL_2"])
        let named = try BertConfig.parse(Data("{\(base), \"id2label\": {\"1\": \"yes\", \"0\": \"no\"}}".utf8), file: "c",
                                         dialect: .huggingFace)
        XCTAssertEqual(named.labels, ["no", "yes"])
        assertCheckpointError(.invalidConfig, mentions: ["c", "num_labels", "id2label"]) {
            _ = try BertConfig.parse(Data("{\(base), \"num_labels\": 3, \"id2label\": {\"0\": \"a\"}}".utf8), file: "c",
                                     dialect: .huggingFace)
        }
        assertCheckpointError(.invalidConfig, mentions: ["c", "id2label", "\"5\""]) {
            _ = try BertConfig.parse(Data("{\(base), \"id2label\": {\"5\": \"a\"}}".utf8), file: "c", dialect: .huggingFace)
        }
    }

    func testInvalidConfigsNameFileAndField() throws {
        func parse(_ body: String, dialect: ConfigDialect = .huggingFace) throws {
            _ = try BertConfig.parse(Data(body.utf8), file: "models/x/config.json", dialect: dialect)
        }
        let fields = [
            "\"vocab_size\": 10", "\"hidden_size\": 30", "\"num_hidden_layers\": 1", "\"num_attention_heads\": 4",
            "\"intermediate_size\": 16", "\"hidden_act\": \"gelu\"",
        ]
        assertCheckpointError(.invalidConfig, mentions: ["models/x/config.json", "num_attention_heads", "divide", "30"]) {
            try parse("{" + fields.joined(separator: ",") + "}")
        }
        let relu = fields.map { $0.hasPrefix("\"hidden_act\"") ? "\"hidden_act\": \"relu\"" : $0 }
            .map { $0.hasPrefix("\"hidden_size\"") ? "\"hidden_size\": 32" : $0 }
        assertCheckpointError(.invalidConfig, mentions: ["models/x/config.json", "hidden_act", "relu", "gelu_new"]) {
            try parse("{" + relu.joined(separator: ",") + "}")
        }
        assertCheckpointError(.invalidConfig, mentions: ["bert_config.json", "hidden_act", "gelu_new"]) {
            _ = try BertConfig.parse(Data(#"{"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu_new"}"#.utf8),
                                     file: "bert_config.json", dialect: .google)
        }
        let noLayers = fields.filter { !$0.hasPrefix("\"num_hidden_layers\"") }
        assertCheckpointError(.invalidConfig, mentions: ["num_hidden_layers", "missing"]) {
            try parse("{" + noLayers.joined(separator: ",") + "}")
        }
        assertCheckpointError(.invalidJSON, mentions: ["models/x/config.json", "hidden_size", "integer"]) {
            try parse(#"{"hidden_act": "gelu", "vocab_size": 10, "hidden_size": "big"}"#)
        }
        assertCheckpointError(.invalidJSON, mentions: ["models/x/config.json", "not valid JSON"]) {
            try parse(#"{"hidden_size": 32,"#)
        }
        assertCheckpointError(.invalidConfig, mentions: ["model_type", "roberta"]) {
            try parse(#"{"model_type": "roberta"}"#)
        }
        var negative = BertConfig(size: .tiny)
        negative.vocabSize = 0
        assertCheckpointError(.invalidConfig, mentions: ["vocab_size", "positive"]) { try negative.validate() }
    }

    func testMissingConfigFileIsNotFound() {
        assertCheckpointError(.notFound, mentions: ["/nonexistent/bert_config.json"]) {
            _ = try BertConfig.read(contentsOf: "/nonexistent/bert_config.json")
        }
    }
}
