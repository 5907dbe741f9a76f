import HTTPWire
import JSONValue
import HTTPCompression

/// The routes whose answers python httpbin 0.10.4 shapes differently from httpbun. With
/// `--flavor httpbin` each replaces the default route of the same pattern (`Router.catalogue`);
/// routes httpbin does not have (`/any`, `/payload`, `/sse`, `/health`, ...) stay as they are.
///
/// Method sets are httpbin's: a Flask route without `methods` answers GET (and HEAD, OPTIONS) only,
/// so `POST /headers` is a 405 there and here.
enum HTTPBinRoutes {
    static let get: Set<String> = ["GET"]
    /// The methods httpbin lists on `/anything`, `/status`, `/delay` and `/redirect-to`.
    static let common: Set<String> = ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"]

    static let routes: [Route] = [
        Route(get, "/get", { echo($0, HTTPBinShape.getKeys) }),
        Route(["POST"], "/post", { echo($0, HTTPBinShape.bodyKeys) }),
        Route(["PUT"], "/put", { echo($0, HTTPBinShape.bodyKeys) }),
        Route(["PATCH"], "/patch", { echo($0, HTTPBinShape.bodyKeys) }),
        Route(["DELETE"], "/delete", { echo($0, HTTPBinShape.bodyKeys) }),
        Route(common, "/anything/{path*}", { echo($0, HTTPBinShape.anythingKeys) }),

        Route(get, "/headers", { HTTPBinShape.json(["headers": HTTPBinShape.headers($0.request)]) }),
        Route(get, "/ip", { HTTPBinShape.json(["origin": .string(HTTPBinShape.origin($0.request))]) }),
        Route(get, "/user-agent", { HTTPBinShape.json(["user-agent": .string($0.request.headers.first("User-Agent") ?? "")]) }),
        Route(get, "/uuid", { context in
            var generator = context.services.randomNumbers
            return HTTPBinShape.json(["uuid": .string(RandomIdentifiers.uuid4(using: &generator))])
        }),

        Route(common, "/status/{codes}", status),
        Route(common, "/delay/{seconds}", delay),

        Route(get, "/cookies", cookies),
        Route(get, "/cookies/set", { setCookies($0, firstPerName($0.request.query)) }),
        Route(get, "/cookies/set/{name}/{value}", { setCookies($0, [(name: $0[parameter: "name"], value: $0[parameter: "value"])]) }),
        Route(get, "/cookies/delete", deleteCookies),

        Route(get, "/basic-auth/{user}/{passwd}", { basic($0, hidden: false) }),
        Route(get, "/hidden-basic-auth/{user}/{passwd}", { basic($0, hidden: true) }),
        Route(get, "/bearer", bearer),
        Route(get, "/digest-auth/{qop}/{user}/{passwd}", digest),
        Route(get, "/digest-auth/{qop}/{user}/{passwd}/{algorithm}", digest),
        Route(get, "/digest-auth/{qop}/{user}/{passwd}/{algorithm}/{stale_after}", digest),

        Route(get, "/redirect/{n}", { chain($0, kind: .redirect) }),
        Route(get, "/relative-redirect/{n}", { chain($0, kind: .relative) }),
        Route(get, "/absolute-redirect/{n}", { chain($0, kind: .absolute) }),
        Route(common, "/redirect-to", redirectTo),

        Route(get, "/bytes/{n}", { ByteRoutes.bytes(cappedSize($0)) }),
        Route(get, "/stream-bytes/{n}", { ByteRoutes.streamBytes(cappedSize($0)) }),
        Route(get, "/stream/{n}", stream),
        Route(get, "/range/{n}", range),
        Route(get, "/drip", drip),

        Route(get, "/gzip", { compressed($0, flag: "gzipped") }),
        Route(get, "/deflate", { compressed($0, flag: "deflated") }),
        Route(get, "/brotli", { compressed($0, flag: "brotli") }),
        Route(get, "/base64/{value*}", base64),

        Route(get, "/json", { _ in HTTPBinShape.json(ContentRoutes.slideshow) }),
        Route(get, "/xml", { _ in .text(xml, contentType: "application/xml") }),
        Route(get, "/robots.txt", { _ in .text(ContentRoutes.robots, contentType: "text/plain") }),
        Route(get, "/deny", { _ in .text(angryASCII, contentType: "text/plain") }),
        Route(get, "/links/{n}", linksRedirect),
        Route(get, "/links/{n}/{offset}", links),
        Route(get, "/image", image),

        Route(get, "/cache", cache),
        Route(get, "/cache/{n}", cacheFor),
        Route(get, "/etag/{etag}", etag),
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

    static func status(_ context: RouteContext) -> Response {
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
            return StatusRoutes.status(context)
        }
        var generator = context.services.randomNumbers
        return HTTPBinShape.status(choice.pick(using: &generator))
    }

    /// httpbin caps the wait at 10 seconds instead of refusing a longer one.
    static func delay(_ context: RouteContext) -> Response {
        let text = context[parameter: "seconds"]
        switch DurationParameter.parse(text, name: "delay", maximum: .seconds(1_000_000_000)) {
        case .failure(let error): return .error(400, error.message)
        case .success(let wait):
            var response = echo(context, HTTPBinShape.delayKeys)
            response.delay = min(wait, .seconds(10), context.configuration.maxDuration)
            return response
        }
    }

    // MARK: Cookies

    static let environmentCookies: Set<String> = [
        "_gauges_unique", "_gauges_unique_year", "_gauges_unique_month", "_gauges_unique_day", "_gauges_unique_hour",
        "__utmz", "__utma", "__utmb",
    ]

    static func cookies(_ context: RouteContext) -> Response {
        let showEnvironment = HTTPBinShape.showsEnvironment(context.request)
        var object = JSONObject()
        for pair in CookieHeader.parse(context.request.headers.values(for: "Cookie")) where object[pair.name] == nil {
            if !showEnvironment && environmentCookies.contains(pair.name) { continue }
            object.appendUnchecked(pair.name, .string(pair.value))
        }
        return HTTPBinShape.json(["cookies": .object(object)])
    }

    static func setCookies(_ context: RouteContext, _ pairs: [(name: String, value: String)]) -> Response {
        SetCookie.adding(pairs, to: HTTPBinShape.redirect(to: context.configuration.normalizedPathPrefix + "/cookies"))
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
    static func digest(_ context: RouteContext) -> Response {
        guard case .success(var check) = AuthRoutes.digestCheck(context) else { return AuthRoutes.digest(context) }
        check.realm = digestRealm
        let request = context.request
        let now = context.services.secondsSinceEpoch
        var generator = context.services.randomNumbers
        let verdict = check.verify(
            authorization: request.headers.first("Authorization"), method: request.method, target: request.target, body: request.body, now: now)
        var stale = false
        switch verdict {
        case .authenticated:
            var response = HTTPBinShape.json(["authenticated": true, "user": .string(check.user)])
            response.headers.add("Set-Cookie", "fake=fake_value; Path=/")
            return response
        case .stale: stale = true
        case .rejected: break
        }
        var response = HTTPBinShape.empty(401)
        response.headers.add(
            "WWW-Authenticate",
            "Digest realm=\"\(check.realm)\", nonce=\"\(DigestNonce.issue(at: now, key: check.key, using: &generator))\", "
                + "opaque=\"\(DigestNonce.opaque(key: check.key))\", qop=\"\(check.qops.joined(separator: ","))\", "
                + "algorithm=\(check.algorithm.rawValue), stale=\(stale ? "True" : "False")")
        response.headers.add("Set-Cookie", "stale_after=\(context.parameters["stale_after"] ?? "never"); Path=/")
        // After a wrong answer httpbin also remembers the nonce the client used.
        if let nonce = request.headers.first("Authorization").flatMap(AuthorizationHeader.digestParameters)?["nonce"],
            let value = SetCookie.encodeValue(nonce)
        {
            response.headers.add("Set-Cookie", "last_nonce=\(value); Path=/")
        }
        response.headers.add("Set-Cookie", "fake=fake_value; Path=/")
        return response
    }

    // MARK: Redirects

    enum ChainKind { case redirect, relative, absolute }

    /// `/redirect/n` goes on through `/relative-redirect` (or `/absolute-redirect` with
    /// `?absolute=true`), as httpbin's does. `/relative-redirect` answers with an empty body; the
    /// others with Flask's redirect page.
    static func chain(_ context: RouteContext, kind: ChainKind) -> Response {
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
    static func redirectTo(_ context: RouteContext) -> Response {
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
        switch RedirectRoutes.allowedLocation(context, url: argument("url")) {
        case .failure(let refusal): return refusal.response
        case .success(let location):
            var response = HTTPBinShape.empty(status)
            response.headers.add("Location", location)
            return response
        }
    }

    // MARK: Streams and bytes

    /// n lines (at most 100) of `{"url", "args", "headers", "origin", "id"}` in python's
    /// `json.dumps` layout, as `application/json`.
    static func stream(_ context: RouteContext) -> Response {
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

    /// httpbin cuts `/bytes/n` and `/stream-bytes/n` to 100 KiB instead of refusing more.
    static func cappedSize(_ context: RouteContext) -> RouteContext {
        guard let count = wholeNumber(context[parameter: "n"]), count > rangeLimit else { return context }
        var parameters = context.parameters
        parameters["n"] = String(rangeLimit)
        return RouteContext(request: context.request, parameters: parameters, settings: context.settings, prefixLength: context.prefixLength)
    }

    /// The default `/range` body, with httpbin's headers: an unquoted `ETag`, `Content-Range` on
    /// full answers too, a bare 416, and a 404 with a sentence for sizes outside (0, 102400].
    static func range(_ context: RouteContext) -> Response {
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
        var response = ByteRoutes.range(
            RouteContext(request: request, parameters: context.parameters, settings: context.settings, prefixLength: context.prefixLength))
        if response.status == 200 || response.status == 206 {
            response.headers.set("ETag", tag)
            response.headers.set("Content-Range", "bytes \(first)-\(last)/\(length)")
        }
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

    static func drip(_ context: RouteContext) -> Response {
        if let text = context.request.queryValue("numbytes"), let count = Int(text), count <= 0 {
            return HTTPBinShape.text("number of bytes must be positive", status: 400)
        }
        return StreamRoutes.drip(context, lines: false)
    }

    // MARK: Encodings

    /// `{"headers", "method", "origin", "<flag>": true}`, compressed whatever `Accept-Encoding` says.
    static func compressed(_ context: RouteContext, flag: String) -> Response {
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
            guard Brotli.canCompress, let bytes = Brotli.compress(json) else { return EncodingRoutes.brotli(context) }
            return EncodingRoutes.encoded(bytes, encoding: "br")
        }
    }

    /// python's lenient `urlsafe_b64decode`: characters outside the alphabet are skipped, padding
    /// is required; the bytes must be UTF-8. Anything else gets httpbin's hint, with a 200.
    static func base64(_ context: RouteContext) -> Response {
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

    static let angryASCII = #"""

                  .-''''''-.
                .' _      _ '.
               /   O      O   \
              :                :
              |                |
              :       __       :
               \  .-"`  `"-.  /
                '.          .'
                  '-......-'
             YOU SHOULDN'T BE HERE

        """#

    static func linksRedirect(_ context: RouteContext) -> Response {
        guard let count = wholeNumber(context[parameter: "n"]) else { return HTTPBinShape.notFound() }
        return HTTPBinShape.redirect(to: context.configuration.normalizedPathPrefix + "/links/\(count)/0")
    }

    /// httpbin clamps the count to 1...200 rather than refusing it.
    static func links(_ context: RouteContext) -> Response {
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

    static func cacheFor(_ context: RouteContext) -> Response {
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
