import HTTPWire

/// What a handler gets: the request, its path parameters, and the server's configuration.
public struct RouteContext: Sendable {
    public let request: Request
    /// Path parameters by name, percent-decoded (`/delay/{seconds}` gives `parameters["seconds"]`).
    /// A rest parameter (`{path*}`) holds the remaining segments joined by `/`.
    public internal(set) var parameters: [String: String]
    public var configuration: ServerConfiguration { settings.value }
    /// The clock, randomness and OAuth2 state this router was given.
    public var services: RouteServices { settings.services }
    /// The request path below the path prefix, still percent-encoded (`/get`).
    public var routePath: Substring { Self.path(request.rawPath, below: prefixLength) }
    /// UTF-8 length of the path prefix the router took off (`--path-prefix`), 0 without one. The
    /// route path is worked out when asked for: few handlers ask, and slicing it cost every request.
    var prefixLength: Int
    let settings: SharedConfiguration

    init(request: Request, parameters: [String: String], settings: SharedConfiguration, prefixLength: Int) {
        self.request = request
        self.parameters = parameters
        self.settings = settings
        self.prefixLength = prefixLength
    }

    public subscript(parameter name: String) -> String { parameters[name] ?? "" }

    /// `path` without its first `prefixLength` UTF-8 bytes (a path prefix), and `/` when that
    /// leaves nothing: the router's rule and `routePath`'s.
    static func path(_ path: Substring, below prefixLength: Int) -> Substring {
        guard prefixLength > 0 else { return path }
        let rest = Substring(path.utf8.dropFirst(prefixLength))
        return rest.isEmpty ? "/" : rest
    }
}

/// One router's configuration, shared by every context it makes: a context holding its own copy
/// retained and released each of the configuration's strings and arrays on every request.
final class SharedConfiguration: Sendable {
    let value: ServerConfiguration
    let services: RouteServices
    /// `value.flavor`, kept apart so each request reaches its closures with one load.
    let flavor: Flavor
    init(_ value: ServerConfiguration, services: RouteServices) {
        self.value = value
        self.services = services
        self.flavor = value.flavor
    }
}

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

/// Answers requests with the endpoint catalogue. A pure value: a test calls `respond(to:)` with a
/// hand-made `Request`, no socket needed.
///
/// ```swift
/// let router = Router(configuration: ServerConfiguration(), services: .stoppedClock)
/// let response = router.respond(to: Request(method: "GET", target: "/get?a=1"))
/// response.status      // 200
/// ```
public struct Router: Sendable {
    public var configuration: ServerConfiguration { settings.value }
    private let settings: SharedConfiguration
    private let prefix: String
    private let table: RouteTable

    /// - Parameters:
    ///   - services: the clock and randomness handlers see; the server passes the system's.
    ///   - routes: the routes to serve instead of the flavor's catalogue (a test's own few).
    public init(
        configuration: ServerConfiguration = ServerConfiguration(), services: RouteServices = .stoppedClock, routes: [Route]? = nil
    ) {
        self.settings = SharedConfiguration(configuration, services: services)
        self.prefix = configuration.normalizedPathPrefix
        self.table = RouteTable(
            routes: routes ?? configuration.flavor.endpoints.map(\.route), refusesPath: configuration.flavor.refusesPath)
    }

    public func respond(to request: consuming Request) -> Response {
        // The request moves into the context that the handler gets: copying it there cost a retain
        // and a release for each of its strings and arrays.
        var context = RouteContext(request: request, parameters: [:], settings: settings, prefixLength: 0)
        var response = route(&context)
        settings.flavor.decorate(&response, context.request)
        return response
    }

    /// Finds the route and calls its handler with `context`, its parameters and path filled in.
    private func route(_ context: inout RouteContext) -> Response {
        // The closures below capture locals only: capturing `self` copied the router, a retain and
        // a release for each of its fields, several times per request.
        let table = self.table
        let method = context.request.method
        let unprefixed = prefix.isEmpty
        var allowed: Set<String> = []
        // One pass over the target's bytes checks it and finds where its path ends; a literal route
        // is then found from those bytes, with no `Substring` of the path.
        var target = context.request.target
        let shortcut: LiteralLookup = target.withUTF8 { bytes in
            var pathEnd = bytes.count
            for offset in bytes.indices {
                let byte = bytes[offset]
                // MHD passes on control characters in targets, and targets that are not paths (`GET get`).
                if byte < 0x20 || byte == 0x7F { return .malformed }
                if pathEnd == bytes.count && (byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")) { pathEnd = offset }
            }
            if bytes.count == 1 && bytes[0] == UInt8(ascii: "*") && method == "OPTIONS" { return .wholeServer }
            guard bytes.first == UInt8(ascii: "/") else { return .malformed }
            guard unprefixed, let found = table.findLiteral(UnsafeBufferPointer(rebasing: bytes[..<pathEnd]), method: method) else {
                return .search
            }
            return .found(found)
        }
        // The length first: `==` takes a slow path whenever two small strings differ, on every request.
        if method.utf8.count == 7 && method == "CONNECT" {
            // The client takes us for a proxy. Any 2xx would tell it a tunnel is open (and
            // libmicrohttpd sends a 2xx to CONNECT without a length); closing keeps it from sending
            // tunnel bytes that would be read as the next request.
            var response = Response.error(501, "CONNECT is not supported: this server is not a proxy")
            response.headers.add("Connection", "close")
            return response
        }
        var found: RouteTable.Found?
        switch shortcut {
        case .malformed:
            return .error(400, "malformed request target: send a path that starts with / and has no control characters")
        case .wholeServer:
            // RFC 9110 §9.3.7: `OPTIONS *` asks about the server, not a resource. Go's servers (httpbun,
            // go-httpbin) answer it 200 with no body; this is the preflight any route gives, with the
            // methods the server's routes take, listed as a 405 lists a route's.
            var response = preflight(for: context.request)
            response.headers.add("Allow", Self.allowValue(table.methodsTaken))
            return response
        case .found(let literal):
            found = literal
        case .search:
            guard let routePath = stripPrefix(context.request.rawPath) else {
                return notFound(context.request)
            }
            var pathText = routePath
            found = pathText.withUTF8 { path in
                table.findLiteral(path, method: method)
                    ?? Self.withSegments(of: path) { pathSegments in
                        table.find(path, pathSegments, routePath: routePath, method: method, allowed: &allowed)
                    }
            }
        }
        if let found {
            if method == "OPTIONS" { return preflight(for: context.request) }
            context.parameters = found.parameters
            context.prefixLength = prefix.utf8.count
            // RFC 9110 §9.3.2: HEAD answers with the header fields GET would have, Content-Length
            // included, so the handler renders the GET (an echo would otherwise name HEAD and
            // announce a length one byte off). The transport sends no body for HEAD.
            if method.utf8.count == 4 && method == "HEAD" {
                var request = context.request
                request.method = "GET"
                context = RouteContext(request: request, parameters: context.parameters, settings: settings, prefixLength: context.prefixLength)
            }
            do {
                return try found.routes[found.index].handler(context)
            } catch let error as HTTPError {
                return error.response
            } catch {
                return HTTPError(500, "the handler failed: \(error)").response
            }
        }
        if !allowed.isEmpty {
            return settings.flavor.methodNotAllowed(context.request, Self.allowValue(allowed))
        }
        return notFound(context.request)
    }

    /// An `Allow` value for routes that take `methods`: with `HEAD` wherever `GET` is, and `OPTIONS`
    /// (a preflight on any route), sorted.
    private static func allowValue(_ methods: Set<String>) -> String {
        var methods = methods
        if methods.contains("GET") { methods.insert("HEAD") }
        methods.insert("OPTIONS")
        return methods.sorted().joined(separator: ", ")
    }

    private func preflight(for request: Request) -> Response { settings.flavor.preflight(request) }

    /// What the one pass over a target found.
    private enum LiteralLookup {
        case malformed
        /// `OPTIONS *`: a question about the server as a whole.
        case wholeServer
        /// A literal route's own path, answered from the precomputed table.
        case found(RouteTable.Found)
        /// Anything else: the general search decides.
        case search
    }

    private func notFound(_ request: Request) -> Response { settings.flavor.notFound(request) }

    /// Calls `body` with the offsets of the path's non-empty `/`-separated segments, split over the
    /// path's own bytes (splitting on a `Character` compares grapheme clusters) into room on the
    /// stack: no `Substring` and no array per request.
    static func withSegments<Result>(
        of path: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Range<Int>>) -> Result
    ) -> Result {
        var count = 0
        var previous = UInt8(ascii: "/")
        for byte in path {
            if previous == UInt8(ascii: "/") && byte != UInt8(ascii: "/") { count += 1 }
            previous = byte
        }
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: count) { ranges in
            var found = 0
            var start = -1
            for offset in 0..<path.count {
                if path[offset] == UInt8(ascii: "/") {
                    if start >= 0 {
                        ranges[found] = start..<offset
                        found += 1
                    }
                    start = -1
                } else if start < 0 {
                    start = offset
                }
            }
            if start >= 0 { ranges[found] = start..<path.count }
            return body(UnsafeBufferPointer(ranges))
        }
    }

    private func stripPrefix(_ path: Substring) -> Substring? {
        guard !prefix.isEmpty else { return path }
        guard path.hasPrefix(prefix) else { return nil }
        let rest = RouteContext.path(path, below: prefix.utf8.count)
        return rest.hasPrefix("/") ? rest : nil
    }
}

/// A router's routes, in one object: closures share it with one retain.
final class RouteTable: Sendable {
    /// Routes by their first literal segment, so a request is matched against a handful, not all.
    let byFirstSegment: BytesIndex<[Route]>
    let parameterFirst: [Route]
    /// The flavor's refusal of paths a pattern fits (httpbin's strict slashes).
    private let refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)?
    /// For each method a literal route takes, what `find` answers for that route's own path, worked
    /// out once: `GET /get` is then one lookup of its bytes, not a split, a search and a match.
    private let literalPaths: [(method: String, found: BytesIndex<Found>)]
    /// Every method some route names (a route that takes any method, such as `/anything`, names none).
    let methodsTaken: Set<String>

    private init(
        byFirstSegment: BytesIndex<[Route]>, parameterFirst: [Route], refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)?,
        literalPaths: [(method: String, found: BytesIndex<Found>)], methodsTaken: Set<String>
    ) {
        self.byFirstSegment = byFirstSegment
        self.parameterFirst = parameterFirst
        self.refusesPath = refusesPath
        self.literalPaths = literalPaths
        self.methodsTaken = methodsTaken
    }

    convenience init(routes: [Route], refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)?) {
        var byFirst: [String: [Route]] = [:]
        var parameterFirst: [Route] = []
        for route in routes {
            if case .literal(let first) = route.segments.first {
                byFirst[first, default: []].append(route)
            } else {
                parameterFirst.append(route)
            }
        }
        // The general search, as it is without the shortcut, answers for each literal path.
        let searching = RouteTable(
            byFirstSegment: BytesIndex(byFirst), parameterFirst: parameterFirst, refusesPath: refusesPath, literalPaths: [],
            methodsTaken: [])
        var foundByMethod: [String: [String: Found]] = [:]
        for route in routes {
            let literals = route.segments.compactMap { segment -> String? in
                if case .literal(let text) = segment { return text } else { return nil }
            }
            guard literals.count == route.segments.count, let methods = route.methods else { continue }
            let path = "/" + literals.joined(separator: "/")
            for method in methods + (methods.contains("GET") ? ["HEAD"] : []) where foundByMethod[method]?[path] == nil {
                var allowed: Set<String> = []
                let found = Array(path.utf8).withUnsafeBufferPointer { bytes in
                    Router.withSegments(of: bytes) { searching.find(bytes, $0, routePath: path[...], method: method, allowed: &allowed) }
                }
                if let found { foundByMethod[method, default: [:]][path] = found }
            }
        }
        self.init(
            byFirstSegment: searching.byFirstSegment, parameterFirst: parameterFirst, refusesPath: refusesPath,
            literalPaths: foundByMethod.sorted { $0.key < $1.key }.map { (method: $0.key, found: BytesIndex($0.value)) },
            methodsTaken: Set(routes.flatMap { $0.methods ?? [] }))
    }

    /// Where a matching route lies, and its parameters.
    struct Found: Sendable {
        let routes: [Route]
        let index: Int
        let parameters: [String: String]
    }

    /// What `find` would answer for exactly this path and method, when the path is a literal
    /// route's own (no doubled or trailing slash, no parameter).
    func findLiteral(_ path: UnsafeBufferPointer<UInt8>, method: String) -> Found? {
        for entry in literalPaths where entry.method == method { return entry.found.value(for: path) }
        return nil
    }

    /// The first route whose pattern fits the path and that takes `method` (any method for
    /// `OPTIONS`, which is a preflight wherever a pattern fits). Routes whose pattern fits but not
    /// their methods add those to `allowed`.
    func find(
        _ path: UnsafeBufferPointer<UInt8>, _ pathSegments: UnsafeBufferPointer<Range<Int>>, routePath: Substring,
        method: String, allowed: inout Set<String>
    ) -> Found? {
        // Each route is looked at where it lies: copying one out retained and released its arrays
        // and its handler's context.
        func search(_ routes: [Route]) -> Found? {
            for index in routes.indices {
                guard let parameters = routes[index].match(path, pathSegments) else { continue }
                if let refusesPath, refusesPath(routePath, routes[index], parameters) { continue }
                guard method == "OPTIONS" || routes[index].accepts(method) else {
                    allowed.formUnion(routes[index].methods ?? [])
                    continue
                }
                return Found(routes: routes, index: index, parameters: parameters)
            }
            return nil
        }
        if let first = pathSegments.first, let candidates = byFirstSegment.value(for: UnsafeBufferPointer(rebasing: path[first])),
            let found = search(candidates)
        {
            return found
        }
        return search(parameterFirst)
    }
}

/// Values by byte-string keys, found by the bytes they are given, so matching a path neither
/// makes a `String` of each segment nor hashes it with SipHash.
struct BytesIndex<Value: Sendable>: Sendable {
    /// Every key's bytes, one after another; key `k` is `blob[starts[k]..<starts[k + 1]]`.
    private let blob: [UInt8]
    private let starts: [Int]
    private let values: [Value]
    /// Open addressing by FNV-1a: a key's number + 1, or 0 for an empty slot. A power of two long,
    /// at most a quarter full.
    private let slots: [Int]

    init(_ valuesByKey: [String: Value]) {
        var blob: [UInt8] = []
        var starts = [0]
        var values: [Value] = []
        var slots = [Int](repeating: 0, count: max(8, (valuesByKey.count * 4).nextPowerOfTwo))
        for (key, value) in valuesByKey.sorted(by: { $0.key < $1.key }) {
            var slot = Self.hash(Array(key.utf8)) & (slots.count - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = values.count + 1
            blob += key.utf8
            starts.append(blob.count)
            values.append(value)
        }
        self.blob = blob
        self.starts = starts
        self.values = values
        self.slots = slots
    }

    func value(for key: Substring) -> Value? {
        var key = key
        return key.withUTF8 { value(for: $0) }
    }

    func value(for bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let found: Int? = blob.withUnsafeBufferPointer { blob in
            let mask = slots.count - 1
            var slot = Self.hash(bytes) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if UnsafeBufferPointer(rebasing: blob[starts[entry - 1]..<starts[entry]]).sameBytes(as: bytes) { return entry - 1 }
                slot = (slot + 1) & mask
            }
        }
        return found.map { values[$0] }
    }

    private static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ hash >> 32)
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
