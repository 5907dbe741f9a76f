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
