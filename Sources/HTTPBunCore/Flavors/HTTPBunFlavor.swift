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
        methodNotAllowed: { _, allow in HTTPBunShape.methodNotAllowed(allow: allow) })
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
        if response.headers.contains("Location") {
            let own = RedirectTarget.host(ofHostHeader: request.authority)
            let passes = response.headers.values(for: "Location").allSatisfy {
                LocationGuard.allows($0, ownHost: own, allowedHosts: configuration.allowedRedirectHosts)
            }
            if !passes { response = .text(forbiddenRedirect, status: 403) }
        }
        response.headers.set("X-Powered-By", poweredBy)
        if let origin = cors.origin {
            response.headers.set("Access-Control-Allow-Origin", origin)
            response.headers.set("Access-Control-Allow-Credentials", "true")
        }
        if let requested = cors.requestHeaders { response.headers.set("Access-Control-Allow-Headers", requested) }
        if let requested = cors.requestMethod { response.headers.set("Access-Control-Allow-Methods", requested) }
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
