import BERT

/// The sequence length a batch runs at: its longest real sequence rounded up to `multiple` and capped at the
/// run's length (dynamic padding), or always the run's length.
public struct BatchLength: Sendable, Equatable {
    /// Lengths are rounded up to a multiple of this (GEMM rows and attention tiles stay aligned).
    public var multiple: Int
    /// false: every batch runs at the run's full length (padding to max_seq_length, as Google's code does).
    public var dynamic: Bool

    public init(multiple: Int = 8, dynamic: Bool = true) {
        self.multiple = multiple
        self.dynamic = dynamic
    }

    /// The default: dynamic, in multiples of 8.
    public static let standard = BatchLength()

    /// The length to run `features` at, for an encoder that holds `capacity` tokens per sequence.
    public func length(of features: some Sequence<Feature>, capacity: Int) -> Int {
        guard dynamic else { return capacity }
        let longest = features.reduce(0) { max($0, $1.length) }
        let step = max(multiple, 1)
        return min(capacity, max(step, (longest + step - 1) / step * step))
    }
}

/// The indices of `lengths` longest first, equal lengths in index order (length-grouped megabatches, prediction
/// batches).
func longestFirst(_ lengths: [Int]) -> [Int] {
    lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
}
