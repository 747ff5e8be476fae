// swift-tools-version:6.0
import Foundation
import PackageDescription

/// MPI (data-parallel training) when its pkg-config file is installed: Open MPI (`ompi.pc`) or MPICH (`mpich.pc`).
/// SWIFTBERT_MPI=off|openmpi|mpich forces the choice. Without MPI the `Cluster` module builds without it and reports
/// the feature as unavailable.
let mpiPkgConfig: String? = {
    let forced = ProcessInfo.processInfo.environment["SWIFTBERT_MPI"]?.lowercased()
    switch forced {
    case "off"?, "0"?, "no"?: return nil
    case "openmpi"?: return "ompi"
    case "mpich"?: return "mpich"
    default: break
    }
    let folders = ["/usr/lib/x86_64-linux-gnu/pkgconfig", "/usr/lib/aarch64-linux-gnu/pkgconfig", "/usr/lib/pkgconfig",
                   "/usr/lib64/pkgconfig", "/usr/share/pkgconfig", "/usr/local/lib/pkgconfig",
                   "/opt/homebrew/lib/pkgconfig"]
        + (ProcessInfo.processInfo.environment["PKG_CONFIG_PATH"] ?? "").split(separator: ":").map(String.init)
    for name in ["ompi", "mpich"] where folders.contains(where: { FileManager.default.fileExists(atPath: "\($0)/\(name).pc") }) {
        return name
    }
    return nil
}()

/// oneDNN (the CPU backend's GEMMs; PyTorch's CPU library) when its header is installed (Debian `libdnnl-dev` has no
/// pkg-config file). SWIFTBERT_DNNL=off builds without it; the CPU backend then runs every GEMM on OpenBLAS.
let hasOneDNN: Bool = {
    if let forced = ProcessInfo.processInfo.environment["SWIFTBERT_DNNL"]?.lowercased(), ["off", "0", "no"].contains(forced) {
        return false
    }
    return ["/usr/include", "/usr/local/include", "/opt/homebrew/include"].contains {
        FileManager.default.fileExists(atPath: "\($0)/oneapi/dnnl/dnnl.h")
    }
}()

let package = Package(
    name: "SwiftBERT",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bert", targets: ["bert"]),
        .executable(name: "bert-prof", targets: ["bert-prof"]),
        .library(name: "Compute", targets: ["Compute"]),
        .library(name: "Tokenizer", targets: ["Tokenizer"]),
        .library(name: "BERT", targets: ["BERT"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Tasks", targets: ["Tasks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, nothing else.
        .systemLibrary(name: "COpenCL", pkgConfig: "OpenCL",
                       providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]),
        .systemLibrary(name: "CCLBlast", pkgConfig: "clblast",
                       providers: [.apt(["libclblast-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // CLBlast's C++ RetrieveParameters behind a C function (its C API cannot read tuning parameters).
        .target(name: "CCLBlastQuery", dependencies: ["CCLBlast"]),

        // The CPU backend's element-wise and row kernels in C, built per instruction set and chosen at run time.
        .target(name: "CPUKernels"),

        // Build-time embedding of Kernels/*.cl into the Compute module.
        .executableTarget(name: "kernel-embedder", path: "Tools/KernelEmbedder"),
        .plugin(name: "EmbedKernels", capability: .buildTool(),
                dependencies: ["kernel-embedder"], path: "Tools/EmbedKernelsPlugin"),

        // The device layer: knows nothing about BERT.
        // Reading input files the same way everywhere (only regular files; FIFOs never block; reasons in words).
        .target(name: "Files"),

        .target(name: "Compute",
                dependencies: ["Files", "COpenCL", "CCLBlast", "CCLBlastQuery", "COpenBLAS", "CPUKernels",
                               .product(name: "Logging", package: "swift-log")] + (hasOneDNN ? ["CDNNL"] : []),
                swiftSettings: hasOneDNN ? [.define("SWIFTBERT_DNNL")] : [],
                plugins: ["EmbedKernels"]),

        // WordPiece tokenization exactly as Google's tokenization.py; depends on nothing of ours but Files.
        .target(name: "Tokenizer", dependencies: ["Files"]),

        // The model: config, parameters, layers, heads, checkpoints (HF safetensors folders, Google TF bundles).
        .target(name: "BERT", dependencies: ["Files", "Compute", "Tokenizer"]),

        // Task data formats, feature building, post-processing and official metrics: GLUE, CoNLL NER, SQuAD.
        .target(name: "Tasks", dependencies: ["Files", "Tokenizer", "Training", "BERT", "Compute"]),

        // Data parallelism over MPI: a typed communicator (rank, size, all-reduce, broadcast, barrier); built without
        // MPI when none is installed (then it reports the feature as unavailable).
        .target(name: "Cluster", dependencies: mpiPkgConfig == nil ? [] : ["CMPI"],
                swiftSettings: mpiPkgConfig == nil ? [] : [.define("SWIFTBERT_MPI")]),

        // Fine-tuning machinery: optimizer, schedule, the training loop, checkpoints, metrics, progress.
        .target(name: "Training", dependencies: ["BERT", "Compute"]),

        // The command-line tool.
        .executableTarget(name: "bert",
                          dependencies: ["Files", "Compute", "BERT", "Training", "Tokenizer", "Tasks", "Cluster",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")]),

        // The profiler: device peaks, every op of a training step validated and timed, Chrome traces.
        .executableTarget(name: "bert-prof",
                          dependencies: ["Compute", "BERT", "Training",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Tools/BertProf"),

        // Devices, data and assertions every test target shares (one OpenCL context per test process).
        .target(name: "TestSupport", dependencies: ["Compute"], path: "Tests/TestSupport"),

        .testTarget(name: "ClusterTests", dependencies: ["Cluster"]),
        // `bert` under `mpirun -np 2` against one process with twice the micro-batch (skipped without mpirun).
        .testTarget(name: "DistributedTests", dependencies: ["bert", "Cluster", "TestSupport"]),
        // `bert` as a user runs it on devices the test process must not load: Oclgrind (skipped where not installed).
        .testTarget(name: "CommandTests", dependencies: ["bert", "bert-prof", "TestSupport"]),
        .testTarget(name: "ComputeTests", dependencies: ["Files", "Compute", "TestSupport"]),
        // The profiler (bert-prof) against a real training step of the model: op coverage and the trace.
        .testTarget(name: "ProfilerTests", dependencies: ["bert-prof", "Compute", "BERT", "Training", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TasksTests", dependencies: ["Tasks", "Tokenizer", "Training", "BERT", "Compute", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "BERT", "Compute", "TestSupport"]),
        .testTarget(name: "BERTTests", dependencies: ["BERT", "Compute", "TestSupport"], resources: [.copy("Fixtures")]),
    ]
)

if let mpiPkgConfig {
    package.targets.append(.systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: mpiPkgConfig,
                                          providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]))
}

if hasOneDNN {
    package.targets.append(.systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]))
}
