import ArgumentParser
import Foundation
import Scenario

/// The `headroom` command: capacity planning and overload simulation for LLM
/// inference services. Each subcommand lives in its own file.
@main
struct Headroom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headroom",
        abstract: "Simulate, forecast and plan capacity for LLM inference services.",
        discussion: "Documentation: README.md and docs/ in the source tree. Shell completions: headroom --generate-completion-script bash|zsh|fish.",
        version: "0.2.0",
        subcommands: [Simulate.self, Replay.self, Validate.self, Calibrate.self, Forecast.self, Plan.self, Bench.self, CaseStudies.self]
    )

    /// Runs the command; user mistakes print one line on stderr and exit
    /// non-zero, never a backtrace.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)  // the command already explained itself
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            if let scenario = error as? ScenarioError {
                // Every problem of the file, one per line.
                FileHandle.standardError.write(Data((scenario.issues.map { "headroom: \($0)" }.joined(separator: "\n") + "\n").utf8))
                Foundation.exit(65)
            }
            let message = self.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data(("headroom: " + firstLine + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 64 : max(code.rawValue, 1))
        }
    }
}
