/// A Float32 tensor to write: its name, its shape, and a function that fills a buffer of exactly its element
/// count — so a writer can copy values from wherever they live (a host array, a device arena, another
/// checkpoint) straight into the file's bytes without an intermediate copy.
public struct TensorPayload {
    public let name: String
    public let shape: [Int]
    /// Writes the tensor's `count` values, row-major.
    public let fill: (UnsafeMutableBufferPointer<Float>) throws -> Void

    /// A tensor whose values `fill` writes on demand.
    public init(name: String, shape: [Int], fill: @escaping (UnsafeMutableBufferPointer<Float>) throws -> Void) {
        self.name = name
        self.shape = shape
        self.fill = fill
    }

    /// A tensor whose values are in an array (`values.count` must equal the shape's element count).
    public init(name: String, shape: [Int], values: [Float]) {
        self.init(name: name, shape: shape) { destination in
            guard destination.count == values.count else {
                throw CheckpointError(.shapeMismatch, file: "(memory)", subject: "tensor '\(name)'",
                                      "shape \(shape) has \(destination.count) elements, \(values.count) values were given")
            }
            _ = destination.initialize(from: values)
        }
    }

    /// Elements in the tensor.
    public var count: Int { shape.reduce(1, *) }
}
