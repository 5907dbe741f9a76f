import HTTPWire
import JSONValue

/// httpbun's response composer: `/mix/s=404/h=x-a:1/c=name:value/b64=aGk=` (or the same
/// directives as a query, `/mix?s=404&h=x-a:1`) answers with the status, headers, cookies, body,
/// redirect and delay the directives ask for.
///
/// ```
/// GET /mix/s=201/h=content-type:text%2Fplain/b64=aGk=   → 201, Content-Type: text/plain, body "hi"
/// GET /mix/r=%2Fget                                     → 307, Location: /get
/// GET /mix?cd=session                                   → Set-Cookie: session=; Path=/; Expires=...; Max-Age=0
/// ```
///
/// Every `Location` it makes passes httpbun's guard (`HTTPBunShape.decorate`). Where httpbun's Go
/// code would panic or write a broken answer (`s=abc`, `s=5`, a header that frames the body), this
/// answers 400; httpbun's `t=` (a Go text/template) and `slack=` (a message posted to Slack) are
/// not served: `docs/flavors.md` says why.
enum MixRoutes {
    /// A directive and its arguments: one for `s cd r b64 d t slack`, two (`name:value`) for `h c`.
    struct Directive: Equatable {
        var name: String
        var arguments: [String]
    }

    static let singleValued: Set<String> = ["s", "cd", "r", "b64", "d", "t", "slack"]
    static let pairValued: Set<String> = ["h", "c"]
    /// httpbun's ceiling on `d=`.
    static let maximumDelay: Duration = .seconds(10)

    static func mix(_ context: RouteContext) -> Response {
        let directives: [Directive]
        switch parse(context) {
        case .success(let parsed): directives = parsed
        case .failure(let refusal): return .text(refusal.message, status: 400)
        }
        var status = 0
        var headers = HTTPHeaders()
        var cookies: [String] = []
        var redirect: String?
        var payload: [UInt8] = []
        var delay = Duration.zero
        var generator = context.services.randomNumbers
        for directive in directives {
            let argument = directive.arguments[0]
            switch directive.name {
            case "s":
                let codes = digitRuns(argument)
                guard !codes.isEmpty else {
                    return .text("s= needs a status code, such as s=404 or s=200,500 for one of them at random", status: 400)
                }
                let chosen = codes.count > 1 ? codes[Int.random(in: 0..<codes.count, using: &generator)] : codes[0]
                guard let code = Int(chosen) else { return .text("strconv.Atoi: parsing \"\(chosen)\": value out of range", status: 400) }
                // httpbun passes any number to Go, which panics below 100 and above 999; a 1xx
                // would end no answer, and no client reads codes past 599.
                guard code == 0 || (200...599).contains(code) else {
                    return .text("invalid status code \(code): use 200 to 599", status: 400)
                }
                status = code
            case "h":
                let (name, value) = (argument, directive.arguments[1])
                guard HTTPToken.isValid(name) else { continue }  // Go's server drops such a field
                // The body's framing is the server's: a client-chosen length or coding would cut or
                // corrupt the answer (httpbun resets Content-Length itself).
                if ["content-length", "transfer-encoding", "connection"].contains(name.asciiLowercased) { continue }
                headers.add(name.canonicalHeaderName, headerValue(value))
            case "c":
                guard HTTPToken.isValid(argument) else { continue }
                cookies.append(argument + "=" + SetCookie.goSanitizedValue(directive.arguments[1]) + "; Path=/")
            case "cd":
                guard HTTPToken.isValid(argument) else { continue }
                cookies.append(argument + "=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0")
            case "r":
                // An empty target is no redirect, and does not count as one (httpbun checks `!= ""`).
                guard redirect?.isEmpty ?? true else { return .text("multiple redirects not allowed", status: 400) }
                // httpbun unescapes the target once more, as a query value.
                switch GoUnescape.unescape(Substring(argument), plusAsSpace: true) {
                case .success(let target): redirect = target
                case .failure(let refusal): return .text(refusal.message, status: 400)
                }
            case "b64":
                switch Base64.decodeAsGo(argument) {
                case .success(let bytes): payload = bytes
                case .failure(let offset): return .text("illegal base64 data at input byte \(offset.byte)", status: 400)
                }
            case "d":
                // Plain decimals (`DecimalNumber`); Go's ParseFloat also reads exponents and hex.
                guard let seconds = DecimalNumber.decimal(argument) else {
                    return .text("invalid delay value: '\(argument)'", status: 400)
                }
                if seconds < 0 { return .text("delay must be a positive number", status: 400) }
                if seconds > 10 { return .text("delay must be less than 10 seconds", status: 400) }
                delay = .nanoseconds(Int64(seconds * 1e9))
                guard delay <= context.configuration.maxDuration else {
                    return .text("delay must be at most \(DurationParameter.formatSeconds(context.configuration.maxDuration.secondsValue)) seconds on this server (--max-duration)", status: 400)
                }
            case "t":
                if case .failure(let offset) = Base64.decodeAsGo(argument) {
                    return .text("illegal base64 data at input byte \(offset.byte)", status: 400)
                }
                return .text("the t= directive (a Go text/template) is not served here: send the body itself with b64=", status: 400)
            default:
                break  // `slack=` posts to Slack in httpbun; this server sends nothing anywhere.
            }
        }
        if let redirect, !redirect.isEmpty {
            if status == 0 { status = 307 }
            headers.set("Location", redirect)
        }
        for cookie in cookies { headers.add("Set-Cookie", cookie) }
        let finalStatus = status == 0 ? 200 : status
        // Go sends no body with a 204 or 304, and sniffs no type for a body whose coding is named.
        if StatusReason.forbidsBody(finalStatus) { payload = [] }
        if !payload.isEmpty && !headers.contains("Content-Type") && (headers["Content-Encoding"] ?? "").isEmpty {
            headers.add("Content-Type", ContentSniffer.goContentType(of: payload))
        }
        return Response(status: finalStatus, headers: headers, body: .bytes(payload), delay: delay)
    }

    /// The directives in order, up to an `end`: from the path after `/mix` when there is one
    /// (`/`-separated, path-unescaped), else from the raw query (`&`-separated, query-unescaped).
    static func parse(_ context: RouteContext) -> Result<[Directive], GoRefusal> {
        let path = context.routePath.dropFirst("/mix".count)
        let (source, separator, plusAsSpace): (Substring, Character, Bool) =
            path.isEmpty ? (context.request.rawQuery, "&", true) : (path, "/", false)
        var directives: [Directive] = []
        for part in source.split(separator: separator, omittingEmptySubsequences: true) {
            if part == "end" { break }
            let name: Substring
            let rawValue: Substring
            if let equals = part.firstIndex(of: "=") {
                (name, rawValue) = (part[..<equals], part[part.index(after: equals)...])
            } else {
                (name, rawValue) = (part, "")
            }
            let value: String
            switch GoUnescape.unescape(rawValue, plusAsSpace: plusAsSpace) {
            case .success(let decoded): value = decoded
            case .failure(let refusal): return .failure(refusal)
            }
            if singleValued.contains(String(name)) {
                directives.append(Directive(name: String(name), arguments: [value]))
            } else if pairValued.contains(String(name)) {
                let colon = value.firstIndex(of: ":")
                directives.append(Directive(
                    name: String(name),
                    arguments: [String(value[..<(colon ?? value.endIndex)]), colon.map { String(value[value.index(after: $0)...]) } ?? ""]))
            }
        }
        return .success(directives)
    }

    /// Each run of ASCII digits, as httpbun's `\d+` finds them.
    private static func digitRuns(_ text: String) -> [Substring] {
        text.split(whereSeparator: { !("0"..."9").contains($0) })
    }

    /// A value Go's server would write: CR and LF become spaces (Go's `headerNewlineToSpace`), and
    /// so do the other control bytes the transport cannot send.
    private static func headerValue(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F ? " " : $0 }))
    }
}

extension MixRoutes {
    /// The directives, as `/help/mixer` lists them and the mixer's form offers them.
    static let directiveHelp: [(name: String, example: String, summary: String)] = [
        ("s", "s=404", "The status. Several codes (s=200,500) pick one at random."),
        ("h", "h=x-name:value", "A header, name:value. Repeat it for more; Content-Length and Transfer-Encoding are the server's."),
        ("c", "c=session:abc", "A cookie, name:value, with Path=/."),
        ("cd", "cd=session", "Deletes a cookie: it expires at once."),
        ("r", "r=%2Fget", "Redirects there (307 unless s= says otherwise). Only paths and allowed hosts pass."),
        ("b64", "b64=aGVsbG8=", "The body, as standard base64 with padding."),
        ("d", "d=1.5", "Waits this many seconds first (at most 10)."),
        ("end", "end", "Stops reading directives: whatever follows is ignored."),
    ]

    /// `/help/mixer`: each directive with an example link.
    static func help(_ context: RouteContext) -> Response {
        let prefix = HTMLEscaping.escape(context.configuration.normalizedPathPrefix)
        var html = page(title: "/mix directives") + """
            <h1>/mix directives</h1>
            <p><code>/mix</code> composes an answer from directives in the path, separated by <code>/</code>
            (<code>/mix/s=201/h=x-a:1</code>), or in the query, separated by <code>&amp;</code>
            (<code>/mix?s=201&amp;h=x-a:1</code>). Values are percent-decoded. Build a link with the
            <a href="\(prefix)/mixer">mixer</a>.</p>
            <dl>

            """
        for directive in directiveHelp {
            let example = directive.name == "end" ? "/mix/s=202/end/s=500" : "/mix/" + directive.example
            html += "<dt><a href=\"\(prefix)\(HTMLEscaping.escape(example))\"><code>\(HTMLEscaping.escape(directive.example))</code></a></dt>"
            html += "<dd>\(HTMLEscaping.escape(directive.summary))</dd>\n"
        }
        return .text(html + "</dl>\n", contentType: "text/html; charset=utf-8")
    }

    /// `/mixer`: a form whose fields become a `/mix` link, built in the page as they change.
    static func mixer(_ context: RouteContext) -> Response {
        let prefix = context.configuration.normalizedPathPrefix
        var html = page(title: "The /mix response composer") + """
            <h1>The /mix response composer</h1>
            <p>Fill in what the answer should be; the link below follows. What each field does:
            <a href="\(HTMLEscaping.escape(prefix))/help/mixer">the directives</a>.</p>
            <form id=mixer>

            """
        for directive in directiveHelp where directive.name != "end" {
            html += "<p><label>\(HTMLEscaping.escape(directive.summary))<br><input name=\"\(directive.name)\" placeholder=\"\(HTMLEscaping.escape(directive.example.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""))\"></label></p>\n"
        }
        html += """
            </form>
            <p><a id=link href="\(HTMLEscaping.escape(prefix))/mix">\(HTMLEscaping.escape(prefix))/mix</a></p>
            <script>
            const form = document.getElementById("mixer"), link = document.getElementById("link");
            form.addEventListener("input", () => {
              const parts = [];
              for (const input of form.elements) {
                if (input.value === "") continue;
                parts.push(input.name + "=" + encodeURIComponent(input.value).replace(/%3A/g, ":"));
              }
              link.href = link.textContent = \(JSON.string(prefix).serialized(.compact)) + "/mix" + (parts.length ? "/" + parts.join("/") : "");
            });
            </script>

            """
        return .text(html, contentType: "text/html; charset=utf-8")
    }

    private static func page(title: String) -> String {
        """
        <!doctype html>
        <html lang=en>
        <meta charset=utf-8>
        <meta name=viewport content="width=device-width, initial-scale=1">
        <title>\(HTMLEscaping.escape(title))</title>
        <style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 50em; margin: 0 auto; padding: 1em; } input { width: 100%; }</style>

        """
    }
}
