// libFuzzer entry point for the parsers and routes of Sources/HTTPBunCore, linked against the core
// built with -enable-testing (see fuzz/build.sh), so its internal parsers are reachable too.
// One binary, several targets: FUZZ_TARGET picks one (multipart, urlencoded, cookie, digest,
// range, route, framing, llm, websocket). Each target checks invariants beyond "does not crash" with `check`, which
// traps, so libFuzzer records the input as a crash.

@testable import HTTPBunCore
import JSONValue
import WebSocket

#if canImport(Glibc)
    import Glibc
#endif

enum FuzzTarget: String, CaseIterable {
    case multipart, urlencoded, cookie, digest, range, route, framing, llm, websocket
}

let selectedTarget: FuzzTarget = {
    guard let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        report("set FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
        exit(2)
    }
    return target
}()

func report(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = write(2, &bytes, bytes.count)
}

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        report("invariant failed: \(message())")
        abort()
    }
}

/// Small limits keep every execution fast: generated bodies and waits are capped by these.
let fuzzConfiguration = ServerConfiguration(maxBodySize: 64 * 1024, maxDuration: .seconds(10))
let fuzzRouter = Router(configuration: fuzzConfiguration)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch selectedTarget {
    case .multipart: fuzzMultipart(bytes)
    case .urlencoded: fuzzURLEncoded(bytes)
    case .cookie: fuzzCookie(bytes)
    case .digest: fuzzDigest(bytes)
    case .range: fuzzRange(bytes)
    case .route: fuzzRoute(bytes)
    case .framing: fuzzFraming(bytes)
    case .llm: fuzzLLM(bytes)
    case .websocket: fuzzWebSocket(bytes)
    }
    return 0
}

/// First line: a request target; the rest: field lines (`name:value`, split at the first colon).
/// What the server refuses before reading a body: every verdict agrees with the rule it applies.
func fuzzFraming(_ bytes: [UInt8]) {
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let target = String(decoding: lines.first ?? [], as: UTF8.self)
    if let (authority, originForm) = Request.absoluteForm(target) {
        check(originForm.hasPrefix("/"), "origin form \(originForm.debugDescription) of \(target.debugDescription)")
        check(!authority.isEmpty && !authority.contains(where: { "/?#@".contains($0) }), "authority \(authority.debugDescription)")
    }
    var lengths: [String] = []
    var codings: [String] = []
    for line in lines.dropFirst() {
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let name = Array(line[..<colon])
        let value = Array(line[min(colon + 1, line.endIndex)...])
        let problem = name.withUnsafeBytes { name in value.withUnsafeBytes { FieldSyntax.problem(name: name, value: $0) } }
        let token = !name.isEmpty && name.allSatisfy(HTTPToken.isTokenByte)
        let clean = !value.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
        let quick = value.withUnsafeBytes { FieldSyntax.mayHoldControlByte($0) }
        check(clean || quick, "the word check missed a control byte in \(value)")
        if problem == nil {
            check(token && clean, "accepted \(name) : \(value)")
            let text = String(decoding: name, as: UTF8.self).lowercased()
            if text == "content-length" { lengths.append(String(decoding: value, as: UTF8.self)) }
            if text == "transfer-encoding" { codings.append(String(decoding: value, as: UTF8.self)) }
        } else {
            // A clean token is refused only as what MHD makes of a folded framing field.
            let lower = String(decoding: name, as: UTF8.self).lowercased()
            let foldedFraming = ["content-length", "transfer-encoding"].contains { lower.hasPrefix($0) && lower.count > $0.count }
            check(!token || !clean || foldedFraming, "refused a well-formed field \(name) : \(value)")
        }
    }
    for version in ["HTTP/1.1", "HTTP/1.0"] {
        let refusal = RequestFraming.refusal(contentLengths: lengths, transferEncodings: codings, version: version)
        if let refusal {
            check(refusal.status == 400 || refusal.status == 501, "status \(refusal.status)")
        } else if !codings.isEmpty {
            check(lengths.isEmpty && version == "HTTP/1.1" && codings.count == 1 && codings[0].lowercased() == "chunked",
                  "accepted Transfer-Encoding \(codings) with \(lengths) on \(version)")
        }
    }
}

/// First line: the Content-Type (or a bare boundary); the rest: the body.
func fuzzMultipart(_ bytes: [UInt8]) {
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    let head = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = Array(bytes[min(newline + 1, bytes.count)...])
    let type = MediaType.parse(head)
    let boundary = type.parameter("boundary") ?? head
    if let parts = try? Multipart.parse(body, boundary: boundary) {
        check(parts.count <= Multipart.maximumPartCount, "too many parts: \(parts.count)")
        check(parts.reduce(0) { $0 + $1.body.count } <= body.count, "parts hold more bytes than the body")
    }
    // The whole echo path too: what a POST with this body and type answers.
    let request = Request(method: "POST", target: "/post", headers: ["Content-Type": head], body: body)
    checkResponse(fuzzRouter.respond(to: request), for: request)
}

func fuzzURLEncoded(_ bytes: [UInt8]) {
    let pairs = URLEncodedForm.parse(bytes)
    check(pairs.count <= bytes.count, "more pairs than bytes")
    let request = Request(method: "POST", target: "/post", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: bytes)
    checkResponse(fuzzRouter.respond(to: request), for: request)
    // The same text as a query string.
    let query = String(decoding: bytes.filter { $0 != UInt8(ascii: "#") }, as: UTF8.self)
    let get = Request(method: "GET", target: "/get?" + query)
    checkResponse(fuzzRouter.respond(to: get), for: get)
    _ = PercentCoding.decode(bytes: bytes[...], plusAsSpace: false)
}

/// Lines are separate `Cookie` header values.
func fuzzCookie(_ bytes: [UInt8]) {
    let values = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let cookies = CookieHeader.parse(values)
    for cookie in cookies { check(!cookie.name.isEmpty, "empty cookie name") }
    var headers = HTTPHeaders()
    for value in values { headers.add("Cookie", value) }
    let request = Request(method: "GET", target: "/cookies", headers: headers)
    checkResponse(fuzzRouter.respond(to: request), for: request)
}

/// The input is an `Authorization` header for `/digest-auth/...` (its first byte picks qop and algorithm).
func fuzzDigest(_ bytes: [UInt8]) {
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    _ = AuthorizationHeader.digestParameters(text)
    _ = AuthorizationHeader.basicCredentials(text)
    _ = AuthorizationHeader.bearerToken(text)
    let selector = Int(bytes.first ?? 0)
    let qop = ["auth", "auth-int", "auth,auth-int"][selector % 3]
    let algorithm = ["MD5", "SHA-256", "SHA-512"][(selector / 3) % 3]
    let check = DigestCheck(qops: qop.split(separator: ",").map(String.init), user: "user", password: "pass", algorithm: DigestAlgorithm(name: algorithm)!, staleAfter: selector & 1 == 0 ? nil : 2, key: Array(repeating: 9, count: 32))
    _ = check.verify(authorization: text, method: "GET", target: "/digest-auth/\(qop)/user/pass", body: bytes, now: 1_700_000_000)
    let request = Request(method: "GET", target: "/digest-auth/\(qop)/user/pass/\(algorithm)", headers: ["Authorization": text])
    checkResponse(fuzzRouter.respond(to: request), for: request)
}

func fuzzRange(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = RangeHeader.parse(text)
    for length in [0, 1, 26, 1000, Int.max] {
        switch RangeHeader.resolve(text, length: length) {
        case .partial(let range):
            check(range.lowerBound >= 0 && range.upperBound < length, "range \(range) outside 0..<\(length)")
        case .full, .unsatisfiable: break
        }
    }
    let request = Request(method: "GET", target: "/range/100", headers: ["Range": text])
    let response = fuzzRouter.respond(to: request)
    checkResponse(response, for: request)
    check([200, 206, 416].contains(response.status), "/range answered \(response.status)")
}

/// Route parameters: the first byte picks a route family, the rest is appended to it raw.
let routePrefixes = [
    "/delay/", "/bytes/", "/stream-bytes/", "/status/", "/range/", "/redirect/", "/relative-redirect/",
    "/absolute-redirect/", "/redirect-to?url=", "/drip?", "/sse?", "/stream/", "/links/", "/base64/",
    "/cache/", "/etag/", "/basic-auth/", "/digest-auth/", "/cookies/set?", "/cookies/set/", "/response-headers?",
    "/unstable?", "/fault/truncate/", "/image/", "/anything/", "/drip-lines?", "/", "/get?",
]

func fuzzRoute(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let prefix = routePrefixes[Int(first) % routePrefixes.count]
    // A request target never holds a space, CR, LF or NUL (MHD rejects those before us).
    let rest = String(decoding: bytes.dropFirst().filter { $0 > 0x20 && $0 != 0x7f }, as: UTF8.self)
    let method = first & 0x80 == 0 ? "GET" : "POST"
    let request = Request(method: method, target: prefix + rest)
    let response = fuzzRouter.respond(to: request)
    checkResponse(response, for: request)
    check(response.delay <= fuzzConfiguration.maxDuration, "delay \(response.delay) over the maximum for \(request.target)")
    switch response.body {
    case .bytes(let body): check(body.count <= fuzzConfiguration.maxBodySize + 64 * 1024, "body of \(body.count) bytes for \(request.target)")
    case .stream(let stream):
        var total = Duration.zero
        for chunk in stream.chunks { total += chunk.pause }
        check(total <= fuzzConfiguration.maxDuration + .seconds(1), "stream lasting \(total) for \(request.target)")
    default: break
    }
    // Same-origin policy for /redirect-to: an absolute Location must stay on loopback.
    if let location = response.headers.first("Location"), request.target.hasPrefix("/redirect-to") {
        let lower = location.lowercased()
        // Absolute for a browser: an http(s) scheme, or two leading slashes of either kind (`\\` reads as `/`).
        let leading = Array(lower.utf8.prefix(2))
        let slashes = leading.count == 2 && leading.allSatisfy { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
        if lower.hasPrefix("http:") || lower.hasPrefix("https:") || slashes {
            check(RedirectSafety.isLoopbackLocation(lower), "open redirect to \(location)")
        }
    }
}

/// Invariants every answer keeps: a real status, no client-chosen HTML, JSON errors.
func checkResponse(_ response: Response, for request: Request) {
    check((100...599).contains(response.status), "status \(response.status) for \(request.target)")
    let type = response.headers.first("Content-Type")?.lowercased() ?? ""
    if type.contains("html") {
        let fixedHTML = ["/html", "/encoding/utf8", "/links/", "/forms/post", "/deny"]
        check(fixedHTML.contains { request.rawPath.hasPrefix($0) }, "HTML content type \(type) for \(request.target)")
    }
    if response.status >= 400, response.status != 401 || type.contains("json") {
        if case .bytes(let body) = response.body, !body.isEmpty, !request.target.hasPrefix("/status/") {
            check(type.hasPrefix("application/json"), "error \(response.status) without JSON for \(request.target): \(type)")
        }
    }
}

enum RedirectSafety {
    /// The host a browser would go to for an http(s) or scheme-relative `location` is loopback:
    /// `localhost`, `127.x.y.z` in dotted decimal, or IPv6 `::1` (however written).
    static func isLoopbackLocation(_ location: String) -> Bool {
        var rest = Substring(location)
        for scheme in ["http:", "https:"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            break
        }
        rest = rest.drop { $0 == "/" || $0 == "\\" }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        if authority.hasPrefix("[") {
            host = authority.dropFirst().prefix { $0 != "]" }
            return RedirectTarget.isLoopback(String(host))
        }
        host = authority.prefix { $0 != ":" }
        while host.hasSuffix(".") { host = host.dropLast() }
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0).map { $0 <= 255 } == true }
    }
}

/// First byte picks an LLM mock; the rest is its request body. Every answer is a 200 or httpbun's
/// JSON 400; Go's scanner (GoJSON) and our parser agree on what is JSON, but for nesting past our
/// parser's limit; Go's float formats read back as the number they print.
func fuzzLLM(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let paths = ["/llm/completions", "/llm/chat/completions", "/llm/responses", "/llm/v1/messages"]
    let body = Array(bytes.dropFirst())
    let request = Request(method: "POST", target: paths[Int(first) % paths.count], body: body)
    let response = fuzzRouter.respond(to: request)
    checkResponse(response, for: request)
    check(response.status == 200 || response.status == 400, "status \(response.status) for \(body)")
    let goError = GoJSON.syntaxError(in: body)
    do {
        let value = try JSON.parse(GoJSON.replacingInvalidUTF8(body))
        check(goError == nil, "Go's scanner refused what the parser read (\(goError ?? "")): \(body)")
        checkFloats(value)
        _ = GoJSON.print(value)
        _ = GoJSON.marshalAny(value)
    } catch {
        check(goError != nil || error.reason.hasPrefix("nesting"), "the parser refused what Go's scanner read (\(error)): \(body)")
    }
}

func checkFloats(_ value: JSON) {
    switch value {
    case .number(let text):
        guard let number = Double(text), number.isFinite else { return }
        check(Double(GoFloat.marshal(number)) == number, "json.Marshal's \(GoFloat.marshal(number)) for \(text)")
        check(Double(GoFloat.print(number)) == number, "%v's \(GoFloat.print(number)) for \(text)")
    case .array(let items): items.forEach(checkFloats)
    case .object(let object): object.forEach { checkFloats($0.value) }
    case .null, .bool, .string: break
    }
}


/// First byte: where to cut the rest; the rest: bytes a client sends on a WebSocket. The session
/// answers the same whether the bytes come whole or in two reads, every answer is whole unmasked
/// frames, a close frame is the last thing it sends, and nothing comes after it.
func fuzzWebSocket(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    let limits = WebSocketLimits(maxFragmentSize: 512, maxMessageSize: 2048)
    var whole = WebSocketSession(limits: limits)
    let once = whole.receive(input)
    var split = WebSocketSession(limits: limits)
    let cut = input.isEmpty ? 0 : Int(first) % (input.count + 1)
    var twice = split.receive(Array(input[..<cut]))
    if !twice.closing {
        let rest = split.receive(Array(input[cut...]))
        twice = WebSocketOutput(bytes: twice.bytes + rest.bytes, closing: rest.closing)
    }
    check(once == twice, "the answer depends on how the bytes were read (cut at \(cut))")
    check(once.closing == whole.isClosed, "closing is reported exactly when the session closed")
    var index = 0
    var sawClose = false
    while index < once.bytes.count {
        check(!sawClose, "a frame after the close frame")
        check(index + 2 <= once.bytes.count, "a frame header cut short")
        let opcode = once.bytes[index] & 0x0F, second = once.bytes[index + 1]
        check(second & 0x80 == 0, "a masked server frame")
        var length = Int(second & 0x7F)
        index += 2
        if length >= 126 {
            let size = length == 126 ? 2 : 8
            check(index + size <= once.bytes.count, "an extended length cut short")
            length = once.bytes[index..<(index + size)].reduce(0) { $0 << 8 | Int($1) }
            index += size
        }
        check(opcode < 8 ? length <= limits.maxFragmentSize : length <= 125, "a frame over its limit")
        index += length
        sawClose = opcode == 0x8
    }
    check(index == once.bytes.count, "the answer ends inside a frame")
    check(sawClose == once.closing, "closing without a close frame, or a close frame without closing")
    if whole.isClosed { check(whole.receive([0x81, 0x80, 0, 0, 0, 0]).bytes.isEmpty, "an answer after the close") }
}
