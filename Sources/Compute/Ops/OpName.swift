/// An op's one name: what its call reports (`OpCall.name`), what the profiler groups and prints, and what every
/// argument check and buffer error names. Each op declares its names once, in its own folder, as constants of this
/// type (`extension OpName { static let layerNorm = … }`), and every site uses the constant.
///
/// The op's kernels share one name on both backends: an OpenCL kernel in `Kernels/*.cl` and its C twin in
/// `sb_cpu_kernels` are spelled alike (`layernorm_backward_params`, `attention_softmax_forward`), which
/// `OpIdentityTests` checks.
public struct OpName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The camel-case name (`layerNormBackward`), as the device method it is.
    public let rawValue: String

    init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (a: OpName, b: OpName) -> Bool { a.rawValue < b.rawValue }
}

extension OpName {
    /// The host transfers every device has (`Device.write`, `Device.read`), named in their buffer errors.
    public static let write = OpName("write"), read = OpName("read")
}
