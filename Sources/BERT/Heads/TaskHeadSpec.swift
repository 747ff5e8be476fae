import Compute

/// One kind of task head described in one place: the parameters it adds to the model, its own buffers and GEMMs
/// (what the memory planner counts), how it is built on an encoder (the one factory `bert finetune`, `predict` and
/// the plan checks share), the random targets a planned step runs with, and the name `bert plan --task` knows it
/// by. Each kind is one file under `BERT/Heads`: the head's layer code, its spec and its `TaskHead` conformance.
public protocol TaskHeadSpec: Sendable, CustomStringConvertible {
    /// The parameter groups the head needs beyond the encoder (and whether the pooler is used).
    var modelHeads: BertHeads { get }
    /// The head's own device buffers for micro-batches of `shape` (nil when it has none), named for the plan.
    func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)?
    /// The head's GEMMs (its dense layers), forward and, in training, backward.
    func gemmShapes(shape: EncoderShape, hidden: Int, vocabulary: Int, training: Bool) -> [GEMMShape]
    /// Which rows of the last block the head reads: `.classToken` when only the pooled output.
    var encoderOutput: EncoderOutput { get }
    /// The head on `encoder` (whose parameters include `modelHeads`; created with `encoderOutput`).
    func makeHead(encoder: BertEncoder) throws -> TaskHead
    /// Random targets of a synthetic feature of `sequence` tokens (plan checks and timed steps).
    func randomTargets(_ feature: inout Feature, sequence: Int, vocabulary: Int, random: inout SplitMix64)
}

extension TaskHeadSpec {
    /// Every token's last hidden state, unless the head says otherwise.
    public var encoderOutput: EncoderOutput { .everyToken }
}

/// What the head of a planned run looks like (its buffers depend on it): a `TaskHeadSpec`, compared by what it
/// describes. `.sequence(outputs:)`, `.tokens(labels:)`, `.span`, `.pretraining(predictions:)` and `.none` are
/// defined beside their specs.
public struct PlannedHead: Sendable, Equatable, CustomStringConvertible {
    public let spec: any TaskHeadSpec

    public init(_ spec: any TaskHeadSpec) {
        self.spec = spec
    }

    public var description: String { spec.description }

    public static func == (a: PlannedHead, b: PlannedHead) -> Bool { a.description == b.description }

    /// True for the pre-training heads.
    public var isPretraining: Bool { spec is PretrainingHeadSpec }

    /// The model heads this task head needs.
    public var modelHeads: BertHeads { spec.modelHeads }

}

/// A head kind that `bert plan --task NAME` offers: its name, and its planned head from the plan's numbers (`labels`
/// classes or tags, `predictions` masked positions per sequence). Each kind declares it beside its spec; the
/// command lists the kinds it offers.
public protocol PlannableHeadKind: Sendable {
    /// The `--task` name (`classify`, `ner`, …).
    static var taskName: String { get }
    /// The head `bert plan --task` plans, from `--labels` and `--max-predictions-per-seq`.
    static func planned(labels: Int, predictions: Int) -> PlannedHead
}

/// No task head: the bare encoder (feature extraction, benchmarks).
public struct EncoderOnlySpec: TaskHeadSpec {
    public var description: String { "none" }
    public var modelHeads: BertHeads { .encoder }
    public func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)? { nil }
    public func gemmShapes(shape: EncoderShape, hidden: Int, vocabulary: Int, training: Bool) -> [GEMMShape] { [] }
    public func makeHead(encoder: BertEncoder) throws -> TaskHead {
        throw HeadError("checking a plan needs a task head (classify, ner, squad or pretrain)")
    }
    public func randomTargets(_ feature: inout Feature, sequence: Int, vocabulary: Int, random: inout SplitMix64) {}
}

extension PlannedHead {
    /// No task head (feature extraction, benchmarks).
    public static let none = PlannedHead(EncoderOnlySpec())
}
