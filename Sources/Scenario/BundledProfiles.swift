import Foundation

/// The hardware profiles shipped in the repository's `models/hardware/`,
/// found by name (`hardware: a100-llama3-8b`).
///
/// The folder is looked for in `$HEADROOM_MODELS/hardware`, then above the
/// running executable (a build in `.build/release/` finds the repository's
/// own), then in the current directory's `models/hardware`.
package enum BundledProfiles {
    /// The folder of bundled profiles, nil when none is found.
    package static var directory: String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["HEADROOM_MODELS"], !env.isEmpty {
            candidates.append((env as NSString).appendingPathComponent("hardware"))
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("models/hardware").path)
            dir.deleteLastPathComponent()
        }
        candidates.append(fm.currentDirectoryPath + "/models/hardware")
        var isDir: ObjCBool = false
        return candidates.first { fm.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }
    }

    /// The names (file stems) of the bundled profiles, sorted.
    package static func names() -> [String] {
        guard let dir = directory, let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The bundled `config.json` of model `name` (`models/configs/NAME.json`,
    /// lower-cased), nil when there is none.
    package static func modelConfig(named name: String) -> String? {
        guard !name.isEmpty, !name.contains("/"), let dir = directory else { return nil }
        let path = (dir as NSString).deletingLastPathComponent + "/configs/" + name.lowercased() + ".json"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The path of the bundled profile `name`, nil when there is none.
    package static func path(named name: String) -> String? {
        guard !name.contains("/"), !name.hasSuffix(".yaml"), let dir = directory else { return nil }
        let path = dir + "/" + name + ".yaml"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
