/// The nine GLUE tasks, with their official files, label lists and metrics.
///
/// ```swift
/// let task = GLUETask.mrpc
/// let train = try GLUEData.load(task, split: .train, directory: "glue/MRPC", tokenizer: tokenizer)
/// ```
public enum GLUETask: String, Sendable, CaseIterable {
    case cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte, wnli

    /// A task from its common spellings (`CoLA`, `SST-2`, `sts-b`, `mnli`, …), case-insensitive.
    public init?(name: String) {
        let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
        guard let task = GLUETask(rawValue: key) else { return nil }
        self = task
    }

    /// The label list in the official order (`run_classifier.py`'s `get_labels`); `nil` for STS-B (regression).
    public var labels: [String]? {
        switch self {
        case .cola, .sst2, .mrpc, .qqp, .wnli: return ["0", "1"]
        case .mnli: return ["contradiction", "entailment", "neutral"]
        case .qnli, .rte: return ["entailment", "not_entailment"]
        case .stsb: return nil
        }
    }

    /// The head the task needs.
    public var head: TaskHeadKind {
        labels.map { .classification(labels: $0) } ?? .regression
    }

    /// Whether the task has two texts per example.
    public var isPairTask: Bool { self != .cola && self != .sst2 }

    /// The official metrics: Matthews correlation (CoLA), F1 of class `1` and accuracy (MRPC, QQP), Pearson and
    /// Spearman (STS-B), matched and mismatched accuracy (MNLI), accuracy (the rest).
    public var metricSet: ClassificationMetricSet {
        switch self {
        case .cola: return .matthews
        case .mrpc, .qqp: return .accuracyAndF1
        case .stsb: return .correlation
        case .mnli: return .accuracyBySubset
        case .sst2, .qnli, .rte, .wnli: return .accuracy
        }
    }

    /// The files of a split inside the task's folder, with the subset each holds (MNLI's dev and test splits have
    /// a matched and a mismatched file).
    public func files(for split: GLUESplit) -> [(name: String, subset: String?)] {
        switch (self, split) {
        case (.mnli, .dev): return [("dev_matched.tsv", "matched"), ("dev_mismatched.tsv", "mismatched")]
        case (.mnli, .test): return [("test_matched.tsv", "matched"), ("test_mismatched.tsv", "mismatched")]
        default: return [("\(split.rawValue).tsv", nil)]
        }
    }
}

/// A GLUE split: the labelled training and development files, and the unlabelled test files.
public enum GLUESplit: String, Sendable, CaseIterable {
    case train, dev, test
}
