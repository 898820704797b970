import Foundation
import Workload

extension ForecasterModel {
    /// Largest model file read (256 MiB; the shipped ones are under 1 MiB).
    package static let maxFileBytes = 256 << 20

    /// Reads a model file, checking its format name and version, then every
    /// field's range and the references between methods (``validate(file:)``).
    ///
    /// - Throws: ``ForecastingError/invalidModelFile(file:reason:)`` naming
    ///   the JSON key path at fault.
    package static func load(path: String) throws -> ForecasterModel {
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw ForecastingError.invalidModelFile(file: path, reason: "is a directory, expected a file")
            }
            if (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) > maxFileBytes {
                throw ForecastingError.invalidModelFile(file: path, reason: "\(info.st_size) bytes, more than the \(maxFileBytes >> 20) MiB a model file may have")
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ForecastingError.invalidModelFile(file: path, reason: "no such file or not readable")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // What ``encoded()`` writes for a non-finite validation metric.
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? decoder.decode(Header.self, from: data) else {
            throw ForecastingError.invalidModelFile(file: path, reason: "not JSON (or not a JSON object with format and version)")
        }
        guard header.format == formatName else {
            throw ForecastingError.invalidModelFile(file: path, reason: "format is '\(header.format ?? "absent")', expected '\(formatName)'")
        }
        guard header.version == currentVersion else {
            throw ForecastingError.invalidModelFile(
                file: path, reason: "version \(header.version.map(String.init) ?? "absent"), this headroom reads version \(currentVersion)")
        }
        let model: ForecasterModel
        do {
            model = try decoder.decode(ForecasterModel.self, from: data)
        } catch let error as DecodingError {
            throw ForecastingError.invalidModelFile(file: path, reason: describe(error))
        } catch {
            throw ForecastingError.invalidModelFile(file: path, reason: "\(error)")
        }
        try model.validate(file: path)
        return model
    }

    /// A decoding error in a user's words: `key 'methods[2].name': expected a string`.
    static func describe(_ error: DecodingError) -> String {
        func keyPath(_ path: [CodingKey]) -> String {
            var out = ""
            for key in path {
                if let i = key.intValue {
                    out += "[\(i)]"
                } else {
                    out += (out.isEmpty ? "" : ".") + snakeCase(key.stringValue)
                }
            }
            return out
        }
        func expected(_ type: Any.Type) -> String {
            switch type {
            case is Double.Type, is Float.Type: return "a number"
            case is Int.Type, is UInt64.Type: return "an integer"
            case is String.Type: return "a string"
            case is Bool.Type: return "true or false"
            default:
                let name = "\(type)"
                if name.hasPrefix("Array") { return "a list" }
                if name.hasPrefix("Dictionary") { return "an object" }
                return "a value of type \(name)"
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing key '\(keyPath(context.codingPath + [key]))'"
        case let .typeMismatch(type, context):
            return "key '\(keyPath(context.codingPath))': expected \(expected(type))"
        case let .valueNotFound(type, context):
            return "key '\(keyPath(context.codingPath))': expected \(expected(type)), got null"
        case let .dataCorrupted(context):
            let path = keyPath(context.codingPath)
            if path.isEmpty { return "not JSON (\(context.debugDescription))" }
            let detail = context.debugDescription.contains("enum") || context.debugDescription.contains("Cannot initialize")
                ? "an unknown or malformed value" : context.debugDescription
            return "key '\(path)': \(detail)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `intervalSeconds` → `interval_seconds`, as the file spells keys.
    static func snakeCase(_ key: String) -> String {
        var out = ""
        for c in key {
            if c.isUppercase {
                if !out.isEmpty { out.append("_") }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// The model as JSON text (sorted snake_case keys; weights as decimal floats).
    package func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Writes the model to `path` through a temporary file renamed into place.
    package func save(path: String) throws {
        do {
            try AtomicFile.write(try encoded(), to: path)
        } catch let error as LoadSeriesError {
            throw ForecastingError.invalidModelFile(file: path, reason: error.description)
        }
    }
}
