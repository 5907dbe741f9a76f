// Usage: client-bench MODE URL N
//   ahc-seq          N sequential GETs over one keep-alive connection, raw AsyncHTTPClient
//   ahc-like-seq     the same, with AsyncHTTPClient configured as `Requests` configures it (read timeout,
//                    the session's default headers; AHC's decompressor off, as Requests decodes gzip and
//                    deflate itself): the floor for `Session.get`
//   ahc-concurrent   N GETs at once (a task group), raw AsyncHTTPClient with its default pool
//   requests-seq     N sequential `Session.get`
//   requests-gather  N GETs through `Session.gather`
// Prints one JSON line: {"mode", "n", "ok", "wall_s", "rps"}. The first request (connection set-up)
// is made before the clock starts, as every peer in bench/run does.
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Requests

@main
struct ClientBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, let n = Int(arguments[3]) else {
            print("usage: client-bench ahc-seq|ahc-like-seq|ahc-concurrent|requests-seq|requests-gather URL N")
            return
        }
        let mode = arguments[1]
        let url = arguments[2]
        let clock = ContinuousClock()
        var ok = 0
        var wall = Duration.zero
        switch mode {
        case "ahc-seq", "ahc-concurrent":
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            _ = try await fetch(client, url)
            if mode == "ahc-seq" {
                let start = clock.now
                for _ in 0..<n where try await fetch(client, url) == 200 { ok += 1 }
                wall = clock.now - start
            } else {
                let start = clock.now
                ok = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<n { group.addTask { try await fetch(client, url) } }
                    var count = 0
                    for try await status in group where status == 200 { count += 1 }
                    return count
                }
                wall = clock.now - start
            }
            try await client.shutdown()
        case "ahc-like-seq":
            // As AsyncHTTPClientTransport sets it up; what Requests adds on top is its own cost.
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(10), read: .seconds(30)),
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 8),
                decompression: .disabled
            )
            configuration.httpVersion = .automatic
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            var headers = HTTPHeaders()
            for field in Session.defaultHeaders { headers.add(name: field.name, value: field.value) }
            _ = try await fetch(client, url, headers: headers)
            let start = clock.now
            for _ in 0..<n where try await fetch(client, url, headers: headers) == 200 { ok += 1 }
            wall = clock.now - start
            try await client.shutdown()
        case "requests-seq", "requests-gather":
            let session = Session()
            _ = try await session.get(url)
            let start = clock.now
            if mode == "requests-seq" {
                for _ in 0..<n where try await session.get(url).statusCode == 200 { ok += 1 }
            } else {
                let results = await session.gather(Array(repeating: url, count: n))
                ok = results.filter { (try? $0.get().statusCode) == 200 }.count
            }
            wall = clock.now - start
            try await session.close()
        default:
            print("unknown mode \(mode)")
            return
        }
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        print(#"{"mode": "\#(mode)", "n": \#(n), "ok": \#(ok), "wall_s": \#(seconds), "rps": \#(Double(n) / seconds)}"#)
    }

    /// One GET with its whole body read, as a user's call would.
    static func fetch(_ client: HTTPClient, _ url: String, headers: HTTPHeaders = [:]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.headers = headers
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Int(response.status.code)
    }
}
