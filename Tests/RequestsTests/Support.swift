import Foundation
import JSONValue
import Synchronization
@testable import Requests

/// Collects values from concurrent code, for assertions.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    init() {}
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
    var count: Int { values.withLock { $0.count } }
}

/// A mock server: records every request (with its body read) and answers from `handler`.
func recordingMock(_ recorder: Recorder<Request>,
                   _ handler: @escaping @Sendable (Request, [UInt8]) async throws -> Response) -> MockTransport {
    MockTransport { request in
        let body = try await request.body.collect()
        var copy = request
        copy.body = .bytes(body)
        recorder.append(copy)
        return try await handler(copy, body)
    }
}

/// A retry clock that records waits instead of sleeping.
func recordingClock(_ waits: Recorder<Duration>, now: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> RetryClock {
    RetryClock(sleep: { waits.append($0) }, now: { now }, random: { 0.5 })
}

extension Request {
    var bodyText: String { String(decoding: body.inMemoryBytes ?? [], as: UTF8.self) }
}
