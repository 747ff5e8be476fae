import Foundation

/// How a sentence embedding model turns its last hidden states into one vector: sentence-transformers' `Pooling`
/// module (`1_Pooling/config.json`) and, when the folder's `modules.json` lists it, its `Normalize` module.
///
/// ```swift
/// let (pooling, declared) = try SentencePooling.of(model: "all-MiniLM-L6-v2")   // mean, normalized, declared
/// let vector = pooling.pool(states, tokens: 12, hidden: 384)                    // states: [tokens, hidden]
/// ```
public struct SentencePooling: Sendable, Equatable {
    /// Which tokens' states make the vector (sentence-transformers' `pooling_mode_*`).
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// The [CLS] token's state (`pooling_mode_cls_token`).
        case cls
        /// The mean over real tokens (`pooling_mode_mean_tokens`).
        case mean
        /// The per-dimension maximum over real tokens (`pooling_mode_max_tokens`).
        case max
        /// The sum over real tokens divided by √(token count) (`pooling_mode_mean_sqrt_len_tokens`).
        case meanSqrtLen = "mean-sqrt-len"
    }

    public var mode: Mode
    /// Whether the vector is scaled to unit length (sentence-transformers' `Normalize`: x / max(‖x‖, 1e-12)).
    public var normalize: Bool

    public init(mode: Mode = .mean, normalize: Bool = false) {
        self.mode = mode
        self.normalize = normalize
    }

    /// The pooling a model folder declares (`modules.json` and its Pooling module's `config.json`), with
    /// `declared` false — and mean pooling without normalisation — when the folder has no `modules.json`.
    ///
    /// - Throws: ``CheckpointError`` naming the file and field for unreadable JSON, a Pooling module without its
    ///   config, or a pooling mode sentence-transformers has that this does not (weighted mean, last token, several
    ///   modes concatenated).
    public static func of(model folder: String) throws -> (pooling: SentencePooling, declared: Bool) {
        let modulesPath = folder + "/modules.json"
        guard FileManager.default.fileExists(atPath: modulesPath) else { return (SentencePooling(), false) }
        guard case .array(let modules) = try JSONValue.parse(try FileBytes.read(modulesPath), file: modulesPath) else {
            throw CheckpointError(.invalidConfig, file: modulesPath, subject: "the file", "expected a list of modules")
        }
        var pooling: SentencePooling?
        var normalize = false
        for module in modules {
            let fields = try JSONFields(module, file: modulesPath)
            let type = try fields.string("type")
            if type.hasSuffix(".Normalize") { normalize = true }
            guard type.hasSuffix(".Pooling") else { continue }
            let path = folder + "/" + (try fields.optionalString("path") ?? "") + "/config.json"
            pooling = SentencePooling(mode: try mode(in: JSONFields(try JSONValue.parse(try FileBytes.read(path), file: path), file: path)))
        }
        var result = pooling ?? SentencePooling()
        result.normalize = normalize
        return (result, pooling != nil)
    }

    /// The one pooling mode a Pooling config turns on.
    private static func mode(in fields: JSONFields) throws -> Mode {
        let modes: [(key: String, mode: Mode?)] = [
            ("pooling_mode_cls_token", .cls), ("pooling_mode_mean_tokens", .mean), ("pooling_mode_max_tokens", .max),
            ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLen), ("pooling_mode_weightedmean_tokens", nil),
            ("pooling_mode_lasttoken", nil),
        ]
        let on = try modes.filter { try fields.optionalBool($0.key) == true }
        guard on.count == 1, let mode = on[0].mode else {
            let names = on.map(\.key).joined(separator: ", ")
            throw fields.fail(on.isEmpty ? "pooling_mode_mean_tokens" : on[0].key,
                              on.isEmpty ? "no pooling mode is on" : "\(names): only one of cls, mean, max and mean-sqrt-len "
                                  + "tokens is supported", kind: .invalidConfig)
        }
        return mode
    }

    /// The vector of one text from its last hidden states `states` ([tokens, hidden] row-major: the text's real
    /// tokens, [CLS] first), pooled and, with ``normalize``, scaled to unit length. Sums are in double precision.
    public func pool(_ states: ArraySlice<Float>, tokens: Int, hidden: Int) -> [Float] {
        let base = states.startIndex
        var vector = [Double](repeating: mode == .max ? -Double.infinity : 0, count: hidden)
        switch mode {
        case .cls:
            for c in 0..<hidden { vector[c] = Double(states[base + c]) }
        case .mean, .meanSqrtLen, .max:
            for t in 0..<tokens {
                for c in 0..<hidden {
                    let value = Double(states[base + t * hidden + c])
                    vector[c] = mode == .max ? Swift.max(vector[c], value) : vector[c] + value
                }
            }
            let divisor = mode == .mean ? Double(Swift.max(tokens, 1)) : mode == .meanSqrtLen ? Double(Swift.max(tokens, 1)).squareRoot() : 1
            if divisor != 1 { vector = vector.map { $0 / divisor } }
        }
        if normalize {
            let norm = Swift.max(vector.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            vector = vector.map { $0 / norm }
        }
        return vector.map(Float.init)
    }
}
