import HTTPWire
import JSONValue

/// `/basic-auth`, `/hidden-basic-auth`, `/bearer`, `/digest-auth`: endpoints that demand credentials.
enum AuthRoutes {
    /// httpbin's Basic challenge, which clients and their tests expect word for word (`/status/401`).
    static let basicChallenge = "Basic realm=\"Fake Realm\""
    /// httpbun's realm, in its Basic failure.
    static let realm = "httpbun realm"

    static func basic(_ context: RouteContext, hidden: Bool) -> Response {
        let credentials = context.request.headers.first("Authorization").flatMap(AuthorizationHeader.basicCredentials)
        if let credentials, credentials.user == context[parameter: "user"], credentials.password == context[parameter: "passwd"] {
            return .json(["authenticated": true, "user": .string(credentials.user)])
        }
        if hidden {
            // The point of the hidden variant is that nothing tells a prober that credentials would help.
            return .error(404, "not found: \(context.request.path)")
        }
        // httpbun's failure: its realm, an empty body, no Content-Type.
        return Response(status: 401, headers: ["WWW-Authenticate": "Basic realm=\"\(realm)\""])
    }

    /// httpbun's `/bearer/{tok}`: a 404 that says how to call it without a token, a bare 401 with
    /// httpbun's challenge when the last `Authorization` is not `Bearer ...`, else 200 saying whether
    /// the token is the one in the path. Tokens compare byte for byte, as Go compares strings.
    static func bearer(_ context: RouteContext) -> Response {
        // httpbun unescapes the path's token as a query value (`+` is a space).
        let expected = context.parameters["tok"] == nil ? "" : HTTPBunField.string(HTTPBunField.secondSegment(context.routePath))
        guard !expected.isEmpty else {
            return .text("missing/non-empty token, use /bearer/<expected_token> instead", status: 404)
        }
        // Go trims spaces and tabs around a field value before httpbun reads it.
        let authorization = (context.request.headers.values(for: "Authorization").last ?? "").trimmingSpaces
        let prefix = "Bearer ".utf8
        guard authorization.utf8.starts(with: prefix) else {
            return Response(status: 401, headers: ["WWW-Authenticate": "Bearer realm=\"\(realm)\""])
        }
        let token = String(Substring(authorization.utf8.dropFirst(prefix.count)))
        let authenticated = !token.isEmpty && token.utf8.elementsEqual(expected.utf8)
        return .json(["authenticated": .bool(authenticated), "token": .string(token)])
    }

    /// httpbun's bare `/digest-auth`: a 404 that says what the path needs.
    static func digestWithoutCredentials(_ context: RouteContext) -> Response {
        .text("missing/non-empty username/password, use /digest-auth/<username>/<password> instead", status: 404)
    }

    /// httpbun's Digest check (`/digest-auth/{user}/{passwd}`, `/digest-auth/{qop}/{user}/{passwd}`):
    /// stateless, MD5, realm `httpbun realm`. Any nonce is taken unless `?require-cookie=true`
    /// (`1`, `t`), which sets the challenge's nonce as a `nonce` cookie and wants it back; a failure
    /// is a 401 with a fresh challenge and `{"authenticated": false, "token": "", "error": ...}`.
    static func httpbunDigest(_ context: RouteContext) -> Response {
        let request = context.request
        let expectedQop = context.parameters["qop"] ?? ""
        let user = context[parameter: "user"]
        let password = context[parameter: "passwd"]
        let requireCookieValues = request.query.filter { $0.name == "require-cookie" }
        let requireCookie = requireCookieValues.count == 1 && ["true", "1", "t"].contains(requireCookieValues[0].value)
        var generator = context.services.randomNumbers
        func refuse(_ qop: String, _ error: String) -> Response {
            let nonce = RandomIdentifiers.hex(byteCount: 16, using: &generator)
            let opaque = RandomIdentifiers.hex(byteCount: 16, using: &generator)
            var response = Response.json(["authenticated": false, "token": "", "error": .string(error)], status: 401)
            response.headers.add(
                "WWW-Authenticate",
                "Digest realm=\"\(realm)\", qop=\"\(qop.isEmpty ? "auth" : qop)\", nonce=\"\(nonce)\", opaque=\"\(opaque)\", algorithm=MD5, stale=FALSE")
            if requireCookie { response.headers.add("Set-Cookie", "nonce=\(nonce)") }
            return response
        }
        guard ["", "auth", "auth-int", "auth,auth-int"].contains(expectedQop) else { return refuse("", "Error: invalid qop") }
        let authorizations = request.headers.values(for: "Authorization")
        guard authorizations.count == 1 else { return refuse(expectedQop, "missing authorization header") }
        let given = httpbunDigestParameters(authorizations[0])
        let givenQop = given["qop"] ?? ""
        if !expectedQop.isEmpty && !expectedQop.split(separator: ",").contains(Substring(givenQop)) {
            return refuse(expectedQop, "Error: \"Unsupported QOP\"\n")
        }
        let givenNonce = given["nonce"] ?? ""
        if requireCookie {
            guard let cookie = CookieHeader.parse(request.headers.values(for: "Cookie")).first(where: { $0.name == "nonce" }) else {
                return refuse(expectedQop, "Error: \"Missing nonce cookie\"\n")
            }
            guard cookie.value == givenNonce else {
                return refuse(expectedQop, "Error: \"Nonce mismatch\"\nGiven: \"\(givenNonce)\"\nExpected: \"\(cookie.value)\"")
            }
        }
        guard givenQop.isEmpty || givenQop == "auth" || givenQop == "auth-int" else {
            return refuse(expectedQop, "Error: \"unsupported qop: \\\"\(givenQop)\\\"\"\n")
        }
        let expected = DigestAuthentication.response(
            algorithm: .md5, username: user, realm: realm, password: password, method: request.method, uri: request.path,
            nonce: givenNonce, nc: given["nc"] ?? "", cnonce: given["cnonce"] ?? "", qop: givenQop.isEmpty ? nil : givenQop,
            body: request.body)
        let response = given["response"] ?? ""
        guard expected == response else {
            return refuse(expectedQop, "Error: \"Response code mismatch\"\nGiven: \"\(response)\"\nExpected: \"\(expected)\"")
        }
        return .json(["authenticated": true, "user": .string(user)])
    }

    /// httpbun reads a Digest credential with `([a-z]+)=(?:"([^"]+)"|([^,]+))` over the whole value:
    /// lower-case names, quoted values without quotes inside, bare values up to a comma; a later
    /// name wins.
    static func httpbunDigestParameters(_ value: String) -> [String: String] {
        let bytes = Array(value.utf8)
        var parameters: [String: String] = [:]
        var index = 0
        let isLower: (UInt8) -> Bool = { (0x61...0x7A).contains($0) }
        while index < bytes.count {
            guard isLower(bytes[index]) else { index += 1; continue }
            var end = index
            while end < bytes.count && isLower(bytes[end]) { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "=") else { index = end; continue }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            var cursor = end + 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\""),
                let close = bytes[(cursor + 1)...].firstIndex(of: UInt8(ascii: "\"")), close > cursor + 1
            {
                parameters[name] = String(decoding: bytes[(cursor + 1)..<close], as: UTF8.self)
                index = close + 1
                continue
            }
            let start = cursor
            while cursor < bytes.count && bytes[cursor] != UInt8(ascii: ",") { cursor += 1 }
            if cursor > start { parameters[name] = String(decoding: bytes[start..<cursor], as: UTF8.self) }
            index = max(cursor, end + 1)
        }
        return parameters
    }

    static func digest(_ context: RouteContext) throws(HTTPError) -> Response {
        let check: DigestCheck
        check = try digestCheck(context)
        let now = context.services.secondsSinceEpoch
        var generator = context.services.randomNumbers
        let request = context.request
        let verdict = check.verify(
            authorization: request.headers.first("Authorization"), method: request.method, target: request.target,
            body: request.body, now: now)
        let reason: String
        let stale: Bool
        switch verdict {
        case .authenticated: return .json(["authenticated": true, "user": .string(check.user)])
        case .stale(let message): (reason, stale) = (message, true)
        case .rejected(let message): (reason, stale) = (message, false)
        }
        var response = Response.json(["authenticated": false, "error": .string(reason)], status: 401)
        response.headers.add("WWW-Authenticate", check.challenge(nonce: DigestNonce.issue(at: now, key: context.services.secret, using: &generator), stale: stale))
        return response
    }

    /// What the path asks for: qop (`auth`, `auth-int`, or both comma-separated), user, password,
    /// algorithm (MD5 by default) and `stale_after` (a count, or `never`).
    static func digestCheck(_ context: RouteContext) throws(HTTPError) -> DigestCheck {
        let qopText = context.parameters["qop"] ?? "auth"
        let qops = qopText.split(separator: ",", omittingEmptySubsequences: false).map(\.trimmingSpaces)
        guard !qops.isEmpty, qops.allSatisfy({ $0 == "auth" || $0 == "auth-int" }) else {
            throw .badRequest("invalid qop \"\(qopText)\": use auth or auth-int")
        }
        let algorithmText = context.parameters["algorithm"] ?? "MD5"
        guard let algorithm = DigestAlgorithm(name: algorithmText) else {
            throw .badRequest("invalid algorithm \"\(algorithmText)\": use MD5, SHA-256 or SHA-512")
        }
        var staleAfter: Int?
        if let text = context.parameters["stale_after"], text != "never" {
            guard let count = DecimalNumber.whole(text), (1...1_000_000).contains(count) else {
                throw .badRequest("invalid stale_after \"\(text)\": use a count from 1 to 1000000, or never")
            }
            staleAfter = count
        }
        return DigestCheck(
            qops: qops, user: context[parameter: "user"], password: context[parameter: "passwd"], algorithm: algorithm,
            staleAfter: staleAfter, key: context.services.secret)
    }
}
