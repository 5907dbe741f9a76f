import HTTPWire
import JSONValue

/// Fixed documents of each common type: `/html`, `/json`, `/xml`, `/robots.txt`, `/deny`,
/// `/forms/post`, and the generated `/links/{n}[/{offset}]`.
///
/// These server-authored pages are the only HTML the server sends: nothing a client puts in a
/// request ever lands in them unescaped.
enum ContentRoutes {
    /// httpbin's limit, and a page size any client can parse.
    static let maximumLinks = 200

    static let html = """
        <!DOCTYPE html>
        <html>
          <head>
            <meta charset="utf-8">
            <title>Moby-Dick</title>
          </head>
          <body>
            <h1>Herman Melville - Moby-Dick</h1>
            <h2>Chapter 1. Loomings.</h2>
            <p>
              Call me Ishmael. Some years ago&mdash;never mind how long precisely&mdash;having little or no
              money in my purse, and nothing particular to interest me on shore, I thought I would sail
              about a little and see the watery part of the world. It is a way I have of driving off the
              spleen and regulating the circulation. Whenever I find myself growing grim about the mouth;
              whenever it is a damp, drizzly November in my soul; whenever I find myself involuntarily
              pausing before coffin warehouses, and bringing up the rear of every funeral I meet; and
              especially whenever my hypos get such an upper hand of me, that it requires a strong moral
              principle to prevent me from deliberately stepping into the street, and methodically knocking
              people's hats off&mdash;then, I account it high time to get to sea as soon as I can. This is my
              substitute for pistol and ball. With a philosophical flourish Cato throws himself upon his
              sword; I quietly take to the ship. There is nothing surprising in this. If they but knew it,
              almost all men in their degree, some time or other, cherish very nearly the same feelings
              towards the ocean with me.
            </p>
          </body>
        </html>

        """

    /// The sample document httpbin users' tests read fields of (`slideshow.title`, `slides[1].items`),
    /// so its shape and values are kept.
    static let slideshow: JSON = [
        "slideshow": [
            "author": "Yours Truly",
            "date": "date of publication",
            "slides": [
                ["title": "Wake up to WonderWidgets!", "type": "all"],
                [
                    "items": ["Why <em>WonderWidgets</em> are great", "Who <em>buys</em> WonderWidgets"],
                    "title": "Overview",
                    "type": "all",
                ],
            ],
            "title": "Sample Slide Show",
        ]
    ]

    /// The same slide show as XML, as httpbin serves it.
    static let xml = """
        <?xml version='1.0' encoding='us-ascii'?>

        <!--  A SAMPLE set of slides  -->

        <slideshow
            title="Sample Slide Show"
            date="Date of publication"
            author="Yours Truly"
            >

            <!-- TITLE SLIDE -->
            <slide type="all">
              <title>Wake up to WonderWidgets!</title>
            </slide>

            <!-- OVERVIEW -->
            <slide type="all">
                <title>Overview</title>
                <item>Why <em>WonderWidgets</em> are great</item>
                <item/>
                <item>Who <em>buys</em> WonderWidgets</item>
            </slide>

        </slideshow>

        """

    /// python httpbin's `/robots.txt`.
    static let robots = "User-agent: *\nDisallow: /deny\n"

    /// httpbun's `/deny` and `/robots.txt`, byte for byte (no final newline; httpbin's face is the
    /// same with one).
    static let httpbunDeny = #"""

                  .-''''''-.
                .' _      _ '.
               /   O      O   \
              :                :
              |                |
              :       __       :
               \  .-"`  `"-.  /
                '.          .'
                  '-......-'
             YOU SHOULDN'T BE HERE
        """#
    static let httpbunRobots = "User-agent: *\nDisallow: /deny\nDisallow: /mix/\nDisallow: /run/"

    /// A pizza order form, like httpbin's, that posts to this server's `/post` (under the path prefix).
    static func form(prefix: String) -> String {
        """
        <!DOCTYPE html>
        <html>
          <head>
            <meta charset="utf-8">
            <title>Order form</title>
          </head>
          <body>
            <form method="post" action="\(prefix)/post">
              <p><label>Customer name: <input name="custname"></label></p>
              <p><label>Telephone: <input type=tel name="custtel"></label></p>
              <p><label>E-mail address: <input type=email name="custemail"></label></p>
              <fieldset>
                <legend> Pizza Size </legend>
                <p><label> <input type=radio name=size value="small"> Small </label></p>
                <p><label> <input type=radio name=size value="medium"> Medium </label></p>
                <p><label> <input type=radio name=size value="large"> Large </label></p>
              </fieldset>
              <fieldset>
                <legend> Pizza Toppings </legend>
                <p><label> <input type=checkbox name="topping" value="bacon"> Bacon </label></p>
                <p><label> <input type=checkbox name="topping" value="cheese"> Extra Cheese </label></p>
                <p><label> <input type=checkbox name="topping" value="onion"> Onion </label></p>
                <p><label> <input type=checkbox name="topping" value="mushroom"> Mushroom </label></p>
              </fieldset>
              <p><label>Preferred delivery time: <input type=time min="11:00" max="21:00" step="900" name="delivery"></label></p>
              <p><label>Delivery instructions: <textarea name="comments"></textarea></label></p>
              <p><button>Submit order</button></p>
            </form>
          </body>
        </html>

        """
    }

    /// `n` links to `/links/{n}/{i}`; the page's own offset is plain text. `/links/{n}` is offset 0
    /// served directly: httpbin redirects it to `/links/{n}/0`, but a page is what the spec asks.
    /// httpbun's `/links/{n}[/{offset}]`: digits as sent, or no route at all (its `\d+`).
    static func links(_ context: RouteContext) -> Response {
        let numbers = context.routePath.split(separator: "/").dropFirst()
        guard numbers.allSatisfy(DecimalNumber.isDigits) else { return HTTPBunShape.notFound }
        let countText = context[parameter: "n"]
        guard let count = DecimalNumber.whole(countText), count <= maximumLinks else {
            return .text("Link count can't be greater than \(maximumLinks) on this server", status: 400)
        }
        // httpbun ignores a failed conversion (an offset too large for an integer is 0).
        let offset = DecimalNumber.whole(context.parameters["offset"] ?? "0") ?? 0
        return linksPage(count: count, current: offset, prefix: context.configuration.normalizedPathPrefix)
    }

    /// `count` links to `/links/count/i`, the current one as plain text: both flavors' page.
    static func linksPage(count: Int, current: Int, prefix: String) -> Response {
        var page = "<html><head><title>Links</title></head><body>"
        for index in 0..<count {
            page += index == current ? "\(index) " : "<a href='\(prefix)/links/\(count)/\(index)'>\(index)</a> "
        }
        page += "</body></html>"
        return .text(page, contentType: "text/html; charset=utf-8")
    }
}
