// EmbedKernels: a build-tool plugin that turns the package's Kernels/*.cl into a generated Swift file of the
// target it is applied to, so kernels travel inside the binary.

import Foundation
import PackagePlugin

@main
struct EmbedKernels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let kernelsDirectory = context.package.directoryURL.appending(path: "Kernels")
        let names = try FileManager.default.contentsOfDirectory(atPath: kernelsDirectory.path)
            .filter { $0.hasSuffix(".cl") }
            .sorted()
        let inputs = names.map { kernelsDirectory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKernelSources.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) OpenCL kernel files",
                executable: try context.tool(named: "kernel-embedder").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
