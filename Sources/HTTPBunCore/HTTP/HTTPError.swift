import HTTPWire

/// What a handler throws when it cannot answer as asked: a status, a message for the person reading
/// the answer, and any header fields the answer needs. The router turns it into a response in one
/// place (`{"error": message}` as JSON), as Hummingbird's `HTTPError` is.
///
/// ```swift
/// func delay(_ context: RouteContext) throws(HTTPError) -> Response {
///     let wait = try DurationParameter.parse(context[parameter: "seconds"], name: "delay", maximum: .seconds(60))
///     ...
/// }
/// throw HTTPError.badRequest("invalid seed \"x\": use a whole number such as 42")
/// ```
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String
    /// Fields the answer carries besides `Content-Type` (a challenge, an `Allow` list).
    public var headers: HTTPHeaders

    public init(_ status: Int, _ message: String, headers: HTTPHeaders = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// A 400: the request asked for something this endpoint cannot read.
    public static func badRequest(_ message: String) -> HTTPError { HTTPError(400, message) }

    /// A body its `Content-Type` promised but did not deliver is the client's mistake: a 400.
    public init(_ bodyError: BodyParseError) { self.init(400, bodyError.message) }

    /// The answer: `{"error": message}` with the status and the extra fields.
    public var response: Response {
        var response = Response.error(status, message)
        for field in headers { response.headers.add(field.name, field.value) }
        return response
    }

    public var description: String { "\(status) \(message)" }
}
