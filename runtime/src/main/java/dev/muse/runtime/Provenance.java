package dev.muse.runtime;

import dev.muse.provenance.ContentCredentials;
import dev.muse.provenance.Credentials;
import dev.muse.provenance.Verification;
import dev.muse.provenance.Verifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Content credentials on every file the engine makes (pictures, speech), under the installation's own signer, kept in
 * {@code folder} and made there at first use (see {@link Credentials#installation}); and the verifier, which trusts that
 * signer's root and the certificates an operator lists in {@code folder/trusted.pem} (other installations' roots, say).
 */
final class Provenance {
    /** What the claims name as their generator. */
    static final String GENERATOR = "Muse", VERSION = "0.1.0";
    static final String TRUSTED_FILE = "trusted.pem";
    private final Path folder;
    private ContentCredentials credentials;

    Provenance(Path folder) {
        this.folder = folder;
    }

    Path folder() { return folder; }

    private synchronized ContentCredentials credentials() {
        if (credentials == null) credentials = new ContentCredentials(Credentials.installation(folder, "Muse on " + host()), GENERATOR, VERSION);
        return credentials;
    }

    /** {@code file} signed as made by {@code model} (from {@code input}, for an edit); a format without a place for credentials stays as it is. */
    byte[] seal(byte[] file, String model, byte[] input) {
        if (!ContentCredentials.signable(file)) return file;
        return credentials().sign(file, input == null ? ContentCredentials.Made.created(model) : ContentCredentials.Made.edited(model, input));
    }

    Verification verify(byte[] file) {
        List<X509Certificate> anchors = new ArrayList<>();
        anchors.add(credentials().signer().root());
        Path trusted = folder.resolve(TRUSTED_FILE);
        if (Files.isRegularFile(trusted)) {
            try {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(trusted))))
                    anchors.add((X509Certificate) c);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the trust list " + trusted, e);
            } catch (CertificateException e) {
                throw new IllegalStateException("the trust list " + trusted + " is not PEM certificates: " + e.getMessage(), e);
            }
        }
        return new Verifier(anchors).verify(file);
    }

    /** The installation's root certificate, PEM: what another verifier (c2patool, a CDN) is given to trust Muse's files. */
    String root() {
        return Credentials.pem(credentials().signer().root());
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this machine";
        }
    }
}
