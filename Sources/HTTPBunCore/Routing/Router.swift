import HTTPWire

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
    /// The paths (prefix included) and methods whose bodies the server counts and discards.
    private let discardingRoutes: [(path: String, methods: [String]?)]
    /// `--tls-client-ca`: a request without a verified client certificate is refused.
    private let requiresClientCertificate: Bool

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
        self.requiresClientCertificate = configuration.tlsClientCA != nil
        let prefix = self.prefix
        self.discardingRoutes = routes != nil ? [] : configuration.flavor.endpoints.filter(\.discardsBody).map { (prefix + $0.pattern, $0.methods) }
    }

    /// Whether the server should count this request's body and keep none of it: its route
    /// discards bodies (`Endpoint.discardsBody`). Asked by the server before the body arrives.
    ///
    /// ```swift
    /// router.discardsBody(method: "POST", path: "/upload")   // true
    /// ```
    public func discardsBody(method: String, path: Substring) -> Bool {
        discardingRoutes.contains { route in route.path == path && (route.methods?.contains(method) ?? true) }
    }

    public func respond(to request: consuming Request) -> Response {
        // The request moves into the context that the handler gets: copying it there cost a retain
        // and a release for each of its strings and arrays.
        var context = RouteContext(request: request, parameters: [:], settings: settings, prefixLength: 0)
        var response = requiresClientCertificate && context.request.verifiedClientSubject.isEmpty && !isHealthProbe(context.request)
            ? Self.clientCertificateRefusal : route(&context)
        settings.flavor.decorate(&response, context.request, settings.value)
        return response
    }

    /// `/health`, at the root or under the prefix: probes (`--healthcheck`, a kubelet's httpGet)
    /// carry no client certificate, and a server that refused them would be restarted forever.
    private func isHealthProbe(_ request: Request) -> Bool {
        request.rawPath == Self.rootHealthPath || stripPrefix(request.rawPath) == Self.rootHealthPath
    }

    /// The answer to a request whose connection presented no client certificate that verifies against
    /// `--tls-client-ca` (libmicrohttpd asks for one but cannot make the handshake require it).
    static let clientCertificateRefusal = Response.error(
        403, "a client certificate issued by the authority given to --tls-client-ca is required (requests: cert=(certfile, keyfile))")

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
        // Under a path prefix, routes sit below it, but `/health` answers at the root as well, so a
        // probe (a load balancer's, a container's) needs to know no prefix.
        var prefixLength = prefix.utf8.count
        switch shortcut {
        case .malformed:
            return .error(400, "malformed request target: send a path that starts with / and has no control characters")
        case .wholeServer:
            // RFC 9110 §9.3.7: `OPTIONS *` asks about the server, not a resource. Go's servers (httpbun,
            // go-httpbin) answer it 200 with no body; this is the preflight any route gives, with the
            // methods the server's routes take, listed as a 405 lists a route's.
            var response = settings.flavor.preflight?(context.request) ?? Response(status: 200)
            response.headers.add("Allow", Self.allowValue(table.methodsTaken))
            return response
        case .found(let literal):
            found = literal
        case .search:
            let routePath: Substring
            if let below = stripPrefix(context.request.rawPath) {
                routePath = below
            } else if context.request.rawPath == Self.rootHealthPath {
                routePath = context.request.rawPath
                prefixLength = 0
            } else {
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
        // `/health` outside the prefix, in a flavor without it: nothing else answers out there.
        if found == nil && prefixLength != prefix.utf8.count { return notFound(context.request) }
        if let found {
            if method == "OPTIONS", let preflight = settings.flavor.preflight { return preflight(context.request) }
            context.parameters = found.parameters
            context.prefixLength = prefixLength
            // RFC 9110 §9.3.2: HEAD answers with the header fields GET would have, Content-Length
            // included, so the handler renders the GET (an echo would otherwise name HEAD and
            // announce a length one byte off). The transport sends no body for HEAD.
            if method.utf8.count == 4 && method == "HEAD" {
                var request = context.request
                request.method = "GET"
                context = RouteContext(request: request, parameters: context.parameters, settings: settings, prefixLength: context.prefixLength)
            }
            return Self.call(found.routes[found.index].handler, context)
        }
        if !allowed.isEmpty {
            return settings.flavor.methodNotAllowed(context.request, Self.allowValue(allowed))
        }
        // Routes the table's patterns cannot express (httpbun's `/any\b` regex), inside the prefix.
        if !settings.flavor.fallbacks.isEmpty {
            context.prefixLength = prefix.utf8.count
            for fallback in settings.flavor.fallbacks where fallback.matches(context.routePath) {
                return Self.call(fallback.handler, context)
            }
        }
        return notFound(context.request)
    }

    /// The handler's answer, with a thrown `HTTPError` as its answer and anything else a 500.
    private static func call(_ handler: Handler, _ context: RouteContext) -> Response {
        do {
            return try handler(context)
        } catch let error as HTTPError {
            return error.response
        } catch {
            return HTTPError(500, "the handler failed: \(error)").response
        }
    }

    /// An `Allow` value for routes that take `methods`: with `HEAD` wherever `GET` is, and `OPTIONS`
    /// (a preflight on any route), sorted.
    private static func allowValue(_ methods: Set<String>) -> String {
        var methods = methods
        if methods.contains("GET") { methods.insert("HEAD") }
        methods.insert("OPTIONS")
        return methods.sorted().joined(separator: ", ")
    }

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

    /// The one route that also answers outside the path prefix.
    static let rootHealthPath: Substring = "/health"

    private func stripPrefix(_ path: Substring) -> Substring? {
        guard !prefix.isEmpty else { return path }
        guard path.hasPrefix(prefix) else { return nil }
        let rest = RouteContext.path(path, below: prefix.utf8.count)
        return rest.hasPrefix("/") ? rest : nil
    }
}
