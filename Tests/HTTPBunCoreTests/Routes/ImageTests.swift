@testable import HTTPBunCore
import Testing
import HTTPCompression

/// CRC-32 (IEEE, as PNG uses it), written out so the check does not trust the code it checks.
private func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private func bigEndian32(_ bytes: [UInt8], _ at: Int) -> Int {
    Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
}

private func littleEndian32(_ bytes: [UInt8], _ at: Int) -> Int {
    Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
}

@Suite("/image")
struct ImageTests {
    @Test("PNG: signature, IHDR first, every chunk's CRC, IDAT inflates to the declared size, IEND last")
    func png() throws {
        let response = respond("GET", "/image/png")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "image/png")
        let bytes = response.bodyBytes
        #expect(bytes.count <= 10_000)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        var idat: [UInt8] = []
        var width = 0, height = 0, bitDepth = 0, colorType = 0
        while offset + 12 <= bytes.count {
            let length = bigEndian32(bytes, offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = UInt32(bigEndian32(bytes, offset + 8 + length))
            #expect(crc == crc32(bytes[(offset + 4)..<(offset + 8 + length)]), "CRC of \(type)")
            if type == "IHDR" {
                width = bigEndian32(data, 0)
                height = bigEndian32(data, 4)
                bitDepth = Int(data[8])
                colorType = Int(data[9])
            }
            if type == "IDAT" { idat += data }
            types.append(type)
            offset += 12 + length
        }
        #expect(offset == bytes.count, "no trailing bytes")
        #expect(types.first == "IHDR")
        #expect(types.last == "IEND")
        #expect(types.contains("IDAT"))
        #expect(width == 64 && height == 64)
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 0
        #expect(bitDepth == 8 && channels > 0)
        let pixels = try #require(Compression.decompress(idat, format: .zlib))
        #expect(pixels.count == height * (1 + width * channels), "one filter byte per row, then the row")
    }

    @Test("JPEG: SOI, well-formed segments, a 64×64 frame, scan data, EOI")
    func jpeg() throws {
        let response = respond("GET", "/image/jpeg")
        #expect(response.headers["Content-Type"] == "image/jpeg")
        let bytes = response.bodyBytes
        #expect(bytes.count <= 10_000)
        #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8])
        #expect(Array(bytes.suffix(2)) == [0xFF, 0xD9])
        var offset = 2
        var markers: [UInt8] = []
        var size: (Int, Int)?
        while offset + 4 <= bytes.count {
            try #require(bytes[offset] == 0xFF, "marker expected at \(offset)")
            let marker = bytes[offset + 1]
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            markers.append(marker)
            if marker == 0xC0 || marker == 0xC2 {
                size = (Int(bytes[offset + 7]) << 8 | Int(bytes[offset + 8]), Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]))
            }
            offset += 2 + length
            if marker == 0xDA { break }  // start of scan: entropy-coded data follows
        }
        #expect(markers.contains(0xDB), "quantisation table")
        #expect(markers.contains(0xC4), "Huffman table")
        #expect(markers.last == 0xDA)
        #expect(size.map { $0 == (64, 64) } == true)
        #expect(bytes.count - 2 > offset, "scan data before EOI")
    }

    @Test("WebP: RIFF header with the right length, a VP8 chunk that fits")
    func webp() {
        let response = respond("GET", "/image/webp")
        #expect(response.headers["Content-Type"] == "image/webp")
        let bytes = response.bodyBytes
        #expect(bytes.count <= 10_000)
        #expect(String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF")
        #expect(littleEndian32(bytes, 4) == bytes.count - 8)
        #expect(String(decoding: bytes[8..<12], as: UTF8.self) == "WEBP")
        let chunk = String(decoding: bytes[12..<16], as: UTF8.self)
        #expect(["VP8 ", "VP8L", "VP8X"].contains(chunk))
        let chunkLength = littleEndian32(bytes, 16)
        #expect(20 + chunkLength + (chunkLength & 1) <= bytes.count)
        if chunk == "VP8 " {
            #expect(Array(bytes[23..<26]) == [0x9D, 0x01, 0x2A], "VP8 key frame start code")
            #expect((Int(bytes[26]) | Int(bytes[27]) << 8) & 0x3FFF == 64)
        }
    }

    @Test("SVG: an XML svg document as image/svg+xml")
    func svg() {
        let response = respond("GET", "/image/svg")
        #expect(response.headers["Content-Type"] == "image/svg+xml")
        #expect(response.bodyText.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(response.bodyText.hasSuffix("</svg>"))
        #expect(!response.bodyText.contains("<script"))
    }

    @Test("/image picks by Accept, with q-values; PNG for wildcards or no Accept")
    func negotiation() {
        let cases: [(String?, String)] = [
            (nil, "image/png"),
            ("*/*", "image/png"),
            ("image/*", "image/png"),
            ("image/webp", "image/webp"),
            ("image/svg+xml", "image/svg+xml"),
            ("image/jpeg", "image/jpeg"),
            ("image/png", "image/png"),
            ("IMAGE/JPEG", "image/jpeg"),
            ("text/html,image/avif,image/webp,*/*;q=0.8", "image/webp"),
            ("image/png, image/jpeg", "image/jpeg"),
            ("image/jpeg;q=0.5, image/png", "image/png"),
            ("image/png;q=0, */*", "image/webp"),
            ("image/png;q=0, image/*;q=0.5", "image/webp"),
            ("image/webp;q=0.1, image/*", "image/png"),
            ("text/html, */*;q=0.1", "image/png"),
        ]
        for (accept, expected) in cases {
            var headers: HTTPHeaders = ["Host": "x"]
            if let accept { headers.add("Accept", accept) }
            let response = respond("GET", "/image", headers: headers)
            #expect(response.status == 200, "\(accept ?? "none")")
            #expect(response.headers["Content-Type"] == expected, "\(accept ?? "none")")
            #expect(response.headers["Vary"] == "Accept")
        }
        let byteMatch = respond("GET", "/image", headers: ["Accept": "image/jpeg"])
        #expect(byteMatch.bodyBytes == respond("GET", "/image/jpeg").bodyBytes)
    }

    @Test("/image with nothing acceptable is 406 JSON")
    func notAcceptable() throws {
        for accept in ["text/html", "application/json", "image/png;q=0, image/webp;q=0, image/jpeg;q=0, image/svg+xml;q=0", "image/gif"] {
            let response = respond("GET", "/image", headers: ["Accept": accept])
            #expect(response.status == 406, "\(accept)")
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(try response.json["error"]?.stringValue?.contains("image/png") == true)
        }
    }
}
