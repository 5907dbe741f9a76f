/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Hashable {
    /// The `name` of `Content-Disposition`.
    public var name: String
    /// The `filename` (or decoded `filename*`) of `Content-Disposition`, when it is a file part.
    public var filename: String?
    /// The part's own headers, in order, names as sent.
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(name: String, filename: String?, headers: HTTPHeaders, body: [UInt8]) {
        self.name = name
        self.filename = filename
        self.headers = headers
        self.body = body
    }
}

/// `multipart/form-data` (RFC 7578) bodies.
public enum Multipart {
    /// Most parts one body may have; past it the body is refused rather than parsed.
    public static let maximumPartCount = 10_000

    /// Parses a multipart body with the given boundary (from `MediaType.parameter("boundary")`).
    ///
    /// ```swift
    /// let parts = try Multipart.parse(body, boundary: "XyZ")
    /// parts[0].name        // "field"
    /// parts[1].filename    // "a.txt"
    /// ```
    public static func parse(_ body: [UInt8], boundary: String) throws(BodyParseError) -> [MultipartPart] {
        throw BodyParseError("multipart parsing is not implemented yet")
    }
}
