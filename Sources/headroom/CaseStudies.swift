import ArgumentParser
import Foundation
import Report
import Scenario
import ServingModel

/// `headroom case-studies`: runs the practitioners' claims (case studies) listed in a
/// manifest (`claims.yaml`, read by ``CaseStudyManifest``) and prints what
/// practitioners claimed beside what the simulation says (``CaseStudyOutcome``).
struct CaseStudies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case-studies",
        abstract: "Run the case studies of a manifest (claims.yaml) and print claims against results."
    )

    /// How the claims-vs-results table is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, markdown, json
    }

    @Argument(help: "The folder holding claims.yaml and the scenarios.")
    var directory: String = "examples/case-studies"
    @Option(name: .long, help: "Output format: table, markdown or json.")
    var format: Format = .table

    func run() throws {
        do {
            let manifestPath = URL(fileURLWithPath: directory).appendingPathComponent("claims.yaml").path
            var rows: [CaseStudyOutcome] = []
            for study in try CaseStudyManifest.load(path: manifestPath) {
                let scenario = try Self.simulate(study.scenario)
                let baseline = try study.baseline.map { try Self.simulate($0) }
                rows.append(try CaseStudyOutcome(study: study, scenario: scenario, baseline: baseline))
            }
            switch format {
            case .json: print(try JSONOutput.encode(rows))
            case .table: print(CaseStudySummary.table(rows), terminator: "")
            case .markdown: print(CaseStudySummary.markdown(rows), terminator: "")
            }
        } catch let error as CaseStudyError {
            throw ValidationError(error.message)
        }
    }

    /// Loads and runs one scenario; its wall time goes to stderr (it is not
    /// part of the result, which must not depend on the machine).
    static func simulate(_ path: String) throws -> ServingResult {
        let config = try ServingCommandSupport.loadScenario(path)
        let (result, _) = try ServingRun(configuration: config).execute()
        let limit = 120.0
        let note = result.wallSeconds > limit ? " (over the \(Int(limit)) s a case study may take)" : ""
        FileHandle.standardError.write(Data("headroom: \(path): \(NumberFormatting.fixed(result.wallSeconds, decimals: 1)) s wall\(note)\n".utf8))
        return result
    }
}
