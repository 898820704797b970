import Foundation
import Testing
@testable import Workload

/// Output files: what `AtomicFile` refuses to replace, what the early path
/// checks say, and the clean-up of temporary files on a signal.
@Suite struct AtomicFileTests {
    /// A fresh empty directory.
    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func reason(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func writesAndReplacesARegularFile() throws {
        let dir = try directory()
        let path = dir + "/out.csv"
        try AtomicFile.write("one\n", to: path)
        try AtomicFile.write("two\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
        #expect(TemporaryFiles.tracked.allSatisfy { !$0.hasPrefix(dir) })
    }

    @Test func refusesToReplaceASymlinkFifoOrDirectory() throws {
        let dir = try directory()
        let target = dir + "/target.txt"
        try "keep\n".write(toFile: target, atomically: false, encoding: .utf8)
        let link = dir + "/link.csv"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(reason { try AtomicFile.write("x", to: link) }.contains("is a symbolic link"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target)

        let fifo = dir + "/fifo.csv"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(reason { try AtomicFile.write("x", to: fifo) }.contains("is a FIFO"))

        let sub = dir + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        #expect(reason { try AtomicFile.write("x", to: sub) }.contains("is a directory, expected a file"))
        #expect(reason { try AtomicFile.write("x", to: "/dev/null") }.contains("is a device"))
        // Nothing was left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["fifo.csv", "link.csv", "sub", "target.txt"])
    }

    @Test func severalFilesAreWrittenAllOrNone() throws {
        let dir = try directory()
        try FileManager.default.createDirectory(atPath: dir + "/c.csv", withIntermediateDirectories: false)
        #expect(throws: LoadSeriesError.self) {
            try AtomicFile.write([("a", dir + "/a.csv"), ("b", dir + "/b.csv"), ("c", dir + "/c.csv")])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["c.csv"])
    }

    @Test func outputFileChecksFailAtOnce() throws {
        let dir = try directory()
        try AtomicFile.checkFile(dir + "/new.csv", option: "--out")
        #expect(reason { try AtomicFile.checkFile(dir + "/missing/x.csv", option: "--out") }
                == "--out \(dir)/missing/x.csv: no such directory '\(dir)/missing'")
        #expect(reason { try AtomicFile.checkFile(dir, option: "--out") }.contains("is a directory, expected a file"))
        #expect(reason { try AtomicFile.checkFile(dir + "/", option: "--out") }.contains("is a directory path"))
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        #expect(reason { try AtomicFile.checkFile(dir + "/file/x.csv", option: "--timeseries") }.contains("is not a directory"))
    }

    @Test func outputDirectoryChecksFailAtOnce() throws {
        let dir = try directory()
        try AtomicFile.checkDirectory(dir, option: "--output")
        try AtomicFile.checkDirectory(dir + "/a/b/c", option: "--output")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))  // nothing created
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        #expect(reason { try AtomicFile.checkDirectory(dir + "/file", option: "--output") }
                == "--output \(dir)/file: is a file, expected a directory (it is created if missing)")
        #expect(reason { try AtomicFile.checkDirectory(dir + "/file/plan", option: "--output") }.contains("'\(dir)/file' is a file"))
        if getuid() != 0 {
            #expect(chmod(dir, 0o500) == 0)
            defer { chmod(dir, 0o700) }
            #expect(reason { try AtomicFile.checkDirectory(dir + "/new", option: "--output") }.contains("cannot create it"))
        }
    }

    #if os(Linux)
    /// A process stopped by SIGTERM while a temporary file is registered
    /// removes it, and still dies of SIGTERM.
    @Test func aSignalRemovesRegisteredTemporaryFiles() throws {
        let dir = try directory()
        let temp = dir + "/.out.csv.tmp-1"
        try "partial".write(toFile: temp, atomically: false, encoding: .utf8)
        TemporaryFiles.register(temp)
        defer { TemporaryFiles.remove(temp) }
        let child = fork()
        if child == 0 {
            // Test threads (libdispatch workers) block signals; a command's main thread does not.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(SIGTERM)
            _exit(0)  // not reached: the handler re-raises with the default action
        }
        var status: Int32 = 0
        #expect(waitpid(child, &status, 0) == child)
        #expect(status & 0x7F == SIGTERM, "status \(status)")  // WIFSIGNALED with WTERMSIG == SIGTERM
        #expect(!FileManager.default.fileExists(atPath: temp))
    }
    #endif
}
