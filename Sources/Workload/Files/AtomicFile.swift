import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so readers never see a partial one: the text goes to a
/// temporary file `.NAME.tmp-PID` in the same directory, which is then
/// renamed into place.
///
/// - An existing path that is not a regular file (a symbolic link, a FIFO, a
///   socket, a device, a directory) is refused, never replaced.
/// - The temporary file is removed when the write fails, and when the
///   process is stopped by SIGINT, SIGTERM or SIGHUP while it exists
///   (``TemporaryFiles``).
/// - ``checkFile(_:option:)`` and ``checkDirectory(_:option:)`` tell a
///   command, before its long work, whether its output paths can be written.
package enum AtomicFile {
    /// Writes `text` to `path` atomically; throws ``LoadSeriesError/unwritable(file:reason:)``.
    package static func write(_ text: String, to path: String) throws {
        try write([(text, path)])
    }

    /// Writes several files, all or none: every text goes to its temporary
    /// file first, and only when all are written are they renamed into place.
    package static func write(_ files: [(text: String, path: String)]) throws {
        var temps: [String] = []
        defer { for t in temps { TemporaryFiles.remove(t) } }
        for (text, path) in files {
            if let problem = existingProblem(path) { throw LoadSeriesError.unwritable(file: path, reason: problem) }
            let url = URL(fileURLWithPath: path)
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
            TemporaryFiles.register(temp)
            temps.append(temp)
            if let reason = writeFile(text, to: temp) {
                throw LoadSeriesError.unwritable(file: path, reason: reason)
            }
        }
        for (temp, (_, path)) in zip(temps, files) {
            // Checked again just before the rename: the path may have changed since.
            if let problem = existingProblem(path) { throw LoadSeriesError.unwritable(file: path, reason: problem) }
            if rename(temp, path) != 0 {
                throw LoadSeriesError.unwritable(file: path, reason: String(cString: strerror(errno)))
            }
        }
    }

    /// Whether an output file can be written at `path`: it is not a
    /// directory, symbolic link, FIFO, socket or device, and its directory
    /// exists and is writable. Commands call it before their long work.
    ///
    /// - Throws: ``WorkloadError`` at `option path`, e.g.
    ///   `--out results/x.csv: no such directory 'results'`.
    package static func checkFile(_ path: String, option: String) throws {
        let at = "\(option) \(path)"
        guard !path.isEmpty else { throw WorkloadError(option, "expected a file path, got an empty one") }
        guard !path.hasSuffix("/") else { throw WorkloadError(at, "is a directory path, expected a file") }
        if let problem = existingProblem(path) { throw WorkloadError(at, problem) }
        let dir = (path as NSString).deletingLastPathComponent
        let directory = dir.isEmpty ? "." : dir
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw WorkloadError(at, errno == ENOENT ? "no such directory '\(directory)'" : "cannot use directory '\(directory)': \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw WorkloadError(at, "'\(directory)' is not a directory") }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw WorkloadError(at, "cannot write in directory '\(directory)': \(String(cString: strerror(errno)))")
        }
    }

    /// Whether `path` is, or can be created as, a writable directory: an
    /// existing one must be a directory (or a link to one) that is
    /// writable; a missing one needs its nearest existing parent to be a
    /// writable directory. Nothing is created.
    ///
    /// - Throws: ``WorkloadError`` at `option path`.
    package static func checkDirectory(_ path: String, option: String) throws {
        let at = "\(option) \(path)"
        guard !path.isEmpty else { throw WorkloadError(option, "expected a directory path, got an empty one") }
        var candidate = path
        while true {
            var info = stat()
            if stat(candidate, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw WorkloadError(at, candidate == path ? "is a file, expected a directory (it is created if missing)"
                                                              : "'\(candidate)' is a file, expected a directory")
                }
                guard access(candidate, W_OK | X_OK) == 0 else {
                    throw WorkloadError(at, candidate == path ? "cannot write in it: \(String(cString: strerror(errno)))"
                                                              : "cannot create it in '\(candidate)': \(String(cString: strerror(errno)))")
                }
                return
            }
            guard errno == ENOENT || errno == ENOTDIR else {
                throw WorkloadError(at, "cannot use '\(candidate)': \(String(cString: strerror(errno)))")
            }
            let parent = (candidate as NSString).deletingLastPathComponent
            if parent.isEmpty { candidate = "."; continue }
            if parent == candidate { return }
            candidate = parent
        }
    }

    /// Why an existing `path` must not be replaced, or `nil` when it does
    /// not exist or is a regular file.
    static func existingProblem(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory, expected a file"
        case S_IFLNK: return "is a symbolic link; refusing to replace it (give the path it points to)"
        case S_IFIFO: return "is a FIFO (named pipe); refusing to replace it"
        case S_IFSOCK: return "is a socket; refusing to replace it"
        case S_IFCHR, S_IFBLK: return "is a device; refusing to replace it"
        default: return "is not a regular file; refusing to replace it"
        }
    }

    /// Writes `text` to a new file at `temp`; the reason on failure.
    static func writeFile(_ text: String, to temp: String) -> String? {
        unlink(temp)  // a stale one left by a process with the same id
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard fd >= 0 else { return reason(errno) }
        var bytes = Array(text.utf8)
        var failure: String?
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = reason(errno)
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failure == nil { failure = reason(errno) }
        return failure
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such directory"
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "no space left on the device"
        case EROFS: return "read-only file system"
        default: return String(cString: strerror(code))
        }
    }
}

/// Temporary files to remove if the process is interrupted. A handler for
/// SIGINT, SIGTERM and SIGHUP (installed with the first registration,
/// unless the signal is ignored) unlinks every registered path, then
/// re-raises the signal with its default action, so the process still ends
/// as the signal asks.
///
/// The handler only calls async-signal-safe functions (`unlink`, `signal`,
/// `raise`) on a fixed table of C strings allocated up front; at most
/// ``capacity`` files are tracked at once (more are still written, just not
/// cleaned up on a signal).
package enum TemporaryFiles {
    /// Most paths tracked at once.
    package static let capacity = 64

    /// The table the handler reads: `capacity` slots, each a `strdup`ed path or nil.
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    /// Tracks `path` until ``remove(_:)``.
    package static func register(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        if !installed {
            installed = true
            _ = slots
            for sig in [SIGINT, SIGTERM, SIGHUP] {
                let previous = signal(sig, removeTemporaryFilesAndReraise)
                if isIgnore(previous) { signal(sig, SIG_IGN) }
            }
        }
        guard let copy = strdup(path) else { return }
        for i in 0..<capacity where slots[i] == nil {
            slots[i] = copy
            return
        }
        free(copy)
    }

    /// Unlinks `path` if it still exists and stops tracking it.
    package static func remove(_ path: String) {
        unlink(path)
        lock.lock(); defer { lock.unlock() }
        for i in 0..<capacity {
            if let p = slots[i], strcmp(p, path) == 0 {
                slots[i] = nil
                free(p)
            }
        }
    }

    /// The paths tracked now (for tests).
    package static var tracked: [String] {
        lock.lock(); defer { lock.unlock() }
        return (0..<capacity).compactMap { slots[$0].map { String(cString: $0) } }
    }

    private static func isIgnore(_ handler: (@convention(c) (Int32) -> Void)?) -> Bool {
        guard let handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == 1  // SIG_IGN is (void (*)(int)) 1
    }

}

/// `write(2)`, out of reach of ``AtomicFile/write(_:to:)``'s name.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// The signal handler of ``TemporaryFiles``: unlink, restore, re-raise.
private func removeTemporaryFilesAndReraise(_ sig: Int32) {
    let table = TemporaryFiles.slots
    for i in 0..<TemporaryFiles.capacity {
        if let p = table[i] { unlink(p) }
    }
    signal(sig, SIG_DFL)
    raise(sig)
}
