/// The launch shapes of our OpenCL kernels on one device: the defaults derived from its limits, or the
/// `KernelVariants` overrides. The one source of these numbers — `OpenCLDevice` launches with them and
/// `bert-prof`'s sweep marks them as its "default" variants, so the sweep's default is what a run uses.
public struct LaunchSettings: Sendable {
    /// Work-items per row of the row kernels (LayerNorm, softmax, cross-entropy, sum of squares, LAMB; `SB_ROW_WG`).
    public let rowWorkGroupSize: Int
    /// Local size of the one-item-per-element launches, whose global size is rounded up to it (the kernels guard
    /// their bounds); nil = the driver picks the local size for the exact global size.
    public let elementwiseWorkGroupSize: Int?
    /// Query rows per work-group of the online-softmax attention kernel (`SB_FLASH_WG`).
    public let flashWorkGroupSize: Int
    private let variants: KernelVariants
    private let info: DeviceInfo

    /// The settings for `info` with `variants` applied; an override outside the device's limits throws, naming them.
    public init(info: DeviceInfo, variants: KernelVariants = KernelVariants()) throws {
        self.info = info
        self.variants = variants
        rowWorkGroupSize = try variants.rowWorkGroupSize(default: Self.defaultRowWorkGroupSize(info),
                                                         maxWorkGroupSize: info.maxWorkGroupSize)
        try variants.checkElementwise(maxWorkGroupSize: info.maxWorkGroupSize)
        elementwiseWorkGroupSize = variants.elementwiseWorkGroupSize ?? Self.defaultElementwiseWorkGroupSize(info)
        flashWorkGroupSize = variants.flashWorkGroupSize ?? min(64, rowWorkGroupSize)
    }

    /// Keys per K/V tile of the online-softmax attention kernel at head width `headDim` (`SB_FLASH_TILE`): the
    /// override, or the largest of 32, 16, … whose tiles use at most half the local memory. Throws when an
    /// override does not fit the device.
    public func flashTile(headDim: Int) throws -> Int {
        try variants.checkFlash(maxWorkGroupSize: info.maxWorkGroupSize, localMemory: info.localMemory, headDim: headDim)
        if let tile = variants.flashTile { return tile }
        var tile = 32
        while tile > 1 && Self.flashTileBytes(tile: tile, headDim: headDim) > info.localMemory / 2 { tile /= 2 }
        return tile
    }

    /// Local memory of the flash kernel's K and V tiles and their mask: (2·tile·headDim + tile) floats.
    public static func flashTileBytes(tile: Int, headDim: Int) -> Int { (2 * tile * headDim + tile) * 4 }

    /// Row kernels: 256 items per row suit GPUs; on CPU devices (one item is one loop iteration of a core) 32
    /// measured 1.6–7× faster on PoCL (docs/kernels.md, `bert-prof profile` sweep). The largest power of two up
    /// to that which the device allows.
    static func defaultRowWorkGroupSize(_ info: DeviceInfo) -> Int {
        var group = 1
        while group * 2 <= min(info.isGPU ? 256 : 32, info.maxWorkGroupSize) { group *= 2 }
        return group
    }

    /// One-item-per-element kernels: the driver's choice on GPUs; 64 on CPU devices, where PoCL otherwise picks a
    /// local size dividing the global size, i.e. 1 or 2 items for odd sizes such as the gradient arena's (10×
    /// slower, docs/kernels.md).
    static func defaultElementwiseWorkGroupSize(_ info: DeviceInfo) -> Int? {
        info.isGPU ? nil : min(64, info.maxWorkGroupSize)
    }
}

/// One launch shape of a `LaunchKnob` that a device allows: the overrides that select it, and whether it is what
/// the device runs without overrides.
public struct LaunchVariant: Sendable {
    public let label: String
    public let variants: KernelVariants
    public let isDefault: Bool

    public init(label: String, variants: KernelVariants, isDefault: Bool) {
        self.label = label
        self.variants = variants
        self.isDefault = isDefault
    }
}

extension LaunchSettings {
    /// Every launch shape of `knob` the device `info` allows — what `bert-prof` sweeps and `bert selfcheck
    /// --launch-variants` checks: row work-groups of 16…1024, flash-attention work-groups of 16…128 × K/V tiles of
    /// 8…64 that fit the local memory, element-wise local sizes of 64, 256 and 1024 (and the driver's choice). The
    /// default among them is what `LaunchSettings(info:)` gives.
    public static func variants(_ knob: LaunchKnob, info: DeviceInfo) throws -> [LaunchVariant] {
        let defaults = try LaunchSettings(info: info)
        switch knob {
        case .rowWorkGroup:
            return [16, 32, 64, 128, 256, 512, 1024].filter { $0 <= info.maxWorkGroupSize }.map {
                LaunchVariant(label: "WG \($0)", variants: KernelVariants(rowWorkGroupSize: $0), isDefault: $0 == defaults.rowWorkGroupSize)
            }
        case .flash(let headDim):
            let defaultTile = try defaults.flashTile(headDim: headDim)
            var list: [LaunchVariant] = []
            for group in [16, 32, 64, 128] where group <= info.maxWorkGroupSize {
                for tile in [8, 16, 32, 64] where flashTileBytes(tile: tile, headDim: headDim) <= info.localMemory {
                    list.append(LaunchVariant(label: "WG \(group) tile \(tile)",
                                              variants: KernelVariants(flashWorkGroupSize: group, flashTile: tile),
                                              isDefault: group == defaults.flashWorkGroupSize && tile == defaultTile))
                }
            }
            return list
        case .elementwise:
            let driver = defaults.elementwiseWorkGroupSize == nil
                ? [LaunchVariant(label: "driver", variants: KernelVariants(), isDefault: true)] : []
            return driver + ([64, 256, 1024] as [Int]).filter { $0 <= info.maxWorkGroupSize }.map {
                LaunchVariant(label: "WG \($0)", variants: KernelVariants(elementwiseWorkGroupSize: $0),
                              isDefault: $0 == defaults.elementwiseWorkGroupSize)
            }
        }
    }
}

/// Which of the `LaunchSettings` an op's kernels are launched with: what `bert-prof` sweeps for the op.
public enum LaunchKnob: Sendable, Hashable {
    /// `rowWorkGroupSize` (one work-group per row).
    case rowWorkGroup
    /// `flashWorkGroupSize` × `flashTile(headDim:)`.
    case flash(headDim: Int)
    /// `elementwiseWorkGroupSize` (one work-item per element).
    case elementwise

    /// What the knob sets, with the build-time defines it becomes.
    public var title: String {
        switch self {
        case .rowWorkGroup: return "row work-group size (SB_ROW_WG)"
        case .flash: return "flash work-group size × K/V tile (SB_FLASH_WG, SB_FLASH_TILE)"
        case .elementwise: return "element-wise local size (global rounded up)"
        }
    }
}
