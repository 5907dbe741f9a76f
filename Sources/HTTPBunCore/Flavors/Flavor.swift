import HTTPWire

/// Whose answers the server copies: the catalogue's endpoints with some replaced, and the shapes of
/// what no endpoint answers (404, 405, preflights) and of the headers every answer gets. A value, so
/// the router has no branch per flavor, and a third flavor is one more file beside `HTTPBinFlavor.swift`.
///
/// ```swift
/// var configuration = ServerConfiguration(flavor: .httpbin)
/// Flavor(rawValue: "httpbin") == .httpbin   // the name `--flavor` takes
/// Flavor.httpbin.endpoints.count            // the catalogue, with httpbin's methods and shapes
/// ```
public struct Flavor: Sendable, Hashable, CustomStringConvertible {
    /// The name `--flavor` and `HTTPBUN_FLAVOR` take.
    public let rawValue: String
    /// Routes that replace the catalogue's endpoint of the same pattern.
    let overrides: [FlavorRoute]
    /// The catalogue as this flavor serves it: each endpoint an override names takes the
    /// override's methods and handler, in the catalogue's order.
    public let endpoints: [Endpoint]
    /// The endpoints a page or document lists: `endpoints` without those the flavor routes only to
    /// answer "not here" (httpbun's bare `/bearer`, a 404 that names the right path).
    public let listedEndpoints: [Endpoint]
    /// What every answer gets on its way out (CORS, mostly; httpbun's Location guard).
    let decorate: @Sendable (inout Response, Request, ServerConfiguration) -> Void
    /// The answer to `OPTIONS` on a route (before `decorate`); nil when the route's handler answers
    /// `OPTIONS` as it answers any method (httpbun's way).
    let preflight: (@Sendable (Request) -> Response)?
    /// The answer when no pattern fits.
    let notFound: @Sendable (Request) -> Response
    /// The answer when patterns fit but none takes the method; `allow` is the `Allow` value.
    let methodNotAllowed: @Sendable (_ request: Request, _ allow: String) -> Response
    /// Routes tried in order when no pattern fits, for paths the catalogue's patterns cannot express.
    let fallbacks: [FlavorFallback]
    /// Whether the flavor refuses a path a pattern fits (Flask's strict slashes); nil when it never does.
    let refusesPath: (@Sendable (_ path: Substring, _ route: Route, _ parameters: [String: String]) -> Bool)?

    init(
        name: String, overrides: [FlavorRoute], decorate: @escaping @Sendable (inout Response, Request, ServerConfiguration) -> Void,
        preflight: (@Sendable (Request) -> Response)?, notFound: @escaping @Sendable (Request) -> Response,
        methodNotAllowed: @escaping @Sendable (Request, String) -> Response,
        refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)? = nil, fallbacks: [FlavorFallback] = [],
        unlisted: Set<String> = []
    ) {
        self.rawValue = name
        self.overrides = overrides
        let endpoints = Catalogue.endpoints.map { endpoint in
            overrides.first { $0.pattern == endpoint.pattern }.map(endpoint.replaced) ?? endpoint
        }
        self.endpoints = endpoints
        self.listedEndpoints = endpoints.filter { !unlisted.contains($0.pattern) }
        self.decorate = decorate
        self.preflight = preflight
        self.notFound = notFound
        self.methodNotAllowed = methodNotAllowed
        self.refusesPath = refusesPath
        self.fallbacks = fallbacks
    }

    /// Every flavor, default first.
    public static let allCases: [Flavor] = [.httpbun, .httpbin]

    /// The flavor of this name, or nil.
    public init?(rawValue: String) {
        guard let found = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = found
    }

    public var description: String { rawValue }
    public static func == (left: Flavor, right: Flavor) -> Bool { left.rawValue == right.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

/// A flavor's own methods and handler for a catalogue pattern.
struct FlavorRoute: Sendable {
    let methods: [String]?
    let pattern: String
    /// The answers when this flavor's differ from the catalogue entry's; nil keeps the entry's.
    let answers: [Endpoint.Answer]?
    let handler: Handler

    init(_ methods: [String]?, _ pattern: String, answers: [Endpoint.Answer]? = nil, _ handler: @escaping Handler) {
        self.methods = methods
        self.pattern = pattern
        self.answers = answers
        self.handler = handler
    }
}

/// A route outside the catalogue's pattern language: which paths (below the prefix, still escaped)
/// it takes, and its handler.
struct FlavorFallback: Sendable {
    let matches: @Sendable (Substring) -> Bool
    let handler: Handler
}
