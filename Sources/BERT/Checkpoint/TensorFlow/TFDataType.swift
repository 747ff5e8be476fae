/// TensorFlow's `DataType` enum values that appear in BERT checkpoints.
struct TFDataType: Sendable, Equatable, CustomStringConvertible {
    let code: Int

    /// The element type SwiftBERT reads for this TensorFlow type, or nil when it has none.
    var tensorDType: TensorDType? {
        switch code {
        case 1: return .float32      // DT_FLOAT
        case 19: return .float16     // DT_HALF
        case 14: return .bfloat16    // DT_BFLOAT16
        case 9: return .int64        // DT_INT64
        case 3: return .int32        // DT_INT32
        default: return nil
        }
    }

    /// TensorFlow's name for the type (`DT_FLOAT`, `DT_STRING`…).
    var description: String {
        let names = [1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8",
                     7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 14: "DT_BFLOAT16",
                     17: "DT_UINT16", 19: "DT_HALF", 22: "DT_UINT32", 23: "DT_UINT64"]
        return names[code] ?? "DataType \(code)"
    }
}
