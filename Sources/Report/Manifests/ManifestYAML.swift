import Scenario

/// A YAML value as the Kubernetes manifests are written: mappings keep their
/// keys in the order given (so files are byte-identical run to run), every
/// string is double-quoted (so `"8"`, `"on"` or `"0 6 * * *"` stay strings),
/// integers and decimals are plain.
///
/// ```swift
/// ManifestYAML.map([("spec", .map([("replicas", .int(8))]))]).render()
/// // "spec:\n  replicas: 8\n"
/// ```
package indirect enum ManifestYAML: Sendable, Equatable {
    /// A mapping, keys in order.
    case map([(String, ManifestYAML)])
    /// A sequence.
    case list([ManifestYAML])
    /// A string, always quoted.
    case string(String)
    /// An integer.
    case int(Int)
    /// A decimal (shortest form that reads back as the same Double).
    case number(Double)
    /// A boolean.
    case bool(Bool)

    package static func == (a: ManifestYAML, b: ManifestYAML) -> Bool {
        switch (a, b) {
        case (.map(let x), .map(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.list(let x), .list(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        default: false
        }
    }

    /// The value as a YAML document (block style, two-space indents).
    package func render() -> String {
        var out = ""
        write(into: &out, indent: 0)
        return out
    }

    /// A string as a YAML double-quoted scalar (the escapes of the
    /// profile writer, so every YAML Headroom writes quotes alike).
    package static func quote(_ s: String) -> String { HardwareProfileWriter.quoted(s) }

    var scalar: String? {
        switch self {
        case .string(let s): Self.quote(s)
        case .int(let i): String(i)
        case .number(let x): x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        case .bool(let b): b ? "true" : "false"
        case .map(let m): m.isEmpty ? "{}" : nil
        case .list(let l): l.isEmpty ? "[]" : nil
        }
    }

    func write(into out: inout String, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .map(let pairs):
            for (k, v) in pairs {
                if let s = v.scalar {
                    out += "\(pad)\(k): \(s)\n"
                } else {
                    out += "\(pad)\(k):\n"
                    v.write(into: &out, indent: indent + 2)
                }
            }
        case .list(let items):
            for item in items {
                if let s = item.scalar {
                    out += "\(pad)- \(s)\n"
                } else {
                    // The item's first line follows the dash; the rest keep its indent.
                    var inner = ""
                    item.write(into: &inner, indent: indent + 2)
                    out += pad + "- " + inner.dropFirst(indent + 2)
                }
            }
        default:
            out += pad + (scalar ?? "") + "\n"
        }
    }
}
