/// Which rows of the last transformer block an encoder computes.
///
/// A head that reads only the pooled output (the sentence classifier and regressor: tanh(dense(h[CLS]))) needs
/// the last block at one row per sequence. Its keys and values still come from every token, so the fused QKV
/// projection runs on all B·S rows; the query, the attention, the attention output, the feed-forward block and
/// both LayerNorms run on the B [CLS] rows — forward and backward. That saves 9/(12·L) of the encoder's dense-layer
/// GEMM work for L layers (a sixteenth on BERT-Base, an eighth on 6-layer MiniLM); the pooled output and every
/// gradient are the same as with `.everyToken` (up to float rounding: the GEMMs have other shapes).
public enum EncoderOutput: Sendable, Equatable {
    /// Every token's last hidden state: token and span heads, the masked LM, features.
    case everyToken
    /// Only the [CLS] row of each sequence from the last block: `hiddenState(L)` holds B rows [B, H], and
    /// `backward` takes no last-hidden-state gradient.
    case classToken
}
