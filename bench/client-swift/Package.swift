// swift-tools-version: 6.0
// The client benchmark: raw AsyncHTTPClient beside `Requests`, against a local httpbun.
// Its own package so that the root package never depends on bench code. Built and run by bench/run.
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which depends on where the repo is checked out.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "client-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: root.path),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "client-bench",
            dependencies: [
                .product(name: "Requests", package: root.lastPathComponent),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        )
    ]
)
