import Compute

// The classifier layer both classifier heads run on their input rows (the pooled output, or every token's last
// hidden state): `logits = dense(dropout(x))`, and its backward, as transformers' `BertForSequenceClassification`
// and `BertForTokenClassification` compute it.

extension Device {
    /// `dropped = dropout(x)` (a copy without dropout), then `logits = dropped·Wᵀ + b`. x, dropped: [rows, H];
    /// logits: [rows, outputs].
    func classifierForward(_ x: BufferView, dropped: BufferView, _ layer: DenseParameters, dropout: DropoutConfig?,
                           into logits: BufferView, shape: LinearShape) throws {
        if let dropout {
            try self.dropout(x, into: dropped, config: dropout, role: "classifier dropout")
        } else {
            try copy(x, to: dropped, role: "classifier dropout")
        }
        try linear(dropped, layer, into: logits, shape: shape, role: "classifier")
    }

    /// The gradients of `classifierForward`: the dense layer's into its parameters and `gradInput` = ∂L/∂x (the
    /// dropout's masks redrawn, in place). gradLogits: [rows, outputs]; dropped (the forward's), gradInput: [rows, H].
    func classifierBackward(gradLogits: BufferView, dropped: BufferView, _ layer: DenseParameters, dropout: DropoutConfig?,
                            gradInput: BufferView, shape: LinearShape) throws {
        try linearBackward(gradOutput: gradLogits, input: dropped, layer, gradInput: gradInput, shape: shape, role: "classifier")
        if let dropout {
            try dropoutBackward(gradInput, into: gradInput, config: dropout, role: "classifier dropout backward")
        }
    }
}
