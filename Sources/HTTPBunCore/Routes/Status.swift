import HTTPWire
import JSONValue

/// `/status/{codes}`: any status, or a random one from a list or weighted list.
enum StatusRoutes {
    /// httpbun's `/status/{codes}` (the default flavor): one code, or one of a comma list picked
    /// at random (empty items skipped), answered `{"code": N, "description": Go's StatusText}`, or
    /// that text alone when the last `Accept` starts with `text/plain; charset=utf-8` (httpbun's
    /// prefix, charset and all). No `Location` or challenge goes with a 3xx or a 401. Refusals are
    /// httpbun's 400 texts. `code:weight` items (`200:0.9,500:0.1`) are this server's extension.
    static func httpbun(_ context: RouteContext) -> Response {
        let input = context[parameter: "codes"]
        // httpbun's pattern takes `[\w,]+` only (`/status/+200` is no route there); a `:` marks
        // this server's weighted list, which may hold more (`200:0.5`, `200:1e-3`).
        if !input.utf8.contains(UInt8(ascii: ":")) && !input.utf8.allSatisfy({ $0.isRegexpWordByte || $0 == UInt8(ascii: ",") }) {
            return HTTPBunShape.notFound
        }
        guard input.utf8.count <= 99 else { return .text("Too many status codes", status: 400) }
        var codes: [Int] = []
        var weights: [Double] = []
        for item in input.split(separator: ",", omittingEmptySubsequences: false) {
            let part = item.trimmingSpaces
            if part.isEmpty { continue }
            let pieces = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            // Go's `strconv.Atoi` reads what `Int(_:)` reads: an optional sign and decimal digits.
            guard let code = Int(pieces[0].trimmingSpaces), (100...599).contains(code) else {
                return .text("Invalid status code: \(part)", status: 400)
            }
            var weight = 1.0
            if pieces.count == 2 {
                guard let parsed = Double(pieces[1].trimmingSpaces) else {
                    return .text("Invalid status weight: \(part)", status: 400)
                }
                weight = parsed
            }
            codes.append(code)
            weights.append(weight)
        }
        // httpbun indexes an empty list and panics (the connection drops): say what to send instead.
        guard !codes.isEmpty else { return .text("Specify a status code, example `/status/200`", status: 400) }
        let choice: StatusChoice
        do {
            choice = try StatusChoice(codes: codes, weights: weights)
        } catch {
            return .text(error.message, status: error.status)
        }
        var generator = context.services.randomNumbers
        let accept = context.request.headers.values(for: "Accept").last ?? ""
        return httpbunResponse(for: choice.pick(using: &generator), plainText: accept.utf8.starts(with: "text/plain; charset=utf-8".utf8))
    }

    /// httpbun's answer for one code, as Go's server sends it.
    static func httpbunResponse(for code: Int, plainText: Bool) -> Response {
        let description = StatusReason.phrase(for: code)
        if code == 101 { return Response(status: 101) }
        // Go sends a 1xx as an interim answer, then the body under an implicit 200. MHD cannot send
        // the interim one, so the 200 with httpbun's body for the code asked for.
        let status = (100..<200).contains(code) ? 200 : code
        if plainText {
            // Go sniffs no type for a body it may not send (204, 304) or an empty one (unknown codes).
            guard !StatusReason.forbidsBody(status), !description.isEmpty else { return Response(status: status) }
            return .text(description, status: status)
        }
        switch status {
        // Go drops Content-Type from a 304 only; a 204 keeps the one httpbun set for its JSON.
        case 304: return Response(status: 304)
        case 204: return Response(status: 204, headers: .contentType("application/json"))
        default: return .json(["code": JSON(code), "description": .string(description)], status: status)
        }
    }

    /// The httpbin flavor's fallback for codes and weights its own parser leaves (a 1xx, bad weights).
    static func status(_ context: RouteContext) throws(HTTPError) -> Response {
        let choice = try StatusChoice.parse(context[parameter: "codes"])
        var generator = context.services.randomNumbers
        return response(for: choice.pick(using: &generator))
    }

    /// The answer for one code: its reason as JSON, plus the headers clients expect with it.
    static func response(for code: Int) -> Response {
        var response: Response
        if (100..<200).contains(code) && code != 101 {
            // A 1xx is informational: clients wait for the final answer after it, so sending one
            // alone hangs them. Go's server (httpbun's) follows it with 200; MHD cannot send the
            // interim one, so answer the 200 it ends in.
            return Response(status: 200)
        }
        if StatusReason.forbidsBody(code) {
            response = Response(status: code)
        } else {
            response = .json(["code": JSON(code), "description": .string(StatusReason.phrase(for: code))], status: code)
        }
        if (300..<400).contains(code) && code != 304 {
            response.headers.add("Location", "/redirect/1")
        }
        if code == 401 {
            response.headers.add("WWW-Authenticate", AuthRoutes.basicChallenge)
        }
        return response
    }
}

/// A status list as `/status` takes it: `200`, `200,500` (uniform) or `200:0.9,500:0.1` (weighted).
struct StatusChoice: Equatable {
    private(set) var codes: [Int]
    private(set) var weights: [Double]

    /// Checks what `pick` relies on, whichever flavor parsed the list: at most 100 codes, weights
    /// finite and non-negative, and a total above zero that a `Double` can hold (`pick` draws from
    /// `0..<total`, which traps on an infinite range: `200:1e308,500:1e308`).
    init(codes: [Int], weights: [Double]) throws(HTTPError) {
        guard !codes.isEmpty, codes.count == weights.count else { throw .badRequest("give at least one status code") }
        guard codes.count <= 100 else { throw .badRequest("too many status codes (at most 100)") }
        if let bad = weights.first(where: { !$0.isFinite || $0 < 0 }) {
            throw .badRequest("invalid status weight \(bad): use a non-negative number")
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw .badRequest("status weights add up to zero") }
        guard total.isFinite else { throw .badRequest("status weights add up to more than a Double can hold; use smaller weights") }
        self.codes = codes
        self.weights = weights
    }

    static func parse(_ text: String) throws(HTTPError) -> StatusChoice {
        var codes: [Int] = []
        var weights: [Double] = []
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= 100 else { throw .badRequest("too many status codes (at most 100)") }
        for item in items {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let code = DecimalNumber.whole(parts[0].trimmingSpaces), (100...599).contains(code) else {
                throw .badRequest("invalid status code \"\(item)\": use a number from 100 to 599, a comma list, or code:weight pairs")
            }
            var weight = 1.0
            if parts.count == 2 {
                guard let parsed = Double(parts[1].trimmingSpaces) else {
                    throw .badRequest("invalid weight in \"\(item)\": use a non-negative number")
                }
                weight = parsed
            }
            codes.append(code)
            weights.append(weight)
        }
        return try StatusChoice(codes: codes, weights: weights)
    }

    func pick<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Int {
        if codes.count == 1 { return codes[0] }
        let total = weights.reduce(0, +)
        var point = Double.random(in: 0..<total, using: &generator)
        for (code, weight) in zip(codes, weights) {
            if point < weight { return code }
            point -= weight
        }
        return codes[codes.count - 1]
    }
}
