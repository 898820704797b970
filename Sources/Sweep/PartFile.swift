import Foundation
import Workload

/// A part file's bytes, read once, and the format it declares: `merge`
/// tells plan parts from sweep parts by it and then decodes the same bytes.
package struct PartFile: Sendable {
    /// Where it was read.
    package let path: String
    /// Its bytes.
    let data: Data
    /// Its `format` field, nil when it is not a JSON object with one.
    package let format: String?

    /// Reads the file at `path`; throws an ``InputError`` naming it when it cannot be read.
    package static func read(_ path: String) throws -> PartFile {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return PartFile(path: path, data: data, format: PartCoding.format(of: data))
        } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "cannot read the part: \(FileProblem.reading(path, error))")])
        }
    }
}
