import Compute

/// Where every dropout mask of a step comes from: one seed for the run, the step number, and a fixed site
/// number per place in the network, combined into a Philox stream. The same plan on any device draws the
/// same masks; backward redraws them instead of storing them.
public struct DropoutPlan: Sendable, Equatable {
    public var seed: UInt64
    public var step: UInt64
    public var hiddenProbability: Float
    public var attentionProbability: Float

    public init(seed: UInt64, step: UInt64, hiddenProbability: Float, attentionProbability: Float) {
        self.seed = seed
        self.step = step
        self.hiddenProbability = hiddenProbability
        self.attentionProbability = attentionProbability
    }

    /// Dropout as the configuration says (`hidden_dropout_prob`, `attention_probs_dropout_prob`).
    public init(config: BertConfig, seed: UInt64, step: UInt64) {
        self.init(seed: seed, step: step, hiddenProbability: Float(config.hiddenDropoutProb),
                  attentionProbability: Float(config.attentionProbsDropoutProb))
    }

    enum Site: UInt64 {
        case embeddings = 0, attentionProbabilities, attentionOutput, feedForwardOutput, classifier
    }

    /// The mask of `site` in `layer` (nil: the embeddings or a head), or nil when its probability is zero.
    func config(_ site: Site, layer: Int?) -> DropoutConfig? {
        let p = site == .attentionProbabilities ? attentionProbability : hiddenProbability
        guard p > 0 else { return nil }
        let place = UInt64((layer ?? -1) + 1)
        return DropoutConfig(probability: p, seed: seed, stream: step << 24 | place << 4 | site.rawValue)
    }
}
