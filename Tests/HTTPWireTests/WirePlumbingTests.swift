import Testing

@testable import HTTPWire

@Suite("The plumbing both products share")
struct WirePlumbingTests {
    @Test("one percent-encoder: unreserved kept, form spaces, python's safe set, URL requoting")
    func percentEncoding() {
        #expect(PercentCoding.encode("a b&c/é") == "a%20b%26c%2F%C3%A9")
        #expect(PercentCoding.encode("a b+c", spaceAsPlus: true) == "a+b%2Bc")
        #expect(PercentCoding.encode("/a b", keeping: { PercentCoding.isUnreserved($0) || $0 == UInt8(ascii: "/") }) == "/a%20b")
        #expect(PercentCoding.encode("/a%41%zz b", keeping: PercentCoding.isURLByte, keepingEscapes: true) == "/a%41%25zz%20b")
        #expect(PercentCoding.encode("/100%", keeping: PercentCoding.isURLByte, keepingEscapes: true) == "/100%25")
        #expect(PercentCoding.encode("plain-text_1.0~") == "plain-text_1.0~")
        #expect(PercentCoding.decode(PercentCoding.encode("ünïcödé & more"), plusAsSpace: false) == "ünïcödé & more")
    }

    @Test("hex both ways, and the nonce count's eight digits")
    func hex() {
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.decode("000fa0ff") == [0x00, 0x0F, 0xA0, 0xFF])
        #expect(Hex.decode("0") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(DigestAlgorithm.nonceCount(1) == "00000001")
        #expect(DigestAlgorithm.nonceCount(0x1_0000_0002) == "00000002")
    }

    @Test("digest arithmetic: RFC 7616 section 3.9.1's SHA-256 example and RFC 2617's MD5 one")
    func digest() {
        #expect(DigestAuthentication.response(
            algorithm: .sha256, username: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life", method: "GET",
            uri: "/dir/index.html", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc: "00000001",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop: "auth")
            == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        #expect(DigestAuthentication.response(
            algorithm: .md5, username: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life", method: "GET",
            uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", nc: "00000001", cnonce: "0a4f113b", qop: "auth")
            == "6629fae49393a05397450978507c4ef1")
        let plain = DigestAuthentication.response(
            algorithm: .md5, username: "u", realm: "r", password: "p", method: "GET", uri: "/", nonce: "n", nc: "00000001",
            cnonce: "c", qop: "auth")
        let session = DigestAuthentication.response(
            algorithm: .md5, session: true, username: "u", realm: "r", password: "p", method: "GET", uri: "/", nonce: "n",
            nc: "00000001", cnonce: "c", qop: "auth")
        #expect(plain != session, "-sess folds the nonces into H(A1)")
        #expect(DigestAlgorithm(name: "sha-256") == .sha256)
        #expect(DigestAlgorithm(name: "SHA-1") == nil)
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2], [1, 2, 3]))
    }

    @Test("auth-param lists: quoted commas, escapes, first name wins, malformed refused")
    func authParameters() {
        #expect(AuthParameters.parse(#"realm="a, b", nonce=xyz, qop="auth,auth-int""#)
            == ["realm": "a, b", "nonce": "xyz", "qop": "auth,auth-int"])
        #expect(AuthParameters.parse(#"Realm="x\"y", realm=second"#) == ["realm": #"x"y"#])
        #expect(AuthParameters.parse("") == [:])
        #expect(AuthParameters.parse(#"realm="open"#) == nil)
        #expect(AuthParameters.parse("realm") == nil)
        #expect(AuthParameters.parse("a=1 b=2") == nil)
    }

    @Test("the header multimap: case-insensitive names, joined or first value, order kept")
    func headers() {
        var headers: HTTPHeaders = ["Accept": "a/b", "X-Multi": "1"]
        headers.add("x-multi", "2")
        #expect(headers["x-MULTI"] == "1, 2")
        #expect(headers.first("X-Multi") == "1")
        #expect(headers.values(for: "X-MULTI") == ["1", "2"])
        headers["X-Multi"] = "3"
        #expect(headers.fields.map(\.name) == ["Accept", "X-Multi"])
        #expect(headers["x-multi"] == "3")
        headers.update(["accept": "c/d", "New": "n"])
        #expect(headers.description == "X-Multi: 3\naccept: c/d\nNew: n")
        #expect(headers == ["x-multi": "3", "ACCEPT": "c/d", "new": "n"])
        #expect(headers != ["x-multi": "3", "new": "n", "ACCEPT": "c/d"], "order counts")
        headers["accept"] = nil
        #expect(!headers.contains("Accept"))
        #expect(!"Café".equalsASCIICaseInsensitive("CAFÉ"), "names are ASCII tokens: only ASCII letters fold")
        #expect("Set-Cookie".equalsASCIICaseInsensitive("set-cookie"))
        #expect(!"X@".equalsASCIICaseInsensitive("x`"))
    }

    @Test("byte equality is not canonical equivalence")
    func sameBytes() {
        let long = String(repeating: "x", count: 40)
        #expect("".sameBytes(as: ""))
        #expect((long + "a").sameBytes(as: long + "a"))
        #expect(!(long + "a").sameBytes(as: long + "b"))
        #expect(!"caf\u{E9}".sameBytes(as: "cafe\u{301}"))
        #expect("caf\u{E9}" == "cafe\u{301}")
        #expect(!"".sameBytes(as: "a"))
    }

    @Test("reason phrases, and the statuses that carry no body")
    func reasons() {
        #expect(StatusReason.phrase(for: 200) == "OK")
        #expect(StatusReason.phrase(for: 418) == "I'm a teapot")
        #expect(StatusReason.phrase(for: 299) == "")
        #expect(StatusReason.forbidsBody(204) && StatusReason.forbidsBody(304) && StatusReason.forbidsBody(101))
        #expect(!StatusReason.forbidsBody(200))
    }
}
