import HTTPWire

/// A handler: a pure function from a request to a response. What it cannot answer it throws as an
/// `HTTPError`, which the router turns into the answer in one place. (Untyped `throws` here only
/// because Swift 6.3 infers a closure literal's `try` as `any Error`; the helpers handlers call
/// throw `HTTPError` by type, and anything else would be answered 500.)
public typealias Handler = @Sendable (RouteContext) throws -> Response

/// One endpoint: methods, a path pattern, and the handler.
public struct Route: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        /// Zero or more remaining segments.
        case rest(String)
    }

    /// Methods answered; `nil` for every method. `GET` implies `HEAD`. A list, not a set: comparing
    /// one to five short strings costs less than hashing one.
    let methods: [String]?
    let segments: [Segment]
    let handler: Handler

    /// `pattern` is a path like `/delay/{seconds}` or `/anything/{path*}`.
    public init(_ methods: Set<String>?, _ pattern: String, _ handler: @escaping Handler) {
        self.methods = methods.map { $0.sorted() }
        self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { piece in
            if piece.hasPrefix("{") && piece.hasSuffix("*}") {
                return .rest(String(piece.dropFirst().dropLast(2)))
            } else if piece.hasPrefix("{") && piece.hasSuffix("}") {
                return .parameter(String(piece.dropFirst().dropLast()))
            }
            return .literal(String(piece))
        }
        self.handler = handler
    }

    func accepts(_ method: String) -> Bool {
        guard let methods else { return true }
        return methods.contains(method) || (method == "HEAD" && methods.contains("GET"))
    }

    /// The parameters when the path fits this route's pattern. `segments` are offsets into `path`,
    /// the path's bytes; literals are compared by bytes, as httpbin and Go compare them.
    func match(_ path: UnsafeBufferPointer<UInt8>, _ pathSegments: UnsafeBufferPointer<Range<Int>>) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(var literal):
                guard index < pathSegments.count else { return nil }
                guard literal.withUTF8({ $0.sameBytes(as: UnsafeBufferPointer(rebasing: path[pathSegments[index]])) }) else {
                    return nil
                }
            case .parameter(let name):
                guard index < pathSegments.count else { return nil }
                parameters[name] = PercentCoding.decode(bytes: path[pathSegments[index]], plusAsSpace: false)
            case .rest(let name):
                let remaining = pathSegments[min(index, pathSegments.count)...]
                parameters[name] = remaining.map { PercentCoding.decode(bytes: path[$0], plusAsSpace: false) }.joined(separator: "/")
                return parameters
            }
        }
        return pathSegments.count == segments.count ? parameters : nil
    }
}
