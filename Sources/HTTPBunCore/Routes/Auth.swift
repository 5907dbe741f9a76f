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

    static func bearer(_ context: RouteContext) -> Response {
        let token = context.request.headers.first("Authorization").flatMap(AuthorizationHeader.bearerToken)
        let expected = context.parameters["tok"]
        guard let token, expected == nil || token == expected else {
            var response = Response.json(["authenticated": false], status: 401)
            response.headers.add("WWW-Authenticate", "Bearer")
            return response
        }
        return .json(["authenticated": true, "token": .string(token)])
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
