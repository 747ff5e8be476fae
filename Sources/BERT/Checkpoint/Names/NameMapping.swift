/// What a stored tensor name means for SwiftBERT.
public enum NameMapping: Sendable, Equatable {
    /// A model parameter, under its canonical name; `transposed` when the stored tensor is the transpose of the
    /// canonical [out, in] layout (a TensorFlow `kernel`).
    case parameter(String, transposed: Bool)
    /// Not a parameter and deliberately ignored (optimizer slots, step counters, buffers, tied copies).
    case skipped(reason: String)
    /// A name SwiftBERT does not know; reported, not loaded.
    case unrecognized
}
