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
