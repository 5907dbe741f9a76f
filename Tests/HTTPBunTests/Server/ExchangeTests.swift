@testable import HTTPBun
@testable import HTTPBunCore
import Testing

@Suite("A connection's exchange, reused request after request")
struct ExchangeTests {
    @Test("the connection's exchange serves one request at a time; an overlap gets its own")
    func oneRequestAtATime() {
        let live = LiveCount()
        let connection = ConnectionState(remoteAddress: "192.0.2.7", liveCount: live)
        let first = connection.exchangeForNextRequest()
        first.begin(target: "/post")
        #expect(live.current == 1)
        // Should MHD start a request before it ends the last, the two must not share state.
        let overlapping = connection.exchangeForNextRequest()
        #expect(overlapping !== first)
        #expect(overlapping.remoteAddress == "192.0.2.7")
        overlapping.begin(target: "/get")
        #expect(live.current == 2)
        overlapping.end()
        first.end()
        #expect(live.current == 0)
        #expect(connection.exchangeForNextRequest() === first)
    }

    @Test("end forgets the request: the next starts as a new exchange would")
    func endForgetsTheRequest() {
        let live = LiveCount()
        let exchange = ConnectionState(remoteAddress: "::1", liveCount: live).exchangeForNextRequest()
        exchange.begin(target: "/post?a=1")
        exchange.phase = .waiting(.error(503, "held"))
        exchange.answerDue = .now
        exchange.method = "POST"
        exchange.headers.add("X-First", "1")
        exchange.body = Array("body".utf8)
        exchange.announcedLength = 4
        exchange.bodyTooLarge = true
        exchange.discardedBytes = 9
        exchange.userAgent = "curl"
        exchange.loggedHeaders = exchange.headers
        exchange.noteAnswer(Response(status: 200, headers: HTTPHeaders(), body: .truncated(announced: 10, bytes: Array("ab".utf8))))
        #expect(exchange.answerStatus == 200 && exchange.answerBytes == 2 && exchange.answerCutByRoute)
        exchange.unansweredReason = "gone"
        exchange.end()
        exchange.end()  // a second end (MHD never sends one) counts nothing twice
        #expect(live.current == 0)
        exchange.begin(target: "/get")
        #expect(exchange.target == "/get")
        #expect(exchange.inFlight)
        guard case .new = exchange.phase else {
            Issue.record("phase \(exchange.phase) left from the last request")
            return
        }
        #expect(exchange.method == "")
        #expect(exchange.headers.fields.isEmpty)
        #expect(exchange.body.isEmpty)
        #expect(exchange.announcedLength == nil)
        #expect(!exchange.bodyTooLarge)
        #expect(exchange.discardedBytes == 0)
        #expect(exchange.answerDue == nil)
        #expect(exchange.userAgent == nil && exchange.loggedHeaders == nil && exchange.unansweredReason == nil)
        #expect(exchange.answerStatus == nil && exchange.answerBytes == 0 && !exchange.answerCutByRoute)
        exchange.end()
        #expect(live.current == 0)
    }
}
