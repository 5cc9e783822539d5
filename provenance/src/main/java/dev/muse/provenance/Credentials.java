package dev.muse.provenance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Who signs what Muse makes: an ES256 (P-256) key and its X.509 chain, signing certificate first. An installation
 * makes its own at first use ({@link #installation}): a root CA and a signing certificate under it, the kind C2PA
 * accepts (digitalSignature, extended key use emailProtection); the CA's private key is not kept, so nothing can
 * issue another signer in its name. An operator with their own chain puts {@code chain.pem} and {@code signer.key}
 * (PKCS#8, unencrypted) in the folder instead. Verifiers trust the chain's last certificate ({@link #root()}).
 */
public final class Credentials {
    static final String CHAIN_FILE = "chain.pem", KEY_FILE = "signer.key";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final PrivateKey key;
    private final List<X509Certificate> chain;

    Credentials(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) throw new IllegalArgumentException("a signer needs at least its own certificate");
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** The signing certificate first, the root last. */
    public List<X509Certificate> chain() { return chain; }

    /** The chain's last certificate: the one to give verifiers as a trust anchor. */
    public X509Certificate root() { return chain.getLast(); }

    /** ES256 over {@code data}: r || s, 64 bytes, as COSE has it. */
    byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the installation's key: " + e.getMessage(), e);
        }
    }

    /**
     * The credentials kept in {@code folder}, made there on first use (the folder only its owner may enter, the key only
     * its owner may read). Two processes starting at once agree on one: a file lock lets one make them, the other then
     * reads them.
     */
    public static synchronized Credentials installation(Path folder, String name) {
        Path chainFile = folder.resolve(CHAIN_FILE), keyFile = folder.resolve(KEY_FILE);
        try {
            if (!Files.exists(chainFile)) {
                Files.createDirectories(folder);
                restrict(folder, "rwx------");
                // another process (a second server, a test fork) may be making them too: one makes them while the other waits
                try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(folder.resolve(".lock"),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE); var _ = lock.lock()) {
                    if (!Files.exists(chainFile)) makeIn(folder, name);
                }
            }
            return read(chainFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the content credentials in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A fresh root and signer held in memory only (tests, and the files {@link #installation} writes). */
    public static Credentials generate(String name) {
        try {
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair root = ec.generateKeyPair(), signer = ec.generateKeyPair();
            Instant now = Instant.now().minus(Duration.ofHours(1)); // a clock slightly behind still finds it valid
            X500Name rootName = new X500Name("CN=" + name + " root CA,O=Muse");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(rootName, serial(), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(20 * 366))), rootName, root.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(root.getPublic()));
            X509Certificate caCert = certificate(ca, root.getPrivate());
            X509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(10 * 366))), new X500Name("CN=" + name + ",O=Muse"), signer.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(signer.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            return new Credentials(signer.getPrivate(), List.of(certificate(leaf, root.getPrivate()), caCert));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make content credentials: " + e.getMessage(), e);
        }
    }

    private static void makeIn(Path folder, String name) throws IOException {
        Credentials made = generate(name);
        StringBuilder chainPem = new StringBuilder();
        for (X509Certificate c : made.chain) chainPem.append(pem("CERTIFICATE", encoded(c)));
        Path keyTemp = Files.createTempFile(folder, KEY_FILE, ".tmp"), chainTemp = Files.createTempFile(folder, CHAIN_FILE, ".tmp");
        restrict(keyTemp, "rw-------");
        Files.writeString(keyTemp, pem("PRIVATE KEY", made.key.getEncoded()));
        Files.writeString(chainTemp, chainPem);
        Files.move(keyTemp, folder.resolve(KEY_FILE), StandardCopyOption.ATOMIC_MOVE);
        Files.move(chainTemp, folder.resolve(CHAIN_FILE), StandardCopyOption.ATOMIC_MOVE); // the chain last: its presence says the pair is complete
    }

    /** Reads a chain (PEM certificates, signer first) and its PKCS#8 EC key. */
    static Credentials read(Path chainFile, Path keyFile) throws IOException {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(Files.readString(chainFile), "CERTIFICATE"))
                chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
            List<byte[]> keys = blocks(Files.readString(keyFile), "PRIVATE KEY");
            if (chain.isEmpty() || keys.size() != 1) throw new IOException(chainFile + " needs certificates and " + keyFile + " one PKCS#8 private key");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keys.getFirst()));
            return new Credentials(key, chain);
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable credentials (" + chainFile + ", " + keyFile + "): " + e.getMessage(), e);
        }
    }

    /** The PEM text of a certificate, for a verifier's trust list. */
    public static String pem(X509Certificate certificate) {
        return pem("CERTIFICATE", encoded(certificate));
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        while (m.find()) if (m.group(1).equals(type)) out.add(Base64.getMimeDecoder().decode(m.group(2)));
        return out;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, PrivateKey issuerKey) throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    private static void restrict(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix"))
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }
}
