import Compute

/// What a training run keeps between forward and backward, and in which precision — the memory/time trade
/// of activation recompute (gradient checkpointing) and half-precision storage.
///
/// - `recompute: .none` keeps every tensor backward reads, for every layer.
/// - `recompute: .attention` keeps everything but the attention probabilities ([B, heads, S, S] per layer, the
///   tensor that grows with S²); backward recomputes them for one layer at a time (Q·Kᵀ + softmax).
/// - `recompute: .layer` keeps only each layer's input ([T, H]); backward re-runs the layer's forward into one
///   shared working set, then back-propagates through it (about one extra forward pass per step).
///
/// `storage: .float16` stores the kept tensors as IEEE half (`vstore_half`, which every OpenCL device has) and
/// computes in float32: each layer's tensors are packed after its forward and unpacked before its backward.
/// LayerNorm statistics stay float32. With fp32 storage recompute is exact (bit-identical gradients); with half
/// storage gradients differ by the rounding of the kept tensors (see docs/memory.md for the measured error).
public struct ActivationPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Which activations backward recomputes instead of keeping.
    public enum Recompute: String, Sendable, CaseIterable {
        case none, attention, layer
    }

    /// The precision of the kept activations.
    public enum Storage: String, Sendable, CaseIterable {
        case float32 = "fp32"
        case float16 = "half"

        /// The element type kept tensors are stored in.
        public var dtype: DType { self == .float32 ? .float32 : .float16 }
    }

    public var recompute: Recompute
    public var storage: Storage

    public init(recompute: Recompute = .none, storage: Storage = .float32) {
        self.recompute = recompute
        self.storage = storage
    }

    /// Keep everything in float32 (the fastest policy).
    public static let keepAll = ActivationPolicy()

    /// Every policy, in order of increasing compute per step (the planner prefers earlier ones).
    public static let all: [ActivationPolicy] = [
        ActivationPolicy(recompute: .none, storage: .float32), ActivationPolicy(recompute: .none, storage: .float16),
        ActivationPolicy(recompute: .attention, storage: .float32), ActivationPolicy(recompute: .attention, storage: .float16),
        ActivationPolicy(recompute: .layer, storage: .float32), ActivationPolicy(recompute: .layer, storage: .float16),
    ]

    /// Estimated time of a step relative to `keepAll` at the same micro-batch — measured, not modelled: BERT-Base
    /// fine-tuning steps (8 × 128) on this project's CPU backend, 2026-11-22 (docs/memory.md, `bert bench
    /// --recompute … --activations …`). Only the ranking matters to the planner; on GPUs recomputing attention
    /// and converting to half are relatively cheaper, so these numbers err towards keeping everything.
    public var relativeCost: Double {
        switch (recompute, storage) {
        case (.none, .float32): return 1.0
        case (.none, .float16): return 1.15
        case (.attention, .float32): return 1.2
        case (.attention, .float16): return 1.3
        case (.layer, .float32): return 1.45
        case (.layer, .float16): return 1.5
        }
    }

    public var description: String { "recompute \(recompute.rawValue), \(storage.rawValue) activations" }
}
