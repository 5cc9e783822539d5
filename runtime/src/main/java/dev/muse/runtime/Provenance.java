package dev.muse.runtime;

import dev.muse.media.Picture;
import dev.muse.provenance.ContentCredentials;
import dev.muse.provenance.Credentials;
import dev.muse.provenance.Verification;
import dev.muse.provenance.Verifier;
import dev.muse.provenance.watermark.AudioWatermark;
import dev.muse.provenance.watermark.ImageWatermark;
import dev.muse.provenance.watermark.TextWatermark;
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
import java.util.function.Function;

/**
 * Content credentials on every file the engine makes (pictures, speech), under the installation's own signer, kept in
 * {@code folder} and made there at first use (see {@link Credentials#installation}), and an invisible watermark in every
 * picture and sound (unless the operator turned them off); and the verifier, which trusts that signer's root and the certificates
 * an operator lists in {@code folder/trusted.pem} (other installations' roots, say).
 */
final class Provenance {
    /** What the claims name as their generator. */
    static final String GENERATOR = "Muse", VERSION = "0.1.0";
    static final String TRUSTED_FILE = "trusted.pem", TEXT_KEY_FILE = "text-watermark.key";
    private final Path folder;
    private final boolean watermarks;
    private ContentCredentials credentials;
    /** The first 16 bits of the SHA-256 of the installation's root: the start of every watermark's payload. */
    private long tag = -1;
    private TextWatermark text;

    Provenance(Path folder, boolean watermarks) {
        this.folder = folder;
        this.watermarks = watermarks;
    }

    /**
     * Marks and signs what one request makes: the model that makes it and, for an edit, the file it starts from. A
     * picture gets a watermark whose payload (this installation's 16-bit tag, then 32 bits of the picture's own hash, so
     * that a seed still draws the same file) its credentials record.
     */
    record Seal(Provenance provenance, String model, byte[] input) {
        byte[] picture(Picture picture, Function<Picture, byte[]> encode) {
            if (!provenance.watermarks) return file(encode.apply(picture), null);
            ContentCredentials.Watermark mark = new ContentCredentials.Watermark(ImageWatermark.ALGORITHM, provenance.payload(picture.rgb()));
            return provenance.seal(encode.apply(ImageWatermark.embed(picture, mark.payload())), model, input, mark);
        }

        /** The mark one sound carries through all its pieces, its payload from {@code identity} (what is said, and how); null when marks are off. */
        ContentCredentials.Watermark soundMark(String identity) {
            if (!provenance.watermarks) return null;
            return new ContentCredentials.Watermark(AudioWatermark.ALGORITHM, provenance.payload(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }

        /** A piece of a sound at {@code rate}, {@code offset} samples into it, with {@code mark} in it (as it is, when null). */
        float[] sound(float[] samples, int rate, long offset, ContentCredentials.Watermark mark) {
            return mark == null ? samples : AudioWatermark.embed(samples, rate, mark.payload(), offset);
        }

        /** A whole file signed; {@code mark}, the watermark in it (or null), recorded. */
        byte[] file(byte[] file, ContentCredentials.Watermark mark) {
            return provenance.seal(file, model, input, mark);
        }
    }

    Path folder() { return folder; }

    private synchronized ContentCredentials credentials() {
        if (credentials == null) credentials = new ContentCredentials(Credentials.installation(folder, "Muse on " + host()), GENERATOR, VERSION);
        return credentials;
    }

    /** {@code file} signed as made by {@code model} (from {@code input}, for an edit); a format without a place for credentials stays as it is. */
    private byte[] seal(byte[] file, String model, byte[] input, ContentCredentials.Watermark mark) {
        if (!ContentCredentials.signable(file)) return file;
        ContentCredentials.Made made = input == null ? ContentCredentials.Made.created(model) : ContentCredentials.Made.edited(model, input);
        return credentials().sign(file, mark == null ? made : made.watermarked(mark));
    }

    /** A watermark payload: the installation's tag (16 bits of its root's SHA-256), then 32 bits of the content's SHA-256. */
    private long payload(byte[] content) {
        try {
            var sha = java.security.MessageDigest.getInstance("SHA-256");
            synchronized (this) {
                if (tag < 0) {
                    byte[] root = sha.digest(credentials().signer().root().getEncoded());
                    tag = (root[0] & 0xFFL) << 8 | (root[1] & 0xFFL);
                }
            }
            byte[] own = sha.digest(content);
            return tag << 32 | (own[0] & 0xFFL) << 24 | (own[1] & 0xFFL) << 16 | (own[2] & 0xFFL) << 8 | (own[3] & 0xFFL);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The installation's text watermark, its key read from {@code folder/text-watermark.key} (made there at first use,
     * only its owner may read it): whoever holds the key can detect the mark, and forge it.
     */
    synchronized TextWatermark text() {
        if (text == null) {
            Path file = folder.resolve(TEXT_KEY_FILE);
            try {
                if (!Files.exists(file)) {
                    credentials(); // makes the folder, owner-only
                    Path temp = Files.createTempFile(folder, TEXT_KEY_FILE, ".tmp");
                    if (Files.getFileStore(temp).supportsFileAttributeView("posix"))
                        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                    Files.writeString(temp, Long.toHexString(new java.security.SecureRandom().nextLong()) + "\n");
                    try { // a link fails when another process made the key first: the first key stays, everyone reads it
                        Files.createLink(file, temp);
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // theirs is the key
                    } finally {
                        Files.deleteIfExists(temp);
                    }
                }
                text = new TextWatermark(Long.parseUnsignedLong(Files.readString(file).strip(), 16));
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read or make the text watermark's key " + file + ": " + e.getMessage(), e);
            }
        }
        return text;
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
