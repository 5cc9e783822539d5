package dev.muse.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COSE_Sign1 (RFC 9052) as C2PA signs a claim: ES256, the certificate chain in the protected header (x5chain, label 33),
 * the claim itself detached (the payload is nil; the verifier supplies the claim's bytes).
 */
final class Cose {
    private static final int SIGN1_TAG = 18, ALG = 1, X5CHAIN = 33, ES256 = -7;

    private Cose() {}

    /** A COSE_Sign1 over {@code payload}, which it does not carry, signed by {@code signing} (ES256: 64 bytes). */
    static byte[] sign1(byte[] payload, List<X509Certificate> certificates, java.util.function.UnaryOperator<byte[]> signing) {
        List<Object> chain = new ArrayList<>();
        for (X509Certificate c : certificates) {
            try {
                chain.add(c.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<Object, Object> header = new LinkedHashMap<>();
        header.put(ALG, ES256);
        header.put(X5CHAIN, chain.size() == 1 ? chain.getFirst() : chain);
        byte[] protectedHeader = Cbor.encode(header);
        byte[] signature = signing.apply(toBeSigned(protectedHeader, payload));
        List<Object> sign1 = new ArrayList<>();
        sign1.add(protectedHeader);
        sign1.add(Map.of());
        sign1.add(null);
        sign1.add(signature);
        return Cbor.encode(new Cbor.Tagged(SIGN1_TAG, sign1));
    }

    /** A COSE_Sign1 read back: its protected header's bytes, the chain it names (signer first) and the signature. */
    record Sign1(byte[] protectedHeader, List<X509Certificate> chain, byte[] signature) {
        /** Whether the signature is the signer's over {@code payload}. */
        boolean verifies(byte[] payload) {
            try {
                PublicKey key = chain.getFirst().getPublicKey();
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                s.initVerify(key);
                s.update(toBeSigned(protectedHeader, payload));
                return s.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }

    /** Parses a COSE_Sign1; anything but an ES256 signature with its chain is an IllegalArgumentException. */
    static Sign1 parse(byte[] cose) {
        JsonNode array = Cbor.decode(cose);
        if (!array.isArray() || array.size() != 4 || !array.get(0).isBinary() || !array.get(3).isBinary())
            throw new IllegalArgumentException("the signature is not a COSE_Sign1");
        try {
            byte[] protectedHeader = array.get(0).binaryValue();
            JsonNode header = Cbor.decode(protectedHeader);
            if (header.path(String.valueOf(ALG)).asInt() != ES256)
                throw new IllegalArgumentException("the signature's algorithm is " + header.path(String.valueOf(ALG)) + ", not ES256");
            JsonNode x5 = header.has(String.valueOf(X5CHAIN)) ? header.get(String.valueOf(X5CHAIN)) : array.get(1).get(String.valueOf(X5CHAIN));
            if (x5 == null) throw new IllegalArgumentException("the signature names no certificate chain");
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (JsonNode der : x5.isArray() ? x5 : List.of(x5))
                chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der.binaryValue())));
            if (chain.isEmpty()) throw new IllegalArgumentException("the signature's certificate chain is empty");
            return new Sign1(protectedHeader, List.copyOf(chain), array.get(3).binaryValue());
        } catch (java.io.IOException | CertificateException e) {
            throw new IllegalArgumentException("unreadable signature: " + e.getMessage(), e);
        }
    }

    /** Sig_structure: ["Signature1", protected, external_aad (empty), payload]. */
    private static byte[] toBeSigned(byte[] protectedHeader, byte[] payload) {
        return Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payload));
    }
}
