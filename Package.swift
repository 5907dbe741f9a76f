// swift-tools-version: 6.0
import PackageDescription

/// Release builds on Linux link the Swift runtime, the C++ runtime and zlib statically, so that the
/// binary needs only libmicrohttpd and the C library at run time (issue 7; see link/static/README.md).
let staticReleaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib",
            "-Xclang-linker", "-static-libgcc",
            "-Xclang-linker", "-L\(Context.packageDirectory)/link/static",
            // What static FoundationEssentials needs beyond the modules' own link entries (SwiftPM
            // adds these only under --static-swift-stdlib, which compiles every module for it).
            // Nothing here imports Foundation itself, so ICU and its 30 MB of data stay out.
            "-l_FoundationCShims", "-l_FoundationCollections",
            "-Xlinker", "--no-export-dynamic",
        ],
        .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "httpbun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "httpbun", targets: ["httpbun"]),
        .library(name: "HTTPBun", targets: ["HTTPBun"]),
        // The routes without the server, for tests that call them as functions.
        .library(name: "HTTPBunCore", targets: ["HTTPBunCore"]),
        .library(name: "Requests", targets: ["Requests"]),
        .library(name: "JSONValue", targets: ["JSONValue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Named directly only so the TLS tests can build a client that trusts the test CA.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // libmicrohttpd, reached only from Sources/HTTPBun/Server.
        // No pkgConfig on these two: SwiftPM passes the .pc files' `-L/usr/lib/<triple>` through
        // unfiltered, ahead of every other search folder, and that would make the release link take
        // libz.so over libz.a (link/static/README.md). The headers and libraries are in the default
        // paths wherever libmicrohttpd-dev is installed; scripts/ensure-deps.sh installs it.
        .systemLibrary(
            name: "CMicroHTTPD",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // GnuTLS's certificate API, for --tls-self-signed (Sources/HTTPBun/TLS). libmicrohttpd links
        // GnuTLS already, so the server carries no crypto library of its own; libgnutls28-dev comes
        // with libmicrohttpd-dev.
        .systemLibrary(
            name: "CGnuTLS",
            providers: [.apt(["libgnutls28-dev"])]
        ),
        // zlib, wrapped once in HTTPCompression.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The JSON value both products speak: ordered objects, exact numbers, httpbun's pretty printing.
        .target(name: "JSONValue"),
        // The HTTP plumbing both products share, laid once: header fields, percent coding, HTTP dates,
        // reason phrases, hex, digest arithmetic and auth-param lists. Pure Swift (scripts/check-layers.sh).
        .target(name: "HTTPWire"),
        // RFC 6455 framing as a value: bytes in, frames out, no socket and no clock. Pure Swift
        // (scripts/check-layers.sh); the server's Server/ does the I/O.
        .target(name: "WebSocket"),
        // Content codings both products use: the server compresses, the client decodes. The one place,
        // beside Server/, that may reach C (zlib linked, brotli loaded at run time).
        .target(name: "HTTPCompression", dependencies: ["CZlib"]),
        // The server's HTTP values, parsers and routes: no socket, no C, no Glibc, no Foundation
        // (scripts/check-layers.sh), so every route is tested as a function. The clock, randomness and
        // OAuth2 state come in through the route context.
        .target(
            name: "HTTPBunCore",
            dependencies: [
                "JSONValue",
                "HTTPWire",
                "HTTPCompression",
                "WebSocket",
            ]
        ),
        // The server: libmicrohttpd (Server/), TLS material (TLS/), and the core's routes behind them.
        .target(
            name: "HTTPBun",
            dependencies: [
                "CMicroHTTPD",
                "HTTPBunCore",
                "HTTPWire",
                "JSONValue",
                "WebSocket",
                "CGnuTLS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "httpbun",
            dependencies: [
                "HTTPBun",
                // The catalogue, for --list-endpoints.
                "HTTPBunCore",
                "JSONValue",
                // GnuTLS (which libmicrohttpd links already) for --healthcheck's one HTTPS request.
                "CGnuTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: staticReleaseLinking
        ),
        // Starts and stops servers in a process of its own and reports its threads and descriptors:
        // the test runner's other suites would blur those counts in-process.
        .executableTarget(name: "httpbun-lifecycle-check", dependencies: ["HTTPBun"]),
        .target(
            name: "Requests",
            dependencies: [
                "JSONValue",
                "HTTPWire",
                "HTTPCompression",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Which certificates an https connection trusts (requests' verify=).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // NIO's error types, to tell refused, reset and closed connections apart.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"]),
        .testTarget(name: "HTTPWireTests", dependencies: ["HTTPWire"]),
        .testTarget(name: "WebSocketTests", dependencies: ["WebSocket"]),
        .testTarget(name: "HTTPCompressionTests", dependencies: ["HTTPCompression"]),
        // Routes and parsers as functions: no socket.
        .testTarget(name: "HTTPBunCoreTests", dependencies: ["HTTPBunCore", "HTTPWire", "HTTPCompression", "JSONValue", "WebSocket"]),
        .testTarget(name: "HTTPBunTests", dependencies: ["HTTPBun", "HTTPBunCore", "HTTPWire", "JSONValue", "WebSocket"]),
        .testTarget(name: "RequestsTests", dependencies: ["Requests", "HTTPBun", "HTTPWire", "HTTPCompression"]),
        // TLS needs a client that can trust our test CA: AsyncHTTPClient with NIOSSL.
        .testTarget(
            name: "HTTPBunTLSTests",
            dependencies: [
                "HTTPBun",
                "JSONValue",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
