// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Crescendo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "crescendo", targets: ["crescendo"]),
        .executable(name: "crescendo-bench", targets: ["crescendo-bench"]),
        .library(name: "CrescendoCore", targets: ["CrescendoCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
    ],
    targets: [
        // The domain: data model, values, change-data-capture decisions, the store protocol.
        // Imports no database or network package.
        .target(
            name: "CrescendoCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Reading input files (CSV, JSON Lines, gzip) and turning rows into validated changes.
        .target(
            name: "CrescendoIngest",
            dependencies: [
                "CrescendoCore",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CrescendoSQLite",
            dependencies: [
                "CrescendoCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CrescendoPostgres",
            dependencies: [
                "CrescendoCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "CrescendoSample", swiftSettings: strict),
        // Message templates: Mustache with helpers for the recipient's locale and time zone.
        .target(
            name: "CrescendoPersonalization",
            dependencies: [.product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        // Email on the wire: MIME, DKIM, the SMTP client on SwiftNIO, the .eml outbox folder.
        .target(
            name: "CrescendoEmail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Reading what comes back: DSN bounces (RFC 3464) and ARF complaints (RFC 5965).
        .target(name: "CrescendoFeedback", swiftSettings: strict),
        // Sending: the renderer, signed links, providers behind `MessageTransport`, their configuration.
        .target(
            name: "CrescendoMessaging",
            dependencies: [
                "CrescendoCore", "CrescendoPersonalization", "CrescendoEmail", "CrescendoFeedback",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Wiring shared by the executables: opening a store from its URL, terminal output.
        .target(
            name: "CrescendoApp",
            dependencies: [
                "CrescendoCore", "CrescendoIngest", "CrescendoSQLite", "CrescendoPostgres", "CrescendoSample", "CrescendoMessaging",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CrescendoBenchmarks",
            dependencies: ["CrescendoCore", "CrescendoApp", "CrescendoSample"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "crescendo",
            dependencies: [
                "CrescendoApp", "CrescendoMessaging", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "crescendo-bench",
            dependencies: ["CrescendoBenchmarks", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .testTarget(name: "CrescendoCoreTests", dependencies: ["CrescendoCore", "CrescendoSample"], swiftSettings: strict),
        .testTarget(name: "CrescendoIngestTests", dependencies: ["CrescendoIngest"], swiftSettings: strict),
        .testTarget(name: "CrescendoSampleTests", dependencies: ["CrescendoSample"], swiftSettings: strict),
        .testTarget(name: "CrescendoPersonalizationTests", dependencies: ["CrescendoPersonalization"], swiftSettings: strict),
        .testTarget(name: "CrescendoEmailTests", dependencies: ["CrescendoEmail"], swiftSettings: strict),
        .testTarget(name: "CrescendoMessagingTests", dependencies: ["CrescendoMessaging"], swiftSettings: strict),
        .testTarget(name: "CrescendoFeedbackTests", dependencies: ["CrescendoFeedback"], swiftSettings: strict),
        .testTarget(
            name: "CrescendoStoreTests",
            dependencies: ["CrescendoApp", "CrescendoSample"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrescendoCLITests",
            dependencies: ["crescendo", "CrescendoMessaging"],
            swiftSettings: strict
        ),
    ]
)
