@testable import HTTPBunCore
import JSONValue
import Testing

private func basicHeader(_ credentials: String) -> HTTPHeaders {
    ["Host": "example.com", "Authorization": "Basic " + Base64.encode(Array(credentials.utf8))]
}

@Suite("/basic-auth and /hidden-basic-auth")
struct BasicAuthTests {
    @Test("the right user and password: 200 with the user")
    func success() throws {
        let response = respond("GET", "/basic-auth/user/passwd", headers: basicHeader("user:passwd"))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.bodyText == "{\n  \"authenticated\": true,\n  \"user\": \"user\"\n}\n")
        #expect(respond("POST", "/basic-auth/user/passwd", headers: basicHeader("user:passwd")).status == 200)
        // A colon in the password belongs to the password; unicode names go through percent-encoding.
        #expect(respond("GET", "/basic-auth/u/a:b", headers: basicHeader("u:a:b")).status == 200)
        let unicode = respond("GET", "/basic-auth/%C3%BCser/p%C3%A4ss", headers: basicHeader("üser:päss"))
        #expect(try unicode.json["user"] == "üser")
        let lowercaseScheme = respond(
            "GET", "/basic-auth/user/passwd", headers: ["Authorization": "basic " + Base64.encode(Array("user:passwd".utf8))])
        #expect(lowercaseScheme.status == 200, "auth schemes are case-insensitive")
    }

    @Test("anything else: 401 with the Basic challenge, never a crash")
    func failures() throws {
        let cases: [HTTPHeaders] = [
            ["Host": "example.com"],
            basicHeader("user:wrong"),
            basicHeader("wrong:passwd"),
            basicHeader("userpasswd"),
            basicHeader("user:passwd:"),
            ["Authorization": "Basic !!!not base64!!!"],
            ["Authorization": "Basic "],
            ["Authorization": "Basic"],
            ["Authorization": "Bearer dXNlcjpwYXNzd2Q="],
            ["Authorization": "Basic " + Base64.encode([0xFF, 0x3A, 0xFE])],
            ["Authorization": "Basic " + String(repeating: "A", count: 100_000)],
        ]
        for headers in cases {
            let response = respond("GET", "/basic-auth/user/passwd", headers: headers)
            #expect(response.status == 401, "\(headers)")
            // httpbun's failure, as its api-tests expect: its realm, an empty body, no Content-Type.
            #expect(response.headers["WWW-Authenticate"] == "Basic realm=\"httpbun realm\"")
            #expect(response.bodyBytes.isEmpty)
            #expect(response.headers["Content-Type"] == nil)
        }
    }

    @Test("the hidden variant answers 404 and no challenge")
    func hidden() throws {
        #expect(respond("GET", "/hidden-basic-auth/user/passwd", headers: basicHeader("user:passwd")).status == 200)
        let response = respond("GET", "/hidden-basic-auth/user/passwd", headers: basicHeader("user:nope"))
        #expect(response.status == 404)
        #expect(response.headers["WWW-Authenticate"] == nil)
        #expect(try response.json == ["error": "not found: /hidden-basic-auth/user/passwd"])
    }

    @Test("Basic credentials are parsed without crashing on bad input")
    func parsing() {
        #expect(AuthorizationHeader.basicCredentials("Basic dXNlcjpwYXNz")! == ("user", "pass"))
        #expect(AuthorizationHeader.basicCredentials("  Basic   dXNlcjpwYXNz  ")! == ("user", "pass"))
        #expect(AuthorizationHeader.basicCredentials("Basic Og==")! == ("", ""))
        #expect(AuthorizationHeader.basicCredentials("Basic dXNlcg==") == nil, "no colon")
        #expect(AuthorizationHeader.basicCredentials("Basic ===") == nil)
        #expect(AuthorizationHeader.basicCredentials("") == nil)
    }
}

@Suite("/bearer")
struct BearerTests {
    @Test("httpbun's /bearer/{tok}: 200 saying whether the Bearer token is the path's; bare /bearer is a 404")
    func tokens() throws {
        let headers: HTTPHeaders = ["Authorization": "Bearer abc.def-123"]
        let named = respond("GET", "/bearer/abc.def-123", headers: headers)
        #expect(named.status == 200)
        #expect(named.bodyText == "{\n  \"authenticated\": true,\n  \"token\": \"abc.def-123\"\n}\n")
        let wrong = respond("GET", "/bearer/other", headers: headers)
        #expect(wrong.status == 200)
        #expect(try wrong.json == ["authenticated": false, "token": "abc.def-123"])
        let bare = respond("GET", "/bearer", headers: headers)
        #expect(bare.status == 404)
        #expect(bare.bodyText == "missing/non-empty token, use /bearer/<expected_token> instead")
    }

    @Test("no token or another scheme: a bare 401 with httpbun's Bearer challenge")
    func missing() throws {
        for headers: HTTPHeaders in [[:], ["Authorization": "Basic dXNlcjpwYXNz"], ["Authorization": "Bearer "], ["Authorization": "Bearer"]] {
            let response = respond("GET", "/bearer/abc", headers: headers)
            #expect(response.status == 401, "\(headers)")
            #expect(response.headers["WWW-Authenticate"] == "Bearer realm=\"httpbun realm\"")
            #expect(response.bodyBytes.isEmpty)
        }
    }
}

/// A Digest client written apart from the server: it hashes with `ReferenceHash`, not with the
/// server's `DigestAlgorithm`, and builds the header by hand.
private struct TestDigestClient {
    var user = "user"
    var password = "passwd"
    var algorithm = "MD5"
    var cnonce = "0a4f113b"

    func hash(_ text: String) -> String {
        let bytes = Array(text.utf8)
        switch algorithm {
        case "SHA-256": return ReferenceHash.hex(ReferenceHash.sha256(bytes))
        case "SHA-512": return ReferenceHash.hex(ReferenceHash.sha512(bytes))
        default: return ReferenceHash.hex(ReferenceHash.md5(bytes))
        }
    }

    /// The value of `name="..."` (or `name=...`) in a challenge.
    static func parameter(_ name: String, in challenge: String) -> String? {
        guard let start = challenge.firstRange(of: name + "=") else { return nil }
        var rest = challenge[start.upperBound...]
        if rest.first == "\"" {
            rest = rest.dropFirst()
            return String(rest.prefix { $0 != "\"" })
        }
        return String(rest.prefix { $0 != "," })
    }

    func authorization(
        challenge: String, method: String, uri: String, qop: String = "auth", nc: String = "00000001", body: [UInt8] = [],
        declaredAlgorithm: String? = nil
    ) -> String {
        let realm = Self.parameter("realm", in: challenge)!
        let nonce = Self.parameter("nonce", in: challenge)!
        let opaque = Self.parameter("opaque", in: challenge)!
        let ha1 = hash("\(user):\(realm):\(password)")
        let ha2 =
            qop == "auth-int" ? hash("\(method):\(uri):" + hash(String(decoding: body, as: UTF8.self))) : hash("\(method):\(uri)")
        let response = hash("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        return "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + "algorithm=\(declaredAlgorithm ?? algorithm), qop=\(qop), nc=\(nc), cnonce=\"\(cnonce)\", response=\"\(response)\", opaque=\"\(opaque)\""
    }
}

@Suite("/digest-auth")
struct DigestAuthTests {
    /// RFC 7616 section 3.9.1's worked example.
    static let rfc = (
        user: "Mufasa", password: "Circle of Life", realm: "http-auth@example.org", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", uri: "/dir/index.html"
    )

    static func rfcResponse(_ algorithm: DigestAlgorithm, qop: String = "auth", method: String = "GET", body: [UInt8] = []) -> String {
        DigestAuthentication.response(
            algorithm: algorithm, username: rfc.user, realm: rfc.realm, password: rfc.password, method: method, uri: rfc.uri,
            nonce: rfc.nonce, nc: "00000001", cnonce: rfc.cnonce, qop: qop, body: body)
    }

    @Test("RFC 7616 section 3.9.1: the responses the RFC works out")
    func rfcExample() {
        #expect(Self.rfcResponse(.md5) == "8ca523f5e9506fed4657c9700eebdbec")
        #expect(Self.rfcResponse(.sha256) == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        // Not in the RFC: the same inputs worked out with python3's hashlib.
        #expect(
            Self.rfcResponse(.sha512)
                == "27d9ebedb4e86595d8b99152ce456620c8e47c48afbd771dbc4468bb758ca66e7312383d49ad044219d4a2c5c218e66c584fa00b2728798bcff9435825eed0ad")
        #expect(Self.rfcResponse(.md5, qop: "auth-int", method: "POST", body: Array("hello".utf8)) == "23fef4d928a3e9fa6e0b0de51288c997")
    }

    @Test("the reference hashes agree with published vectors (so the client below is trustworthy)")
    func referenceHashes() {
        let abc = Array("abc".utf8)
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 200)
        #expect(ReferenceHash.hex(ReferenceHash.md5(abc)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(ReferenceHash.hex(ReferenceHash.md5(long)) == "887f30b43b2867f4a9accceee7d16e6c")
        #expect(ReferenceHash.hex(ReferenceHash.sha256(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ReferenceHash.hex(ReferenceHash.sha256(long)) == "c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5")
        #expect(
            ReferenceHash.hex(ReferenceHash.sha512(abc))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(
            ReferenceHash.hex(ReferenceHash.sha512(long))
                == "4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f")
    }

    @Test("no credentials: 401 with an RFC 7616 challenge")
    func challenge() throws {
        let response = respond("GET", "/digest-auth/auth/user/passwd/MD5")
        #expect(response.status == 401)
        #expect(try response.json["authenticated"] == false)
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix("Digest realm=\"me@httpbun.com\", qop=\"auth\", nonce=\""))
        #expect(challenge.hasSuffix(", algorithm=MD5, stale=FALSE"))
        let nonce = try #require(TestDigestClient.parameter("nonce", in: challenge))
        #expect(DigestNonce.issuedAt(nonce, key: RouteServices.stoppedClock.secret) != nil)
        #expect(TestDigestClient.parameter("opaque", in: challenge)?.isEmpty == false)
        let other = try #require(respond("GET", "/digest-auth/auth/user/passwd/MD5").headers["WWW-Authenticate"])
        #expect(TestDigestClient.parameter("nonce", in: other) != nonce, "each challenge has its own nonce")
        let sha = respond("GET", "/digest-auth/auth-int/user/passwd/sha-512").headers["WWW-Authenticate"] ?? ""
        #expect(sha.contains("qop=\"auth-int\""))
        #expect(sha.contains("algorithm=SHA-512"))
    }

    @Test("an independent client authenticates for every qop and algorithm", arguments: ["MD5", "SHA-256", "SHA-512"])
    func clientSucceeds(algorithm: String) throws {
        for qop in ["auth", "auth-int"] {
            let uri = "/digest-auth/\(qop)/user/passwd/\(algorithm)?x=1"
            let challenge = try #require(respond("GET", uri).headers["WWW-Authenticate"])
            let body = Array("{\"a\": 1}".utf8)
            let client = TestDigestClient(algorithm: algorithm)
            let authorization = client.authorization(challenge: challenge, method: "POST", uri: uri, qop: qop, body: body)
            let response = respond("POST", uri, headers: ["Authorization": authorization], body: body)
            #expect(response.status == 200, "\(qop) \(algorithm): \(response.bodyText)")
            #expect(response.bodyText == "{\n  \"authenticated\": true,\n  \"user\": \"user\"\n}\n")
            if qop == "auth-int" {
                let tampered = respond("POST", uri, headers: ["Authorization": authorization], body: Array("{\"a\": 2}".utf8))
                #expect(tampered.status == 401, "auth-int covers the body")
            }
        }
    }

    @Test("the short httpbun form and a qop list")
    func variants() throws {
        let uri = "/digest-auth/user/passwd"
        let challenge = try #require(respond("GET", uri).headers["WWW-Authenticate"])
        #expect(challenge.contains("qop=\"auth\""))
        let client = TestDigestClient()
        #expect(respond("GET", uri, headers: ["Authorization": client.authorization(challenge: challenge, method: "GET", uri: uri)]).status == 200)
        let both = "/digest-auth/auth,auth-int/user/passwd"
        let listed = try #require(respond("GET", both).headers["WWW-Authenticate"])
        #expect(listed.contains("qop=\"auth,auth-int\""))
        for qop in ["auth", "auth-int"] {
            let header = client.authorization(challenge: listed, method: "GET", uri: both, qop: qop)
            #expect(respond("GET", both, headers: ["Authorization": header]).status == 200)
        }
    }

    @Test("wrong password, algorithm, user, uri, qop or nonce: 401 with a fresh challenge (our checks, with an algorithm in the path)")
    func rejections() throws {
        let uri = "/digest-auth/auth/user/passwd/MD5"
        let challenge = try #require(respond("GET", uri).headers["WWW-Authenticate"])
        let good = TestDigestClient()
        let nonce = TestDigestClient.parameter("nonce", in: challenge)!
        let forged = String(nonce.dropLast()) + (nonce.hasSuffix("0") ? "1" : "0")
        let cases: [(String, String)] = [
            ("wrong password", TestDigestClient(password: "nope").authorization(challenge: challenge, method: "GET", uri: uri)),
            ("wrong user", TestDigestClient(user: "other").authorization(challenge: challenge, method: "GET", uri: uri)),
            (
                "algorithm not offered",
                TestDigestClient(algorithm: "SHA-256").authorization(challenge: challenge, method: "GET", uri: uri)
            ),
            ("declared one algorithm, used another", good.authorization(challenge: challenge, method: "GET", uri: uri, declaredAlgorithm: "SHA-256")),
            ("uri of another resource", good.authorization(challenge: challenge, method: "GET", uri: "/digest-auth/auth/user/other/MD5")),
            ("method differs", good.authorization(challenge: challenge, method: "POST", uri: uri)),
            ("qop not offered", good.authorization(challenge: challenge, method: "GET", uri: uri, qop: "auth-int")),
            ("nc zero", good.authorization(challenge: challenge, method: "GET", uri: uri, nc: "00000000")),
            ("nc not hex", good.authorization(challenge: challenge, method: "GET", uri: uri, nc: "0000000g")),
            ("forged nonce", good.authorization(challenge: challenge.replacingFirst(nonce, with: forged), method: "GET", uri: uri)),
            ("another scheme", "Basic dXNlcjpwYXNzd2Q="),
            ("malformed", "Digest username=\"user, realm="),
            ("empty", "Digest"),
            ("huge", "Digest username=\"" + String(repeating: "x", count: 200_000) + "\""),
        ]
        for (name, authorization) in cases {
            let response = respond("GET", uri, headers: ["Authorization": authorization])
            #expect(response.status == 401, "\(name)")
            #expect(response.headers["WWW-Authenticate"]?.hasSuffix("stale=FALSE") == true, "\(name)")
            #expect(try response.json["authenticated"] == false)
            #expect(try response.json["error"]?.stringValue?.isEmpty == false, "\(name) says why")
        }
        #expect(respond("GET", uri, headers: ["Authorization": good.authorization(challenge: challenge, method: "GET", uri: uri)]).status == 200)
    }

    @Test("stale_after=2: the third use of a nonce is stale, and the fresh nonce works")
    func staleAfter() throws {
        let uri = "/digest-auth/auth/user/passwd/MD5/2"
        let challenge = try #require(respond("GET", uri).headers["WWW-Authenticate"])
        let client = TestDigestClient()
        for nc in ["00000001", "00000002"] {
            let header = client.authorization(challenge: challenge, method: "GET", uri: uri, nc: nc)
            #expect(respond("GET", uri, headers: ["Authorization": header]).status == 200, "nc \(nc)")
        }
        let third = respond("GET", uri, headers: ["Authorization": client.authorization(challenge: challenge, method: "GET", uri: uri, nc: "00000003")])
        #expect(third.status == 401)
        let renewed = try #require(third.headers["WWW-Authenticate"])
        #expect(renewed.hasSuffix("stale=TRUE"))
        #expect(TestDigestClient.parameter("nonce", in: renewed) != TestDigestClient.parameter("nonce", in: challenge))
        let again = client.authorization(challenge: renewed, method: "GET", uri: uri)
        #expect(respond("GET", uri, headers: ["Authorization": again]).status == 200)
        // A wrong password on a used-up nonce is a plain rejection, not "stale": stale means "retry without asking the user".
        let wrong = TestDigestClient(password: "x").authorization(challenge: challenge, method: "GET", uri: uri, nc: "00000003")
        #expect(respond("GET", uri, headers: ["Authorization": wrong]).headers["WWW-Authenticate"]?.hasSuffix("stale=FALSE") == true)
        // "never" lifts the limit.
        let unlimited = "/digest-auth/auth/user/passwd/MD5/never"
        let open = try #require(respond("GET", unlimited).headers["WWW-Authenticate"])
        let late = client.authorization(challenge: open, method: "GET", uri: unlimited, nc: "000fffff")
        #expect(respond("GET", unlimited, headers: ["Authorization": late]).status == 200)
    }

    @Test("nonces are verifiable without memory, and expire")
    func nonces() throws {
        let key = [UInt8](repeating: 7, count: 32)
        var generator = SeededRandom(seed: 3)
        let nonce = DigestNonce.issue(at: 1_000_000, key: key, using: &generator)
        #expect(DigestNonce.issue(at: 1_000_000, key: key, using: &generator) != nonce, "salted: two nonces of one second differ")
        #expect(DigestNonce.issuedAt(nonce, key: key) == 1_000_000)
        #expect(DigestNonce.issuedAt(nonce, key: [UInt8](repeating: 8, count: 32)) == nil, "another process's key")
        #expect(DigestNonce.issuedAt("", key: key) == nil)
        #expect(DigestNonce.issuedAt("zz" + nonce.dropFirst(2), key: key) == nil)
        #expect(DigestNonce.issuedAt(nonce + "00", key: key) == nil)

        let check = DigestCheck(qops: ["auth"], user: "user", password: "passwd", algorithm: .md5, key: key)
        let header = TestDigestClient().authorization(challenge: check.challenge(nonce: nonce, stale: false), method: "GET", uri: "/x")
        #expect(check.verify(authorization: header, method: "GET", target: "/x", body: [], now: 1_000_000 + 10) == .authenticated)
        guard case .stale = check.verify(authorization: header, method: "GET", target: "/x", body: [], now: 1_000_000 + 3601) else {
            Issue.record("an hour-old nonce is stale")
            return
        }
    }

    @Test("RFC 7616 username* and userhash forms")
    func usernameForms() throws {
        let key = [UInt8](repeating: 1, count: 32)
        let check = DigestCheck(qops: ["auth"], user: "Jäsøn Doe", password: "Secret, or not?", algorithm: .sha256, key: key)
        var generator = SeededRandom(seed: 4)
        let nonce = DigestNonce.issue(at: 100, key: key, using: &generator)
        var client = TestDigestClient(user: "Jäsøn Doe", password: "Secret, or not?", algorithm: "SHA-256")
        let plain = client.authorization(challenge: check.challenge(nonce: nonce, stale: false), method: "GET", uri: "/x")
        let extended = plain.replacingFirst("username=\"Jäsøn Doe\"", with: "username*=UTF-8''J%C3%A4s%C3%B8n%20Doe")
        #expect(check.verify(authorization: extended, method: "GET", target: "/x", body: [], now: 100) == .authenticated)
        let hashedName = client.hash("Jäsøn Doe:me@httpbun.com")
        let hashed = plain.replacingFirst("username=\"Jäsøn Doe\"", with: "username=\"\(hashedName)\", userhash=true")
        #expect(check.verify(authorization: hashed, method: "GET", target: "/x", body: [], now: 100) == .authenticated)
        client.user = "Jason"
        let wrongName = client.authorization(challenge: check.challenge(nonce: nonce, stale: false), method: "GET", uri: "/x")
        #expect(check.verify(authorization: wrongName, method: "GET", target: "/x", body: [], now: 100) != .authenticated)
    }

    @Test("behind a path prefix the uri is the full target")
    func prefix() throws {
        let configuration = ServerConfiguration(pathPrefix: "/p")
        let uri = "/p/digest-auth/auth/user/passwd"
        let challenge = try #require(respond("GET", uri, configuration: configuration).headers["WWW-Authenticate"])
        let header = TestDigestClient().authorization(challenge: challenge, method: "GET", uri: uri)
        #expect(respond("GET", uri, headers: ["Authorization": header], configuration: configuration).status == 200)
    }

    @Test("bad qop, algorithm or stale_after in the path: 400")
    func invalidPaths() throws {
        for path in [
            "/digest-auth/foo/user/passwd/MD5", "/digest-auth/auth,/user/passwd/MD5", "/digest-auth/auth/user/passwd/SHA-1",
            "/digest-auth/auth/user/passwd/MD5-sess", "/digest-auth/auth/user/passwd/MD5/0", "/digest-auth/auth/user/passwd/MD5/-1",
            "/digest-auth/auth/user/passwd/MD5/abc", "/digest-auth/auth/user/passwd/MD5/99999999999999999999",
            "/digest-auth/%E2%9C%93/user/passwd/MD5",
        ] {
            let response = respond("GET", path)
            #expect(response.status == 400, "\(path)")
            #expect(try response.json["error"]?.stringValue?.isEmpty == false)
        }
        // httpbun's own forms answer a bad qop with a challenge, as httpbun does.
        for path in ["/digest-auth/foo/user/passwd", "/digest-auth/auth,/user/passwd"] {
            let response = respond("GET", path)
            #expect(response.status == 401, "\(path)")
            #expect(try response.json["error"] == "Error: invalid qop")
            #expect(response.headers["WWW-Authenticate"]?.hasPrefix("Digest realm=\"httpbun realm\", qop=\"auth\", nonce=") == true)
        }
    }

    @Test("Digest auth-params: quoted strings with escapes and commas, tokens, malformed lists")
    func parameters() {
        let parsed = AuthorizationHeader.digestParameters(#"Digest Username="a\"b, c", nc=00000001 ,qop=auth, realm="""#)
        #expect(parsed == ["username": "a\"b, c", "nc": "00000001", "qop": "auth", "realm": ""])
        #expect(AuthorizationHeader.digestParameters("digest a=1") == ["a": "1"])
        #expect(AuthorizationHeader.digestParameters("Digest a=\"unterminated") == nil)
        #expect(AuthorizationHeader.digestParameters("Digest a") == nil)
        #expect(AuthorizationHeader.digestParameters("Digest a=1 b=2") == nil)
        #expect(AuthorizationHeader.digestParameters("Basic a=1") == nil)
        #expect(AuthorizationHeader.digestParameters("Digest") == [:])
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// MD5 (RFC 1321), SHA-256 and SHA-512 (FIPS 180-4) written out from the standards, so the digest
/// tests check the server against a second implementation rather than against itself.
enum ReferenceHash {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func md5(_ message: [UInt8]) -> [UInt8] {
        let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
        let k = (0..<64).map { UInt32(truncatingIfNeeded: Int64(fabs(sin(Double($0 + 1))) * 4_294_967_296)) }
        var state: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476]
        var padded = message + [0x80]
        while padded.count % 64 != 56 { padded.append(0) }
        let bitLength = UInt64(message.count) * 8
        padded += (0..<8).map { UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64($0))) }
        for chunk in stride(from: 0, to: padded.count, by: 64) {
            let m = (0..<16).map { j in (0..<4).reduce(UInt32(0)) { $0 | UInt32(padded[chunk + 4 * j + $1]) << (8 * UInt32($1)) } }
            var (a, b, c, d) = (state[0], state[1], state[2], state[3])
            for i in 0..<64 {
                var f: UInt32
                let g: Int
                switch i {
                case 0..<16: (f, g) = ((b & c) | (~b & d), i)
                case 16..<32: (f, g) = ((d & b) | (~d & c), (5 * i + 1) % 16)
                case 32..<48: (f, g) = (b ^ c ^ d, (3 * i + 5) % 16)
                default: (f, g) = (c ^ (b | ~d), (7 * i) % 16)
                }
                f = f &+ a &+ k[i] &+ m[g]
                let shift = shifts[i / 16 * 4 + i % 4]
                (a, d, c) = (d, c, b)
                b = b &+ (f << shift | f >> (32 - shift))
            }
            state = [state[0] &+ a, state[1] &+ b, state[2] &+ c, state[3] &+ d]
        }
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
    }

    static func sha256(_ message: [UInt8]) -> [UInt8] {
        sha2(message, k: k256, initial: h256, rounds: 64, sigma: ((7, 18, 3), (17, 19, 10), (2, 13, 22), (6, 11, 25)))
    }

    static func sha512(_ message: [UInt8]) -> [UInt8] {
        sha2(message, k: k512, initial: h512, rounds: 80, sigma: ((1, 8, 7), (19, 61, 6), (28, 34, 39), (14, 18, 41)))
    }

    /// SHA-2 over 32- or 64-bit words; `sigma` holds the rotations of σ0, σ1 (the last one a shift),
    /// Σ0 and Σ1.
    private static func sha2<W: FixedWidthInteger & UnsignedInteger>(
        _ message: [UInt8], k: [W], initial: [W], rounds: Int,
        sigma: ((Int, Int, Int), (Int, Int, Int), (Int, Int, Int), (Int, Int, Int))
    ) -> [UInt8] {
        let wordSize = W.bitWidth / 8
        let blockSize = 16 * wordSize
        func rotate(_ x: W, _ n: Int) -> W { x >> n | x << (W.bitWidth - n) }
        var padded = message + [0x80]
        while padded.count % blockSize != blockSize - 2 * wordSize { padded.append(0) }
        let bitLength = UInt64(message.count) * 8
        padded += [UInt8](repeating: 0, count: 2 * wordSize - 8) + (0..<8).map { UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64($0))) }
        var state = initial
        for chunk in stride(from: 0, to: padded.count, by: blockSize) {
            var w = (0..<16).map { j in (0..<wordSize).reduce(W(0)) { $0 << 8 | W(padded[chunk + wordSize * j + $1]) } }
            for i in 16..<rounds {
                let s0 = rotate(w[i - 15], sigma.0.0) ^ rotate(w[i - 15], sigma.0.1) ^ (w[i - 15] >> sigma.0.2)
                let s1 = rotate(w[i - 2], sigma.1.0) ^ rotate(w[i - 2], sigma.1.1) ^ (w[i - 2] >> sigma.1.2)
                w.append(w[i - 16] &+ s0 &+ w[i - 7] &+ s1)
            }
            var v = state
            for i in 0..<rounds {
                let big1 = rotate(v[4], sigma.3.0) ^ rotate(v[4], sigma.3.1) ^ rotate(v[4], sigma.3.2)
                let choice = (v[4] & v[5]) ^ (~v[4] & v[6])
                let t1 = v[7] &+ big1 &+ choice &+ k[i] &+ w[i]
                let big0 = rotate(v[0], sigma.2.0) ^ rotate(v[0], sigma.2.1) ^ rotate(v[0], sigma.2.2)
                let majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2])
                v = [t1 &+ big0 &+ majority, v[0], v[1], v[2], v[3] &+ t1, v[4], v[5], v[6]]
            }
            state = zip(state, v).map { $0 &+ $1 }
        }
        return state.flatMap { word in (0..<wordSize).map { UInt8(truncatingIfNeeded: word >> (W.bitWidth - 8 - 8 * $0)) } }
    }

    private static let k256: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
        0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
        0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
        0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
        0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
        0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
    ]
    private static let h256: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    ]
    private static let k512: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
        0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
        0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
        0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
        0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
        0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
        0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
        0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
        0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
        0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
        0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817
    ]
    private static let h512: [UInt64] = [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
    ]
}
