import BERT

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
}
