import Compute

/// One parameter tensor resolved once by name (when its model part is built, never per call): its values and, when
/// the store keeps gradients, its gradient — views into the parameter store's arenas, which never move.
struct Parameter {
    let value: BufferView
    private let gradientView: BufferView?

    init(_ store: ParameterStore, _ name: String) throws {
        self.init(value: try store.value(name), gradient: store.gradients == nil ? nil : try store.gradient(name))
    }

    init(value: BufferView, gradient: BufferView?) {
        self.value = value
        gradientView = gradient
    }

    /// The gradient backward accumulates into; throws when the parameters were created without gradients.
    func gradient() throws -> BufferView {
        guard let gradientView else {
            throw ComputeError.shapeMismatch(operation: "gradient", detail: "the parameters were created without gradients")
        }
        return gradientView
    }
}

/// A dense layer's weight [out, in] and bias [out].
struct DenseParameters {
    let weight, bias: Parameter

    /// `name(part)` is the tensor's name for part "weight" and "bias".
    init(_ store: ParameterStore, _ name: (String) -> String) throws {
        weight = try Parameter(store, name("weight"))
        bias = try Parameter(store, name("bias"))
    }

    init(weight: Parameter, bias: Parameter) {
        self.weight = weight
        self.bias = bias
    }
}

/// A LayerNorm's γ ("weight") and β ("bias").
struct NormParameters {
    let gamma, beta: Parameter

    init(_ store: ParameterStore, _ name: (String) -> String) throws {
        gamma = try Parameter(store, name("weight"))
        beta = try Parameter(store, name("bias"))
    }
}

/// One encoder block's parameters; Q, K and V as the one fused [3H, H] weight and [3H] bias they are stored as.
struct LayerParameters {
    let qkv, attentionOutput: DenseParameters
    let attentionNorm: NormParameters
    let intermediate, output: DenseParameters
    let outputNorm: NormParameters

    init(_ store: ParameterStore, layer l: Int) throws {
        let n = BertParameterNames.self
        func fused(_ part: String) throws -> Parameter {
            Parameter(value: try store.fusedQKV(store.values, layer: l, part: part),
                      gradient: try store.gradients.map { try store.fusedQKV($0, layer: l, part: part) })
        }
        qkv = DenseParameters(weight: try fused("weight"), bias: try fused("bias"))
        attentionOutput = try DenseParameters(store) { n.attentionOutput(l, $0) }
        attentionNorm = try NormParameters(store) { n.attentionNorm(l, $0) }
        intermediate = try DenseParameters(store) { n.intermediate(l, $0) }
        output = try DenseParameters(store) { n.output(l, $0) }
        outputNorm = try NormParameters(store) { n.outputNorm(l, $0) }
    }
}

/// Every parameter the encoder reads, resolved once when it is built (`BertEncoder.tensors`).
struct EncoderParameters {
    let word, position, type: Parameter
    let embeddingNorm: NormParameters
    let layers: [LayerParameters]
    /// Nil when the model has no pooler.
    let pooler: DenseParameters?

    init(_ store: ParameterStore) throws {
        let n = BertParameterNames.self
        word = try Parameter(store, n.wordEmbeddings)
        position = try Parameter(store, n.positionEmbeddings)
        type = try Parameter(store, n.typeEmbeddings)
        embeddingNorm = try NormParameters(store) { n.embeddingNorm($0) }
        layers = try (0..<store.config.numHiddenLayers).map { try LayerParameters(store, layer: $0) }
        pooler = store.heads.pooler ? try DenseParameters(store) { n.pooler($0) } : nil
    }
}

extension BertEncoder {
    /// A head's parameter `name`, resolved once (heads call this when they are built).
    func parameter(_ name: String) throws -> Parameter { try Parameter(parameters, name) }

    /// A head's dense layer `prefix`.weight / `prefix`.bias, resolved once.
    func dense(_ prefix: String) throws -> DenseParameters { try DenseParameters(parameters) { "\(prefix).\($0)" } }
}

extension Device {
    /// `linear` with a dense layer's resolved weight and bias.
    func linear(_ x: BufferView, _ layer: DenseParameters, into y: BufferView, shape: LinearShape, role: OpRole) throws {
        try linear(x, weight: layer.weight.value, bias: layer.bias.value, into: y, shape: shape, role: role)
    }

    /// `linearBackward` into a dense layer's weight and bias gradients.
    func linearBackward(gradOutput dy: BufferView, input x: BufferView, _ layer: DenseParameters, gradInput dx: BufferView?,
                        shape: LinearShape, accumulateInput: Bool = false, role: OpRole) throws {
        try linearBackward(gradOutput: dy, input: x, weight: layer.weight.value, gradInput: dx,
                           gradWeight: try layer.weight.gradient(), gradBias: try layer.bias.gradient(), shape: shape,
                           accumulateInput: accumulateInput, role: role)
    }
}
