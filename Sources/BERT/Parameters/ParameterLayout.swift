/// Parameters packed one after another in a single flat Float buffer, in spec order, each starting at a
/// multiple of `alignment` elements.
///
/// ```swift
/// let layout = ParameterLayout(config.parameterSpecs(heads: .preTraining))
/// var weights = [Float](repeating: 0, count: layout.totalCount)
/// try weights.withUnsafeMutableBufferPointer { try checkpoint.load(layout, into: $0) }
/// let query0 = layout.range(of: "encoder.layer.0.attention.self.query.weight")!
/// ```
public struct ParameterLayout: Sendable {
    /// The parameters in buffer order.
    public let specs: [ParameterSpec]
    /// Element offset of each spec, parallel to `specs`.
    public let offsets: [Int]
    /// Elements in all, alignment padding included.
    public let totalCount: Int
    private let indexByName: [String: Int]

    /// Packs `specs` in order, each starting at a multiple of `alignment` elements (e.g. 64 for 256-byte
    /// alignment of Float32).
    public init(_ specs: [ParameterSpec], alignment: Int = 1) {
        let step = max(alignment, 1)
        var offsets: [Int] = []
        offsets.reserveCapacity(specs.count)
        var next = 0
        var index: [String: Int] = [:]
        for (i, spec) in specs.enumerated() {
            next = (next + step - 1) / step * step
            offsets.append(next)
            next += spec.count
            index[spec.name] = i
        }
        self.specs = specs
        self.offsets = offsets
        self.totalCount = next
        self.indexByName = index
    }

    /// The element range of a parameter, or nil when the layout has no such name.
    public func range(of name: String) -> Range<Int>? {
        guard let i = indexByName[name] else { return nil }
        return offsets[i]..<(offsets[i] + specs[i].count)
    }

    /// The spec of a parameter, or nil.
    public func spec(named name: String) -> ParameterSpec? {
        indexByName[name].map { specs[$0] }
    }
}
