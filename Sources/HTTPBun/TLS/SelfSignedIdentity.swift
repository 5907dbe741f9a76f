import HTTPBunCore
import Crypto
import Foundation
import SwiftASN1
import X509

// Certificates made at start-up (--tls-self-signed), apart from the TLSIdentity value so that code
// without swift-certificates (the fuzz build) can still use the value.
extension TLSIdentity {
    /// Makes a throw-away certificate authority and a leaf certificate signed by it for `hosts`
    /// (IP addresses or DNS names), valid from an hour ago for 30 days. Returns the leaf identity
    /// and the authority's certificate in PEM, for the client to trust.
    public static func selfSigned(hosts: [String]) throws(TLSSetupError) -> (identity: TLSIdentity, authorityPEM: String) {
        do {
            let authorityKey = P256.Signing.PrivateKey()
            let authorityName = try DistinguishedName {
                OrganizationName("httpbun")
                CommonName("httpbun test CA \({ var system = SystemRandomNumberGenerator(); return RandomIdentifiers.uuid4(using: &system) }().prefix(8))")
            }
            let now = Date()
            let authority = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(authorityKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 86400),
                issuer: authorityName, subject: authorityName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                },
                issuerPrivateKey: Certificate.PrivateKey(authorityKey))

            let leafKey = P256.Signing.PrivateKey()
            let names = subjectAlternativeNames(for: hosts)
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(leafKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 86400),
                issuer: authorityName,
                subject: try DistinguishedName { CommonName(hosts.first ?? "localhost") },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(names)
                },
                issuerPrivateKey: Certificate.PrivateKey(authorityKey))
            let identity = TLSIdentity(
                certificateChainPEM: try leaf.serializeAsPEM().pemString + "\n",
                privateKeyPEM: leafKey.pemRepresentation + "\n")
            return (identity, try authority.serializeAsPEM().pemString + "\n")
        } catch {
            throw TLSSetupError(message: "cannot make a self-signed certificate: \(error)")
        }
    }

    /// IP literals as IP addresses, everything else as DNS names; loopback names always included.
    static func subjectAlternativeNames(for hosts: [String]) -> [GeneralName] {
        var names: [GeneralName] = []
        var seen: Set<String> = []
        for host in hosts + ["localhost", "127.0.0.1", "::1"] {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            guard !bare.isEmpty, seen.insert(bare).inserted else { continue }
            if let bytes = IPAddressBytes.parse(bare) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
            } else {
                names.append(.dnsName(bare))
            }
        }
        return names
    }
}

/// The bytes of an IPv4 or IPv6 literal, for certificate names.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }
}
