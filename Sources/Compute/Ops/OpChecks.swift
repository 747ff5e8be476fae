/// Argument checks shared by both backends, so a bad call fails the same way on every device.
enum OpChecks {
    /// Every view is float32 and holds exactly `count` elements.
    static func floats(_ operation: OpName, count: Int, _ views: (String, BufferView)...) throws {
        for (name, view) in views {
            guard view.dtype == .float32 else {
                throw ComputeError.dtypeMismatch(operation: "\(operation) \(name)", expected: .float32, got: view.dtype)
            }
            guard view.count == count else {
                throw ComputeError.shapeMismatch(operation: operation.rawValue,
                    detail: "\(name) ('\(view.label)') has \(view.count) elements, expected \(count)")
            }
        }
    }

    /// A host transfer of `bytes` bytes into or out of `view` (sizes must match).
    static func transfer(_ operation: String, bytes: Int, _ view: BufferView) throws {
        guard bytes == view.byteCount else {
            throw ComputeError.shapeMismatch(operation: operation,
                detail: "\(bytes) bytes for '\(view.label)' view of \(view.byteCount) bytes")
        }
    }

    /// A [rows, columns] matrix view.
    static func matrix(_ operation: OpName, _ name: String, _ view: BufferView, rows: Int, columns: Int) throws {
        guard rows >= 0, columns >= 0 else {
            throw ComputeError.shapeMismatch(operation: operation.rawValue, detail: "negative shape [\(rows), \(columns)]")
        }
        try floats(operation, count: rows * columns, (name, view))
    }
}
