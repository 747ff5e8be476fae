import BERT
import Compute

/// A model at one batch shape — what the catalog, the training step and the trace are built for.
struct ModelRun {
    let config: BertConfig
    let shape: EncoderShape

    init(config: BertConfig, batch: Int, sequence: Int) {
        self.config = config
        shape = EncoderShape(batch: batch, sequence: sequence)
    }

    var batch: Int { shape.batch }
    var sequence: Int { shape.sequence }

    /// The sizes the device layer's catalogue of extra calls is built at (a two-class classifier's parameters).
    var dimensions: OpCatalog.ModelDimensions {
        OpCatalog.ModelDimensions(batch: batch, sequence: sequence, hidden: config.hiddenSize,
                                  intermediate: config.intermediateSize, heads: config.numAttentionHeads,
                                  vocabulary: config.vocabSize, activation: config.activation,
                                  tensorSizes: config.parameterSpecs(heads: .classifier(labels: 2)).map(\.count))
    }
}
