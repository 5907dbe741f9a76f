/// An HTTP method. The common ones are constants; any other token works too.
///
/// ```swift
/// let r = try await session.request(.get, url)
/// let purge = try await session.request("PURGE", url)
/// ```
public struct Method: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public static let get = Method("GET")
    public static let post = Method("POST")
    public static let put = Method("PUT")
    public static let patch = Method("PATCH")
    public static let delete = Method("DELETE")
    public static let head = Method("HEAD")
    public static let options = Method("OPTIONS")
    public static let trace = Method("TRACE")
}
