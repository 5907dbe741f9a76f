import HTTPWire

extension Flavor {
    /// httpbun's own answers (sharat87/httpbun at its HEAD): the catalogue as it is, `OPTIONS`
    /// answered by each route's handler, Go's plain-text 404, and on every answer httpbun's
    /// `X-Powered-By`, its CORS headers and its guard on `Location`.
    public static let httpbun = Flavor(
        name: "httpbun", overrides: [],
        decorate: { response, request, configuration in HTTPBunShape.decorate(&response, for: request, configuration) },
        preflight: nil,
        notFound: { _ in HTTPBunShape.notFound },
        methodNotAllowed: { _, allow in HTTPBunShape.methodNotAllowed(allow: allow) },
        fallbacks: [
            FlavorFallback(matches: HTTPBunShape.isAnythingByWordBoundary, handler: { try EchoRoutes.echo($0) }),
            // httpbun's `/mixer\b(/.*)?` and `/mix\b.*`: `/mixer/x` is the mixer, `/mix.x` a composition.
            FlavorFallback(matches: { $0.hasPrefix("/mixer/") }, handler: MixRoutes.mixer),
            FlavorFallback(matches: { HTTPBunShape.followsWordBoundary($0, after: "/mix") }, handler: MixRoutes.mix),
            // httpbun's `/drip(-lines)?(/.*)?`: a path below either is refused with its usage.
            FlavorFallback(matches: { $0.hasPrefix("/drip/") || $0.hasPrefix("/drip-lines/") }, handler: { context in
                let extra = context.routePath.drop { $0 != "/" }.dropFirst().drop { $0 != "/" }
                return .text("Unknown extra path: " + PercentCoding.decode(extra, plusAsSpace: true) + "\n" + StreamRoutes.dripUsage, status: 400)
            }),
        ],
        // Routed only to say where to go instead (httpbun's 404 texts): nothing to list.
        unlisted: ["/bearer", "/digest-auth"])
}

/// The answers httpbun gives outside its handlers (`ex.New` and `Exchange.Finish` in httpbun's Go).
enum HTTPBunShape {
    /// httpbun's `X-Powered-By` is `httpbun/` and its build's commit; a build without one (as its
    /// tests run it) sends the bare prefix, and so do we: we are not one of its commits.
    static let poweredBy = "httpbun/"
    /// The body of httpbun's refusal of a `Location` its allowlist does not pass.
    static let forbiddenRedirect = "Forbidden redirect URL. Please be careful with this link."

    /// Go's `http.NotFound`, which httpbun answers when no route fits.
    static let notFound: Response = {
        var response = Response.text("404 page not found\n", status: 404)
        response.headers.add("X-Content-Type-Options", "nosniff")
        return response
    }()

    /// httpbun serves `/any(thing)?\b.*`: besides `/any/...` and `/anything/...` (catalogue
    /// routes), `/any` or `/anything` followed by any byte that is not a word character
    /// (`/anything.json`, `/any-x`), but not `/anymore` or `/anything_x`.
    static func isAnythingByWordBoundary(_ path: Substring) -> Bool {
        followsWordBoundary(path, after: "/anything") || followsWordBoundary(path, after: "/any")
    }

    /// Whether `path` starts with `prefix` (ending in a word character) and a word boundary follows:
    /// the end, or a byte that is not a word character (regexp's `\b`).
    static func followsWordBoundary(_ path: Substring, after prefix: String) -> Bool {
        guard path.utf8.starts(with: prefix.utf8) else { return false }
        guard let next = path.utf8.dropFirst(prefix.utf8.count).first else { return true }
        return !next.isRegexpWordByte
    }

    /// httpbun's method routes refuse another method with an empty 405 naming the one they take.
    static func methodNotAllowed(allow: String) -> Response {
        Response(status: 405, headers: ["Allow": allow, "Access-Control-Allow-Methods": allow])
    }

    /// What httpbun adds to every answer: the `Location` guard first (a refused answer is replaced
    /// whole), then `X-Powered-By` and CORS. CORS answers the request's own questions: the exact
    /// `Origin` (its last value) with credentials allowed, since `*` does not work for requests that
    /// carry credentials; `Access-Control-Request-Headers` and `-Method` are echoed as the allowed ones.
    static func decorate(_ response: inout Response, for request: Request, _ configuration: ServerConfiguration) {
        let cors = CorsQuestions(request.headers)
        if cors.isEmpty && response.headers.hasIdenticalFields(to: .json) {
            // Shared, as `.json` is, so the commonest answer builds no header array of its own.
            response.headers = .jsonPoweredByHTTPBun
            return
        }
        guardLocation(&response, for: request, configuration)
        // httpbun sets these before the handler runs and copies the handler's headers over them: a
        // value the answer already has (a 405's allowed methods, `/response-headers?X-Powered-By=`) wins.
        addUnlessPresent(&response.headers, "X-Powered-By", poweredBy)
        if let origin = cors.origin {
            addUnlessPresent(&response.headers, "Access-Control-Allow-Origin", origin)
            addUnlessPresent(&response.headers, "Access-Control-Allow-Credentials", "true")
        }
        if let requested = cors.requestHeaders { addUnlessPresent(&response.headers, "Access-Control-Allow-Headers", requested) }
        if let requested = cors.requestMethod { addUnlessPresent(&response.headers, "Access-Control-Allow-Methods", requested) }
    }

    private static func addUnlessPresent(_ headers: inout HTTPHeaders, _ name: String, _ value: String) {
        if !headers.contains(name) { headers.add(name, value) }
    }

    /// Replaces an answer whose `Location` the guard refuses (`LocationGuard`) with httpbun's 403.
    /// Both flavors apply it: no route (`/mix`, `/response-headers`) makes this server an open redirect.
    static func guardLocation(_ response: inout Response, for request: Request, _ configuration: ServerConfiguration) {
        guard response.headers.contains("Location") else { return }
        let own = RedirectTarget.host(ofHostHeader: request.authority)
        let passes = response.headers.values(for: "Location").allSatisfy {
            LocationGuard.allows($0, ownHost: own, allowedHosts: configuration.allowedRedirectHosts)
        }
        if !passes { response = .text(forbiddenRedirect, status: 403) }
    }

    /// The CORS fields of a request, found in one pass over its fields.
    struct CorsQuestions {
        var origin: String?
        var requestHeaders: String?
        var requestMethod: String?
        var isEmpty: Bool { origin == nil && requestHeaders == nil && requestMethod == nil }

        init(_ headers: HTTPHeaders) {
            for field in headers {
                // The length first: most fields are none of these, and a count is cheaper than a comparison.
                switch field.name.utf8.count {
                case 6 where field.name.equalsASCIICaseInsensitive("Origin"):
                    origin = field.value  // httpbun reads the last one
                case 29 where requestMethod == nil && field.name.equalsASCIICaseInsensitive("Access-Control-Request-Method"):
                    requestMethod = field.value
                case 30 where requestHeaders == nil && field.name.equalsASCIICaseInsensitive("Access-Control-Request-Headers"):
                    requestHeaders = field.value
                default: break
                }
            }
            // Go's `Header.Get` reads the first value, and httpbun sets nothing for an empty one.
            if origin?.isEmpty == true { origin = nil }
            if requestHeaders?.isEmpty == true { requestHeaders = nil }
            if requestMethod?.isEmpty == true { requestMethod = nil }
        }
    }
}

extension HTTPHeaders {
    /// `Content-Type: application/json` and httpbun's `X-Powered-By`: a JSON answer to a request
    /// that asks no CORS question, the commonest header set of all, made once.
    static let jsonPoweredByHTTPBun: HTTPHeaders = ["Content-Type": "application/json", "X-Powered-By": HTTPBunShape.poweredBy]
}
