import HTTPWire

/// `/` and `/index.html`: the home page, every endpoint of the serving flavor with its methods, its
/// one-line summary and a link, written from the catalogue (`Flavor.endpoints`), so the page cannot
/// list an endpoint the router does not serve or miss one it does.
///
/// Each link goes to the endpoint's `examplePath` and carries its pattern in `data-pattern`, so a
/// checker can map the page back to the catalogue.
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
        let endpoints = flavor.listedEndpoints
        let families = Endpoint.Family.allCases.filter { family in endpoints.contains { $0.family == family } }
        html += "<nav><p>" + families.map { "<a href=\"#\(anchor($0))\">\(HTMLEscaping.escape($0.rawValue))</a>" }
            .joined(separator: " · ") + "</p></nav>\n"
        for family in families {
            html += "<h2 id=\"\(anchor(family))\">\(HTMLEscaping.escape(family.rawValue))</h2>\n<dl>\n"
            for endpoint in endpoints where endpoint.family == family {
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

    private static func anchor(_ family: Endpoint.Family) -> String {
        String(family.rawValue.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
