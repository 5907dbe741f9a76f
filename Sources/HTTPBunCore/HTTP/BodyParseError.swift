import HTTPWire

/// Why a request body could not be read; the server answers 400 with `message`.
public struct BodyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
