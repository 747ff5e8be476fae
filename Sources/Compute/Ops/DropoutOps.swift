/// Where a dropout mask comes from: element i of a tensor is dropped when
/// `Philox.uniform(seed, stream, i) < probability`. Masks are never stored; backward redraws them.
///
/// `stream` tells dropout sites apart (layer, site, step), so the same seed gives independent masks.
public struct DropoutConfig: Sendable, Equatable {
    public var probability: Float
    public var seed: UInt64
    public var stream: UInt64

    public init(probability: Float, seed: UInt64, stream: UInt64) {
        self.probability = probability
        self.seed = seed
        self.stream = stream
    }

    /// Kept elements are scaled by 1 / (1 − p) (inverted dropout).
    public var scale: Float { 1 / (1 - probability) }

    func validate(_ operation: String) throws {
        guard probability >= 0, probability < 1 else {
            throw ComputeError.shapeMismatch(operation: operation,
                                             detail: "dropout probability must be in [0, 1), got \(probability)")
        }
    }
}

/// Counter-based random numbers and dropout (Philox4x32-10, identical on every device).
public protocol DropoutOps {
    /// `x[i] = Philox.uniform(seed, stream, i)` for i in 0..<x.count.
    func fillUniform(_ x: BufferView, seed: UInt64, stream: UInt64) throws
    /// `y = dropout(x)` with the mask of `config` (y may alias x).
    func dropout(_ x: BufferView, into y: BufferView, config: DropoutConfig) throws
    /// `dx = dropout'(dy)`: the same mask and scale applied to the gradient (dx may alias dy).
    func dropoutBackward(_ dy: BufferView, into dx: BufferView, config: DropoutConfig) throws
}
