import HTTPWire

/// Why a request body could not be read (a multipart body that does not parse, say): the parsers
/// throw it, and a handler passes it on as a 400 (`HTTPError(_:)`).
public struct BodyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
