import BERT
import Foundation
import Tokenizer
import Training

/// Sentence and sentence-pair examples (GLUE or a generic text file) as features, with their official metrics.
public struct TextClassificationDataset: TaskDataset {
    /// The examples in file order: one feature each, or with ``docStride`` one per window of a long one.
    public let examples: [TextExample]
    public let features: [Feature]
    /// For each feature, its example (index into ``examples``); a long example's windows are consecutive.
    public let featureExamples: [Int]
    /// Long inputs become windows this many pieces apart instead of being truncated (`nil`: truncated).
    public let docStride: Int?
    /// How a long example's windows' outputs become its prediction.
    public let windowAggregation: WindowAggregation
    public let head: TaskHeadKind
    public let sequenceLength: Int
    /// Which official metrics ``metrics(_:)`` reports.
    public let metricSet: ClassificationMetricSet
    public let warnings: [DataWarning]
    /// The examples that lost word pieces to truncation, and how many (Google's: a single text keeps its first
    /// pieces; a pair drops pieces from the end of the longer text, `_truncate_seq_pair`).
    public let truncation: Truncation?
    /// Multi-label: a label is predicted (and scored) when its probability is at least this.
    public let threshold: Double

    /// Tokenizes and pads the examples; labels become class ids (their index in the head's labels) or regression
    /// targets. Unlabelled examples get label −1. With `docStride` an example longer than `maxSequenceLength`
    /// becomes windows (``TextWindows``), each carrying the example's label with weight 1/K for K windows, so that
    /// each example counts once in the loss.
    ///
    /// - Throws: ``TaskDataError/invalidSetting(name:expected:)`` for a sequence length below 3, an empty label
    ///   list or a stride below 1; ``TaskDataError/unknownLabel(path:line:label:known:)`` for a label outside the
    ///   list; ``TaskDataError/malformedRow(path:line:reason:)`` for a pair whose first text leaves no room.
    public init(examples: [TextExample], head: TaskHeadKind, metricSet: ClassificationMetricSet,
                tokenizer: WordPieceTokenizer, maxSequenceLength: Int, threshold: Double = MultiLabelMetrics.defaultThreshold,
                docStride: Int? = nil, windowAggregation: WindowAggregation = .mean, warnings: [DataWarning] = []) throws {
        guard threshold > 0, threshold < 1 else {
            throw TaskDataError.invalidSetting(name: "--threshold", expected: "a probability strictly between 0 and 1, got \(threshold)")
        }
        if let docStride, docStride < 1 {
            throw TaskDataError.invalidSetting(name: "--doc-stride", expected: "at least 1 word piece, got \(docStride)")
        }
        let options: EncodingOptions
        do {
            options = try EncodingOptions(maxLength: maxSequenceLength, padsToMaxLength: true)
        } catch {
            throw TaskDataError.invalidSetting(name: "--max-seq-length", expected: "at least 3, got \(maxSequenceLength)")
        }
        let labelIDs: [String: Int32]
        switch head {
        case .classification(let labels), .multiLabel(let labels):
            guard !labels.isEmpty else { throw TaskDataError.invalidSetting(name: "labels", expected: "at least one label") }
            labelIDs = Dictionary(labels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        case .regression:
            labelIDs = [:]
        case .tagging, .span:
            throw TaskDataError.invalidSetting(name: "head", expected: "classification or regression for text examples")
        }
        let session = TokenizerSession()
        var features: [Feature] = [], featureExamples: [Int] = []
        features.reserveCapacity(examples.count)
        var truncation = Truncation()
        let windows = docStride.map { TextWindows(tokenizer: tokenizer, options: options, stride: $0) }
        for (exampleIndex, example) in examples.enumerated() {
            var first = TokenizedText(), second = TokenizedText()
            tokenizer.tokenize(example.text, session: session, into: &first)
            if let pair = example.textPair { tokenizer.tokenize(pair, session: session, into: &second) }
            // A labelled example without a token teaches nothing and is a data error; unlabelled ones are still
            // predicted (as [CLS] [SEP]), so every input row gets its prediction.
            if example.label != nil || example.labelSet != nil, first.count == 0 || (example.textPair != nil && second.count == 0) {
                throw TaskDataError.malformedRow(path: example.path, line: example.line, reason: "the \(first.count == 0 ? "text" : "second text") "
                    + "tokenizes to nothing (only control, format or private-use characters); remove the row or fix its text")
            }
            let pair = example.textPair == nil ? nil : second
            let encodings = try windows?.encode(first: first, second: pair, example: example)
                ?? [tokenizer.encode(first: first, second: pair, options: options)]
            truncation.count(pieces: first.count + (pair?.count ?? 0),
                             lost: encodings.reduce(0) { $0 + $1.truncated.first + $1.truncated.second })
            var feature = Feature(ids: [], types: [], mask: [])
            if case .multiLabel(let labels) = head, let set = example.labelSet {
                var values = [Float](repeating: 0, count: labels.count)
                for label in set {
                    guard let id = labelIDs[label] else {
                        throw TaskDataError.unknownLabel(path: example.path, line: example.line, label: label, known: labels)
                    }
                    values[Int(id)] = 1
                }
                feature.labelSet = values
            } else if let label = example.label {
                if head == .regression {
                    guard let value = Double(label), value.isFinite else {
                        throw TaskDataError.malformedRow(path: example.path, line: example.line,
                                                         reason: "the score '\(label)' is not a number")
                    }
                    feature.target = Float(value)
                } else {
                    guard let id = labelIDs[label] else {
                        throw TaskDataError.unknownLabel(path: example.path, line: example.line, label: label, known: head.labels)
                    }
                    feature.label = id
                }
            }
            feature.weight = 1 / Float(encodings.count)
            for encoding in encodings {
                (feature.ids, feature.types, feature.mask) = (encoding.ids, encoding.segmentIDs, encoding.attentionMask)
                features.append(feature)
                featureExamples.append(exampleIndex)
            }
        }
        self.examples = examples
        self.features = features
        self.featureExamples = featureExamples
        self.docStride = docStride
        self.windowAggregation = windowAggregation
        self.head = head
        self.sequenceLength = maxSequenceLength
        self.metricSet = metricSet
        self.warnings = warnings
        self.truncation = truncation
        self.threshold = threshold
    }

    /// The class labels (empty for regression).
    public var labels: [String] { head.labels }

    public var primaryMetric: String {
        if case .multiLabel = head { return ClassificationMetricSet.multiLabel.primary }
        if metricSet == .accuracyBySubset, !examples.contains(where: { $0.subset == "matched" }) { return "accuracy" }
        return metricSet.primary
    }

    /// The official metrics over the labelled examples: see ``ClassificationMetricSet``.
    ///
    /// - Throws: ``TaskDataError/outputMismatch(expected:got:)`` for outputs of the wrong shape;
    ///   ``TaskDataError/invalidSetting(name:expected:)`` when no example has a label.
    public func metrics(_ outputs: [[Float]]) throws -> [String: Double] {
        let (rows, targets) = try perExample(outputs)
        if case .multiLabel(let labels) = head { return try multiLabelMetrics(rows, targets: targets, labels: labels) }
        let scored = zip(examples, zip(targets, rows)).filter { $0.0.label != nil }
        guard !scored.isEmpty else {
            throw TaskDataError.invalidSetting(name: "evaluation data", expected: "labelled examples (these have no labels)")
        }
        if head == .regression {
            // Gold scores as written in the file (the features hold them rounded to Float).
            let predicted = scored.map { Double($0.1.1.first ?? 0) }
            let gold = scored.map { $0.0.label.flatMap(Double.init) ?? Double($0.1.0.target) }
            // The dev loss: the training objective, mean squared error.
            let loss = zip(predicted, gold).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(scored.count)
            return ["pearson": ClassificationMetrics.pearson(predicted, gold),
                    "spearman": ClassificationMetrics.spearman(predicted, gold), "loss": loss]
        }
        let predicted = scored.map { Scores.argmax($0.1.1) ?? 0 }, gold = scored.map { Int($0.1.0.label) }
        var metrics = ["accuracy": ClassificationMetrics.accuracy(predicted: predicted, gold: gold),
                       "loss": ClassificationMetrics.crossEntropy(scored.map(\.1.1), gold: gold)]
        switch metricSet {
        case .accuracy, .correlation, .multiLabel:
            break
        case .accuracyAndF1:
            metrics["f1"] = ClassificationMetrics.f1(predicted: predicted, gold: gold)
        case .matthews:
            metrics["matthews_correlation"] = ClassificationMetrics.matthewsCorrelation(predicted: predicted, gold: gold)
        case .accuracyBySubset:
            let subsets = zip(scored.map(\.0.subset), zip(predicted, gold))
            for subset in Set(scored.compactMap(\.0.subset)) {
                let pairs = subsets.filter { $0.0 == subset }.map(\.1)
                metrics["\(subset)_accuracy"] = ClassificationMetrics.accuracy(predicted: pairs.map(\.0), gold: pairs.map(\.1))
            }
        }
        return metrics
    }

    /// Multi-label scores over the examples with a label set (``MultiLabelMetrics`` at ``threshold``):
    /// `micro_f1`, `macro_f1`, `subset_accuracy`, `loss`, and per label `precision/<label>`, `recall/<label>`,
    /// `f1/<label>`.
    private func multiLabelMetrics(_ outputs: [[Float]], targets: [Feature], labels: [String]) throws -> [String: Double] {
        let scored = zip(targets, outputs).filter { $0.0.labelSet != nil }
        guard !scored.isEmpty else {
            throw TaskDataError.invalidSetting(name: "evaluation data", expected: "labelled examples (these have no labels)")
        }
        let scores = MultiLabelMetrics(logits: scored.map(\.1), gold: scored.map { $0.0.labelSet ?? [] }, labels: labels,
                                       threshold: threshold)
        var metrics = ["micro_f1": scores.microF1, "macro_f1": scores.macroF1, "subset_accuracy": scores.subsetAccuracy,
                       "loss": scores.loss]
        for label in scores.perLabel {
            metrics["precision/\(label.label)"] = label.precision
            metrics["recall/\(label.label)"] = label.recall
            metrics["f1/\(label.label)"] = label.f1
        }
        return metrics
    }

    /// One prediction per example: the arg-max label and the class probabilities, the regression score, or (multi-label)
    /// the labels whose probability is at least ``threshold`` and every label's probability.
    public func predictions(_ outputs: [[Float]]) throws -> [TextPrediction] {
        let outputs = try perExample(outputs).rows
        if case .multiLabel(let labels) = head {
            return zip(examples, outputs).map { example, row in
                let probabilities = row.map { 1 / (1 + exp(-Double($0))) }
                return TextPrediction(id: example.id, labels: zip(labels, probabilities).filter { $0.1 >= threshold }.map(\.0),
                                      probabilities: probabilities)
            }
        }
        return zip(examples, outputs).map { example, row in
            guard head != .regression else { return TextPrediction(id: example.id, score: Double(row.first ?? 0)) }
            let probabilities = Scores.softmax(row.map(Double.init))
            let label = Scores.argmax(row).flatMap { labels.indices.contains($0) ? labels[$0] : nil }
            return TextPrediction(id: example.id, label: label, probabilities: probabilities)
        }
    }
}

extension TextClassificationDataset {
    /// One output row per example (its feature's, or its windows' combined by ``windowAggregation``) and the
    /// example's targets (its first feature).
    ///
    /// - Throws: ``TaskDataError/outputMismatch(expected:got:)`` for outputs of the wrong shape.
    func perExample(_ outputs: [[Float]]) throws -> (rows: [[Float]], targets: [Feature]) {
        try checkOutputs(outputs)
        guard features.count != examples.count else { return (outputs, features) }
        var rows: [[Float]] = [], targets: [Feature] = []
        rows.reserveCapacity(examples.count)
        var start = 0
        while start < features.count {
            var end = start + 1
            while end < features.count, featureExamples[end] == featureExamples[start] { end += 1 }
            rows.append(windowAggregation.combine(outputs[start..<end]))
            targets.append(features[start])
            start = end
        }
        return (rows, targets)
    }
}

/// What `bert predict` writes for one text example (one JSON line).
public struct TextPrediction: Codable, Sendable, Equatable {
    /// The example's id.
    public var id: String
    /// The predicted class (classification).
    public var label: String?
    /// The probability of each class (classification) or label (multi-label), in the head's label order.
    public var probabilities: [Double]?
    /// The predicted score (regression).
    public var score: Double?
    /// The predicted labels (multi-label): those whose probability is at least the threshold, in the head's label order.
    public var labels: [String]?

    public init(id: String, label: String? = nil, labels: [String]? = nil, probabilities: [Double]? = nil, score: Double? = nil) {
        self.id = id
        self.label = label
        self.labels = labels
        self.probabilities = probabilities
        self.score = score
    }
}
