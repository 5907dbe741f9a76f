// The README's "Request journal" Swift example, run as written: the code under test sends a webhook
// and throws the answer away; the test reads what arrived from the server's journal.
import HTTPBun
import JSONValue
import Requests
import Testing

/// Code under test: tells a webhook that an order shipped, and ignores the answer.
func notifyShipped(order: Int, webhook: String) async throws {
    let event: JSON = ["order": JSON(order), "state": "shipped"]
    _ = try await Requests.post(webhook, headers: ["X-Signature": "sha256=abc"], json: event)
}

@Suite struct JournalExampleTests {
    @Test("README: a test sees the webhook its code sent") func webhookArrives() async throws {
        let server = try HTTPBunServer.start()
        defer { server.stop() }

        try await notifyShipped(order: 42, webhook: server.baseURL + "/anything/webhook")

        let journal = try #require(server.journal)
        let hook = try #require(await journal.firstEntry(matching: JournalFilter(pathPrefix: "/anything/webhook"), within: .seconds(2)))
        #expect(hook.method == "POST")
        #expect(hook.headers.first("X-Signature") == "sha256=abc")
        #expect(try JSON.parse(hook.body)["state"] == "shipped")
    }
}
