/// Element types a device buffer can hold.
///
/// `float16` is a storage type only: kernels load and store it with `vload_half`/`vstore_half`, which every
/// OpenCL device supports; half arithmetic is used only where the device reports `cl_khr_fp16`.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float16
    case int32

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16: return 2
        }
    }

    public var description: String { rawValue }
}
