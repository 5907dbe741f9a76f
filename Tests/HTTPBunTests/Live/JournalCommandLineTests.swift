import Foundation
@testable import HTTPBun
import JSONValue
import Testing

@Suite("The httpbun command: the request journal's flags")
struct JournalCommandLineTests {
    /// `/_journal` of a command started with these flags and variables, after three `GET /get`.
    private func journal(_ arguments: [String], _ environment: [String: String] = [:]) throws -> (status: Int, body: JSON) {
        let command = try RunningCommand(["--port", "0", "--log-level", "warning"] + arguments, environment: environment)
        defer { _ = command.stop(SIGTERM) }
        let port = try #require(portNumber(in: command.firstLine()))
        let connection = try RawConnection(port: port)
        for _ in 1...3 { _ = try connection.exchange("GET", "/get") }
        let answer = try connection.exchange("GET", "/_journal")
        return (answer.status, try JSON.parse(answer.body))
    }

    @Test("on by default on loopback; --journal-size and HTTPBUN_JOURNAL_SIZE bound it, the flag first; 0 turns it off")
    func sizes() throws {
        #expect(try journal([]).body["entries"]?.arrayValue?.count == 3)
        let fromVariable = try journal([], ["HTTPBUN_JOURNAL_SIZE": "2"])
        #expect(fromVariable.body["entries"]?.arrayValue?.count == 2 && fromVariable.body["dropped"] == 1)
        #expect(try journal(["--journal-size", "5"], ["HTTPBUN_JOURNAL_SIZE": "2"]).body["entries"]?.arrayValue?.count == 3)
        let off = try journal(["--journal-size", "0"])
        #expect(off.status == 404 && off.body["error"]?.stringValue?.contains("turned off") == true)
        #expect(try journal([], ["HTTPBUN_JOURNAL_BYTES": "0"]).status == 404)
    }

    @Test("off on every interface unless a bound is given")
    func everyInterface() throws {
        let wide = try journal(["--host", "0.0.0.0"])
        #expect(wide.status == 404 && wide.body["error"]?.stringValue?.contains("--journal-size") == true)
        #expect(try journal(["--host", "0.0.0.0", "--journal-bytes", "100000"]).status == 200)
        #expect(try journal(["--host", "0.0.0.0"], ["HTTPBUN_JOURNAL_SIZE": "10"]).status == 200)
    }

    @Test("a negative bound is refused before anything starts")
    func negative() throws {
        let command = try RunningCommand(["--port", "0", "--journal-size", "-1"])
        command.process.waitUntilExit()
        #expect(command.process.terminationStatus != 0)
        #expect(command.errorText.contains("--journal-size"))
    }
}
