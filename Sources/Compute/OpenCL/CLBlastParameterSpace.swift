/// The values CLBlast's own tuner tries for a GEMM kernel and the rules a configuration must obey
/// (CLBlast 1.5's src/tuning/kernels/xgemm.hpp and xgemm_direct.hpp, restated): the search space of
/// `CLBlastTuner`, and the check `CLBlastParameters.apply` runs on Xgemm and XgemmDirect values before
/// handing them to CLBlast.
///
/// Rules are of two kinds: those the kernel needs to compile and compute correctly (integer tile counts,
/// local memory, work-group size) and those CLBlast's tuner adds only to keep its search small
/// (`searchOnly`); files are checked against the first kind, the search obeys both.
public struct CLBlastParameterSpace: Sendable {
    /// A rule over some parameters' values (given in `parameters` order).
    public struct Rule: Sendable {
        public let parameters: [String]
        public let description: String
        /// Only narrows the search; a configuration breaking it still works.
        public let searchOnly: Bool
        let holds: @Sendable ([Int]) -> Bool
    }

    /// The device limits a configuration must fit.
    public struct Limits: Sendable {
        public var maxWorkGroupSize: Int
        public var localMemoryBytes: Int

        public init(maxWorkGroupSize: Int, localMemoryBytes: Int) {
            self.maxWorkGroupSize = maxWorkGroupSize
            self.localMemoryBytes = localMemoryBytes
        }

        public init(_ info: DeviceInfo) {
            self.init(maxWorkGroupSize: info.maxWorkGroupSize, localMemoryBytes: info.localMemory)
        }
    }

    /// The CLBlast kernel ("Xgemm" or "XgemmDirect").
    public let kernel: String
    /// Each parameter with the values the search tries, in enumeration order.
    public let values: [(name: String, values: [Int])]
    public let rules: [Rule]

    /// The rules that do not hold for `parameters` (missing parameters count as breaking the rules using
    /// them); only correctness rules unless `includingSearchRules`.
    public func violations(_ parameters: [String: Int], limits: Limits, includingSearchRules: Bool = false) -> [String] {
        (rules + Self.limitRules(kernel, limits)).compactMap { rule in
            guard includingSearchRules || !rule.searchOnly else { return nil }
            let values = rule.parameters.compactMap { parameters[$0] }
            guard values.count == rule.parameters.count else { return "\(rule.description) (a parameter is missing)" }
            return rule.holds(values) ? nil : rule.description
        }
    }

    /// Every configuration of the search space that obeys all rules (search rules included), in a fixed
    /// order. Built by assigning parameters in order and checking each rule as soon as its parameters are set.
    public func configurations(limits: Limits) -> [[String: Int]] {
        let allRules = rules + Self.limitRules(kernel, limits)
        let position = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($0.element.name, $0.offset) })
        // Rules grouped by the position of their last parameter: checked once that parameter is set.
        var rulesAt = [[Rule]](repeating: [], count: values.count)
        for rule in allRules {
            guard let last = rule.parameters.compactMap({ position[$0] }).max(),
                  rule.parameters.allSatisfy({ position[$0] != nil }) else { continue }
            rulesAt[last].append(rule)
        }
        var results: [[String: Int]] = []
        var current = [String: Int]()
        func assign(_ depth: Int) {
            guard depth < values.count else {
                results.append(current)
                return
            }
            for value in values[depth].values {
                current[values[depth].name] = value
                if rulesAt[depth].allSatisfy({ rule in rule.holds(rule.parameters.map { current[$0]! }) }) {
                    assign(depth + 1)
                }
            }
            current[values[depth].name] = nil
        }
        assign(0)
        return results
    }

    // MARK: - The kernels

    /// Xgemm, CLBlast's indirect kernel: `gemmk` 0 is the regular kernel (CLBlast's tuner variant 2 ranges),
    /// 1 the kernel with 2D register tiling (variant 12 ranges).
    public static func xgemm(gemmk: Int) -> CLBlastParameterSpace {
        let kernel0 = gemmk == 0
        let values: [(name: String, values: [Int])] = [
            ("GEMMK", [gemmk]),
            ("MWG", kernel0 ? [16, 32, 64, 128] : [8, 16, 32, 64, 128]),
            ("NWG", kernel0 ? [16, 32, 64, 128] : [8, 16, 32, 64, 128]),
            ("KWG", kernel0 ? [16, 32] : [1]),
            ("MDIMC", kernel0 ? [8, 16, 32] : [2, 4, 8, 16, 32]),
            ("NDIMC", kernel0 ? [8, 16, 32] : [2, 4, 8, 16, 32]),
            ("MDIMA", kernel0 ? [8, 16, 32] : [2, 4, 8, 16, 32]),
            ("NDIMB", kernel0 ? [8, 16, 32] : [2, 4, 8, 16, 32]),
            ("KWI", kernel0 ? [2] : [1]),
            ("VWM", [1, 2, 4, 8]),
            ("VWN", [1, 2, 4, 8]),
            ("STRM", kernel0 ? [0, 1] : [0]),
            ("STRN", kernel0 ? [0, 1] : [0]),
            ("SA", kernel0 ? [0, 1] : [0]),
            ("SB", kernel0 ? [0, 1] : [0]),
            ("KREG", kernel0 ? [1] : [1, 2, 4, 8, 16]),
        ]
        var rules = [
            multiple("KWG", of: ["KWI"]),
            multiple("MWG", of: ["MDIMC", "VWM"]), multiple("NWG", of: ["NDIMC", "VWN"]),
            multiple("MWG", of: ["MDIMA", "VWM"]), multiple("NWG", of: ["NDIMB", "VWN"]),
        ]
        if kernel0 {
            // KWG must hold whole KDIMA = MDIMC·NDIMC/MDIMA and KDIMB = MDIMC·NDIMC/NDIMB loads.
            rules += [tiles("KWG", "MDIMC", "NDIMC", "MDIMA"), tiles("KWG", "MDIMC", "NDIMC", "NDIMB")]
        } else {
            rules += [multiple("KREG", of: ["VWN"]),
                      equal("MDIMC", "MDIMA", searchOnly: true), equal("NDIMC", "NDIMB", searchOnly: true)]
        }
        return CLBlastParameterSpace(kernel: "Xgemm", values: values, rules: rules)
    }

    /// XgemmDirect, CLBlast's single-kernel GEMM for small sizes (tuner variant 2 ranges).
    public static let xgemmDirect = CLBlastParameterSpace(
        kernel: "XgemmDirect",
        values: [
            ("WGD", [8, 16, 32, 64]),
            ("MDIMCD", [8, 16, 32]), ("NDIMCD", [8, 16, 32]),
            ("MDIMAD", [8, 16, 32]), ("NDIMBD", [8, 16, 32]),
            ("KWID", [2, 8, 16]),
            ("VWMD", [1, 2, 4, 8]), ("VWND", [1, 2, 4, 8]),
            ("PADA", [0, 1]), ("PADB", [0, 1]),
        ],
        rules: [
            multiple("WGD", of: ["KWID"]),
            multiple("WGD", of: ["MDIMCD", "VWMD"]), multiple("WGD", of: ["NDIMCD", "VWND"]),
            multiple("WGD", of: ["MDIMAD", "VWMD"]), multiple("WGD", of: ["NDIMBD", "VWND"]),
            tiles("WGD", "MDIMCD", "NDIMCD", "MDIMAD"), tiles("WGD", "MDIMCD", "NDIMCD", "NDIMBD"),
        ])

    /// The space checking `kernel`'s values, if it is one of the GEMM kernels with rules here.
    static func checking(_ kernel: String, gemmk: Int?) -> CLBlastParameterSpace? {
        switch kernel {
        case "Xgemm": return xgemm(gemmk: gemmk == 1 ? 1 : 0)
        case "XgemmDirect": return xgemmDirect
        default: return nil
        }
    }

    // MARK: - Rule builders

    private static func multiple(_ name: String, of factors: [String]) -> Rule {
        Rule(parameters: [name] + factors, description: "\(name) must be a multiple of \(factors.joined(separator: "·"))",
             searchOnly: false) { v in
            let product = v.dropFirst().reduce(1, *)
            return product > 0 && v[0] % product == 0
        }
    }

    /// `size` a multiple of `a·b/c`, with `a·b` a multiple of `c` (whole loads per work-group).
    private static func tiles(_ size: String, _ a: String, _ b: String, _ c: String) -> Rule {
        Rule(parameters: [size, a, b, c], description: "\(size) must be a multiple of \(a)·\(b)/\(c)",
             searchOnly: false) { v in
            guard v[3] > 0, (v[1] * v[2]) % v[3] == 0 else { return false }
            let loads = v[1] * v[2] / v[3]
            return loads > 0 && v[0] % loads == 0
        }
    }

    private static func equal(_ a: String, _ b: String, searchOnly: Bool) -> Rule {
        Rule(parameters: [a, b], description: "\(a) must equal \(b)", searchOnly: searchOnly) { v in v[0] == v[1] }
    }

    /// Work-group size and local memory (4-byte floats) within the device's limits.
    private static func limitRules(_ kernel: String, _ limits: Limits) -> [Rule] {
        let group = kernel == "Xgemm" ? ["MDIMC", "NDIMC"] : ["MDIMCD", "NDIMCD"]
        let workGroup = Rule(parameters: group,
                             description: "\(group.joined(separator: "·")) must not exceed the device's work-group size \(limits.maxWorkGroupSize)",
                             searchOnly: false) { v in v[0] * v[1] <= limits.maxWorkGroupSize }
        let local: Rule
        if kernel == "Xgemm" {
            local = Rule(parameters: ["SA", "KWG", "MWG", "SB", "NWG"],
                         description: "4·(SA·KWG·MWG + SB·KWG·NWG) bytes must fit the device's \(limits.localMemoryBytes) bytes of local memory",
                         searchOnly: false) { v in 4 * (v[0] * v[1] * v[2] + v[3] * v[1] * v[4]) <= limits.localMemoryBytes }
        } else {
            local = Rule(parameters: ["WGD", "PADA", "PADB"],
                         description: "4·WGD·(2·WGD + PADA + PADB) bytes must fit the device's \(limits.localMemoryBytes) bytes of local memory",
                         searchOnly: false) { v in 4 * (v[0] * (v[0] + v[1]) + v[0] * (v[0] + v[2])) <= limits.localMemoryBytes }
        }
        return [workGroup, local]
    }
}
