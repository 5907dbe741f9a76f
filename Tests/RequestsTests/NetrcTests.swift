// .netrc credentials under trustEnv (issue 21), as requests' get_netrc_auth reads them.
import Foundation
import HTTPBun
import Testing
@testable import Requests

@Suite struct NetrcTests {
    @Test func parsesPythonsGrammar() {
        let entries = Netrc.parse("""
            # a comment line
            machine api.test login alice password "pass word"
            machine API.test login ignored password ignored
            macdef init
            machine inside.macro login no password no

            machine accounted.test account acct password secret
            default login anyone password anything
            """)
        #expect(entries["api.test"] == Netrc.Entry(login: "alice", account: "", password: "pass word"))
        #expect(entries["inside.macro"] == nil)
        #expect(entries["accounted.test"]?.account == "acct")
        #expect(entries[""]?.login == "anyone")
    }

    @Test("NETRC names the file; the host's entry, else default; the account when no login")
    func credentialsForAHost() throws {
        let path = NSTemporaryDirectory() + "netrc-" + UUID().uuidString
        try "machine api.test login alice password s3cret\nmachine acct.test account bob password pw\ndefault login d password dp\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let lookup = ["NETRC": path].get
        #expect(Netrc.credentials(host: "API.test", lookup: lookup).map { [$0.username, $0.password] } == ["alice", "s3cret"])
        #expect(Netrc.credentials(host: "acct.test", lookup: lookup).map { [$0.username, $0.password] } == ["bob", "pw"])
        #expect(Netrc.credentials(host: "other.test", lookup: lookup).map { [$0.username, $0.password] } == ["d", "dp"])
        #expect(Netrc.credentials(host: "api.test", lookup: ["HOME": "/nonexistent"].get) == nil)
        // ~/.netrc when NETRC is not set.
        let home = NSTemporaryDirectory() + "home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try "machine h.test login u password p".write(toFile: home + "/.netrc", atomically: true, encoding: .utf8)
        #expect(Netrc.credentials(host: "h.test", lookup: ["HOME": home].get).map { [$0.username, $0.password] } == ["u", "p"])
    }

    @Test("the server sees Basic auth from .netrc only when the call has no other and trustEnv is on")
    func endToEnd() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let path = NSTemporaryDirectory() + "netrc-" + UUID().uuidString
        try "machine 127.0.0.1 login user password passwd\n".write(toFile: path, atomically: true, encoding: .utf8)
        let url = server.baseURL + "/basic-auth/user/passwd"

        let session = Session()
        session.useEnvironment(["NETRC": path])
        #expect(try await session.get(url).statusCode == 200)
        // Auth given on the call wins over the file (a wrong password is sent, and refused).
        #expect(try await session.get(url, auth: .basic("user", "wrong")).statusCode == 401)
        // So do credentials in the URL.
        let port = server.port
        #expect(try await session.get("http://user:wrong@127.0.0.1:\(port)/basic-auth/user/passwd").statusCode == 401)
        try await session.close()

        let untrusting = Session(trustEnv: false)
        untrusting.useEnvironment(["NETRC": path])
        #expect(try await untrusting.get(url).statusCode == 401)
        try await untrusting.close()
    }
}
