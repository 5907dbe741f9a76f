import JSONValue

/// `/openapi.json`: an OpenAPI 3.1 document of the serving flavor's listed endpoints, written from
/// the catalogue as the home page is, so it cannot describe a route the router does not serve or
/// miss one it does. `make openapi-check` holds it to the server's answers with schemathesis.
///
/// ```swift
/// let document = OpenAPI.document(for: ServerConfiguration(pathPrefix: "/bin", flavor: .httpbin))
/// document["servers"]?[0]?["url"]      // "/bin"
/// document["paths"]?["/get"]?["get"]   // the operation: parameters, responses, media types
/// ```
///
/// How the catalogue's patterns become OpenAPI paths: `{name}` is a path parameter; a rest
/// parameter (`/anything/{path*}`) gives two paths, the bare prefix (`/anything`) and one with a
/// `{path}` parameter that may hold slashes (a client sends them percent-encoded or raw: the router
/// takes the rest of the path either way). An endpoint that takes any method is documented with
/// `GET`, `POST`, `PUT`, `PATCH` and `DELETE`; `HEAD` goes wherever `GET` does and `OPTIONS` is a
/// preflight everywhere, so neither is listed as an operation of its own.
public enum OpenAPI {
    /// The OpenAPI methods an endpoint that takes any method is documented with.
    public static let anyMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    /// The methods an OpenAPI path item can hold; an endpoint's others have no place in a document.
    static let documentableMethods: Set<String> = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]

    /// The document `/openapi.json` serves for a server of this configuration: its flavor's
    /// endpoints, its path prefix as the `servers` entry, its `--max-duration` as the longest wait
    /// a parameter may ask for.
    public static func document(for configuration: ServerConfiguration) -> JSON {
        let flavor = configuration.flavor
        let pathPrefix = configuration.normalizedPathPrefix
        let endpoints = flavor.listedEndpoints
        let server = Server(
            notFoundType: mediaType(of: flavor.notFound(Request(method: "GET", target: "/", headers: ["Host": "h"]))),
            maximumSeconds: min(configuration.maxDuration.secondsValue, 10))
        var paths = JSONObject()
        for endpoint in endpoints {
            for path in documentedPaths(endpoint.pattern) where paths[path.template] == nil {
                paths.appendUnchecked(path.template, .object(pathItem(endpoint, path, server)))
            }
        }
        let families = Endpoint.Family.allCases.filter { family in endpoints.contains { $0.family == family } }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": .string("httpbun (\(flavor.rawValue) flavor)"),
                "version": .string(HTTPBunVersion.current),
                "description": .string(description(flavor)),
            ],
            "servers": [["url": .string(pathPrefix.isEmpty ? "/" : pathPrefix)]],
            "tags": .array(families.map { ["name": .string($0.rawValue)] }),
            "paths": .object(paths),
        ]
    }

    /// The methods `endpoint` is documented with, in its own order (`anyMethods` for every method).
    ///
    /// ```swift
    /// let head = Flavor.httpbun.endpoints.first { $0.pattern == "/head" }!
    /// OpenAPI.methods(of: head)   // ["HEAD"]
    /// ```
    public static func methods(of endpoint: Endpoint) -> [String] {
        (endpoint.methods ?? anyMethods).filter(documentableMethods.contains)
    }

    /// One OpenAPI path a pattern gives: its template, its path parameters, and which of them
    /// holds the rest of the path.
    ///
    /// ```swift
    /// OpenAPI.documentedPaths("/anything/{path*}")[1]
    /// // DocumentedPath(template: "/anything/{path}", parameters: ["path"], restParameter: "path")
    /// ```
    public struct DocumentedPath: Sendable, Equatable {
        public let template: String
        public let parameters: [String]
        public let restParameter: String?
    }

    /// The OpenAPI paths of a catalogue pattern: itself, or for a rest parameter the bare prefix and
    /// the prefix with one parameter.
    ///
    /// ```swift
    /// OpenAPI.documentedPaths("/svg/{seed*}").map(\.template)   // ["/svg", "/svg/{seed}"]
    /// ```
    public static func documentedPaths(_ pattern: String) -> [DocumentedPath] {
        let segments = Route(nil, pattern, { _ in Response() }).segments
        var literal: [String] = []
        var parameters: [String] = []
        for segment in segments {
            switch segment {
            case .literal(let text): literal.append(text)
            case .parameter(let name):
                literal.append("{\(name)}")
                parameters.append(name)
            case .rest(let name):
                let prefix = "/" + literal.joined(separator: "/")
                return [
                    DocumentedPath(template: prefix, parameters: parameters, restParameter: nil),
                    DocumentedPath(template: (prefix == "/" ? "" : prefix) + "/{\(name)}", parameters: parameters + [name], restParameter: name),
                ]
            }
        }
        return [DocumentedPath(template: "/" + literal.joined(separator: "/"), parameters: parameters, restParameter: nil)]
    }

    /// What the document says that depends on the serving server rather than on the catalogue.
    private struct Server {
        /// The media type of the flavor's 404 when no route fits.
        let notFoundType: String?
        /// The longest wait a parameter may ask for without a 400.
        let maximumSeconds: Double

        func schema(_ name: String) -> JSON? {
            ["seconds", "duration", "delay"].contains(name) ? ["type": "number", "minimum": 0, "maximum": JSON(maximumSeconds)] : parameterSchemas[name]
        }
    }

    private static func pathItem(_ endpoint: Endpoint, _ path: DocumentedPath, _ server: Server) -> JSONObject {
        var item = JSONObject()
        for method in methods(of: endpoint) {
            item.appendUnchecked(method.lowercased(), .object(operation(endpoint, method, path, server)))
        }
        return item
    }

    private static func operation(_ endpoint: Endpoint, _ method: String, _ path: DocumentedPath, _ server: Server) -> JSONObject {
        var operation: JSONObject = ["tags": [.string(endpoint.family.rawValue)], "summary": .string(endpoint.summary)]
        let parameters = path.parameters.map { pathParameter($0, rest: $0 == path.restParameter, server) }
            + endpoint.query.map { queryParameter($0, server) }
        if !parameters.isEmpty { operation.appendUnchecked("parameters", .array(parameters)) }
        let body = endpoint.family.requestBody
        let takesBody = ["POST", "PUT", "PATCH", "DELETE"].contains(method) && !body.mediaTypes.isEmpty
        if takesBody {
            operation.appendUnchecked("requestBody", [
                "required": .bool(body.required),
                "content": .object(JSONObject(body.mediaTypes.map { (key: $0, value: requestSchema($0)) })),
            ])
        }
        var answers = endpoint.answers ?? endpoint.family.answers
        // What any endpoint may answer besides its own: a parameter or body it cannot use is a 400
        // (JSON from our checks, text or HTML where the flavor's original words it so), and a path
        // parameter that a flavor's converter refuses is its 404.
        if !parameters.isEmpty || takesBody { answers.append(.init(400, "A parameter or body it cannot use.", Endpoint.Answer.errorTypes)) }
        if !path.parameters.isEmpty, let notFoundType = server.notFoundType {
            answers.append(.init(404, "A path parameter this flavor does not take.", [notFoundType]))
        }
        operation.appendUnchecked("responses", .object(responses(answers)))
        return operation
    }

    /// Answers of one status merged (their media types together), in the order first given.
    /// Answers of one status merged: their media types together, the first one's summary, headers
    /// and schema (an entry's own answers come before the ones every endpoint may give).
    private static func responses(_ answers: [Endpoint.Answer]) -> JSONObject {
        var order: [String] = []
        var merged: [String: Endpoint.Answer] = [:]
        for answer in answers {
            if let known = merged[answer.status] {
                merged[answer.status] = known.adding(answer.mediaTypes)
            } else {
                order.append(answer.status)
                merged[answer.status] = answer
            }
        }
        var object = JSONObject()
        for status in order {
            let answer = merged[status]!
            var response: JSONObject = ["description": .string(answer.summary)]
            if !answer.headers.isEmpty {
                response.appendUnchecked("headers", .object(JSONObject(answer.headers.map {
                    (key: $0, value: ["required": true, "schema": ["type": "string"]])
                })))
            }
            if !answer.mediaTypes.isEmpty {
                response.appendUnchecked("content", .object(JSONObject(answer.mediaTypes.map { type in
                    (key: type, value: type == "application/json" ? answer.jsonSchema.map { ["schema": $0] } ?? [:] : [:])
                })))
            }
            object.appendUnchecked(status, .object(response))
        }
        return object
    }

    private static func pathParameter(_ name: String, rest: Bool, _ server: Server) -> JSON {
        var schema = server.schema(name) ?? ["type": "string", "minLength": 1]
        if rest { schema = ["type": "string", "minLength": 1] }
        let description = rest
            ? "The rest of the path: it may hold slashes, raw or percent-encoded; without it, the path above this one."
            : "A path segment."
        return ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": schema]
    }

    private static func queryParameter(_ parameter: Endpoint.Parameter, _ server: Server) -> JSON {
        guard parameter.name.hasPrefix("{") else {
            return [
                "name": .string(parameter.name), "in": "query", "description": .string(parameter.summary),
                "schema": server.schema(parameter.name) ?? ["type": "string"],
            ]
        }
        // `{name}` stands for any name: OpenAPI's free-form query object, each pair `name=value`.
        // Names are kept to tokens a header or cookie name can be, so the values exercise the endpoint
        // rather than its refusal of names it cannot send.
        return [
            "name": .string(String(parameter.name.dropFirst().dropLast())), "in": "query", "style": "form", "explode": true,
            "description": .string(parameter.summary + ", any number of them"),
            "schema": [
                "type": "object", "propertyNames": ["pattern": "^X-[A-Za-z0-9-]{1,20}$"],
                "additionalProperties": ["type": "string", "pattern": "^[A-Za-z0-9._-]*$"],
            ],
        ]
    }

    private static func requestSchema(_ mediaType: String) -> JSON {
        switch mediaType {
        case "application/x-www-form-urlencoded", "multipart/form-data":
            ["schema": ["type": "object", "additionalProperties": ["type": "string"]]]
        case "text/plain": ["schema": ["type": "string"]]
        default: ["schema": [:]]
        }
    }

    /// Schemas of the path and query parameters, by name: the catalogue names a thing the same way
    /// wherever it takes it (`n` is a count, `codes` a status list). Waits (`seconds`, `duration`,
    /// `delay`) are bounded by the server's `--max-duration` (`Server.schema`); any other name is a string.
    static let parameterSchemas: [String: JSON] = [
        "n": ["type": "integer", "minimum": 0, "maximum": 100],
        "offset": ["type": "integer", "minimum": 0, "maximum": 100],
        "codes": [
            "type": "string", "description": "a code, or a comma list of codes each with an optional weight (200,404:2)",
            "pattern": "^[2-5][0-9][0-9](:[1-9])?(,[2-5][0-9][0-9](:[1-9])?)*$",
        ],
        "qop": ["type": "string", "enum": ["auth", "auth-int", "auth,auth-int"]],
        "algorithm": ["type": "string", "enum": ["MD5", "SHA-256", "SHA-512"]],
        "stale_after": ["type": "string", "pattern": "^([0-9]{1,3}|never)$"],
        "seed": ["type": "integer", "minimum": 0, "maximum": 1_000_000],
        "chunk_size": ["type": "integer", "minimum": 1, "maximum": 1024],
        "numbytes": ["type": "integer", "minimum": 0, "maximum": 1000],
        "code": ["type": "integer", "minimum": 200, "maximum": 599],
        "count": ["type": "integer", "minimum": 0, "maximum": 100],
        "failure_rate": ["type": "number", "minimum": 0, "maximum": 1],
        "status_code": ["type": "integer", "minimum": 300, "maximum": 399],
        "expires_in": ["type": "integer", "minimum": 1, "maximum": 86400],
    ]

    /// The media type of an answer's `Content-Type`, without parameters; nil for no body.
    private static func mediaType(of response: Response) -> String? {
        guard let value = response.headers["Content-Type"] else { return nil }
        return String(value.prefix { $0 != ";" }).lowercased()
    }

    private static func description(_ flavor: Flavor) -> String {
        """
        The endpoints of this server in its \(flavor.rawValue) flavor, written from its route catalogue. \
        HEAD is answered wherever GET is, and OPTIONS on every path (a CORS preflight, or in httpbun's flavor \
        the route's own answer): neither is listed as an operation. A path whose last parameter may hold \
        slashes is also served without it.
        """
    }
}

extension Endpoint {
    /// One answer an endpoint may give: a status (or a class such as `5XX`), what it means, and the
    /// media types its body may have (none: no body).
    ///
    /// ```swift
    /// Endpoint.Answer(200, "The image.", ["image/png"])
    /// Endpoint.Answer(status: "5XX", "The status asked for.", Endpoint.Answer.anyBody)
    /// ```
    public struct Answer: Sendable, Equatable {
        public let status: String
        public let summary: String
        public let mediaTypes: [String]
        /// Headers every such answer carries (`Location` on a redirect).
        public private(set) var headers: [String] = []
        /// The JSON Schema its `application/json` body meets, where one says something useful.
        public private(set) var jsonSchema: JSON?

        public init(_ status: Int, _ summary: String, _ mediaTypes: [String] = []) {
            self.init(status: String(status), summary, mediaTypes)
        }

        public init(status: String, _ summary: String, _ mediaTypes: [String] = []) {
            self.status = status
            self.summary = summary
            self.mediaTypes = mediaTypes
        }

        /// The shapes of an error: our JSON, and the text or HTML page of the flavor's original.
        static let errorTypes = ["application/json", "text/plain", "text/html"]

        static func ok(_ mediaTypes: [String], _ summary: String = "The answer.") -> Answer { Answer(200, summary, mediaTypes) }

        /// This answer, with headers it always carries and the schema of its JSON body.
        func with(headers: [String] = [], jsonSchema: JSON? = nil) -> Answer {
            var answer = self
            answer.headers = headers
            answer.jsonSchema = jsonSchema
            return answer
        }

        func adding(_ more: [String]) -> Answer {
            var answer = Answer(status: status, summary, mediaTypes + more.filter { !mediaTypes.contains($0) })
            answer.headers = headers
            answer.jsonSchema = jsonSchema
            return answer
        }
    }

    /// The request body an endpoint reads: its media types (none: it reads none) and whether it must come.
    struct RequestBody {
        let mediaTypes: [String]
        let required: Bool
    }
}

extension Endpoint.Family {
    /// What an endpoint of this family answers when its entry names nothing else. A family not in the
    /// table (a new one) answers 200 with a body of some type: true of any endpoint, if vague.
    var answers: [Endpoint.Answer] {
        Self.familyAnswers[self] ?? [.ok(["*/*"])]
    }

    private static let familyAnswers: [Endpoint.Family: [Endpoint.Answer]] = [
        .home: .ok("text/html"),
        // Every flavor's echo has these keys, whatever else its endpoint adds.
        .methods: [.ok(["application/json"], "The request echoed.").with(jsonSchema: [
            "type": "object", "required": ["args", "headers", "origin", "url"],
            "properties": ["args": ["type": "object"], "headers": ["type": "object"], "origin": ["type": "string"], "url": ["type": "string"]],
        ])],
        .inspection: .ok("application/json"),
        .status: .ok("application/json"),
        // Some challenges carry a JSON reason and some no body at all: the 401 names no type.
        .auth: [
            .ok(["application/json"], "Authenticated."),
            Endpoint.Answer(401, "Not authenticated, with a challenge (a JSON reason, or no body).").with(headers: ["WWW-Authenticate"]),
        ],
        .redirects: [Endpoint.Answer(302, "A redirect, with Location.").with(headers: ["Location"]), forbiddenRedirect],
        .cookies: [Endpoint.Answer(302, "A redirect to /cookies, with Set-Cookie.").with(headers: ["Location"])],
        .caching: [.ok(["application/json"], "The request echoed."), .init(304, "Not modified."), .init(412, "If-Match did not match.")],
        .responseHeaders: [.ok(["application/json"], "The headers sent.")],
        .composer: .ok("text/html"),
        .dynamic: .ok("application/octet-stream"),
        .streams: .ok("application/json"),
        .encodings: .ok("application/json"),
        .formats: .ok("text/html"),
        .images: .ok("image/png"),
        .faults: .ok("application/json"),
        .oauth2: [
            .ok(["application/json", "text/html"]), .init(302, "Back to the client's redirect_uri."),
            .init(400, "A request the provider refuses.", ["application/json", "text/plain"]),
            .init(401, "No valid token.", ["application/json"]), .init(405, "A method the endpoint does not take.", ["text/plain", "application/json"]),
        ],
        .health: .ok("text/plain"),
        .llm: [
            .ok(["application/json", "text/event-stream"], "The mocked completion, whole or streamed."),
            .init(405, "Not POST.", ["application/json"]),
        ],
    ]

    /// The Location guard's refusal (`HTTPBunShape.guardLocation`), of any answer that sends a Location.
    static let forbiddenRedirect = Endpoint.Answer(403, "A Location outside this server and the allowed hosts.", ["text/plain"])

    /// The body an endpoint of this family reads on a method that carries one.
    var requestBody: Endpoint.RequestBody {
        switch self {
        case .methods, .inspection:
            .init(mediaTypes: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"], required: false)
        case .llm: .init(mediaTypes: ["application/json"], required: true)
        case .oauth2: .init(mediaTypes: ["application/x-www-form-urlencoded"], required: false)
        default: .init(mediaTypes: [], required: false)
        }
    }
}

/// The answers the catalogue's entries name where they differ from their family's.
extension [Endpoint.Answer] {
    /// 200 with a body of one of these types.
    static func ok(_ mediaTypes: String...) -> Self { [.ok(mediaTypes)] }

    /// Whatever status was asked for. A code without a reason phrase, or one that forbids a body,
    /// comes without one, so only 200's type is named.
    static var anyStatus: Self {
        [.ok(["application/json", "text/plain", "text/html"], "OK: httpbun's code and description, or the flavor's text.")]
            + ["2XX", "3XX", "4XX", "5XX"].map { .init(status: $0, "The status asked for, with its reason phrase as text where it has one.") }
    }

    /// `/redirect-to`: the 3xx asked for (302 by default), or the guard's 403.
    static var redirectTo: Self {
        [Endpoint.Answer(status: "3XX", "A redirect to url, with Location.").with(headers: ["Location"]), Endpoint.Family.forbiddenRedirect]
    }

    /// `/mix`: whatever the directives compose, of a type they name or that is sniffed from the body.
    static var composed: Self {
        ["2XX", "3XX", "4XX", "5XX"].map { .init(status: $0, "The composed answer: the status, headers and body the directives name.") }
            + [Endpoint.Family.forbiddenRedirect]
    }

    /// `/range/{n}`: whole, a range of it, or a range it cannot satisfy.
    static var range: Self {
        [.ok(["application/octet-stream"], "The whole body."), .init(206, "The range asked for.", ["application/octet-stream"]),
         .init(416, "A range outside the body.")]
    }

    /// `/drip`: the bytes under the status `code` asks for.
    static var dripped: Self {
        [.ok(["text/octet-stream", "application/octet-stream", "text/plain"], "The bytes, dripped.")]
            + ["2XX", "3XX", "4XX", "5XX"].map { .init(status: $0, "The status code asked for, with the bytes.") }
    }

    static var brotli: Self {
        [.ok(["application/json"], "The echo, brotli-encoded."), .init(500, "The encoder failed.", ["application/json"]),
         .init(501, "libbrotlienc is missing.", ["application/json"])]
    }

    /// `/_journal`: the entries, or a 404 saying the journal is off and how to turn it on.
    static var journal: Self {
        [.ok(["application/json"], "Journal entries."), .init(404, "The journal is off (or no entry has this id).", ["application/json"])]
    }

    static var zstd: Self {
        [.ok(["application/json"], "The echo, zstd-encoded."), .init(500, "The encoder failed.", ["application/json"]),
         .init(501, "libzstd is missing.", ["application/json"])]
    }

    /// A base64 operation's result, as text (or the type `?content-type=` names).
    static var decoded: Self { [.ok(["text/plain", "text/html", "application/octet-stream"], "The result.")] }

    static var negotiatedImage: Self {
        [.ok(["image/png", "image/jpeg", "image/webp", "image/svg+xml"], "The image Accept prefers."),
         .init(406, "Accept names no image type this server has.", ["application/json", "text/html"])]
    }
}

/// The handler of `/openapi.json`.
enum OpenAPIRoutes {
    static func document(_ context: RouteContext) -> Response {
        .json(OpenAPI.document(for: context.configuration))
    }
}
