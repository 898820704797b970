// swift-tools-version: 6.1
// Headroom: capacity planning and overload simulation for LLM inference services.
// One target per concern; see README.md ("Layout") and DESIGN notes there.
import PackageDescription

/// Release builds specialise the generic engine across modules.
let optimised: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Headroom",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "headroom", targets: ["headroom"]),
        .library(name: "SimulationCore", targets: ["SimulationCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // OpenBLAS through its CBLAS header; only Forecasting imports it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // The domain-free discrete-event engine.
        .target(
            name: "SimulationCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: optimised
        ),
        .testTarget(name: "SimulationCoreTests", dependencies: ["SimulationCore"]),

        // What arrives: arrival processes, request sizes, tenants, trace readers.
        .target(name: "Workload", dependencies: ["SimulationCore"], swiftSettings: optimised),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload"]),

        // The LLM service as a simulation model.
        .target(
            name: "ServingModel",
            dependencies: ["SimulationCore", "Workload", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: optimised
        ),
        .testTarget(name: "ServingModelTests", dependencies: ["ServingModel"]),

        // Fitting hardware profiles and service factors to a user's own measurements.
        // Its CSV inputs are read with the scenario layer's CSVTable.
        .target(name: "Calibration", dependencies: ["ServingModel", "Scenario", "Workload", "SimulationCore"], swiftSettings: optimised),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Scenario", "ServingModel", "Workload", "SimulationCore",
                                                      .product(name: "Yams", package: "Yams")]),

        // Scenario files: schema, units, validation with precise errors.
        .target(
            name: "Scenario",
            dependencies: ["ServingModel", "Workload", "SimulationCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: optimised
        ),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "Forecasting", "ServingModel", "SimulationCore",
                                                   .product(name: "Yams", package: "Yams")]),

        // Rendering of results: terminal tables, JSON, CSV.
        .target(name: "Report", dependencies: ["ServingModel", "CapacityPlanning", "Workload", "SimulationCore"], swiftSettings: optimised),
        .testTarget(name: "ReportTests", dependencies: ["Report", "CapacityPlanning", "ServingModel", "Workload"]),

        // Load forecasting: LSTM on OpenBLAS, baselines, selection, evaluation.
        // Release builds use AVX2/FMA for the LSTM's gate loops (x86-64 only).
        .target(
            name: "Forecasting",
            dependencies: ["COpenBLAS", "Workload", "SimulationCore"],
            swiftSettings: optimised + [
                .unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .testTarget(name: "ForecastingTests", dependencies: ["Forecasting", "Workload", "SimulationCore"]),

        // The capacity planner: SLA-driven replica search verified by simulation.
        .target(
            name: "CapacityPlanning",
            dependencies: ["ServingModel", "Workload", "SimulationCore", "Forecasting"],
            swiftSettings: optimised
        ),
        .testTarget(name: "CapacityPlanningTests", dependencies: ["CapacityPlanning", "Scenario"]),

        // The command-line tool: one file per subcommand.
        .executableTarget(
            name: "headroom",
            dependencies: [
                "SimulationCore",
                "Workload",
                "ServingModel",
                "Calibration",
                "Scenario",
                "Report",
                "Forecasting",
                "CapacityPlanning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: optimised
        ),
    ],
    swiftLanguageModes: [.v6]
)
