import HTTPWire
import JSONValue

/// Every endpoint the server has, in one table, as go-httpbin keeps its API in one route table: the
/// router, the 405 `Allow` lists, and whatever lists the endpoints (a landing page, an OpenAPI
/// document) are derived from it. A flavor (`Flavor`) replaces some entries' methods and handlers;
/// it never adds an endpoint this table does not name.
///
/// Order matters where two patterns fit one path: the first entry that fits and takes the method wins.
public enum Catalogue {
    private typealias E = Endpoint
    private static let get = ["GET"]
    private static let any: [String]? = nil

    /// The default flavor's endpoints.
    public static let endpoints: [Endpoint] = [
        E(.home, any, "/", "This page: every endpoint, with a link.", HomeRoutes.page),
        E(.home, any, "/index.html", "This page again, as httpbun serves it.", HomeRoutes.page),
        E(.home, get, "/openapi.json", "This server's endpoints as an OpenAPI 3.1 document, for the flavor serving it.",
          answers: .ok("application/json"), OpenAPIRoutes.document),

        // MARK: HTTP methods
        E(.methods, get, "/get", "The request's query arguments, headers, origin and URL, as JSON.") { try EchoRoutes.echo($0) },
        // go-httpbin's `HEAD /head`: /get's head, under go-httpbin's JSON type; other methods are a 405.
        E(.methods, ["HEAD"], "/head", "go-httpbin's: HEAD only, the head of /get's answer.") { context in
            var response = try EchoRoutes.echo(context)
            response.headers.set("Content-Type", "application/json; charset=utf-8")
            return response
        },
        E(.methods, ["POST"], "/post", "The request echoed, with its body read as form, JSON or files.") { try EchoRoutes.echo($0) },
        E(.methods, ["PUT"], "/put", "The request echoed, with its body read as form, JSON or files.") { try EchoRoutes.echo($0) },
        E(.methods, ["PATCH"], "/patch", "The request echoed, with its body read as form, JSON or files.") { try EchoRoutes.echo($0) },
        E(.methods, ["DELETE"], "/delete", "The request echoed, with its body read as form, JSON or files.") { try EchoRoutes.echo($0) },
        E(.methods, any, "/anything/{path*}", "Any method on any path below: the request echoed, method included.") { try EchoRoutes.echo($0) },
        E(.methods, any, "/any/{path*}", "httpbun's short spelling of /anything.") { try EchoRoutes.echo($0) },
        E(.methods, ["POST", "PUT", "PATCH"], "/upload", "go-httpbin's: the body counted and discarded, up to --max-upload-size; bytes_received and receive_seconds.",
          discardsBody: true, GoHTTPBin.upload),

        // MARK: Request inspection
        E(.inspection, any, "/headers", "The request's headers.") { .json(["headers": Echo.headers($0.request)]) },
        E(.inspection, any, "/ip", "The client's address (or the forwarded one).") { .json(["origin": .string(Echo.origin($0.request))]) },
        E(.inspection, any, "/ip.txt", "The client's address as plain text, with no newline.", answers: .ok("text/plain"), InspectionRoutes.ipText),
        E(.inspection, any, "/ip.json", "The client's address as JSON, as /ip answers.", InspectionRoutes.ip),
        E(.inspection, any, "/user-agent", "The request's User-Agent.") {
            .json(["user-agent": .string($0.request.headers.first("User-Agent") ?? "")])
        },
        E(.inspection, any, "/uuid", "A random version 4 UUID.") { context in
            var generator = context.services.randomNumbers
            return .json(["uuid": .string(RandomIdentifiers.uuid4(using: &generator))])
        },
        E(.inspection, any, "/payload", "The request body sent back as it came, with its Content-Type.",
          answers: [.init(200, "The body sent, under the Content-Type sent (none when none was sent).")], InspectionRoutes.payload),
        E(.inspection, any, "/dump/request", "go-httpbin's: the request as received, as text: request line, fields in order as sent, body.",
          answers: .ok("text/plain"), GoHTTPBin.dumpRequest),
        E(.inspection, any, "/hostname", "go-httpbin's: the server's name (--hostname, or --use-real-hostname).", GoHTTPBin.hostname),
        E(.inspection, any, "/env", "go-httpbin's: the HTTPBUN_ENV_* variables the server was started with.", GoHTTPBin.env),

        // MARK: Status codes and waits
        E(.status, any, "/status/{codes}", "Answers with the status given, or one drawn from a weighted list (200,404:2).",
          answers: .anyStatus, StatusRoutes.httpbun),
        E(.dynamic, any, "/delay/{seconds}", "OK, after a wait of this many seconds (up to --max-duration).", answers: .ok("text/plain"), DelayRoutes.delay),

        // MARK: Cookies
        E(.cookies, any, "/cookies", "The cookies the request carried.", answers: .ok("application/json")) { CookieRoutes.cookies($0.request) },
        E(.cookies, any, "/cookies/set", "Sets each query argument as a cookie, then redirects to /cookies.",
          query: [.init("{name}", "a cookie to set, as name=value")]) { CookieRoutes.set($0, $0.request.query) },
        E(.cookies, any, "/cookies/set/{name}/{value}", "Sets one cookie, then redirects to /cookies.") {
            CookieRoutes.set($0, [(name: $0[parameter: "name"], value: $0[parameter: "value"])])
        },
        E(.cookies, any, "/cookies/delete", "Expires each cookie named in the query, then redirects to /cookies.",
          query: [.init("{name}", "a cookie to delete")], CookieRoutes.delete),
        E(.cookies, any, "/cookie", "httpbun's singular spelling of /cookies.", answers: .ok("application/json")) { CookieRoutes.cookies($0.request) },
        E(.cookies, any, "/cookie/set", "httpbun's singular spelling of /cookies/set.", example: "/cookie/set?flavor=oat") {
            CookieRoutes.set($0, $0.request.query)
        },
        E(.cookies, any, "/cookie/set/{name}/{value}", "httpbun's singular spelling of /cookies/set/{name}/{value}.") {
            CookieRoutes.set($0, [(name: $0[parameter: "name"], value: $0[parameter: "value"])])
        },
        E(.cookies, any, "/cookie/delete", "httpbun's singular spelling of /cookies/delete.", example: "/cookie/delete?flavor", CookieRoutes.delete),

        E(.health, any, "/health", "Readiness: ok while the server serves.", answers: .ok("text/plain")) { _ in .text("ok") },

        // MARK: Request journal (ours; docs/journal.md). Requests to it are not recorded.
        E(.journal, ["GET", "DELETE"], "/_journal", "The requests this server answered, oldest first; DELETE clears them.",
          query: [.init("path", "targets starting with this"), .init("method", "this method only"),
                  .init("since", "entries after this id (a list's next)"), .init("limit", "at most this many"),
                  .init("wait", "seconds to wait for a first match (up to --max-duration)")], answers: .journal, JournalRoutes.list),
        E(.journal, get, "/_journal/{id}", "One journal entry by its id.", answers: .journal, JournalRoutes.entry),

        // MARK: Authentication
        E(.auth, any, "/basic-auth/{user}/{passwd}", "200 for these Basic credentials, else 401 with a challenge.") {
            AuthRoutes.basic($0, hidden: false)
        },
        E(.auth, any, "/hidden-basic-auth/{user}/{passwd}", "Like /basic-auth, but 404 instead of a challenge.",
          answers: [.ok(["application/json"], "Authenticated."), .init(404, "Not authenticated: no challenge.", ["application/json"])]) {
            AuthRoutes.basic($0, hidden: true)
        },
        E(.auth, any, "/bearer", "httpbun: a 404 pointing at /bearer/{tok}; httpbin: 200 with any Bearer token, else 401.", AuthRoutes.bearer),
        E(.auth, any, "/bearer/{tok}", "200 saying whether the Bearer token is this one; 401 without a Bearer token.", AuthRoutes.bearer),
        E(.auth, any, "/digest-auth", "httpbun's 404 saying that /digest-auth needs a user and a password.", AuthRoutes.digestWithoutCredentials),
        E(.auth, any, "/digest-auth/{user}/{passwd}", "Digest authentication, MD5; ?require-cookie=true wants the nonce cookie back.",
          AuthRoutes.httpbunDigest),
        E(.auth, any, "/digest-auth/{qop}/{user}/{passwd}", "Digest authentication with this qop (auth, auth-int, or auth,auth-int).",
          AuthRoutes.httpbunDigest),
        E(.auth, any, "/digest-auth/{qop}/{user}/{passwd}/{algorithm}", "Digest authentication with MD5, SHA-256 or SHA-512.",
          AuthRoutes.digest),
        E(.auth, any, "/digest-auth/{qop}/{user}/{passwd}/{algorithm}/{stale_after}",
          "Digest authentication whose nonces go stale after this many uses.", AuthRoutes.digest),

        // MARK: Redirects
        E(.redirects, any, "/redirect/{n}", "Redirects n times (up to 20), each Location relative to the last, then to /anything.") {
            RedirectRoutes.chain($0, absolute: false)
        },
        E(.redirects, any, "/relative-redirect/{n}", "The same chain as /redirect/{n}.") { RedirectRoutes.chain($0, absolute: false) },
        E(.redirects, any, "/absolute-redirect/{n}", "Redirects n times with Locations from the root, then to /anything.") {
            RedirectRoutes.chain($0, absolute: true)
        },
        E(.redirects, any, "/redirect-to", "Redirects to url (a path, or an allowed host) with status_code (302 by default).",
          query: [.init("url", "where to send the client"), .init("status_code", "the 3xx to answer with (302 by default; status also works)")],
          example: "/redirect-to?url=/get", answers: .redirectTo, RedirectRoutes.redirectTo),
        E(.redirects, any, "/redirect", "httpbun's short spelling of /redirect-to.",
          query: [.init("url", "where to send the client"), .init("status_code", "the 3xx to answer with")],
          example: "/redirect?url=/get", answers: .redirectTo, RedirectRoutes.redirectTo),

        // MARK: Caching
        E(.caching, any, "/cache", "304 when the request sends If-Modified-Since or If-None-Match, else the echo.", CachingRoutes.cache),
        E(.caching, any, "/cache/{n}", "The echo with Cache-Control: public, max-age=n.", CachingRoutes.cacheFor),
        E(.caching, any, "/etag/{etag}", "304 when If-None-Match is this tag exactly, else the echo.", CachingRoutes.httpbunETag),

        E(.responseHeaders, any, "/response-headers", "Each query argument becomes a response header, listed in the body.",
          query: [.init("{name}", "a header to send, as name=value")]) { ResponseHeaderRoutes.respond($0, shape: .httpbun) },
        E(.responseHeaders, any, "/response-header", "httpbun's spelling of /response-headers.",
          example: "/response-header?X-Example=1") { ResponseHeaderRoutes.respond($0, shape: .httpbun) },
        E(.responseHeaders, any, "/respond-with-header", "httpbun's spelling of /response-headers.", example: "/respond-with-header?X-Example=1") {
            ResponseHeaderRoutes.respond($0, shape: .httpbun)
        },
        E(.responseHeaders, any, "/respond-with-headers", "httpbun's spelling of /response-headers.", example: "/respond-with-headers?X-Example=1") {
            ResponseHeaderRoutes.respond($0, shape: .httpbun)
        },

        // MARK: Response composer
        E(.composer, any, "/mix/{directives*}",
          "The answer the directives compose: s=status, h=name:value, c=name:value, cd=name, r=url, b64=body, d=seconds.",
          example: "/mix/s=201/h=x-composed:yes/b64=aGVsbG8=", answers: .composed, MixRoutes.mix),
        E(.composer, any, "/mixer", "A form that builds a /mix link.", MixRoutes.mixer),
        E(.composer, any, "/help/mixer", "What each /mix directive does.", MixRoutes.help),

        // MARK: Faults
        E(.faults, any, "/unstable", "The echo, or a 500 with probability failure_rate.",
          query: [.init("failure_rate", "0 to 1, 0.5 by default"), .init("seed", "a whole number, for the same outcome every time")],
          // A seed that succeeds: the page's link shows the echo, not a coin toss.
          example: "/unstable?seed=2", answers: [.ok(["application/json"], "The request echoed."), .init(500, "The failure drawn.", ["application/json"])],
          FaultRoutes.unstable),
        E(.faults, any, "/fault/close", "Closes the connection without an answer.",
          answers: [.init(status: "default", "None: the connection closes before a status line.")]) { _ in Response(body: .closeConnection) },
        E(.faults, any, "/fault/truncate/{n}", "Announces a longer body than the n bytes it sends, then closes.",
          answers: [.ok(["application/octet-stream"], "A 200 whose body stops short of its Content-Length.")], FaultRoutes.truncate),

        // MARK: Dynamic data
        E(.dynamic, any, "/bytes", "httpbun's 400 saying that /bytes needs a size.",
          answers: [.init(400, "The size is missing.", ["text/plain"])], ByteRoutes.httpbunBytes),
        E(.dynamic, any, "/bytes/{n}", "n random bytes.", query: [.init("seed", "a whole number, for the same bytes every time")],
          ByteRoutes.httpbunBytes),
        E(.dynamic, get, "/stream-bytes/{n}", "n random bytes in chunks.",
          query: [.init("seed", "a whole number"), .init("chunk_size", "bytes per chunk")], ByteRoutes.streamBytes),
        E(.dynamic, any, "/range/{n}", "n bytes of the alphabet, answering Range requests with 206.",
          query: [.init("chunk_size", "bytes per chunk"), .init("duration", "seconds to spread the body over")],
          answers: .range, ByteRoutes.range),

        // MARK: Streams
        E(.streams, get, "/stream/{n}", "n JSON lines, each the echo with its id.", answers: .ok("application/x-ndjson"), StreamRoutes.stream),
        E(.streams, any, "/jsonl", "go-httpbin's: count JSON lines (10) over duration, after delay, with ±jitter; durations as 1.5 or 100ms.",
          query: [.init("count", "how many lines, 10 by default"), .init("duration", "over how long, 0 by default"),
                  .init("delay", "wait before the first line"), .init("jitter", "0 to 1: how much each pause varies")],
          example: "/jsonl?count=3", answers: .ok("application/x-ndjson"), GoHTTPBin.jsonl),
        E(.streams, any, "/trailers", "go-httpbin's: the echo as a chunked body, then each query argument as a trailer field.",
          query: [.init("{name}", "a trailer to send, as name=value")], example: "/trailers?X-Checksum=abc123", GoHTTPBin.trailers),
        E(.streams, any, "/drip", "numbytes bytes dripped over duration seconds.",
          query: [.init("numbytes", "how many bytes"), .init("duration", "over how many seconds, 2 by default"),
                  .init("delay", "seconds before the first, 2 by default"), .init("code", "the status")],
          answers: .dripped) { try StreamRoutes.drip($0, lines: false) },
        E(.streams, any, "/drip-lines", "Like /drip, a line at a time.",
          query: [.init("numbytes", "how many lines"), .init("duration", "over how many seconds"), .init("delay", "seconds before the first"),
                  .init("code", "the status")], answers: .dripped) { try StreamRoutes.drip($0, lines: true) },
        E(.streams, any, "/sse", "Server-sent events, count of them, delay apart.",
          query: [.init("count", "how many events, 10 by default"), .init("delay", "seconds between them, 1 by default")],
          answers: .ok("text/event-stream"), StreamRoutes.sse),
        E(.streams, get, "/websocket/echo", "go-httpbin's: a WebSocket (RFC 6455) that echoes every message, answers pings and closes cleanly.",
          query: [.init("max_fragment_size", "largest frame payload, half --max-body-size by default"),
                  .init("max_message_size", "largest message, --max-body-size by default")], WebSocketRoutes.echo),

        // MARK: Encodings
        E(.encodings, get, "/gzip", "The echo, gzip-encoded.", EncodingRoutes.gzip),
        E(.encodings, get, "/deflate", "The echo, deflate-encoded.", EncodingRoutes.deflate),
        E(.encodings, get, "/brotli", "The echo, brotli-encoded (501 where libbrotli is missing).", answers: .brotli, EncodingRoutes.brotli),
        E(.encodings, get, "/zstd", "The echo, zstd-encoded (501 where libzstd is missing).", answers: .zstd, EncodingRoutes.zstd),
        // go-httpbin's operations first: a value that starts `encode/` or `decode/` is one of them.
        E(.encodings, any, "/base64/encode/{data}", "go-httpbin's: data encoded as URL-safe base64 (?content-type= names the answer's type).",
          example: "/base64/encode/httpbun", answers: .decoded) { GoHTTPBinBase64.transform($0, operation: "encode") },
        E(.encodings, any, "/base64/decode/{data}", "go-httpbin's: URL-safe or standard base64 decoded (?content-type= names the answer's type).",
          example: "/base64/decode/aHR0cGJ1bg==", answers: .decoded) { GoHTTPBinBase64.transform($0, operation: "decode") },
        // A rest parameter, so that standard base64 with a raw `/` in it still reaches the decoder.
        E(.encodings, any, "/base64/{value*}", "The base64 value decoded (httpbun's own example when none is given).",
          example: "/base64/aHR0cGJ1bg==", answers: .decoded, EncodingRoutes.base64),
        E(.encodings, any, "/b64/{value*}", "httpbun's short spelling of /base64.", example: "/b64/aHR0cGJ1bg==", answers: .decoded, EncodingRoutes.base64),
        E(.encodings, get, "/encoding/utf8", "A page of UTF-8 text in many scripts.", answers: .ok("text/html"), EncodingRoutes.utf8),

        // MARK: Response formats
        E(.formats, any, "/html", "An HTML page.") { _ in .text(ContentRoutes.html, contentType: "text/html; charset=utf-8") },
        E(.formats, get, "/json", "A JSON document.", answers: .ok("application/json")) { _ in .json(ContentRoutes.slideshow) },
        E(.formats, get, "/xml", "An XML document.", answers: .ok("application/xml")) { _ in .text(ContentRoutes.xml, contentType: "application/xml") },
        E(.formats, any, "/robots.txt", "A robots.txt.", answers: .ok("text/plain")) { _ in .text(ContentRoutes.httpbunRobots, contentType: "text/plain; charset=utf-8") },
        E(.formats, any, "/deny", "A page robots.txt denies.", answers: .ok("text/plain")) { _ in .text(ContentRoutes.httpbunDeny, contentType: "text/plain; charset=utf-8") },
        E(.formats, get, "/forms/post", "An HTML form that posts to /post.") {
            .text(ContentRoutes.form(prefix: $0.configuration.normalizedPathPrefix), contentType: "text/html; charset=utf-8")
        },
        E(.formats, any, "/links/{n}", "A page of n links.", ContentRoutes.links),
        E(.formats, any, "/links/{n}/{offset}", "A page of n links, the offset-th one as text.", ContentRoutes.links),

        // MARK: Images
        E(.images, get, "/image", "An image in the type the Accept header prefers.", answers: .negotiatedImage, ImageRoutes.negotiated),
        E(.images, get, "/image/png", "A PNG image.") { _ in ImageRoutes.response(.png) },
        E(.images, get, "/image/jpeg", "A JPEG image.", answers: .ok("image/jpeg")) { _ in ImageRoutes.response(.jpeg) },
        E(.images, get, "/image/webp", "A WebP image.", answers: .ok("image/webp")) { _ in ImageRoutes.response(.webp) },
        E(.images, get, "/image/svg", "An SVG image.", answers: .ok("image/svg+xml")) { _ in ImageRoutes.response(.svg) },
        E(.images, any, "/svg/{seed*}", "httpbun's avatar: a circle coloured from the seed's MD5, with its first two letters.",
          example: "/svg/httpbun", answers: [.ok(["image/svg+xml"]), .init(404, "No seed.", ["text/plain"])], SVGRoutes.seeded),

        // MARK: OAuth2
        E(.oauth2, ["GET", "POST", "PUT", "PATCH", "DELETE"], "/oauth2/authorize", "A mock OAuth2 consent page (GET) and its approve/deny (POST); PKCE.") {
            OAuth2Routes.authorize($0, provider: $0.services.oauth2)
        },
        E(.oauth2, ["POST", "GET", "PUT", "PATCH", "DELETE"], "/oauth2/token", "The token endpoint (POST): code, password, client_credentials and refresh_token grants.",
          query: [.init("expires_in", "the extra grants' access token lifetime, 1 to 86400 seconds")]) { OAuth2Routes.token($0, provider: $0.services.oauth2) },
        E(.oauth2, ["GET", "POST", "PUT", "PATCH", "DELETE"], "/oauth2/userinfo", "The bearer token's email (or an extra grant's claims).") { OAuth2Routes.userinfo($0, provider: $0.services.oauth2) },

        // MARK: LLM mocks
        // Every method reaches the handlers, which answer httpbun's own 405 (`Allow: POST`) to all but POST.
        E(.llm, any, "/llm/completions", "POST: OpenAI's completions, mocked: a fixed text, usage from the prompt; streams too.",
          LLMRoutes.completions),
        E(.llm, any, "/llm/chat/completions",
          "POST: OpenAI's chat completions, mocked: a fixed reply (or httpbun.content), usage from the messages; streams too.",
          LLMRoutes.chatCompletions),
        E(.llm, any, "/llm/responses", "POST: OpenAI's responses API, mocked: a fixed reply (or httpbun.output_text); never streamed.",
          LLMRoutes.responses),
        E(.llm, any, "/llm/v1/messages",
          "POST: Anthropic's messages API, mocked: a fixed reply (or httpbun.content), usage from the messages; streams too.",
          LLMRoutes.messages),
    ]

    /// The routes of one family, for a test's router of only those.
    static func routes(in family: Endpoint.Family) -> [Route] {
        endpoints.filter { $0.family == family }.map(\.route)
    }
}

/// One entry of the catalogue: where it is, what it takes, what it does, and its handler.
public struct Endpoint: Sendable {
    /// The groups a landing page or an API document lists endpoints under.
    public enum Family: String, Sendable, CaseIterable {
        case home = "Home"
        case methods = "HTTP methods"
        case inspection = "Request inspection"
        case status = "Status codes"
        case auth = "Authentication"
        case redirects = "Redirects"
        case cookies = "Cookies"
        case caching = "Caching"
        case responseHeaders = "Response headers"
        case composer = "Response composer"
        case dynamic = "Dynamic data"
        case streams = "Streams"
        case encodings = "Encodings"
        case formats = "Response formats"
        case images = "Images"
        case faults = "Faults"
        case oauth2 = "OAuth2"
        case health = "Health"
        case journal = "Request journal"
        case llm = "LLM mocks"
    }

    /// A query argument an endpoint reads. A name in braces stands for any name (`{name}`).
    public struct Parameter: Sendable, Equatable {
        public let name: String
        public let summary: String
        public init(_ name: String, _ summary: String) {
            self.name = name
            self.summary = summary
        }
    }

    public let family: Family
    /// Methods answered; nil for every method. `GET` implies `HEAD`; every route answers `OPTIONS`.
    public let methods: [String]?
    /// The path pattern: `{name}` is one segment, `{name*}` the rest of the path.
    public let pattern: String
    public let summary: String
    public let query: [Parameter]
    /// A path this endpoint answers (a link on the home page): the pattern with each parameter
    /// filled with a value it accepts (`/delay/{seconds}` gives `/delay/1`), unless the row names one.
    public let examplePath: String
    /// The server counts this endpoint's request body as it arrives and keeps none of it
    /// (`Request.discardedBody`), so it may be as large as `maxUploadSize` (a literal pattern only).
    public let discardsBody: Bool
    /// The answers this endpoint gives besides the ones every endpoint may (`OpenAPI.swift`); nil
    /// for its family's (`Family.answers`), so that only an endpoint that differs names its own.
    public let answers: [Answer]?
    let handler: Handler

    init(
        _ family: Family, _ methods: [String]?, _ pattern: String, _ summary: String, query: [Parameter] = [],
        example: String? = nil, answers: [Answer]? = nil, discardsBody: Bool = false, _ handler: @escaping Handler
    ) {
        self.discardsBody = discardsBody
        self.family = family
        self.methods = methods
        self.pattern = pattern
        self.summary = summary
        self.query = query
        self.examplePath = example ?? Self.filled(pattern)
        self.answers = answers
        self.handler = handler
    }

    /// This endpoint with another flavor's methods and handler (and its answers, where it names them).
    func replaced(by route: FlavorRoute) -> Endpoint {
        Endpoint(
            family, route.methods, pattern, summary, query: query, example: examplePath, answers: route.answers ?? answers,
            discardsBody: discardsBody, route.handler)
    }

    /// `pattern` with each parameter replaced by a value the catalogue's endpoints accept.
    private static func filled(_ pattern: String) -> String {
        "/" + Route(nil, pattern, { _ in Response() }).segments.map { segment -> String in
            switch segment {
            case .literal(let text): text
            case .parameter(let name), .rest(let name): exampleValues[name] ?? "1"
            }
        }.joined(separator: "/")
    }

    /// A value each path parameter accepts, by name; `1` for the rest (counts, seconds, sizes).
    private static let exampleValues: [String: String] = [
        "path": "anything", "codes": "200", "user": "user", "passwd": "passwd", "qop": "auth", "algorithm": "MD5",
        "stale_after": "never", "tok": "token", "name": "flavor", "value": "oat", "etag": "abc", "offset": "0",
    ]

    /// The endpoint as one line of JSON, for tools outside Swift (`httpbun --list-endpoints`).
    public var json: JSON {
        [
            "pattern": .string(pattern), "methods": methods.map { JSON.array($0.map(JSON.string)) } ?? .null,
            "family": .string(family.rawValue), "summary": .string(summary), "example": .string(examplePath),
            "query": .array(query.map { ["name": .string($0.name), "summary": .string($0.summary)] }),
        ]
    }

    /// The path parameters, in order (`/delay/{seconds}` gives `["seconds"]`).
    public var pathParameters: [String] {
        route.segments.compactMap {
            switch $0 {
            case .literal: nil
            case .parameter(let name), .rest(let name): name
            }
        }
    }

    var route: Route { Route(methods.map(Set.init), pattern, handler) }
}
