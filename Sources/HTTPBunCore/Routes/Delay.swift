import HTTPWire
import JSONValue

/// `/delay/{seconds}`: the echo object after a wait that holds no thread.
enum DelayRoutes {
    static func delay(_ context: RouteContext) throws(HTTPError) -> Response {
        let text = context[parameter: "seconds"]
        let wait = try DurationParameter.parse(text, name: "delay", maximum: context.configuration.maxDuration)
        var response = try EchoRoutes.echo(context)
        if response.status == 200 { response.delay = wait }
        return response
    }
}

/// Seconds given in a path or query (`1`, `0.25`), checked against the server's maximum.
enum DurationParameter {
    static func parse(_ text: String, name: String, maximum: Duration) throws(HTTPError) -> Duration {
        let maximumSeconds = maximum.secondsValue
        guard let seconds = DecimalNumber.decimal(text), seconds.isFinite else {
            throw .badRequest("invalid \(name) \"\(text)\": use a number of seconds such as 1 or 0.25")
        }
        guard seconds >= 0 else {
            throw .badRequest("invalid \(name) \(text): seconds cannot be negative")
        }
        guard seconds <= maximumSeconds else {
            throw .badRequest("\(name) \(text) is longer than the server's maximum of \(formatSeconds(maximumSeconds)) seconds (--max-duration)")
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

extension Duration {
    /// The duration in seconds, for messages and arithmetic in seconds.
    var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
