import Testing

@testable import HTTPWire

@Suite("MD5, SHA-1, SHA-256, SHA-512 and HMAC, against the standards' vectors and Python's hashlib")
struct HashFunctionTests {
    @Test("the standards' own examples (RFC 1321 A.5, FIPS 180-2 appendices)")
    func standardVectors() {
        #expect(Hex.encode(HashFunction.md5.hash("".utf8)) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Hex.encode(HashFunction.md5.hash("message digest".utf8)) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            Hex.encode(HashFunction.md5.hash("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8))
                == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(Hex.encode(HashFunction.sha1.hash("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            Hex.encode(HashFunction.sha1.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Hex.encode(HashFunction.sha256.hash("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Hex.encode(HashFunction.sha256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            Hex.encode(HashFunction.sha512.hash("abc".utf8))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(
            Hex.encode(HashFunction.sha512.hash(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8))
                == "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")
    }

    /// Each length around a block's edges (the padding's hard cases), bytes `i % 251`; the digests
    /// are Python's `hashlib` on the same bytes.
    static let atBlockEdges: [(HashFunction, [Int: String])] = [
        (.md5, [
            0: "d41d8cd98f00b204e9800998ecf8427e",
            1: "93b885adfe0da089cdf634904fd59f71",
            55: "6912ee65fff2d9f9ce2508cddf8bcda0",
            56: "51fdd1acda72405dfdfa03fcb85896d7",
            63: "48a6295221902e8e0938f773a7185e72",
            64: "b2d3f56bc197fd985d5965079b5e7148",
            111: "4fad3ab7d8546851ec1bb63ea7e6f5a8",
            112: "d1fec2ac3715e791ca5f489f300381b3",
            119: "1c772251899a7ff007400b888d6b2042",
            120: "b7ba1efc6022e9ed272f00b8831e26e6",
            127: "8402b21e7bc7906493bae0dac017f1f9",
            128: "37eff01866ba3f538421b30b7cbefcac",
            129: "46f986692847558fc38b0cece591c20f",
            1000: "a24f1e3ef66950e1327f210e3997ba2c",
        ]),
        (.sha1, [
            0: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            1: "5ba93c9db0cff93f52b521d7420e43f6eda2784f",
            55: "8ae2d46729cfe68ff927af5eec9c7d1b66d65ac2",
            56: "636e2ec698dac903498e648bd2f3af641d3c88cb",
            63: "6d942da0c4392b123528f2905c713a3ce28364bd",
            64: "c6138d514ffa2135bfce0ed0b8fac65669917ec7",
            111: "bc544e24573d592290fdaff8ecf3f7f2b00cd483",
            112: "e4ce142d09a84a8645338dd6535cbfaaf800d320",
            119: "41c89d06001bab4ab78736b44efe7ce18ce6ae08",
            120: "d3dbd653bd8597b7475321b60a36891278e6a04a",
            127: "89d7312a903f65cd2b3e34a975e55dbea9033353",
            128: "e6434bc401f98603d7eda504790c98c67385d535",
            129: "3352e41cc30b40ae80108970492b21014049e625",
            1000: "c9c960a0b925474fab83942cc27d504fc24ac37b",
        ]),
        (.sha256, [
            0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            55: "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59",
            56: "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562",
            63: "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488",
            64: "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108",
            111: "60780e9451bdc43cf4530ffc95cbb0c4eb24dae2c39f55f334d679e076c08065",
            112: "09373f127d34e61dbbaa8bc4499c87074f2ddb10e1b465f506d7d70a15011979",
            119: "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6",
            120: "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c",
            127: "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976",
            128: "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5",
            129: "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135",
            1000: "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d",
        ]),
        (.sha512, [
            0: "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            1: "b8244d028981d693af7b456af8efa4cad63d282e19ff14942c246e50d9351d22704a802a71c3580b6370de4ceb293c324a8423342557d4e5c38438f0e36910ee",
            55: "6856647f269c2ee3d8128f0b25427659d880641ef343300dd3cd4679168f58d6527fda70b4ebc854e2065e172b7d58c1536992c0810599259ba84a2b40c65414",
            56: "8b12b2f6fe400a51d29656e2b8c42a1bbfe6fcf3e425da430db05d1a2dda14790dee20fa8b22d8762afffe4988a5c98a4430d22a17e41e23d90fa61ab75671a9",
            63: "9dc9c5598e55dc42955695320839788e353f1d7f6ba74df74c80a8a52f463c0697f57f68835d1418f4ce9b6530cd79bd0f4c6f7e13c93feb1218c0b65c2c0561",
            64: "ee4320ebaf3fdb4f2c832b137200c08e235e0fa7bbd0eb1740c7063ba8a0d151da77e003398e1714a955d475b05e3e950b639503b452ec185de4229bc4873949",
            111: "a1a111449b198d9b1f538bad7f3fc1022b3a5b1a5e90a0bc860de8512746cbc31599e6c834de3a3235327af0b51ff57bf7acf1974a73014d9c3953812edc7c8d",
            112: "c5fbd731d19d2ae1180f001be72c2c1aaba1d7b094b3748880e24593b8e117a750e11c1bd867cc2f96dace8c8b74abd2d5c4f236be444e77d30d1916174070b9",
            119: "43e497279c2ce805903a33b54b746ea92d607f7c4807986c849823b81097a9099b5896ac7cc66df3a93edc8a91b6f3971d6c7f5688daf635737760bd080e27b3",
            120: "9636708964c5ff6600510319e07bf3fcfcb1f4058fec278efb677964ba1e140c1632505452f802e99bcf09da3d456dc3868d149a0788a730e49d239ce7415145",
            127: "eab89674feaa34e27aebeeff3c0a4d70070bb872d5e9f186cf1dbbdee517b6e35724d629ff025a5b07185e911ada7e3c8acf830aa0e4f71777bd2d44f504f7f0",
            128: "1dffd5e3adb71d45d2245939665521ae001a317a03720a45732ba1900ca3b8351fc5c9b4ca513eba6f80bc7b1d1fdad4abd13491cb824d61b08d8c0e1561b3f7",
            129: "1d9da57fbbdab09afb3506ab2d223d06109d65c1c8ad197f50138f714bc4c3f2fe5787922639c680acad1c651f955990425954ce2cba0c5cc83f2667d878eb0f",
            1000: "5096498d96f50f9a137c4db5b8b0cd38383ad55350fb5a98805fedc31fa1262f1f0cf4d6f12d7ecd8dedd933a4c9126344fe22e937a8ad35fdeae1e876ae698b",
        ]),
    ]

    @Test("every length around the padding's block edges, as hashlib computes them")
    func blockEdges() {
        for (function, digests) in Self.atBlockEdges {
            for (length, expected) in digests {
                let bytes = (0..<length).map { UInt8($0 % 251) }
                #expect(Hex.encode(function.hash(bytes)) == expected, "\(function) of \(length) bytes")
                #expect(function.hash(bytes).count == function.byteCount)
            }
        }
    }

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block is hashed first), computed for
    /// each function by Python's `hmac`.
    static let hmacCases: [(HashFunction, [UInt8], String, String)] = [
        (.sha256, Array(repeating: 0x0b, count: 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (.sha512, Array(repeating: 0x0b, count: 20), "Hi There", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        (.md5, Array(repeating: 0x0b, count: 20), "Hi There", "5ccec34ea9656392457fa1ac27f08fbc"),
        (.sha1, Array(repeating: 0x0b, count: 20), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
        (.sha256, Array("Jefe".utf8), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (.sha512, Array("Jefe".utf8), "what do ya want for nothing?", "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
        (.md5, Array("Jefe".utf8), "what do ya want for nothing?", "750c783e6ab0b503eaa86e310a5db738"),
        (.sha1, Array("Jefe".utf8), "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (.sha256, Array(repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (.sha512, Array(repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First", "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
        (.md5, Array(repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First", "bfecaf4efff90a3a668f3922fec3762d"),
        (.sha1, Array(repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First", "90d0dace1c1bdc957339307803160335bde6df2b"),
    ]

    @Test("HMAC, including keys longer than a block, and its constant-time check")
    func hmac() {
        for (function, key, message, expected) in Self.hmacCases {
            let code = function.authenticationCode(for: message.utf8, key: key)
            #expect(Hex.encode(code) == expected, "HMAC-\(function) of \(message)")
            #expect(function.isValidAuthenticationCode(code, for: message.utf8, key: key))
            var wrong = code
            wrong[wrong.count - 1] ^= 1
            #expect(!function.isValidAuthenticationCode(wrong, for: message.utf8, key: key))
            #expect(!function.isValidAuthenticationCode(Array(code.dropLast()), for: message.utf8, key: key))
        }
    }
}
