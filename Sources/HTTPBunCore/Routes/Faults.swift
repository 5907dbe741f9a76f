import HTTPWire
import JSONValue

/// `/unstable`, `/fault/close`, `/fault/truncate/{n}`: failures on demand, for testing clients'
/// retry and timeout paths.
enum FaultRoutes {
    /// The echo object, or a 500 with probability `failure_rate` (default 0.5). With `seed`, the
    /// outcome is the same on every call, so a test can pin a failure or a success.
    static func unstable(_ context: RouteContext) throws(HTTPError) -> Response {
        let request = context.request
        var rate = 0.5
        if let text = request.queryValue("failure_rate") {
            guard let parsed = DecimalNumber.decimal(text), (0...1).contains(parsed) else {
                return .error(400, "invalid failure_rate \"\(text)\": use a number from 0 to 1, such as 0.5")
            }
            rate = parsed
        }
        var fallback = context.services.randomNumbers
        var generator: SeededRandom
        generator = try SeededRandom.parse(seed: request.queryValue("seed"), else: &fallback)
        if Double.random(in: 0..<1, using: &generator) < rate {
            return .error(500, "this request failed on purpose (failure_rate \(DurationParameter.formatSeconds(rate)))")
        }
        return try EchoRoutes.echo(context)
    }

    /// Announces n bytes and sends half of them.
    static func truncate(_ context: RouteContext) -> Response {
        let text = context[parameter: "n"]
        let maximum = context.configuration.maxBodySize
        guard let announced = DecimalNumber.whole(text), announced >= 1, announced <= maximum else {
            return .error(400, "invalid length \"\(text)\": use a whole number of bytes from 1 to \(maximum) (--max-body-size)")
        }
        let pattern = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let bytes = (0..<announced / 2).map { pattern[$0 % pattern.count] }
        return Response(
            status: 200, headers: ["Content-Type": "application/octet-stream"], body: .truncated(announced: announced, bytes: bytes))
    }
}
