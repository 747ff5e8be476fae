// swift-tools-version:6.0
import PackageDescription

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

        // Build-time embedding of Kernels/*.cl into the Compute module.
        .executableTarget(name: "kernel-embedder", path: "Tools/KernelEmbedder"),
        .plugin(name: "EmbedKernels", capability: .buildTool(),
                dependencies: ["kernel-embedder"], path: "Tools/EmbedKernelsPlugin"),

        // The device layer: knows nothing about BERT.
        .target(name: "Compute",
                dependencies: ["COpenCL", "CCLBlast", "CCLBlastQuery", "COpenBLAS",
                               .product(name: "Logging", package: "swift-log")],
                plugins: ["EmbedKernels"]),

        // WordPiece tokenization exactly as Google's tokenization.py; depends on nothing of ours.
        .target(name: "Tokenizer"),

        // The model: config, parameters, layers, heads, checkpoints (HF safetensors folders, Google TF bundles).
        .target(name: "BERT", dependencies: ["Compute", "Tokenizer"]),

        // Task data formats, feature building, post-processing and official metrics: GLUE, CoNLL NER, SQuAD.
        .target(name: "Tasks", dependencies: ["Tokenizer", "Training", "BERT", "Compute"]),

        // Fine-tuning machinery: optimizer, schedule, the training loop, checkpoints, metrics, progress.
        .target(name: "Training", dependencies: ["BERT", "Compute"]),

        // The command-line tool.
        .executableTarget(name: "bert",
                          dependencies: ["Compute", "BERT", "Training", "Tokenizer", "Tasks",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")]),

        // The profiler: device peaks, every op of a training step validated and timed, Chrome traces.
        .executableTarget(name: "bert-prof",
                          dependencies: ["Compute", "BERT", "Training",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Tools/BertProf"),

        // Devices, data and assertions every test target shares (one OpenCL context per test process).
        .target(name: "TestSupport", dependencies: ["Compute"], path: "Tests/TestSupport"),

        .testTarget(name: "ComputeTests", dependencies: ["Compute", "TestSupport"]),
        // The profiler (bert-prof) against a real training step of the model: op coverage and the trace.
        .testTarget(name: "ProfilerTests", dependencies: ["bert-prof", "Compute", "BERT", "Training", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TasksTests", dependencies: ["Tasks", "Tokenizer", "Training", "BERT", "Compute", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "BERT", "Compute", "TestSupport"]),
        .testTarget(name: "BERTTests", dependencies: ["BERT", "Compute", "TestSupport"], resources: [.copy("Fixtures")]),
    ]
)
