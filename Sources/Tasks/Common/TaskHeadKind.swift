import BERT
import Training

/// Which fine-tuning head a task needs, and what its outputs look like.
///
/// `spec` is the head kind (BERT/Heads): `.classification`, `.regression` and `.multiLabel` a sequence classifier
/// (with `labels.count` outputs, or 1), `.tagging` a token classifier with `labels.count` outputs per position, and
/// `.span` the SQuAD start/end head.
public enum TaskHeadKind: Sendable, Equatable {
    /// One label per example, from `labels` (index = class id).
    case classification(labels: [String])
    /// One real-valued score per example (STS-B).
    case regression
    /// Any subset of `labels` per example (index = label id): a sigmoid per label.
    case multiLabel(labels: [String])
    /// One label per token position, from `labels` (index = class id).
    case tagging(labels: [String])
    /// A start and an end position per feature (SQuAD).
    case span

    /// The label names, for classification and tagging.
    public var labels: [String] {
        switch self {
        case .classification(let labels), .tagging(let labels), .multiLabel(let labels): return labels
        case .regression, .span: return []
        }
    }

    /// The width of one feature's output row (what `TaskHead.outputs()` gives per row).
    public func outputWidth(sequenceLength: Int) -> Int {
        switch self {
        case .classification(let labels), .multiLabel(let labels): return labels.count
        case .regression: return 1
        case .tagging(let labels): return sequenceLength * labels.count
        case .span: return 2 * sequenceLength
        }
    }

    /// Whether training batches are length-grouped by default (`--group-by-length`): on for sentence and
    /// token tasks, whose texts vary in length (as HF users run them); off for SQuAD, whose windows are mostly
    /// full (its short last windows still run at their own length when grouping is asked for).
    public var groupsByLength: Bool {
        switch self {
        case .classification, .regression, .multiLabel, .tagging: return true
        case .span: return false
        }
    }

    /// The head kind: what it adds to the model, how it is built and planned.
    public var spec: any TaskHeadSpec {
        switch self {
        case .classification(let labels): return SequenceHeadSpec(objective: .classification(labels: labels.count))
        case .regression: return SequenceHeadSpec(objective: .regression)
        case .multiLabel(let labels): return SequenceHeadSpec(objective: .multiLabel(labels: labels.count))
        case .tagging(let labels): return TokenHeadSpec(labels: labels.count)
        case .span: return SpanHeadSpec()
        }
    }

    /// What a fine-tuned model's config.json records: the label names (`id2label`; none for regression) and, for a
    /// sequence classifier, transformers' `problem_type`. The span head leaves the checkpoint's as they are.
    public func recordLabels(in config: inout BertConfig) {
        switch self {
        case .classification(let labels): (config.labels, config.problemType) = (labels, .singleLabel)
        case .multiLabel(let labels): (config.labels, config.problemType) = (labels, .multiLabel)
        case .regression: (config.labels, config.problemType) = (nil, .regression)
        case .tagging(let labels): (config.labels, config.problemType) = (labels, nil)
        case .span: break
        }
    }
}
