@testable import HTTPBunCore
import JSONValue
import Testing

/// Sends a hand-made request through a router: no socket.
func respond(
    _ method: String, _ target: String, headers: HTTPHeaders = ["Host": "example.com"], body: [UInt8] = [],
    configuration: ServerConfiguration = ServerConfiguration()
) -> Response {
    Router(configuration: configuration).respond(to: Request(method: method, target: target, headers: headers, body: body))
}

func respond(_ method: String, _ target: String, headers: HTTPHeaders = ["Host": "example.com"], text: String) -> Response {
    respond(method, target, headers: headers, body: Array(text.utf8))
}

extension Response {
    /// The body parsed as JSON; fails the test when it is not JSON.
    var json: JSON {
        get throws { try JSON.parse(bodyBytes) }
    }
}
