import CapacityPlanning
import Foundation
import Testing
@testable import Report

/// `plan --output DIR` is checked before planning starts.
@Suite struct PlanOutputPathTests {
    @Test func planOutputDirectoryIsCheckedBeforePlanning() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try PlanFiles.checkDirectory(dir + "/new/plan")
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        do {
            try PlanFiles.checkDirectory(dir + "/file")
            Issue.record("expected a refusal")
        } catch let e as PlanningError {
            #expect(e.key == "--output")
            #expect(e.message.contains("is a file, expected a directory"), "\(e)")
        }
        // A plan file name taken by a directory is found before planning too.
        try FileManager.default.createDirectory(atPath: dir + "/out/plan.json", withIntermediateDirectories: true)
        #expect(throws: PlanningError.self) { try PlanFiles.checkDirectory(dir + "/out") }
    }
}
