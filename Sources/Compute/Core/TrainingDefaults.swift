import Foundation

/// The one source of the training defaults the library and `bert` share: the optimizer ops, the trainer, the task
/// models, pre-training data generation and every command's flags take them from here.
public enum TrainingDefaults {
    /// The seed of data order, dropout, new weights and masking (`--seed`; Google's `random_seed`).
    public static let seed: UInt64 = 12345
    /// Peak learning rate of fine-tuning (`--learning-rate`; Google's README for GLUE).
    public static let learningRate: Float = 5e-5
    /// Decoupled weight decay, not applied to LayerNorm and biases (`--weight-decay`; Google's AdamWeightDecay).
    public static let weightDecay: Float = 0.01
    /// Global gradient-norm clipping, 0 = off (`--max-grad-norm`; Google's `clip_by_global_norm(…, 1.0)`).
    public static let maxGradNorm: Float = 1
}

/// SwiftBERT's cache folder, resolved in one place: `$SWIFTBERT_CACHE_DIR`, else `$XDG_CACHE_HOME/swiftbert`, else
/// `~/.cache/swiftbert`; a variable set to the empty string counts as unset (as `${VAR:-…}` in the shell scripts).
/// Compiled OpenCL programs, CLBlast parameters, GEMM choices and packaged models live in subfolders of it.
public enum CacheFolder {
    /// The cache folder for `environment`.
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["SWIFTBERT_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/swiftbert" }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/swiftbert"
    }
}
