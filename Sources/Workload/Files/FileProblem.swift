import Foundation

/// Plain words for why a file could not be read or written, instead of
/// Foundation's "The operation could not be completed" text.
package enum FileProblem {
    /// Why reading `path` failed with `error`: "no such file", "is a
    /// directory, expected a file", "permission denied", "not UTF-8 text", or
    /// the system's own reason.
    package static func reading(_ path: String, _ error: Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "is a directory, expected a file" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return reason(error)
    }

    /// Why writing failed with `error`, in the system's words.
    package static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "not UTF-8 text"
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            case .fileWriteFileExists: return "a file of that name already exists"
            default: break
            }
        }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return "\(error)"
    }
}
