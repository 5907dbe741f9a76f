@testable import HTTPBunCore
import JSONValue
import Testing

@Suite("Fixed documents")
struct ContentTests {
    @Test("/html: Moby-Dick as text/html")
    func html() {
        let response = respond("GET", "/html")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.bodyText.hasPrefix("<!DOCTYPE html>\n<html>"))
        #expect(response.bodyText.contains("<h1>Herman Melville - Moby-Dick</h1>"))
        #expect(response.bodyText.contains("Call me Ishmael."))
        #expect(response.bodyText.hasSuffix("</html>\n"))
    }

    @Test("/json: httpbin's slide show, pretty-printed")
    func json() throws {
        let response = respond("GET", "/json")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let json = try response.json
        #expect(json["slideshow"]?["title"] == "Sample Slide Show")
        #expect(json["slideshow"]?["author"] == "Yours Truly")
        #expect(json["slideshow"]?["slides"]?[0]?["title"] == "Wake up to WonderWidgets!")
        #expect(json["slideshow"]?["slides"]?[1]?["items"] == ["Why <em>WonderWidgets</em> are great", "Who <em>buys</em> WonderWidgets"])
        #expect(response.bodyText.hasPrefix("{\n  \"slideshow\": {\n    \"author\": \"Yours Truly\",\n"))
        #expect(response.bodyText.contains("Why <em>WonderWidgets</em>"), "no HTML escaping")
    }

    @Test("/xml: the slide show as application/xml")
    func xml() {
        let response = respond("GET", "/xml")
        #expect(response.headers["Content-Type"] == "application/xml")
        #expect(response.bodyText.hasPrefix("<?xml version='1.0' encoding='us-ascii'?>\n"))
        #expect(response.bodyText.contains("<title>Wake up to WonderWidgets!</title>"))
        #expect(response.bodyText.hasSuffix("</slideshow>\n"))
        #expect(response.bodyBytes.allSatisfy { $0 < 0x80 }, "the declared us-ascii holds")
    }

    @Test("/robots.txt and /deny")
    func robots() {
        let robots = respond("GET", "/robots.txt")
        #expect(robots.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(robots.bodyText == "User-agent: *\nDisallow: /deny\nDisallow: /mix/\nDisallow: /run/", "httpbun's, no final newline")
        let deny = respond("GET", "/deny")
        #expect(deny.status == 200)
        #expect(deny.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(deny.bodyText.hasPrefix("\n          .-''''''-.\n"))
        #expect(deny.bodyText.hasSuffix("\n     YOU SHOULDN'T BE HERE"))
        #expect(deny.bodyText.split(separator: "\n", omittingEmptySubsequences: false).count == 11)
        #expect(deny.bodyBytes.allSatisfy { $0 < 0x80 })
    }

    @Test("/forms/post: an HTML form posting to /post, under the path prefix too")
    func form() {
        let response = respond("GET", "/forms/post")
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.bodyText.contains("<form method=\"post\" action=\"/post\">"))
        for field in ["custname", "custtel", "custemail", "size", "topping", "delivery", "comments"] {
            #expect(response.bodyText.contains("name=\"\(field)\"") || response.bodyText.contains("name=\(field) "), "\(field)")
        }
        let prefixed = respond("GET", "/api/forms/post", configuration: ServerConfiguration(pathPrefix: "/api/"))
        #expect(prefixed.bodyText.contains("action=\"/api/post\""))
    }

    @Test("fixed documents answer GET and HEAD only, but those httpbun serves to any method")
    func methods() {
        for path in ["/json", "/xml", "/forms/post"] {
            #expect(respond("POST", path).status == 405, "\(path)")
            #expect(respond("HEAD", path).status == 200, "\(path)")
        }
        for path in ["/html", "/robots.txt", "/deny", "/links/1"] {
            #expect(respond("POST", path).status == 200, "\(path)")
            #expect(respond("HEAD", path).status == 200, "\(path)")
        }
    }
}

@Suite("/links")
struct LinkTests {
    @Test("n links, the current offset as plain text")
    func page() {
        let response = respond("GET", "/links/3/1")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.bodyText == "<html><head><title>Links</title></head><body><a href='/links/3/0'>0</a> 1 <a href='/links/3/2'>2</a> </body></html>")
        #expect(respond("GET", "/links/2").bodyText == "<html><head><title>Links</title></head><body>0 <a href='/links/2/1'>1</a> </body></html>")
        #expect(respond("GET", "/links/2/5").bodyText.contains("<a href='/links/2/0'>0</a> <a href='/links/2/1'>1</a> "))
        #expect(respond("GET", "/links/0").bodyText == "<html><head><title>Links</title></head><body></body></html>")
        let many = respond("GET", "/links/200/0").bodyText
        #expect(many.ranges(of: "<a href").count == 199)
        let prefixed = respond("GET", "/p/links/2/0", configuration: ServerConfiguration(pathPrefix: "/p"))
        #expect(prefixed.bodyText.contains("<a href='/p/links/2/1'>1</a>"))
    }

    @Test("counts that are not digits are no route (httpbun's \\d+); past 200 links, a 400 text")
    func invalid() throws {
        for path in ["/links/-1", "/links/abc", "/links/10/-1", "/links/10/x", "/links/%31", "/links/+3"] {
            let response = respond("GET", path)
            #expect(response.status == 404, "\(path)")
            #expect(response.bodyText == "404 page not found\n")
        }
        for path in ["/links/201", "/links/99999999999999999999"] {
            let response = respond("GET", path)
            #expect(response.status == 400, "\(path)")
            #expect(response.bodyText == "Link count can't be greater than 200 on this server")
        }
        #expect(respond("GET", "/links/3/99999999999999999999").status == 200, "an offset past the count links every one")
    }
}
