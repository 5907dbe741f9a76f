// Credentials in the URL are Basic auth, out of the URL, for its origin only (issue 21).
import Foundation
import HTTPBun
import Testing
@testable import Requests

@Suite(.serialized) struct URLCredentialsTests {
    @Test("user:passwd@ in the URL is Basic auth, and leaves the URL") func credentialsInTheURL() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://user:passwd@")
        let response = try await Requests.get(base + "/basic-auth/user/passwd")
        #expect(response.statusCode == 200)
        #expect(!response.url.absoluteString.contains("passwd@"))
        #expect(response.url.absoluteString == server.baseURL + "/basic-auth/user/passwd")
        #expect(response.request?.url.user == nil)
        let seen = try await arrivals(server, "/basic-auth/")
        #expect(seen.map { $0.headers.first("Authorization") } == ["Basic dXNlcjpwYXNzd2Q="])
    }

    @Test func percentEncodedCredentialsAreDecoded() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        // user "a@b", password "p:ss w" (requests and httpx unquote both).
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://a%40b:p%3Ass%20w@")
        let response = try await Requests.get(base + "/basic-auth/a@b/p:ss%20w")
        let sent = try await arrivals(server, "/basic-auth/").first?.headers.first("Authorization")
        #expect(sent == "Basic " + Data("a@b:p:ss w".utf8).base64EncodedString())
        #expect(response.statusCode == 200)
    }

    @Test func explicitAuthWins() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://user:wrong@")
        #expect(try await Requests.get(base + "/basic-auth/user/passwd", auth: .basic("user", "passwd")).statusCode == 200)
        let session = Session(auth: .basic("user", "passwd"))
        defer { Task { try await session.close() } }
        #expect(try await session.get(base + "/basic-auth/user/passwd").statusCode == 200)
    }

    @Test("URL credentials go to no other host on redirect") func notCarriedToAnotherHost() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }
        let other = try HTTPBunServer.start()
        defer { other.stop() }
        let target = other.baseURL + "/headers"
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://user:passwd@")
        let response = try await Requests.get(base + "/redirect-to", params: ["url": target])
        #expect(response.statusCode == 200)
        #expect(try await arrivals(server, "/redirect-to").first?.headers.first("Authorization") == "Basic dXNlcjpwYXNzd2Q=")
        let there = try await arrivals(other, "/headers")
        #expect(there.count == 1)
        #expect(there.first?.headers.first("Authorization") == nil)
    }

    @Test func splitLeavesPlainURLsAlone() throws {
        #expect(URLCredentials.split(try URLBuilder.parse("http://h.test/a@b?c=d@e")) == nil)
        let split = try #require(URLCredentials.split(try URLBuilder.parse("http://u:p@h.test:8080/x?y=1")))
        #expect(split.url.absoluteString == "http://h.test:8080/x?y=1")
        #expect(split.username == "u" && split.password == "p")
        let userOnly = try #require(URLCredentials.split(try URLBuilder.parse("http://u@h.test/")))
        #expect(userOnly.username == "u" && userOnly.password == "")
    }
}

