import HTTPWire
import JSONValue

/// `/status/{codes}`: any status, or a random one from a list or weighted list.
enum StatusRoutes {
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
