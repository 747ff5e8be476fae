import BERT
import Compute

/// What the head of a planned run looks like (its buffers depend on it).
public enum PlannedHead: Sendable, Equatable {
    /// No task head (feature extraction, benchmarks).
    case none
    /// Sentence classifier (`outputs` classes) or regressor (1 output).
    case sequence(outputs: Int)
    /// Token tagger with `labels` classes.
    case tokens(labels: Int)
    /// SQuAD start/end head.
    case span

    /// The model heads this task head needs.
    public var modelHeads: BertHeads {
        switch self {
        case .none: return .encoder
        case .sequence(let outputs): return .classifier(labels: outputs)
        case .tokens(let labels): return BertHeads(pooler: false, classifierLabels: labels)
        case .span: return .questionAnswering
        }
    }
}

/// The device memory of one fine-tuning (or inference) run, computed from the same size tables the run
/// allocates from — parameters, gradients, Adam moments, the activation arena, the head's buffers — each placed
/// into chunks no larger than the device's largest allocation, so the planned bytes are the bytes the memory
/// accountant will count.
public struct MemoryPlan: Sendable {
    /// One line of the plan.
    public struct Item: Sendable {
        public let name: String
        public let bytes: Int
        /// Bytes lost to alignment and chunk ends (included in `bytes`).
        public let overhead: Int
    }

    public let items: [Item]
    public let microBatch: Int
    public let sequence: Int
    public let training: Bool

    /// The peak: every item is alive for the whole step.
    public var total: Int { items.reduce(0) { $0 + $1.bytes } }

    /// Plans a run of `config` with `head` for micro-batches of `microBatch` × `sequence` on a device whose
    /// largest single allocation is `maxAllocation` bytes (`optimizer: false` leaves out the Adam state, as in
    /// `bert bench`).
    public init(config: BertConfig, head: PlannedHead, microBatch: Int, sequence: Int, training: Bool,
                maxAllocation: Int, optimizer: Bool = true) throws {
        self.microBatch = microBatch
        self.sequence = sequence
        self.training = training
        func place(_ name: String, _ layout: ArenaLayout) throws -> Item {
            let placement = try layout.place(maxChunkBytes: maxAllocation)
            return Item(name: name, bytes: placement.totalBytes, overhead: placement.overheadBytes)
        }
        let parameters = ParameterStore.layout(config: config, heads: head.modelHeads)
        var items = [try place("parameters", parameters)]
        if training {
            items.append(try place("parameter gradients", parameters))
        }
        if training, optimizer {
            items.append(try place("Adam first moments", parameters))
            items.append(try place("Adam second moments", parameters))
            items.append(Item(name: "gradient norm²", bytes: DType.float32.size, overhead: 0))
        }
        let shape = EncoderShape(batch: microBatch, sequence: sequence)
        let encoder = EncoderLayout(config: config, shape: shape, mode: training ? .training : .inference,
                                    attentionDropout: config.attentionProbsDropoutProb > 0)
        items.append(try place(training ? "activations (saved for backward + scratch)" : "activations", encoder.arena))
        switch head {
        case .none: break
        case .sequence(let outputs):
            items.append(try place("classifier head", SequenceClassifierHead.layout(batch: microBatch, hidden: config.hiddenSize,
                                                                                    outputs: outputs)))
        case .tokens(let labels):
            items.append(try place("token classifier head", TokenClassifierHead.layout(tokens: shape.tokens, hidden: config.hiddenSize,
                                                                                       labels: labels)))
        case .span:
            items.append(try place("span head", SpanHead.layout(batch: microBatch, sequence: sequence, hidden: config.hiddenSize)))
        }
        self.items = items
    }

    /// The largest micro-batch dividing `batchSize` whose plan fits `budget` bytes (fewest accumulation steps),
    /// or nil when not even a micro-batch of 1 fits.
    public static func choose(config: BertConfig, head: PlannedHead, batchSize: Int, sequence: Int, budget: Int,
                              maxAllocation: Int) throws -> MemoryPlan? {
        for micro in (1...max(batchSize, 1)).reversed() where batchSize % micro == 0 {
            // A micro-batch whose largest tensor exceeds one allocation does not fit either.
            guard let plan = try? MemoryPlan(config: config, head: head, microBatch: micro, sequence: sequence, training: true,
                                             maxAllocation: maxAllocation) else { continue }
            if plan.total <= budget { return plan }
        }
        return nil
    }
}
