import Foundation
import Workload

extension ForecasterModel {
    /// Reads a model file, checking its format name and version.
    ///
    /// - Throws: ``ForecastingError/invalidModelFile(file:reason:)``.
    public static func load(path: String) throws -> ForecasterModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ForecastingError.invalidModelFile(file: path, reason: "no such file or not readable")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? decoder.decode(Header.self, from: data) else {
            throw ForecastingError.invalidModelFile(file: path, reason: "not JSON")
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
        } catch let DecodingError.keyNotFound(key, context) {
            let keyPath = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw ForecastingError.invalidModelFile(file: path, reason: "missing key '\(keyPath)'")
        } catch {
            throw ForecastingError.invalidModelFile(file: path, reason: "\(error)")
        }
        if let lstm = model.lstm {
            let expected = LSTMNetwork.parameterCount(inputSize: lstm.inputSize, hiddenSize: lstm.settings.hiddenSize,
                                                      outputSize: lstm.settings.horizon * lstm.settings.quantiles.count)
            for (k, member) in lstm.parameters.enumerated() {
                guard member.count == expected, lstm.settings.hiddenSize % 8 == 0 else {
                    throw ForecastingError.invalidModelFile(file: path, reason: "lstm.parameters[\(k)] has \(member.count) values, "
                                                            + "its shape needs \(expected)")
                }
            }
            guard !lstm.parameters.isEmpty else {
                throw ForecastingError.invalidModelFile(file: path, reason: "lstm.parameters holds no network")
            }
        }
        for record in model.methods {
            switch record.method {
            case .lstm where model.lstm == nil:
                throw ForecastingError.invalidModelFile(file: path, reason: "method LSTM is listed but the file has no lstm weights")
            case let .ensemble(members) where members.contains(where: { model.method(named: $0) == nil }),
                 let .combination(members, _) where members.contains(where: { model.method(named: $0) == nil }):
                throw ForecastingError.invalidModelFile(file: path, reason: "\(record.name) averages a method the file does not list")
            default:
                break
            }
        }
        guard model.method(named: model.selected) != nil else {
            throw ForecastingError.invalidModelFile(file: path, reason: "selected method '\(model.selected)' is not among methods")
        }
        return model
    }

    /// The model as JSON text (sorted snake_case keys; weights as decimal floats).
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Writes the model to `path` through a temporary file renamed into place.
    public func save(path: String) throws {
        do {
            try AtomicFile.write(try encoded(), to: path)
        } catch let error as LoadSeriesError {
            throw ForecastingError.invalidModelFile(file: path, reason: error.description)
        }
    }
}
