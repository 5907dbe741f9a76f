import HTTPWire
import JSONValue
import HTTPCompression

// `--flavor httpbin`: python httpbin 0.10.4 (the server behind pytest-httpbin), all in this file:
// the flavor value, its routes, and the shapes of its answers.

extension Flavor {
    /// python httpbin 0.10.4's answers: its routes' methods and shapes, Flask's 404 and 405 pages
    /// and strict slashes, and its CORS headers on every answer.
    public static let httpbin = Flavor(
        name: "httpbin", overrides: HTTPBinRoutes.overrides,
        decorate: { response, request, configuration in
            HTTPBunShape.guardLocation(&response, for: request, configuration)
            HTTPBinShape.decorate(&response, for: request)
        },
        preflight: { HTTPBinShape.preflight(for: $0) },
        notFound: { _ in HTTPBinShape.notFound() },
        methodNotAllowed: { _, allow in HTTPBinShape.methodNotAllowed(allow: allow) },
        refusesPath: { path, route, parameters in HTTPBinShape.refusesSlashes(path, route: route, parameters: parameters) },
        // httpbun's hints with no httpbin counterpart answer Flask's 404 here: nothing to list.
        unlisted: ["/bytes", "/digest-auth"])
}

/// The routes whose answers python httpbin 0.10.4 shapes differently from httpbun. Each replaces
/// the catalogue's endpoint of the same pattern (`Flavor.endpoints`); endpoints httpbin does not
/// have (`/any`, `/payload`, `/sse`, `/health`, ...) stay as they are.
///
/// Method sets are httpbin's: a Flask route without `methods` answers GET (and HEAD, OPTIONS) only,
/// so `POST /headers` is a 405 there and here.
enum HTTPBinRoutes {
    static let get = ["GET"]
    /// The methods httpbin lists on `/anything`, `/status`, `/delay` and `/redirect-to`.
    static let common = ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"]

    static let overrides: [FlavorRoute] = [
        FlavorRoute(get, "/get", { echo($0, HTTPBinShape.getKeys) }),
        FlavorRoute(["POST"], "/post", { echo($0, HTTPBinShape.bodyKeys) }),
        FlavorRoute(["PUT"], "/put", { echo($0, HTTPBinShape.bodyKeys) }),
        FlavorRoute(["PATCH"], "/patch", { echo($0, HTTPBinShape.bodyKeys) }),
        FlavorRoute(["DELETE"], "/delete", { echo($0, HTTPBinShape.bodyKeys) }),
        FlavorRoute(common, "/anything/{path*}", { echo($0, HTTPBinShape.anythingKeys) }),

        FlavorRoute(get, "/headers", { HTTPBinShape.json(["headers": HTTPBinShape.headers($0.request)]) }),
        FlavorRoute(get, "/ip", { HTTPBinShape.json(["origin": .string(HTTPBinShape.origin($0.request))]) }),
        FlavorRoute(get, "/user-agent", { HTTPBinShape.json(["user-agent": .string($0.request.headers.first("User-Agent") ?? "")]) }),
        FlavorRoute(get, "/uuid", { context in
            var generator = context.services.randomNumbers
            return HTTPBinShape.json(["uuid": .string(RandomIdentifiers.uuid4(using: &generator))])
        }),

        FlavorRoute(common, "/status/{codes}", status),
        FlavorRoute(common, "/delay/{seconds}", answers: [.ok(["application/json"], "The request echoed, after the wait.")], delay),

        FlavorRoute(get, "/cookies", cookies),
        FlavorRoute(get, "/cookies/set", { setCookies($0, firstPerName($0.request.query)) }),
        FlavorRoute(get, "/cookies/set/{name}/{value}", { setCookies($0, [(name: $0[parameter: "name"], value: $0[parameter: "value"])]) }),
        FlavorRoute(get, "/cookies/delete", deleteCookies),

        FlavorRoute(get, "/basic-auth/{user}/{passwd}", { basic($0, hidden: false) }),
        FlavorRoute(get, "/hidden-basic-auth/{user}/{passwd}", { basic($0, hidden: true) }),
        FlavorRoute(get, "/bearer", bearer),
        // Paths httpbun answers with a sentence and httpbin has no route for: Flask's 404.
        FlavorRoute(nil, "/digest-auth", { _ in HTTPBinShape.notFound() }),
        FlavorRoute(get, "/digest-auth/{qop}/{user}/{passwd}", digest),
        FlavorRoute(get, "/digest-auth/{qop}/{user}/{passwd}/{algorithm}", digest),
        FlavorRoute(get, "/digest-auth/{qop}/{user}/{passwd}/{algorithm}/{stale_after}", digest),

        FlavorRoute(get, "/redirect/{n}", { try chain($0, kind: .redirect) }),
        FlavorRoute(get, "/relative-redirect/{n}", { try chain($0, kind: .relative) }),
        FlavorRoute(get, "/absolute-redirect/{n}", { try chain($0, kind: .absolute) }),
        FlavorRoute(common, "/redirect-to", redirectTo),

        FlavorRoute(nil, "/bytes", { _ in HTTPBinShape.notFound() }),
        FlavorRoute(get, "/bytes/{n}", { .bytes(try pythonRandomBytes(cappedSize($0)), contentType: "application/octet-stream") }),
        FlavorRoute(get, "/stream-bytes/{n}", { try streamBytes(cappedSize($0)) }),
        FlavorRoute(get, "/stream/{n}", answers: [.ok(["application/json"], "n JSON lines (under httpbin's application/json).")], stream),
        FlavorRoute(get, "/range/{n}", answers: .range + [.init(404, "A size outside (0, 102400].", ["text/plain"])], range),
        FlavorRoute(get, "/drip", drip),

        FlavorRoute(get, "/gzip", { try compressed($0, flag: "gzipped") }),
        FlavorRoute(get, "/deflate", { try compressed($0, flag: "deflated") }),
        FlavorRoute(get, "/brotli", { try compressed($0, flag: "brotli") }),
        FlavorRoute(get, "/base64/{value*}", base64),

        FlavorRoute(get, "/html", { _ in .text(ContentRoutes.html, contentType: "text/html; charset=utf-8") }),
        FlavorRoute(get, "/json", { _ in HTTPBinShape.json(ContentRoutes.slideshow) }),
        FlavorRoute(get, "/xml", { _ in .text(xml, contentType: "application/xml") }),
        FlavorRoute(get, "/robots.txt", { _ in .text(ContentRoutes.robots, contentType: "text/plain") }),
        FlavorRoute(get, "/deny", { _ in .text(angryASCII, contentType: "text/plain") }),
        FlavorRoute(get, "/links/{n}", answers: [.init(302, "A redirect to /links/{n}/0.", ["text/html"])], linksRedirect),
        FlavorRoute(get, "/links/{n}/{offset}", links),
        FlavorRoute(get, "/image", image),

        FlavorRoute(get, "/cache", cache),
        FlavorRoute(get, "/cache/{n}", cacheFor),
        FlavorRoute(get, "/etag/{etag}", etag),
        // httpbin keeps names as sent and lists the headers without a wrapper, in its JSON layout.
        FlavorRoute(["GET", "POST"], "/response-headers", { ResponseHeaderRoutes.respond($0, shape: .httpbin) }),
    ]

    // MARK: Helpers

    static func echo(_ context: RouteContext, _ keys: [HTTPBinShape.EchoKey]) -> Response {
        HTTPBinShape.json(.object(HTTPBinShape.echo(context.request, keys)))
    }

    /// Flask's `<int:n>`: digits only, anything else is no route at all (404). Digits past `Int`
    /// read as `Int.max`, which every caller caps or refuses.
    static func wholeNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text) ?? Int.max
    }

    /// python's `dict(request.args.items())`: the first value of each name.
    static func firstPerName(_ pairs: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var seen: Set<String> = []
        return pairs.filter { seen.insert($0.name).inserted }
    }

    /// `scheme://host` as werkzeug's `url_for(_external=True)` writes it (no proxy headers).
    static func hostURL(_ request: Request) -> String {
        request.scheme + "://" + request.authority
    }

    // MARK: Status and delay

    static func status(_ context: RouteContext) throws(HTTPError) -> Response {
        let text = context[parameter: "codes"]
        var codes: [Int] = []
        var weights: [Double] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            // python's int() and float() ignore surrounding whitespace.
            guard parts.count <= 2, let code = Int(parts[0].trimmingSpaces), parts.count == 1 || Double(parts[1].trimmingSpaces) != nil else {
                return HTTPBinShape.text("Invalid status code", status: 400)
            }
            codes.append(code)
            weights.append(parts.count == 2 ? Double(parts[1].trimmingSpaces)! : 1)
        }
        // Codes a response line cannot carry, and weights `pick` cannot draw from, keep the default
        // flavor's answer (a 400 that says why).
        guard codes.allSatisfy({ (200...599).contains($0) }), let choice = try? StatusChoice(codes: codes, weights: weights) else {
            return try StatusRoutes.status(context)
        }
        var generator = context.services.randomNumbers
        return HTTPBinShape.status(choice.pick(using: &generator))
    }

    /// httpbin caps the wait at 10 seconds instead of refusing a longer one.
    static func delay(_ context: RouteContext) throws(HTTPError) -> Response {
        let text = context[parameter: "seconds"]
        let wait = try DurationParameter.parse(text, name: "delay", maximum: .seconds(1_000_000_000))
        var response = echo(context, HTTPBinShape.delayKeys)
        response.delay = min(wait, .seconds(10), context.configuration.maxDuration)
        return response
    }

    // MARK: Cookies

    static let environmentCookies: Set<String> = [
        "_gauges_unique", "_gauges_unique_year", "_gauges_unique_month", "_gauges_unique_day", "_gauges_unique_hour",
        "__utmz", "__utma", "__utmb",
    ]

    static func cookies(_ context: RouteContext) -> Response {
        let showEnvironment = HTTPBinShape.showsEnvironment(context.request)
        var object = JSONObject()
        for pair in CookieHeader.parseAsWerkzeug(context.request.headers.values(for: "Cookie")) where object[pair.name] == nil {
            if !showEnvironment && environmentCookies.contains(pair.name) { continue }
            object.appendUnchecked(pair.name, .string(pair.value))
        }
        return HTTPBinShape.json(["cookies": .object(object)])
    }

    static func setCookies(_ context: RouteContext, _ pairs: [(name: String, value: String)]) -> Response {
        SetCookie.adding(
            pairs, to: HTTPBinShape.redirect(to: context.configuration.normalizedPathPrefix + "/cookies"), secure: context.request.scheme == "https")
    }

    static func deleteCookies(_ context: RouteContext) -> Response {
        SetCookie.expiring(
            firstPerName(context.request.query).map(\.name),
            on: HTTPBinShape.redirect(to: context.configuration.normalizedPathPrefix + "/cookies"))
    }

    // MARK: Auth

    /// 200 with the user, else httpbin's bare 401 (challenge, no body) or, hidden, a bare 404.
    static func basic(_ context: RouteContext, hidden: Bool) -> Response {
        let credentials = context.request.headers.first("Authorization").flatMap(AuthorizationHeader.basicCredentials)
        if let credentials, credentials.user == context[parameter: "user"], credentials.password == context[parameter: "passwd"] {
            return HTTPBinShape.json(["authenticated": true, "user": .string(credentials.user)])
        }
        return hidden ? HTTPBinShape.empty(404) : HTTPBinShape.status(401)
    }

    /// Any `Authorization: Bearer <token>` passes; otherwise an empty 401 with `WWW-Authenticate: Bearer`.
    static func bearer(_ context: RouteContext) -> Response {
        // Trailing spaces are not part of a field value (`Bearer ` is no token at all).
        guard let authorization = context.request.headers.first("Authorization")?.trimmingSpaces, authorization.hasPrefix("Bearer ") else {
            var response = HTTPBinShape.empty(401)
            response.headers.add("WWW-Authenticate", "Bearer")
            return response
        }
        return HTTPBinShape.json(["authenticated": true, "token": .string(String(authorization.dropFirst("Bearer ".count)))])
    }

    static let digestRealm = "me@kennethreitz.com"

    /// Our digest check (nonces, `nc` counting, `stale_after` as a count) under httpbin's realm, with
    /// httpbin's challenge: parameters in its order, `stale=False` spelled as python does, an empty
    /// body, and the `stale_after`, `last_nonce` and `fake` cookies it sets.
    static func digest(_ context: RouteContext) throws(HTTPError) -> Response {
        // httpbin reads a qop other than auth or auth-int as none (the challenge offers both) and
        // an algorithm it does not know as MD5.
        var parameters = context.parameters
        if let qop = parameters["qop"], qop != "auth" && qop != "auth-int" { parameters["qop"] = "auth,auth-int" }
        if let algorithm = parameters["algorithm"], !["MD5", "SHA-256", "SHA-512"].contains(algorithm) { parameters["algorithm"] = "MD5" }
        let context = RouteContext(request: context.request, parameters: parameters, settings: context.settings, prefixLength: context.prefixLength)
        guard var check = try? AuthRoutes.digestCheck(context) else { return try AuthRoutes.digest(context) }
        check.realm = digestRealm
        check.acceptsLegacyAnswers = true
        // httpbin counts `stale_after` down in a cookie, not by `nc` (an RFC 2069 answer has none).
        check.staleAfter = nil
        let request = context.request
        let now = context.services.secondsSinceEpoch
        var generator = context.services.randomNumbers
        let authorization = request.headers.first("Authorization")
        var verdict = check.verify(authorization: authorization, method: request.method, target: request.target, body: request.body, now: now)
        // httpbin's staleness, judged before the answer: the nonce its last challenge was answered
        // with (the `last_nonce` cookie), or a `stale_after` cookie counted down to 0.
        let cookies = CookieHeader.parseAsWerkzeug(request.headers.values(for: "Cookie"))
        let staleAfterCookie = cookies.first { $0.name == "stale_after" }?.value
        if let nonce = authorization.flatMap(AuthorizationHeader.digestParameters)?["nonce"],
            cookies.first(where: { $0.name == "last_nonce" })?.value == nonce || staleAfterCookie == "0"
        {
            verdict = .stale("the nonce was answered before, or stale_after ran out")
        }
        var stale = false
        switch verdict {
        case .authenticated:
            var response = HTTPBinShape.json(["authenticated": true, "user": .string(check.user)])
            response.headers.add("Set-Cookie", "fake=fake_value; Path=/")
            if let staleAfterCookie, !staleAfterCookie.isEmpty {
                // `next_stale_after_value`: one less, or `never` for what is not a number.
                let next = PythonRandom.int(staleAfterCookie).map { String($0 &- 1) }
                response.headers.add("Set-Cookie", "stale_after=\(SetCookie.werkzeugValue(next ?? "never")); Path=/")
            }
            return response
        case .stale: stale = true
        case .rejected: break
        }
        var response = HTTPBinShape.empty(401)
        response.headers.add(
            "WWW-Authenticate",
            "Digest realm=\"\(check.realm)\", nonce=\"\(DigestNonce.issue(at: now, key: check.key, using: &generator))\", "
                + "opaque=\"\(DigestNonce.opaque(key: check.key))\", qop=\"\(check.qops.joined(separator: ", "))\", "
                + "algorithm=\(check.algorithm.rawValue), stale=\(stale ? "True" : "False")")
        response.headers.add("Set-Cookie", "stale_after=\(context.parameters["stale_after"] ?? "never"); Path=/")
        // After a wrong answer httpbin also remembers the nonce the client used.
        if let nonce = request.headers.first("Authorization").flatMap(AuthorizationHeader.digestParameters)?["nonce"] {
            response.headers.add("Set-Cookie", "last_nonce=\(SetCookie.werkzeugValue(nonce)); Path=/")
        }
        response.headers.add("Set-Cookie", "fake=fake_value; Path=/")
        return response
    }

    // MARK: Redirects

    enum ChainKind { case redirect, relative, absolute }

    /// `/redirect/n` goes on through `/relative-redirect` (or `/absolute-redirect` with
    /// `?absolute=true`), as httpbin's does. `/relative-redirect` answers with an empty body; the
    /// others with Flask's redirect page.
    static func chain(_ context: RouteContext, kind: ChainKind) throws(HTTPError) -> Response {
        guard let hops = wholeNumber(context[parameter: "n"]) else { return HTTPBinShape.notFound() }
        guard (1...RedirectRoutes.maximumHops).contains(hops) else {
            return .error(400, "invalid redirect count \"\(hops)\": use a whole number from 1 to \(RedirectRoutes.maximumHops)")
        }
        let request = context.request
        let absolute = kind == .absolute || (kind == .redirect && request.queryValue("absolute")?.asciiLowercased == "true")
        let prefix = context.configuration.normalizedPathPrefix
        var location = hops == 1 ? prefix + "/get" : prefix + (absolute ? "/absolute-redirect/" : "/relative-redirect/") + String(hops - 1)
        if absolute { location = hostURL(request) + location }
        if kind == .relative {
            var response = HTTPBinShape.empty(302)
            response.headers.add("Location", location)
            return response
        }
        return HTTPBinShape.redirect(to: location)
    }

    /// httpbin ignores a `status_code` outside 300–399 (302 then) and answers an empty body; which
    /// hosts a client may be sent to stays our rule.
    static func redirectTo(_ context: RouteContext) throws(HTTPError) -> Response {
        // httpbin reads these arguments case-insensitively (`?URL=`).
        func argument(_ name: String) -> String? {
            context.request.query.first { $0.name.asciiLowercased == name }?.value
        }
        var status = 302
        if let text = argument("status_code") {
            guard let code = Int(text) else {
                return .error(400, "invalid status_code \"\(text)\": use a redirect status from 300 to 399")
            }
            if (300...399).contains(code) { status = code }
        }
        var response = HTTPBinShape.empty(status)
        response.headers.add("Location", try RedirectRoutes.allowedLocation(context, url: argument("url")))
        return response
    }

    // MARK: Streams and bytes

    /// n lines (at most 100) of `{"url", "args", "headers", "origin", "id"}` in python's
    /// `json.dumps` layout, as `application/json`.
    static func stream(_ context: RouteContext) throws(HTTPError) -> Response {
        guard let requested = wholeNumber(context[parameter: "n"]) else { return HTTPBinShape.notFound() }
        let count = min(requested, StreamRoutes.maximumLines)
        let echo = HTTPBinShape.echo(context.request, HTTPBinShape.getKeys)
        let chunks = (0..<count).map { index -> TimedStream.Chunk in
            var line = echo
            line.appendUnchecked("id", JSON(index))
            return TimedStream.Chunk(bytes: JSON.object(line).serializedBytes(HTTPBinShape.pythonCompact) + [UInt8(ascii: "\n")])
        }
        return Response(headers: ["Content-Type": "application/json"], body: .stream(TimedStream(chunks)))
    }

    static let rangeLimit = 100 * 1024

    /// `CaseInsensitiveDict(request.args.items())[name]`: the first value of each distinct name,
    /// and of names equal but for case, the one seen last.
    static func caseInsensitiveArgument(_ request: Request, _ name: String) -> String? {
        firstPerName(request.query).last { $0.name.lowercased() == name }?.value
    }

    /// `/bytes/{n}` as python httpbin draws them: `random.seed(int(seed))` when a seed is given,
    /// then one `random.randint(0, 255)` per byte, so a seed gives python's bytes. Without one,
    /// python's generator is seeded from the server's randomness.
    static func pythonRandomBytes(_ context: RouteContext) throws(HTTPError) -> [UInt8] {
        let count = try ByteCountParameter.parse(context[parameter: "n"], maximum: context.configuration.maxBodySize)
        var random: PythonRandom
        if let seed = caseInsensitiveArgument(context.request, "seed") {
            // httpbin's `int()` raises there, a 500; a 400 says what was wrong.
            guard let seeded = PythonRandom(seed: seed) else { throw .badRequest("invalid seed \"\(seed)\": use a whole number such as 42") }
            random = seeded
        } else {
            var fallback = context.services.randomNumbers
            random = PythonRandom(words: (0..<4).map { _ in UInt32(truncatingIfNeeded: fallback.next()) })
        }
        return random.bytes(count)
    }

    /// `/stream-bytes/{n}`: `pythonRandomBytes` in chunks of `chunk_size` (10 KiB by default; less
    /// than 1 is 1, as httpbin's `max(1, int(...))` makes it).
    static func streamBytes(_ context: RouteContext) throws(HTTPError) -> Response {
        var chunkSize = ByteRoutes.defaultChunkSize
        if let text = caseInsensitiveArgument(context.request, "chunk_size") {
            guard let size = PythonRandom.int(text) else {
                throw .badRequest("invalid chunk_size \"\(text)\": use a whole number such as 1024")
            }
            chunkSize = max(1, size)
        }
        let chunks = ByteRoutes.split(try pythonRandomBytes(context), chunkSize: chunkSize).map { TimedStream.Chunk(bytes: Array($0)) }
        return Response(headers: ["Content-Type": "application/octet-stream"], body: .stream(TimedStream(chunks)))
    }

    /// httpbin cuts `/bytes/n` and `/stream-bytes/n` to 100 KiB instead of refusing more.
    static func cappedSize(_ context: RouteContext) -> RouteContext {
        guard let count = wholeNumber(context[parameter: "n"]), count > rangeLimit else { return context }
        var parameters = context.parameters
        parameters["n"] = String(rangeLimit)
        return RouteContext(request: context.request, parameters: parameters, settings: context.settings, prefixLength: context.prefixLength)
    }

    /// The default `/range` body, with httpbin's headers: an unquoted `ETag`, `Content-Range` on
    /// full answers too, a bare 416, and a 404 with a sentence for sizes outside (0, 102400].
    static func range(_ context: RouteContext) throws(HTTPError) -> Response {
        guard let length = wholeNumber(context[parameter: "n"]) else { return HTTPBinShape.notFound() }
        let tag = "range\(length)"
        guard length > 0, length <= rangeLimit else {
            var response = HTTPBinShape.text("number of bytes must be in the range (0, 102400]", status: 404)
            response.headers.add("ETag", tag)
            response.headers.add("Accept-Ranges", "bytes")
            return response
        }
        let (first, last) = requestedRange(context.request.headers.first("Range"), length: length)
        guard first <= last, (0..<length).contains(first), (0..<length).contains(last) else {
            var response = HTTPBinShape.empty(416, contentType: HTTPBinShape.plain)
            response.headers.add("ETag", tag)
            response.headers.add("Accept-Ranges", "bytes")
            response.headers.add("Content-Range", "bytes */\(length)")
            return response
        }
        // The default route cuts and streams the body; hand it the range httpbin settled on.
        var request = context.request
        request.headers.remove("Range")
        if first != 0 || last != length - 1 { request.headers.add("Range", "bytes=\(first)-\(last)") }
        var response = try ByteRoutes.range(
            RouteContext(request: request, parameters: context.parameters, settings: context.settings, prefixLength: context.prefixLength))
        if response.status == 200 || response.status == 206 {
            response.headers.set("ETag", tag)
            response.headers.set("Content-Range", "bytes \(first)-\(last)/\(length)")
        }
        return announcingLength(response)
    }

    /// httpbin's timed streams (`/drip`, `/range?duration=`) send a `Content-Length`, not chunks.
    static func announcingLength(_ response: Response) -> Response {
        guard case .stream(var stream) = response.body else { return response }
        stream.announcesLength = true
        var response = response
        response.body = .stream(stream)
        return response
    }

    /// httpbin's own `Range` reading: `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything it cannot read
    /// (a list of ranges, another unit) means the whole body. An end past the body is not clamped.
    static func requestedRange(_ header: String?, length: Int) -> (first: Int, last: Int) {
        var left: Int?
        var right: Int?
        if let text = header?.trimmingSpaces, text.hasPrefix("bytes") {
            let components = text.split(separator: "=", omittingEmptySubsequences: false)
            if components.count == 2 {
                let pieces = components[1].split(separator: "-", omittingEmptySubsequences: false)
                if pieces.count > 1 { right = Int(pieces[1].trimmingSpaces) }
                left = Int(pieces[0].trimmingSpaces)
            }
        }
        switch (left, right) {
        case (nil, nil): return (0, length - 1)
        case (nil, let count?): return (max(0, length - count), length - 1)
        case (let first?, nil): return (first, length - 1)
        case (let first?, let last?): return (first, last)
        }
    }

    static func drip(_ context: RouteContext) throws(HTTPError) -> Response {
        if let text = context.request.queryValue("numbytes"), let count = Int(text), count <= 0 {
            return HTTPBinShape.text("number of bytes must be positive", status: 400)
        }
        return announcingLength(try StreamRoutes.drip(context, lines: false, style: .httpbin))
    }

    // MARK: Encodings

    /// `{"headers", "method", "origin", "<flag>": true}`, compressed whatever `Accept-Encoding` says.
    static func compressed(_ context: RouteContext, flag: String) throws(HTTPError) -> Response {
        let request = context.request
        let object: JSON = [
            "headers": HTTPBinShape.headers(request), "method": .string(request.method),
            "origin": .string(HTTPBinShape.origin(request)), flag: true,
        ]
        let json = object.serializedBytes(HTTPBinShape.jsonFormat)
        switch flag {
        case "gzipped": return EncodingRoutes.encoded(Compression.compress(json, format: .gzip), encoding: "gzip")
        case "deflated": return EncodingRoutes.encoded(Compression.compress(json, format: .zlib), encoding: "deflate")
        default:
            guard Brotli.canCompress, let bytes = Brotli.compress(json) else { return try EncodingRoutes.brotli(context) }
            return EncodingRoutes.encoded(bytes, encoding: "br")
        }
    }

    /// python's lenient `urlsafe_b64decode`: characters outside the alphabet are skipped, padding
    /// is required; the bytes must be UTF-8. Anything else gets httpbin's hint, with a 200.
    static func base64(_ context: RouteContext) throws(HTTPError) -> Response {
        let hint = "Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l"
        var data: [UInt8] = []
        var padding = 0
        for byte in context[parameter: "value"].utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                if padding == 0 { data.append(byte) }
            case UInt8(ascii: "="): padding += 1
            default: continue
            }
        }
        let missing = (4 - data.count % 4) % 4
        guard data.count % 4 != 1, padding >= missing, let bytes = Base64.decode(String(decoding: data, as: UTF8.self)),
            let text = String(validating: bytes, as: UTF8.self)
        else {
            return .text(hint, contentType: "text/plain; charset=utf-8")
        }
        return .text(text, contentType: "text/plain; charset=utf-8")
    }

    // MARK: Documents and images

    /// httpbin's template byte for byte: a space after `<slideshow`, no final newline.
    static let xml = String(ContentRoutes.xml.replacing("<slideshow\n", with: "<slideshow \n").dropLast())

    /// The face httpbun draws too; httpbin ends it with a newline.
    static let angryASCII = ContentRoutes.httpbunDeny + "\n"

    static func linksRedirect(_ context: RouteContext) throws(HTTPError) -> Response {
        guard let count = wholeNumber(context[parameter: "n"]) else { return HTTPBinShape.notFound() }
        return HTTPBinShape.redirect(to: context.configuration.normalizedPathPrefix + "/links/\(count)/0")
    }

    /// httpbin clamps the count to 1...200 rather than refusing it.
    static func links(_ context: RouteContext) throws(HTTPError) -> Response {
        guard let requested = wholeNumber(context[parameter: "n"]), let offset = wholeNumber(context[parameter: "offset"]) else {
            return HTTPBinShape.notFound()
        }
        let count = min(max(1, requested), ContentRoutes.maximumLinks)
        return ContentRoutes.linksPage(count: count, current: offset, prefix: context.configuration.normalizedPathPrefix)
    }

    /// httpbin's negotiation: the first of webp, svg, jpeg, png (or `image/*`) named anywhere in
    /// `Accept`, q-values ignored; no `Accept` gives PNG; anything else, even `*/*`, is a 406.
    static func image(_ context: RouteContext) -> Response {
        guard context.request.headers.contains("Accept") else { return ImageRoutes.response(.png) }
        let accept = context.request.headers.values(for: "Accept").joined(separator: ",").asciiLowercased
        if accept.contains("image/webp") { return ImageRoutes.response(.webp) }
        if accept.contains("image/svg+xml") { return ImageRoutes.response(.svg) }
        if accept.contains("image/jpeg") { return ImageRoutes.response(.jpeg) }
        if accept.contains("image/png") || accept.contains("image/*") { return ImageRoutes.response(.png) }
        return HTTPBinShape.status(406)
    }

    // MARK: Caching

    static func cache(_ context: RouteContext) -> Response {
        let headers = context.request.headers
        if headers.contains("If-Modified-Since") || headers.contains("If-None-Match") { return Response(status: 304) }
        var response = echo(context, HTTPBinShape.getKeys)
        var generator = context.services.randomNumbers
        response.headers.add("Last-Modified", HTTPDate.format(secondsSinceEpoch: context.services.secondsSinceEpoch))
        response.headers.add("ETag", RandomIdentifiers.uuid4(using: &generator).filter { $0 != "-" })
        return response
    }

    static func cacheFor(_ context: RouteContext) throws(HTTPError) -> Response {
        guard let seconds = wholeNumber(context[parameter: "n"]) else { return HTTPBinShape.notFound() }
        var response = echo(context, HTTPBinShape.getKeys)
        response.headers.add("Cache-Control", "public, max-age=\(seconds)")
        return response
    }

    /// httpbin's `parse_multi_value_header`: comma-separated tags, quotes and `W/` removed.
    static func entityTags(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { item in
            var tag = item.trimmingSpaces
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") { tag = String(tag.dropFirst().dropLast()) }
            return tag
        }
    }

    /// `If-None-Match` is checked first (304 with the tag), then `If-Match` (a bare 412); the tag
    /// goes out unquoted, as httpbin sends it.
    static func etag(_ context: RouteContext) -> Response {
        let tag = context[parameter: "etag"]
        let headers = context.request.headers
        let noneMatch = entityTags(headers.values(for: "If-None-Match"))
        let match = entityTags(headers.values(for: "If-Match"))
        if !noneMatch.isEmpty {
            if noneMatch.contains(tag) || noneMatch.contains("*") {
                return Response(status: 304, headers: ["ETag": tag])
            }
        } else if !match.isEmpty, !match.contains(tag), !match.contains("*") {
            return HTTPBinShape.empty(412)
        }
        var response = echo(context, HTTPBinShape.getKeys)
        response.headers.add("ETag", tag)
        return response
    }
}

/// How python httpbin 0.10.4 (the server behind pytest-httpbin) shapes its answers, for
/// `--flavor httpbin`. Every fact here was observed on httpbin itself by `conformance/compare.py`;
/// `docs/flavors.md` lists them with the differences we keep on purpose.
///
enum HTTPBinShape {
    /// Flask's `jsonify` as httpbin configures it: 2-space indent, sorted keys, `\uXXXX` for
    /// non-ASCII, a final newline.
    static let jsonFormat = JSONFormat(indent: 2, escapeNonASCII: true, sortKeys: true)
    /// python's `json.dumps` defaults (`/stream` lines, the 406 body): one line, `", "` and `": "`,
    /// keys in insertion order, `\uXXXX` escapes.
    static let pythonCompact = JSONFormat(
        indent: 0, escapeNonASCII: true, compactItemSeparator: ", ", compactKeySeparator: ": ", trailingNewline: false)

    static let html = "text/html; charset=utf-8"
    /// werkzeug's default for a bare `Response`.
    static let plain = "text/plain; charset=utf-8"

    static func json(_ value: JSON, status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: .bytes(value.serializedBytes(jsonFormat)))
    }

    /// An empty body as Flask sends `make_response("")`: `text/html` even with nothing in it.
    static func empty(_ status: Int, contentType: String? = html) -> Response {
        var response = Response(status: status)
        if let contentType { response.headers.add("Content-Type", contentType) }
        return response
    }

    static func text(_ text: String, status: Int = 200, contentType: String = plain) -> Response {
        .text(text, contentType: contentType, status: status)
    }

    /// Flask's `redirect()`: 302 with a small HTML page naming the target.
    static func redirect(to location: String, status: Int = 302) -> Response {
        let escaped = HTMLEscaping.escape(location)
        let page = """
            <!doctype html>
            <html lang=en>
            <title>Redirecting...</title>
            <h1>Redirecting...</h1>
            <p>You should be redirected automatically to the target URL: <a href="\(escaped)">\(escaped)</a>. If not, click the link.

            """
        var response = Response.text(page, contentType: html, status: status)
        response.headers.add("Location", location)
        return response
    }

    /// Flask's 404 page (unknown routes, and path parameters its converters refuse).
    static func notFound() -> Response {
        .text(
            """
            <!doctype html>
            <html lang=en>
            <title>404 Not Found</title>
            <h1>Not Found</h1>
            <p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>

            """, contentType: html, status: 404)
    }

    /// Flask's 405 page, with `Allow`.
    static func methodNotAllowed(allow: String) -> Response {
        var response = Response.text(
            """
            <!doctype html>
            <html lang=en>
            <title>405 Method Not Allowed</title>
            <h1>Method Not Allowed</h1>
            <p>The method is not allowed for the requested URL.</p>

            """, contentType: html, status: 405)
        response.headers.add("Allow", allow)
        return response
    }


    /// Flask's strict slashes: `/get/` and `/get//x` are no route, while a path parameter
    /// (`/anything/x/`) takes what it is given, as long as it is not empty.
    static func refusesSlashes(_ path: Substring, route: Route, parameters: [String: String]) -> Bool {
        guard path != "/", path.hasSuffix("/") || path.contains("//") else { return false }
        guard case .rest(let name)? = route.segments.last else { return true }
        return parameters[name, default: ""].isEmpty
    }

    // MARK: CORS

    /// The methods httpbin's preflight lists, whatever `Access-Control-Request-Method` asks.
    static let preflightMethods = "GET, POST, PUT, DELETE, PATCH, OPTIONS"

    /// httpbin's `after_request`: `Allow-Credentials: true` on every answer, with or without `Origin`.
    /// An `OPTIONS` request gets the preflight headers whatever the answer, a 404 included.
    static func decorate(_ response: inout Response, for request: Request) {
        response.headers.set("Access-Control-Allow-Origin", request.headers.first("Origin") ?? "*")
        response.headers.set("Access-Control-Allow-Credentials", "true")
        if request.method == "OPTIONS" {
            response.headers.set("Access-Control-Allow-Methods", preflightMethods)
            response.headers.set("Access-Control-Max-Age", "3600")
            if let requested = request.headers.first("Access-Control-Request-Headers") {
                response.headers.set("Access-Control-Allow-Headers", requested)
            }
        }
    }

    /// Flask's automatic `OPTIONS` answer: 200 with an empty `text/html` body. httpbin's method list
    /// is fixed, whatever `Access-Control-Request-Method` asks.
    static func preflight(for request: Request) -> Response {
        empty(200)  // `decorate` adds the CORS headers.
    }

    // MARK: The echo object

    /// The keys of httpbin's `get_dict`; each endpoint picks its own set.
    enum EchoKey: CaseIterable {
        case url, args, form, data, origin, headers, files, json, method
    }

    /// `/get`, `/cache`, `/etag`: no body keys at all.
    static let getKeys: [EchoKey] = [.url, .args, .headers, .origin]
    /// `/post /put /patch /delete`.
    static let bodyKeys: [EchoKey] = [.url, .args, .form, .data, .origin, .headers, .files, .json]
    /// `/anything` adds `method`.
    static let anythingKeys: [EchoKey] = bodyKeys + [.method]
    /// `/delay` has the body keys but no `json`.
    static let delayKeys: [EchoKey] = [.url, .args, .form, .data, .origin, .headers, .files]

    /// The echo object with `keys`, in that order (the JSON layout sorts them anyway).
    static func echo(_ request: Request, _ keys: [EchoKey]) -> JSONObject {
        let body = keys.contains(where: { [.form, .data, .files, .json].contains($0) }) ? Body(request) : Body()
        var object = JSONObject()
        for key in keys {
            switch key {
            case .url: object.appendUnchecked("url", .string(url(request)))
            case .args: object.appendUnchecked("args", args(request))
            case .form: object.appendUnchecked("form", body.form)
            case .data: object.appendUnchecked("data", body.data)
            case .origin: object.appendUnchecked("origin", .string(origin(request)))
            case .headers: object.appendUnchecked("headers", headers(request))
            case .files: object.appendUnchecked("files", body.files)
            case .json: object.appendUnchecked("json", body.json)
            case .method: object.appendUnchecked("method", .string(request.method))
            }
        }
        // An extra of --tls-client-ca, only when a client certificate verified (see `Echo.writeClientCertificate`).
        if let subject = request.clientCertificateSubject {
            object.appendUnchecked("client_cert", .object(["subject": .string(subject)]))
        }
        return object
    }

    /// Query arguments: string, or a list for a repeated key. Escapes of bytes that are not UTF-8
    /// stay escaped (`%E9`), as werkzeug leaves them.
    static func args(_ request: Request) -> JSON {
        .stringOrList(form(Array(request.rawQuery.utf8)))
    }

    /// `a=1&b=2` decoded the way werkzeug decodes a query or a form body.
    static func form(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for segment in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = segment.firstIndex(of: UInt8(ascii: "=")) {
                name = segment[..<equals]
                value = segment[(equals + 1)...]
            } else {
                name = segment
                value = []
            }
            pairs.append((URLText.unquote(name, plusAsSpace: true, keep: ""), URLText.unquote(value, plusAsSpace: true, keep: "")))
        }
        return pairs
    }

    /// Headers werkzeug reads from the proxy, hidden unless the query has `show_env`.
    static let environmentHeaders: Set<String> = [
        "x-varnish", "x-request-start", "x-heroku-queue-depth", "x-real-ip", "x-forwarded-proto", "x-forwarded-protocol",
        "x-forwarded-ssl", "x-heroku-queue-wait-time", "x-forwarded-for", "x-heroku-dynos-in-use", "x-forwarded-port",
        "x-request-id", "via", "total-route-time", "connect-time",
    ]

    static func showsEnvironment(_ request: Request) -> Bool {
        request.query.contains { $0.name == "show_env" }
    }

    /// Request headers in title case, a repeated header's values joined by `,` (as the WSGI server
    /// joins them), proxy headers hidden unless `show_env` is given.
    static func headers(_ request: Request) -> JSON {
        let showEnvironment = showsEnvironment(request)
        var names: [String] = []
        var values: [String: [String]] = [:]
        for field in request.headers.fields {
            let name = field.name.canonicalHeaderName
            if !showEnvironment && environmentHeaders.contains(name.asciiLowercased) { continue }
            if values[name] == nil { names.append(name) }
            values[name, default: []].append(field.value)
        }
        var object = JSONObject()
        for name in names { object.appendUnchecked(name, .string(values[name]!.joined(separator: ","))) }
        return .object(object)
    }

    /// `X-Forwarded-For` as sent (the whole list), else the peer's address.
    static func origin(_ request: Request) -> String {
        request.headers.first("X-Forwarded-For") ?? request.remoteAddress
    }

    /// werkzeug's `request.url`: scheme from `X-Forwarded-Proto`, `X-Forwarded-Protocol` or
    /// `X-Forwarded-Ssl: on`; the path decoded and re-quoted; both parts as an IRI (UTF-8 escapes
    /// shown as characters, reserved ones kept escaped).
    static func url(_ request: Request) -> String {
        var scheme = request.scheme
        if let forwarded = request.headers.first("X-Forwarded-Proto") ?? request.headers.first("X-Forwarded-Protocol") {
            scheme = forwarded
        } else if request.headers.first("X-Forwarded-Ssl") == "on" {
            scheme = "https"
        }
        let host = request.authority
        let decodedPath = String(decoding: PercentCoding.decodeBytes(request.rawPath.utf8, plusAsSpace: false), as: UTF8.self)
        let path = URLText.unquote(
            Array(URLText.quote(decodedPath, safe: "!$&'()*+,/:;=@%").utf8), plusAsSpace: false, keep: URLText.alwaysUnsafe + "/?#")
        var url = scheme + "://" + host + path
        let query = request.rawQuery
        if !query.isEmpty {
            url += "?" + URLText.unquote(
                Array(URLText.quote(String(query), safe: "!$&'()*+,/:;=?@%").utf8), plusAsSpace: false, keep: URLText.alwaysUnsafe + "&=+#")
        }
        return url
    }

    /// The body keys as httpbin fills them: `form` for url-encoded and multipart bodies (whose
    /// `data` is then empty), `files` as `{"field": "content"}` (the first file of a field), `data`
    /// the raw body otherwise, and `json` parsed from any body that is JSON, whatever its type.
    struct Body {
        var form: JSON = .object([:])
        var data: JSON = .string("")
        var files: JSON = .object([:])
        var json: JSON = .null

        init() {}

        init(_ request: Request) {
            let mediaType = request.headers.first("Content-Type").map { MediaType.parse($0) }
            switch mediaType?.essence {
            case "application/x-www-form-urlencoded":
                form = .stringOrList(HTTPBinShape.form(request.body))
            case "multipart/form-data":
                // werkzeug shows a body it cannot parse as an empty form, not as an error.
                guard let boundary = mediaType?.parameter("boundary"),
                    let parts = try? Multipart.parse(request.body, boundary: boundary)
                else { return }
                form = .stringOrList(parts.filter { $0.filename == nil }.map { (name: $0.name, value: String(decoding: $0.body, as: UTF8.self)) })
                var fileObject = JSONObject()
                for part in parts where part.filename != nil && fileObject[part.name] == nil {
                    let type = part.headers.first("Content-Type") ?? "application/octet-stream"
                    fileObject.appendUnchecked(part.name, .textOrDataURL(part.body, contentType: type))
                }
                files = .object(fileObject)
            default:
                data = .textOrDataURL(request.body)
                if let text = String(validating: request.body, as: UTF8.self), !text.isEmpty {
                    json = (try? JSON.parse(request.body)) ?? .null
                }
            }
        }
    }

    // MARK: Status codes

    static let teapot = #"""

            -=[ teapot ]=-

               _...._
             .'  _ _ `.
            | ."` ^ `". _,
            \_;`"---"`|//
              |       ;/
              \_     _/
                `"""`

        """#

    static let acceptedImageTypes: JSON = ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"]

    /// httpbin's `status_code()`: an empty `text/html` answer, except for the codes it dresses up,
    /// whose headers replace the defaults (no `Content-Type` then).
    static func status(_ code: Int) -> Response {
        switch code {
        case 301, 302, 303, 305, 307:
            return Response(status: code, headers: ["Location": "/redirect/1"])
        case 304:
            return Response(status: 304)
        case 401:
            return Response(status: 401, headers: ["WWW-Authenticate": AuthRoutes.basicChallenge])
        case 402:
            return Response(status: 402, headers: ["x-more-info": "http://vimeo.com/22053820"], body: .bytes(Array("Fuck you, pay me!".utf8)))
        case 406:
            let body: JSON = ["message": "Client did not request a supported media type.", "accept": acceptedImageTypes]
            return Response(status: 406, headers: ["Content-Type": "application/json"], body: .bytes(body.serializedBytes(pythonCompact)))
        case 407:
            // httpbin sets Proxy-Authenticate, but it is a hop-by-hop header and gunicorn drops it.
            return Response(status: 407)
        case 418:
            return Response(status: 418, headers: ["x-more-info": "http://tools.ietf.org/html/rfc2324"], body: .bytes(Array(teapot.utf8)))
        default:
            return StatusReason.forbidsBody(code) && code != 204 ? Response(status: code) : empty(code)
        }
    }
}

/// URL text the way python's `urllib.parse.quote` and werkzeug's partial unquoting treat it.
enum URLText {
    /// Controls, space, `%` and DEL: werkzeug never unquotes them.
    static let alwaysUnsafe = String(decoding: Array(UInt8(0)...UInt8(0x20)) + [UInt8(0x25), UInt8(0x7F)], as: UTF8.self)

    /// `quote(text, safe)`: every UTF-8 byte that is not a letter, digit, `_.-~` or in `safe` as `%XX`.
    static func quote(_ text: String, safe: String) -> String {
        let safeBytes = Set(safe.utf8)
        return PercentCoding.encode(text) { PercentCoding.isUnreserved($0) || safeBytes.contains($0) }
    }

    /// Decodes `%XX` escapes except those of a byte in `keep`; decoded bytes that are not UTF-8
    /// come back as `%XX` (werkzeug's `url_quote` error handler).
    static func unquote<Bytes: Collection<UInt8>>(_ bytes: Bytes, plusAsSpace: Bool, keep: String) -> String {
        let keepBytes = Set(keep.utf8)
        let input = Array(bytes)
        var output: [UInt8] = []
        var pending: [UInt8] = []
        func flush() {
            output += utf8OrEscaped(pending)
            pending.removeAll()
        }
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = PercentCoding.hexValue(input[index + 1]), let low = PercentCoding.hexValue(input[index + 2])
            {
                let decoded = high << 4 | low
                if keepBytes.contains(decoded) {
                    flush()
                    output += input[index...(index + 2)]
                } else {
                    pending.append(decoded)
                }
                index += 3
                continue
            }
            flush()
            output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes as UTF-8, with each byte of an invalid sequence written as `%XX`.
    static func utf8OrEscaped(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            if length > 0, index + length <= bytes.count, String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil {
                output += bytes[index..<(index + length)]
                index += length
            } else {
                PercentCoding.appendEscape(lead, to: &output)
                index += 1
            }
        }
        return output
    }
}
