import HTTPWire

/// Small images: `/image` (chosen by `Accept`), `/image/png`, `/image/jpeg`, `/image/webp`, `/image/svg`.
enum ImageRoutes {
    enum Kind: CaseIterable {
        // Listed in httpbin's order of preference when a client names several types.
        case webp, svg, jpeg, png

        var mediaType: String {
            switch self {
            case .webp: "image/webp"
            case .svg: "image/svg+xml"
            case .jpeg: "image/jpeg"
            case .png: "image/png"
            }
        }

        var bytes: [UInt8] {
            switch self {
            case .webp: ImageAssets.webp
            case .svg: Array(ImageAssets.svg.utf8)
            case .jpeg: ImageAssets.jpeg
            case .png: ImageAssets.png
            }
        }
    }

    static func response(_ kind: Kind) -> Response {
        .bytes(kind.bytes, contentType: kind.mediaType)
    }

    static func negotiated(_ context: RouteContext) -> Response {
        let accept = context.request.headers.values(for: "Accept").joined(separator: ",")
        guard let kind = choose(accept: accept) else {
            var response = Response.error(406, "none of the images is acceptable: send an Accept header with image/png, image/jpeg, image/webp, image/svg+xml, image/* or */*")
            response.headers.add("Vary", "Accept")
            return response
        }
        var response = response(kind)
        // Caches must keep one copy per Accept, since the same URL gives different images.
        response.headers.add("Vary", "Accept")
        return response
    }

    /// The image for an `Accept` value, with RFC 9110 q-values: the most specific range that matches
    /// a type gives its weight (`image/png;q=0, */*` refuses PNG). Among the best, a type named
    /// outright beats one reached by a wildcard; named ones go in httpbin's order (webp, svg, jpeg,
    /// png); a bare `image/*` or `*/*` gives PNG. No `Accept` at all means anything: PNG.
    static func choose(accept: String) -> Kind? {
        let items = accept.split(separator: ",").map { MediaType.parse($0) }.filter { !$0.essence.isEmpty }
        guard !items.isEmpty else { return .png }
        var best: (kind: Kind, quality: Double, specificity: Int, rank: Int)?
        for (order, kind) in Kind.allCases.enumerated() {
            var match: (quality: Double, specificity: Int)?
            for item in items {
                let specificity: Int
                if item.essence == kind.mediaType {
                    specificity = 2
                } else if item.essence == "image/*" {
                    specificity = 1
                } else if item.essence == "*/*" {
                    specificity = 0
                } else {
                    continue
                }
                if let current = match, current.specificity >= specificity { continue }
                let quality = item.parameter("q").flatMap { Double($0) }.map { min(max($0, 0), 1) } ?? 1
                match = (quality, specificity)
            }
            guard let match, match.quality > 0 else { continue }
            // PNG first among wildcard matches, httpbin's order among named ones.
            let rank = match.specificity == 2 ? order : (kind == .png ? -1 : order)
            let better: Bool
            if let best {
                if match.quality != best.quality {
                    better = match.quality > best.quality
                } else if (match.specificity == 2) != (best.specificity == 2) {
                    better = match.specificity == 2
                } else {
                    better = rank < best.rank
                }
            } else {
                better = true
            }
            if better { best = (kind, match.quality, match.specificity, rank) }
        }
        return best?.kind
    }
}
