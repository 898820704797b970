import ArgumentParser

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// The `--format` flag of commands whose result is also a CSV table
/// (`simulate`, `replay`, `forecast train`, `forecast predict`, `forecast evaluate`).
struct OutputFormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: OutputFormat = .table
}

/// How a command whose result is a report prints it: no CSV form.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// The `--format` flag of commands that print a report (`plan`, `calibrate`, `bench`).
struct ReportFormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table or json.")
    var format: ReportFormat = .table
}
