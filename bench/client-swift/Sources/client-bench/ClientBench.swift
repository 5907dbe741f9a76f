// Usage: client-bench MODE URL N
//   ahc-seq          N sequential GETs over one keep-alive connection, raw AsyncHTTPClient
//   ahc-concurrent   N GETs at once (a task group), raw AsyncHTTPClient with its default pool
//   requests-seq     N sequential `Session.get`
//   requests-gather  N GETs through `Session.gather`
// Prints one JSON line: {"mode", "n", "ok", "wall_s", "rps"}. The first request (connection set-up)
// is made before the clock starts, as every peer in bench/run does.
import AsyncHTTPClient
import NIOCore
import Requests

@main
struct ClientBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, let n = Int(arguments[3]) else {
            print("usage: client-bench ahc-seq|ahc-concurrent|requests-seq|requests-gather URL N")
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
    static func fetch(_ client: HTTPClient, _ url: String) async throws -> Int {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Int(response.status.code)
    }
}
