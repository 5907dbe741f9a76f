@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/stream")
struct StreamLineTests {
    @Test("n newline-terminated compact echo lines, each with its id first")
    func lines() throws {
        let response = respond("GET", "/stream/3?a=1", headers: ["Host": "example.com", "X-Test": "t"])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/x-ndjson")
        let chunks = streamChunks(response)
        #expect(chunks.count == 3)
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.bytes.last == UInt8(ascii: "\n"))
            #expect(chunk.bytes.dropLast().contains(UInt8(ascii: "\n")) == false, "one line per chunk")
            let line = try JSON.parse(chunk.bytes)
            #expect(line.objectValue?.keys == ["id", "method", "args", "headers", "origin", "url", "form", "data", "json", "files"])
            #expect(line["id"] == JSON(index))
            #expect(line["args"] == ["a": "1"])
            #expect(line["headers"]?["X-Test"] == "t")
            #expect(line["url"] == "http://example.com/stream/3?a=1")
        }
        let first = String(decoding: chunks[0].bytes, as: UTF8.self)
        #expect(first.hasPrefix(#"{"id":0,"method":"GET","args":{"a":"1"},"headers":{"Host":"example.com","X-Test":"t"},"origin":"127.0.0.1""#))
        #expect(streamChunks(respond("GET", "/stream/0")).isEmpty)
    }

    @Test("more than 100 lines are cut to 100, as httpbin does")
    func cap() {
        #expect(streamChunks(respond("GET", "/stream/101")).count == 100)
        #expect(streamChunks(respond("GET", "/stream/99999999999999999999")).count == 100)
    }

    @Test("a count that is not a whole number is 400")
    func invalid() throws {
        for bad in ["abc", "-1", "1.5", "1e3", "%20"] {
            let response = respond("GET", "/stream/\(bad)")
            #expect(response.status == 400, "\(bad)")
            #expect(try response.json["error"]?.stringValue?.contains("from 0 to 100") == true)
        }
    }
}

@Suite("/drip and /drip-lines")
struct DripTests {
    @Test("defaults: 10 bytes over 2 seconds after a 2-second delay, one per chunk, as httpbun's text/octet-stream")
    func defaults() {
        let response = respond("GET", "/drip")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/octet-stream")
        #expect(response.headers["Cache-Control"] == "no-cache")
        let chunks = streamChunks(response)
        #expect(chunks.count == 11)
        #expect(chunks.prefix(10).allSatisfy { $0.bytes == [UInt8(ascii: "*")] })
        #expect(chunks.last?.bytes == [])
        #expect(response.delay == .seconds(2), "the wait comes before the head, as httpbun sleeps before answering")
        #expect(chunks.map(\.pause) == [.zero] + Array(repeating: .milliseconds(200), count: 10))
        #expect(response.bodyText == "**********")
    }

    @Test("delay comes first, code sets the status")
    func delayAndCode() {
        let response = respond("GET", "/drip?duration=1&numbytes=4&delay=0.5&code=418")
        #expect(response.status == 418)
        let chunks = streamChunks(response)
        #expect(response.delay == .milliseconds(500))
        #expect(chunks.map(\.pause) == [.zero, .milliseconds(250), .milliseconds(250), .milliseconds(250), .milliseconds(250)])
        #expect(response.bodyText == "****")
        let total = chunks.reduce(response.delay) { $0 + $1.pause }
        #expect(total == .milliseconds(1500))
    }

    @Test("more bytes than 10,000 share chunks; zero bytes still wait")
    func chunking() {
        let chunks = streamChunks(respond("GET", "/drip?duration=1&numbytes=25000&delay=0"))
        #expect(chunks.count == 10_001)
        #expect(chunks.prefix(5000).allSatisfy { $0.bytes.count == 3 })
        #expect(chunks.dropFirst(5000).prefix(5000).allSatisfy { $0.bytes.count == 2 })
        #expect(chunks.reduce(0) { $0 + $1.bytes.count } == 25_000)
        let empty = respond("GET", "/drip?duration=1&numbytes=0&delay=0.5")
        #expect(empty.status == 200)
        #expect(empty.delay == .milliseconds(500))
        #expect(streamChunks(empty).map(\.pause) == [.seconds(1)])
        #expect(empty.bodyBytes.isEmpty)
        let noContent = respond("GET", "/drip?duration=1&numbytes=5&code=204&delay=0")
        #expect(noContent.status == 204)
        #expect(noContent.bodyBytes.isEmpty)
        #expect(noContent.delay == .seconds(1))
    }

    @Test("/drip-lines sends one *\\n per line, with /drip's type")
    func lines() {
        let response = respond("GET", "/drip-lines?duration=0&numbytes=3")
        #expect(response.headers["Content-Type"] == "text/octet-stream")
        #expect(streamChunks(response).map(\.bytes) == [Array("*\n".utf8), Array("*\n".utf8), Array("*\n".utf8), []])
        #expect(response.bodyText == "*\n*\n*\n")
    }

    @Test("bad or too long parameters are 400")
    func invalid() throws {
        let configuration = ServerConfiguration(maxBodySize: 100, maxDuration: .seconds(5))
        for query in ["duration=-1", "duration=abc", "duration=6", "delay=6", "duration=3&delay=3", "numbytes=-1",
                      "numbytes=101", "numbytes=x", "numbytes=1e3", "code=99", "code=600", "code=abc", "code=101"] {
            let response = respond("GET", "/drip?" + query, configuration: configuration)
            #expect(response.status == 400, "\(query)")
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "httpbun's refusals are text: \(query)")
        }
        #expect(respond("GET", "/drip?numbytes=x").bodyText == "numbytes must be an integer")
        #expect(respond("GET", "/drip?code=abc").bodyText == "code must be an integer")
        #expect(respond("GET", "/drip?duration=abc").bodyText == "duration must be an integer")
        let extra = respond("GET", "/drip-lines/more%20stuff")
        #expect(extra.status == 400)
        #expect(extra.bodyText == "Unknown extra path: /more stuff\n" + StreamRoutes.dripUsage)
        #expect(respond("GET", "/drip-lines?numbytes=51", configuration: configuration).status == 400, "2 bytes a line")
        #expect(respond("GET", "/drip-lines?numbytes=50&duration=1", configuration: configuration).status == 200)
        #expect(respond("GET", "/drip?duration=3&delay=3", configuration: configuration).bodyText
            == "duration plus delay is longer than the server's maximum of 5 seconds (--max-duration)")
        #expect(respond("GET", "/drip?duration=3&delay=2", configuration: configuration).status == 200)
    }
}

@Suite("/sse")
struct ServerSentEventTests {
    @Test("httpbun's pings: ids from 1, the first at once, then delay seconds apart, and one more pause at the end")
    func events() throws {
        let response = respond("GET", "/sse?count=3&delay=2")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/event-stream")
        #expect(response.headers["Cache-Control"] == "no-store")
        let chunks = streamChunks(response)
        #expect(chunks.map(\.pause) == [.zero, .seconds(2), .seconds(2), .seconds(2)])
        for (index, chunk) in chunks.dropLast().enumerated() {
            #expect(String(decoding: chunk.bytes, as: UTF8.self) == "event: ping\nid: \(index + 1)\ndata: a ping event\n\n")
        }
        #expect(chunks.last?.bytes.isEmpty == true)
        #expect(streamChunks(respond("GET", "/sse")).count == 11, "default count, and the last pause")
        #expect(streamChunks(respond("GET", "/sse")).dropFirst().allSatisfy { $0.pause == .seconds(1) }, "default delay")
    }

    @Test("httpbun's bounds and bad numbers, or count × delay past --max-duration, are 400 text")
    func invalid() throws {
        let configuration = ServerConfiguration(maxDuration: .seconds(10))
        for query in ["count=101", "count=-1", "count=x", "delay=-1", "delay=x", "delay=0.5", "count=11&delay=1", "delay=11"] {
            let response = respond("GET", "/sse?" + query, configuration: configuration)
            #expect(response.status == 400, "\(query)")
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8", "\(query)")
        }
        #expect(respond("GET", "/sse?count=10&delay=1", configuration: configuration).status == 200)
        #expect(respond("GET", "/sse?count=100&delay=10", configuration: ServerConfiguration(maxDuration: .seconds(1000))).status == 200)
    }
}
