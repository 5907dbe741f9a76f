import Foundation
import HTTPWire
import Testing
@testable import Requests

@Suite struct RetryTests {
    /// Answers each request with the next status of `statuses` (the last one repeating).
    func sequence(_ statuses: [Int], headers: Headers = [:], seen: Recorder<Request>) -> MockTransport {
        recordingMock(seen) { _, _ in
            let index = min(seen.count - 1, statuses.count - 1)
            return Response(statusCode: statuses[index], headers: headers)
        }
    }

    func session(_ transport: MockTransport, _ retry: Retry) -> Session {
        let session = Session(transport: transport)
        session.mount("http://", Adapter(retry: retry))
        return session
    }

    @Test func backoffScheduleIsExponentialAndCapped() {
        let retry = Retry(backoffFactor: 1, backoffMax: 5)
        #expect((1...5).map { retry.backoff(afterConsecutiveErrors: $0) } == [.zero, .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        let small = Retry(backoffFactor: 0.1)
        #expect(small.backoff(afterConsecutiveErrors: 3) == .seconds(0.4))
    }

    @Test func jitterAddsUpToItsAmount() {
        let retry = Retry(backoffFactor: 1, backoffJitter: 2, clock: RetryClock(sleep: { _ in }, random: { 0.25 }))
        #expect(retry.backoff(afterConsecutiveErrors: 2) == .seconds(2.5))
    }

    @Test func statusForcelistRetriesUntilSuccessWithBackoff() async throws {
        let seen = Recorder<Request>()
        let waits = Recorder<Duration>()
        let s = session(sequence([503, 502, 500, 200], seen: seen),
                        Retry(total: 3, backoffFactor: 1, statusForcelist: [429, 500, 502, 503, 504], clock: recordingClock(waits)))
        let response = try await s.get("http://h.test/flaky")
        #expect(response.statusCode == 200)
        #expect(seen.count == 4)
        #expect(waits.all == [.seconds(2), .seconds(4)])   // first retry immediate, as urllib3
    }

    @Test func exhaustedRaisesRetryErrorWithLastResponse() async throws {
        let seen = Recorder<Request>()
        let waits = Recorder<Duration>()
        let s = session(sequence([503], seen: seen), Retry(total: 3, statusForcelist: [503], clock: recordingClock(waits)))
        let error = await #expect(throws: RetryError.self) { try await s.get("http://h.test/down") }
        #expect(error?.response.statusCode == 503)
        #expect(seen.count == 4)
    }

    @Test func raiseOnStatusFalseReturnsLastResponse() async throws {
        let seen = Recorder<Request>()
        let s = session(sequence([500], seen: seen),
                        Retry(total: 2, statusForcelist: [500], raiseOnStatus: false, clock: recordingClock(Recorder())))
        let response = try await s.get("http://h.test/down")
        #expect(response.statusCode == 500)
        #expect(seen.count == 3)
    }

    @Test func statusCounterLimitsIndependently() async throws {
        let seen = Recorder<Request>()
        let s = session(sequence([500], seen: seen),
                        Retry(total: 10, status: 1, statusForcelist: [500], raiseOnStatus: false, clock: recordingClock(Recorder())))
        _ = try await s.get("http://h.test/down")
        #expect(seen.count == 2)
    }

    @Test func postIsNotResentUnlessAllowed() async throws {
        let seen = Recorder<Request>()
        let s = session(sequence([503, 200], seen: seen), Retry(total: 3, statusForcelist: [503], clock: recordingClock(Recorder())))
        let response = try await s.post("http://h.test/create", json: ["a": 1])
        #expect(response.statusCode == 503)
        #expect(seen.count == 1)

        let again = Recorder<Request>()
        var retry = Retry(total: 3, statusForcelist: [503], clock: recordingClock(Recorder()))
        retry.allowedMethods = nil
        let allowed = try await session(sequence([503, 200], seen: again), retry).post("http://h.test/create", json: ["a": 1])
        #expect(allowed.statusCode == 200)
        #expect(again.count == 2)
        #expect(again.all.allSatisfy { $0.bodyText == #"{"a":1}"# })
    }

    @Test func retryAfterSecondsReplacesBackoff() async throws {
        let seen = Recorder<Request>()
        let waits = Recorder<Duration>()
        let s = session(sequence([429, 200], headers: ["Retry-After": "7"], seen: seen),
                        Retry(total: 3, backoffFactor: 10, clock: recordingClock(waits)))
        let response = try await s.get("http://h.test/limited")
        #expect(response.statusCode == 200)
        #expect(waits.all == [.seconds(7)])   // 429 with Retry-After is retried without a forcelist
    }

    @Test("Retry-After alone retries only while total lasts, as urllib3 asks the decremented Retry")
    func retryAfterSpendsTotal() async throws {
        let waits = Recorder<Duration>()
        // total 1: one retry, then the second 429 comes back as it is (not RetryError).
        let once = Recorder<Request>()
        let limited = try await session(sequence([429, 429, 200], headers: ["Retry-After": "1"], seen: once),
                                        Retry(total: 1, clock: recordingClock(waits))).get("http://h.test/limited")
        #expect(limited.statusCode == 429)
        #expect(once.count == 2)
        // No total: urllib3's None is falsy, so Retry-After without a forcelist retries nothing.
        let none = Recorder<Request>()
        let unlimited = try await session(sequence([429, 200], headers: ["Retry-After": "1"], seen: none),
                                          Retry(total: nil, status: 5, clock: recordingClock(waits))).get("http://h.test/limited")
        #expect(unlimited.statusCode == 429)
        #expect(none.count == 1)
    }

    @Test("read failures spend the read counter: read 1 means two tries, then the error")
    func readLimit() async throws {
        let attempts = Recorder<Int>()
        let mock = MockTransport { request in
            attempts.append(1)
            throw ReadTimeout(url: request.url.absoluteString, timeout: .seconds(1))
        }
        let s = session(mock, Retry(total: 10, read: 1, clock: recordingClock(Recorder<Duration>())))
        await #expect(throws: ReadTimeout.self) { try await s.get("http://h.test/slow") }
        #expect(attempts.count == 2)
    }

    @Test func retryAfterHTTPDate() async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let seen = Recorder<Request>()
        let waits = Recorder<Duration>()
        let date = HTTPDate.format(secondsSinceEpoch: Int64(now.timeIntervalSince1970) + 42)
        let s = session(sequence([503, 200], headers: ["Retry-After": date], seen: seen),
                        Retry(total: 3, clock: recordingClock(waits, now: now)))
        _ = try await s.get("http://h.test/limited")
        #expect(waits.all == [.seconds(42)])
        #expect(Retry(clock: recordingClock(waits, now: now)).retryAfter(HTTPDate.format(secondsSinceEpoch: Int64(now.timeIntervalSince1970) - 5)) == .zero)
    }

    @Test func retryAfterIgnoredWhenAsked() async throws {
        let seen = Recorder<Request>()
        let waits = Recorder<Duration>()
        let s = session(sequence([503, 503, 200], headers: ["Retry-After": "30"], seen: seen),
                        Retry(total: 3, backoffFactor: 1, statusForcelist: [503], respectRetryAfterHeader: false, clock: recordingClock(waits)))
        _ = try await s.get("http://h.test/x")
        #expect(waits.all == [.seconds(2)])
    }

    @Test func connectErrorsAreRetriedForAnyMethod() async throws {
        let attempts = Recorder<Int>()
        let mock = MockTransport { request in
            attempts.append(1)
            if attempts.count < 3 { throw ConnectFailed(url: request.url.absoluteString, underlying: "refused") }
            return Response(statusCode: 201)
        }
        let s = session(mock, Retry(total: 5, clock: recordingClock(Recorder())))
        let response = try await s.post("http://h.test/x", data: ["a": "b"])
        #expect(response.statusCode == 201)
        #expect(attempts.count == 3)
    }

    @Test func connectCounterExhausts() async throws {
        let attempts = Recorder<Int>()
        let mock = MockTransport { request in
            attempts.append(1)
            throw ConnectTimeout(url: request.url.absoluteString, timeout: .seconds(1))
        }
        let s = session(mock, Retry(total: 10, connect: 2, clock: recordingClock(Recorder())))
        await #expect(throws: ConnectTimeout.self) { try await s.get("http://h.test/x") }
        #expect(attempts.count == 3)
    }

    @Test func readErrorsRetriedOnlyForAllowedMethods() async throws {
        let attempts = Recorder<Method>()
        let mock = MockTransport { request in
            attempts.append(request.method)
            throw ReadTimeout(url: request.url.absoluteString, timeout: .seconds(1))
        }
        let s = session(mock, Retry(total: 2, clock: recordingClock(Recorder())))
        await #expect(throws: ReadTimeout.self) { try await s.get("http://h.test/x") }
        await #expect(throws: ReadTimeout.self) { try await s.post("http://h.test/x") }
        #expect(attempts.all == [.get, .get, .get, .post])
    }

    @Test func defaultAdapterDoesNotRetry() async throws {
        let seen = Recorder<Request>()
        let s = Session(transport: sequence([503, 200], seen: seen))
        #expect(try await s.get("http://h.test/").statusCode == 503)
        #expect(seen.count == 1)
    }

    @Test func longestMountedPrefixWins() async throws {
        let s = Session(transport: MockTransport { _ in Response(statusCode: 200, text: "default") })
        s.mount("http://", Adapter(transport: MockTransport { _ in Response(statusCode: 200, text: "http") }))
        s.mount("http://api.test/v2", Adapter(transport: MockTransport { _ in Response(statusCode: 200, text: "v2") }))
        #expect(try await s.get("http://api.test/v2/users").text == "v2")
        #expect(try await s.get("HTTP://API.TEST/V2/users").text == "v2")
        #expect(try await s.get("http://api.test/v1/users").text == "http")
        #expect(try await s.get("https://api.test/v2/users").text == "default")
        #expect(Adapter(maxRetries: 5).retry.total == 5)
    }

    @Test func isRetryDecidesAsUrllib3AndSearchesHeadersOnlyWhenItMatters() {
        // Answers are taken outside `#expect`, which would evaluate the autoclosure argument itself.
        var asked = 0
        func isRetry(_ policy: Retry, _ method: Method, _ status: Int, retryAfter: Bool, remaining: Int?) -> Bool {
            policy.isRetry(method: method, statusCode: status, hasRetryAfter: { asked += 1; return retryAfter }(), remainingTotal: remaining)
        }
        let forced = Retry(total: 0, statusForcelist: [500])
        let plain = Retry(total: 2)
        let answers = [
            isRetry(forced, .get, 500, retryAfter: false, remaining: 0),
            isRetry(forced, .post, 500, retryAfter: false, remaining: 0),
            isRetry(forced, .get, 503, retryAfter: true, remaining: 0),
            isRetry(plain, .get, 503, retryAfter: true, remaining: 1),
            isRetry(plain, .get, 503, retryAfter: false, remaining: 1),
            isRetry(plain, .post, 503, retryAfter: true, remaining: 1),
            isRetry(plain, .get, 503, retryAfter: true, remaining: nil),
        ]
        #expect(answers == [true, false, false, true, false, false, false])
        #expect(asked == 3)
        // Nothing forced and no retries left (the default policy), or a status never retried: no search.
        let quiet = [isRetry(.none, .get, 503, retryAfter: true, remaining: 0), isRetry(plain, .get, 200, retryAfter: true, remaining: 1)]
        #expect(quiet == [false, false])
        #expect(asked == 3)
    }
}
