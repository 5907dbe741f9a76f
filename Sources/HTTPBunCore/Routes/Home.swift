import HTTPWire
import JSONValue

/// `/` and `/index.html`: the home page, every endpoint of the serving flavor with its methods, its
/// one-line summary and a link, written from the catalogue (`Flavor.endpoints`), so the page cannot
/// list an endpoint the router does not serve or miss one it does.
///
/// A pattern with parameters links to an example path (`/delay/{seconds}` to `/delay/1`); each link
/// carries its pattern in `data-pattern`, so a checker can map the page back to the catalogue.
enum HomeRoutes {
    static func page(_ context: RouteContext) -> Response {
        let prefix = context.configuration.normalizedPathPrefix
        let flavor = context.configuration.flavor
        var html = """
            <!doctype html>
            <html lang=en>
            <meta charset=utf-8>
            <meta name=viewport content="width=device-width, initial-scale=1">
            <title>httpbun</title>
            <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 60em; margin: 0 auto; padding: 1em; }
            dt { font-family: ui-monospace, monospace; margin-top: .6em; }
            dd { margin-left: 1.5em; }
            .methods { color: #666; font-size: .85em; }
            </style>
            <h1>httpbun</h1>
            <p>An HTTP echo and test server: it answers what a client sent, and any status, header, cookie,
            redirect, delay, stream or fault a test asks for. Serving the <strong>\(HTMLEscaping.escape(flavor.rawValue))</strong>
            flavor, version \(HTMLEscaping.escape(HTTPBunVersion.current)).</p>

            """
        let families = Endpoint.Family.allCases.filter { family in flavor.endpoints.contains { $0.family == family } }
        html += "<nav><p>" + families.map { "<a href=\"#\(anchor($0))\">\(HTMLEscaping.escape($0.rawValue))</a>" }
            .joined(separator: " · ") + "</p></nav>\n"
        for family in families {
            html += "<h2 id=\"\(anchor(family))\">\(HTMLEscaping.escape(family.rawValue))</h2>\n<dl>\n"
            for endpoint in flavor.endpoints where endpoint.family == family {
                let href = HTMLEscaping.escape(prefix + endpoint.examplePath)
                let methods = endpoint.methods.map { $0.joined(separator: ", ") } ?? "any method"
                html += "<dt><a href=\"\(href)\" data-pattern=\"\(HTMLEscaping.escape(endpoint.pattern))\">"
                    + "\(HTMLEscaping.escape(endpoint.pattern))</a> <span class=methods>\(HTMLEscaping.escape(methods))</span></dt>\n"
                html += "<dd>\(HTMLEscaping.escape(endpoint.summary))"
                if !endpoint.query.isEmpty {
                    html += " Query: " + endpoint.query.map {
                        "<code>\(HTMLEscaping.escape($0.name))</code> (\(HTMLEscaping.escape($0.summary)))"
                    }.joined(separator: ", ") + "."
                }
                html += "</dd>\n"
            }
            html += "</dl>\n"
        }
        return .text(html, contentType: "text/html; charset=utf-8")
    }

    /// A value each path parameter of the catalogue accepts, by name or by "pattern name"; `1` for
    /// the rest (counts, seconds, sizes).
    static let exampleValues: [String: String] = [
        "/base64/{value*} value": "aHR0cGJ1bg==",
        "path": "anything", "codes": "200", "user": "user", "passwd": "passwd", "qop": "auth",
        "algorithm": "MD5", "stale_after": "never", "tok": "token", "name": "flavor", "value": "oat",
        "etag": "abc", "offset": "0",
    ]

    /// Query arguments an example link carries: a seed with which `/unstable` succeeds, so a
    /// visitor (or a link checker) sees the echo, and can change the seed to see the failure.
    static let exampleQueries: [String: String] = ["/unstable": "seed=2"]

    private static func anchor(_ family: Endpoint.Family) -> String {
        String(family.rawValue.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}

extension Endpoint {
    /// A path this endpoint answers: the pattern with each parameter filled with a value it accepts
    /// (`/delay/{seconds}` gives `/delay/1`). The home page links to it.
    public var examplePath: String {
        let segments = route.segments.map { segment -> String in
            switch segment {
            case .literal(let text): text
            case .parameter(let name), .rest(let name):
                HomeRoutes.exampleValues[pattern + " " + name] ?? HomeRoutes.exampleValues[name] ?? "1"
            }
        }
        return "/" + segments.joined(separator: "/") + (HomeRoutes.exampleQueries[pattern].map { "?" + $0 } ?? "")
    }

    /// The endpoint as one line of JSON, for tools outside Swift (`httpbun --list-endpoints`).
    public var json: JSON {
        [
            "pattern": .string(pattern), "methods": methods.map { JSON.array($0.map(JSON.string)) } ?? .null,
            "family": .string(family.rawValue), "summary": .string(summary), "example": .string(examplePath),
            "query": .array(query.map { ["name": .string($0.name), "summary": .string($0.summary)] }),
        ]
    }
}
