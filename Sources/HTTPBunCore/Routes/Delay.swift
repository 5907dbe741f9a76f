import HTTPWire
import JSONValue

/// `/delay/{seconds}`: httpbun's `OK` after a wait that holds no thread.
enum DelayRoutes {
    /// httpbun's ceiling; this server's `--max-duration` (60 s by default) may be lower.
    static let httpbunMaximum = 300.0

    static func delay(_ context: RouteContext) -> Response {
        let text = context[parameter: "seconds"]
        // Plain decimals, as every number in a path is read here (`DecimalNumber`); httpbun's Go
        // ParseFloat also takes exponents, hex floats, `inf` and `nan`.
        guard let seconds = DecimalNumber.decimal(text) else {
            return .text("Invalid delay: strconv.ParseFloat: parsing \(GoQuote.quote(text)): invalid syntax", status: 400)
        }
        guard seconds >= 0, seconds <= httpbunMaximum else {
            return .text("Delay can't be greater than 300 or less than 0", status: 400)
        }
        let maximum = context.configuration.maxDuration
        guard seconds <= maximum.secondsValue else {
            return .text("Delay can't be greater than \(DurationParameter.formatSeconds(maximum.secondsValue)) on this server (--max-duration)", status: 400)
        }
        var response = Response.text("OK")
        response.delay = .nanoseconds(Int64(seconds * 1e9))
        return response
    }
}
