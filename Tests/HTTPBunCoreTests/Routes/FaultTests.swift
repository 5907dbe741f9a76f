@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("/unstable")
struct UnstableTests {
    @Test("failure_rate 0 always succeeds with the echo object, 1 always fails with a 500")
    func extremes() throws {
        for _ in 0..<20 {
            let success = respond("GET", "/unstable?failure_rate=0")
            #expect(success.status == 200)
            #expect(try success.json["args"] == ["failure_rate": "0"])
            let failure = respond("POST", "/unstable?failure_rate=1")
            #expect(failure.status == 500)
            #expect(try failure.json["error"]?.stringValue?.contains("failure_rate 1") == true)
        }
    }

    @Test("a seed fixes the outcome; across seeds the rate holds")
    func seeded() throws {
        var failures = 0
        for seed in 0..<1000 {
            let first = respond("GET", "/unstable?failure_rate=0.3&seed=\(seed)").status
            #expect(first == respond("GET", "/unstable?failure_rate=0.3&seed=\(seed)").status)
            if first == 500 { failures += 1 }
        }
        #expect((230...370).contains(failures), "about 30% of 1000 (\(failures))")
        let defaults = (0..<200).filter { respond("GET", "/unstable?seed=\($0)").status == 500 }.count
        #expect((70...130).contains(defaults), "default rate 0.5 (\(defaults))")
        #expect(respond("GET", "/unstable?seed=-5&failure_rate=1").status == 500)
    }

    @Test("failure_rate outside 0...1 or not a number, or a seed that is not a number: 400")
    func invalid() throws {
        for query in ["failure_rate=-0.1", "failure_rate=1.1", "failure_rate=abc", "failure_rate=nan", "failure_rate=inf", "failure_rate=",
            "failure_rate=%200.5", "failure_rate=1e999", "seed=abc", "seed=99999999999999999999999"]
        {
            let response = respond("GET", "/unstable?" + query)
            #expect(response.status == 400, "\(query)")
            #expect(try response.json["error"]?.stringValue?.isEmpty == false)
        }
    }
}

@Suite("/fault")
struct FaultTests {
    @Test("/fault/close asks the server to close without answering")
    func close() {
        for method in ["GET", "POST", "DELETE"] {
            guard case .closeConnection = respond(method, "/fault/close").body else {
                Issue.record("\(method) /fault/close must close the connection")
                continue
            }
        }
    }

    @Test("/fault/truncate/{n} announces n bytes and carries n/2")
    func truncate() {
        for (n, sent) in [(100, 50), (1, 0), (7, 3)] {
            let response = respond("GET", "/fault/truncate/\(n)")
            #expect(response.status == 200)
            guard case .truncated(let announced, let bytes) = response.body else {
                Issue.record("/fault/truncate/\(n) must be truncated")
                continue
            }
            #expect(announced == n)
            #expect(bytes.count == sent)
        }
        let limit = ServerConfiguration(maxBodySize: 1000)
        guard case .truncated(1000, _) = respond("GET", "/fault/truncate/1000", configuration: limit).body else {
            Issue.record("the maximum itself is allowed")
            return
        }
    }

    @Test("lengths outside 1...max-body-size: 400", arguments: ["0", "-1", "1001", "99999999999999999999", "abc", "%F0%9F%98%80"])
    func invalidTruncate(length: String) throws {
        let response = respond("GET", "/fault/truncate/" + length, configuration: ServerConfiguration(maxBodySize: 1000))
        #expect(response.status == 400)
        #expect(try response.json["error"]?.stringValue?.contains("--max-body-size") == true)
    }
}
