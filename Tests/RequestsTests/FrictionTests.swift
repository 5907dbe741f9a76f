// What a newcomer tripped over (issue 21): Timeout's forms, unread streamed bodies, Session.with's options, elapsed seconds.
import Foundation
import Testing
@testable import Requests

@Suite struct FrictionTests {
    @Test func timeoutTakesNumbersAndDurationsAlike() {
        let mixed = Timeout(connect: 5, read: 30, total: .seconds(10))
        #expect(mixed == Timeout(connect: .seconds(5), read: .seconds(30), total: .seconds(10)))
        #expect(Timeout(connect: 0.5, read: .milliseconds(1500), total: 10).read == .milliseconds(1500))
        let budget: Duration = .seconds(3)
        #expect(Timeout(connect: budget, read: budget, total: budget).total == .seconds(3))
        let seconds = 2.5
        #expect(Timeout(connect: seconds, read: seconds).connect == .milliseconds(2500))
        #expect(Timeout(total: .seconds(10)).connect == .seconds(10))
    }

    @Test func unreadStreamedBodySaysWhatToCall() async throws {
        let session = Session()
        let response = try await session.get(E2E.base + "/json", stream: true)
        #expect(!response.isBodyRead)
        do {
            _ = try response.json()
            Issue.record("expected InvalidJSON")
        } catch {
            #expect(error.description.contains("buffered()"), "\(error)")
        }
        let read = try await response.buffered()
        #expect(read.isBodyRead)
        #expect(try read.json()["slideshow"] != nil)
        try await session.close()
    }

    @Test func sessionWithTakesInitsOptions() async throws {
        let jar = CookieJar()
        let args = try await Session.with(baseURL: E2E.base, params: ["v": "2"], maxRedirects: 0, cookies: jar, connectionsPerHost: 2) { s in
            await #expect(throws: TooManyRedirects.self) { _ = try await s.get("/redirect/1") }
            return try await s.get("/get").json()["args"]
        }
        #expect(args?["v"]?.stringValue == "2")
    }

    @Test func elapsedInSeconds() async throws {
        let response = try await Requests.get(E2E.base + "/delay/0.2")
        #expect(response.elapsedSeconds >= 0.15)   // no upper bound: the shared server is busy in a full run
        #expect(abs(response.elapsedSeconds - Double(response.elapsed.components.seconds) - Double(response.elapsed.components.attoseconds) / 1e18) < 1e-9)
    }
}
