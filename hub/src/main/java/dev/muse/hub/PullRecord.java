package dev.muse.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a file in the model cache came from: kept beside the cache in {@code .pulled/NAME.properties}, one
 * small properties file per model, so {@code muse models} can say origin and digest without re-reading
 * gigabytes, and a second pull of the same source knows it has nothing to do.
 *
 * @param origin   what was asked for: {@code hf:ORG/REPO/PATH[@REV]}, or {@code import:PATH} for a local import
 * @param url      the hub address it was downloaded from, or null
 * @param verified whether the SHA-256 was checked against a pinned or hub-announced one (false: only recorded)
 */
public record PullRecord(String name, String origin, String url, String sha256, long size, Instant time, boolean verified) {
    public static final String FOLDER = ".pulled";

    public static Path file(Path cache, String name) { return cache.resolve(FOLDER).resolve(name + ".properties"); }

    public static Optional<PullRecord> read(Path cache, String name) {
        Path file = file(cache, name);
        if (!Files.isRegularFile(file)) return Optional.empty();
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return Optional.of(new PullRecord(name, p.getProperty("origin", "?"), p.getProperty("url"), p.getProperty("sha256"),
                    Long.parseLong(p.getProperty("size", "-1")), Instant.parse(p.getProperty("time", Instant.EPOCH.toString())),
                    Boolean.parseBoolean(p.getProperty("verified"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged record only loses the provenance line, never the model
        }
    }

    /** Written to a temporary file and moved into place, so a reader never sees half a record. */
    public void write(Path cache) throws IOException {
        Properties p = new Properties();
        p.setProperty("origin", origin);
        if (url != null) p.setProperty("url", url);
        if (sha256 != null) p.setProperty("sha256", sha256);
        p.setProperty("size", Long.toString(size));
        p.setProperty("time", time.toString());
        p.setProperty("verified", Boolean.toString(verified));
        Path target = file(cache, name), temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.createDirectories(target.getParent());
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            p.store(out, "written by muse; the model file is ../" + name);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static void delete(Path cache, String name) throws IOException { Files.deleteIfExists(file(cache, name)); }

    public static String sha256Of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return ModelSource.hex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
