import ArgumentParser
import Foundation
import Scenario
import Sweep

/// The `headroom` command: capacity planning and overload simulation for LLM
/// inference services. Each subcommand lives in its own file.
@main
struct Headroom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headroom",
        abstract: "Simulate, forecast and plan capacity for LLM inference services.",
        discussion: "Documentation: README.md and docs/ in the source tree. Shell completions: headroom --generate-completion-script bash|zsh|fish.",
        version: "0.2.0",
        subcommands: [Simulate.self, Explain.self, Replay.self, Validate.self, Calibrate.self, Profile.self, Forecast.self, Plan.self, Bench.self, CaseStudies.self, SweepCommand.self, MergeCommand.self]
    )

    /// `plan --help` and `help plan` show the options of `plan size`, the
    /// command a bare `plan` runs, where a user looks for them, instead of a
    /// list of two subcommands.
    static func helpRedirected(_ arguments: [String]) -> [String] {
        if arguments == ["help", "plan"] { return ["help", "plan", "size"] }
        guard arguments.first == "plan", arguments.contains(where: { $0 == "--help" || $0 == "-h" }),
              !(arguments.count > 1 && ["size", "backtest"].contains(arguments[1])) else { return arguments }
        return ["plan", "size"] + arguments.dropFirst()
    }

    /// Runs the command; user mistakes print one line on stderr and exit
    /// non-zero, never a backtrace.
    static func main() {
        do {
            var command = try parseAsRoot(helpRedirected(Array(CommandLine.arguments.dropFirst())))
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
            if let parts = error as? SweepError {
                // Part files that do not merge (missing, duplicate, foreign) are bad input data.
                FileHandle.standardError.write(Data("headroom: \(parts.description)\n".utf8))
                Foundation.exit(65)
            }
            let message = self.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data(("headroom: " + firstLine + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 64 : max(code.rawValue, 1))
        }
    }
}
