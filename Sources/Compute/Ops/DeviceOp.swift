/// One operation of the device layer with its buffers and settings: the unit every backend executes.
///
/// A descriptor keeps everything about its op in one place (one folder under `Compute/Ops`): its buffers and
/// parameters, the argument checks every backend runs (`validate`), its buffer-less `call` (the name and shape
/// text the profiler shows, its cost, and how to rebuild it at the same shape on any device), and the bodies of
/// both backends. Devices run descriptors through one entry point, `Device.execute(_:role:)`; calls such as
/// `device.layerNorm(…)` are one-line sugar over it. The dry-run and recording devices need nothing per op.
///
/// ```swift
/// try device.fill(buffer, value: 0, role: "zero gradients")
/// // is, inside Compute (descriptors are built by their sugar elsewhere):
/// try device.execute(FillOp(x: buffer, value: 0), role: "zero gradients")
/// ```
public protocol DeviceOp {
    /// The op without its buffers: shapes and flags, cost and replay.
    var call: OpCall { get }
    /// Every buffer the op reads or writes: the dry run checks that they are its own, as the real backends refuse
    /// foreign buffers. By default every `BufferView` the descriptor holds, directly or in its argument structs.
    var views: [BufferView] { get }
    /// The argument checks every backend runs before the op, so a bad call fails the same way everywhere.
    func validate() throws
    /// The CPU backend's body (the twin every OpenCL kernel is checked against); called after `validate`.
    func run(on device: CPUDevice) throws
    /// The OpenCL body: kernel launches from the op's `Kernels/*.cl` family (or CLBlast); called after `validate`.
    func run(on device: OpenCLDevice) throws
    /// What a dry run does besides validating and counting: nothing for most ops; ops that allocate scratch on
    /// OpenCL (GEMMs, the sum of squares) charge it here as the mirrored device would.
    func dryRun(on device: DryRunDevice) throws
}

extension DeviceOp {
    public func dryRun(on device: DryRunDevice) throws {}

    public var views: [BufferView] {
        var found: [BufferView] = []
        OpViews.collect(self, into: &found)
        return found
    }
}

/// Finds the buffers a descriptor holds: its `BufferView`s, optional ones that are set, and those inside the
/// structs and tuples it keeps (argument structs such as `LayerNormForward`, `OptimizerSlice`, `LAMBTables`).
enum OpViews {
    static func collect(_ value: Any, into found: inout [BufferView]) {
        if let view = value as? BufferView { return found.append(view) }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct?, .optional?, .tuple?:
            for child in mirror.children { collect(child.value, into: &found) }
        default:
            return
        }
    }
}

/// Where in the model an op call is: a site ("QKV forward", "classifier dropout") and, inside the encoder, the
/// layer. The model code names every call, so the profiler groups and traces name them without guessing from
/// shapes.
///
/// ```swift
/// try device.layerNorm(forward, shape: shape, role: OpRole("attention output LayerNorm", layer: 3))
/// ```
public struct OpRole: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// What the call computes in the model, without the layer.
    public var site: String
    /// The encoder layer, when the call belongs to one.
    public var layer: Int?

    public init(_ site: String, layer: Int? = nil) {
        self.site = site
        self.layer = layer
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The same layer, another site.
    public func site(_ site: String) -> OpRole { OpRole(site, layer: layer) }

    /// `layer 3 QKV forward`, or the site alone.
    public var description: String { layer.map { "layer \($0) \(site)" } ?? site }

    /// A call nobody named (tests and tools calling ops directly).
    public static let unnamed = OpRole("")
}
