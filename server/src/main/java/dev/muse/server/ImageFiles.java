package dev.muse.server;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Drawn pictures kept for a while so that {@code response_format: url} can hand out addresses to them, as OpenAI's
 * image URLs do: each under an unguessable name, for its owner only, for an hour, in memory (a restart forgets them, as
 * an expired URL). At most {@link #MAX_BYTES} are kept; the oldest go first.
 */
final class ImageFiles {
    static final Duration LIFETIME = Duration.ofHours(1);
    static final long MAX_BYTES = 256L << 20;

    private record Entry(String owner, String format, byte[] bytes, long expiresAtMillis) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    /** Keeps a picture for its owner; returns its file name (32 hex digits and its format's extension). */
    synchronized String put(String owner, String format, byte[] file) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String name = HexFormat.of().formatHex(id) + "." + (format.equals("jpeg") ? "jpg" : format);
        entries.put(name, new Entry(owner, format, file, System.currentTimeMillis() + LIFETIME.toMillis()));
        bytes += file.length;
        for (Iterator<Entry> it = entries.values().iterator(); bytes > MAX_BYTES && it.hasNext(); ) {
            bytes -= it.next().bytes().length;
            it.remove();
        }
        return name;
    }

    /** The picture and its media type, for its owner while it lasts; empty for anything else (so a stranger learns nothing). */
    synchronized Optional<Map.Entry<String, byte[]>> get(String owner, String name) {
        long now = System.currentTimeMillis();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.expiresAtMillis() > now) break; // kept in the order they expire
            bytes -= e.bytes().length;
            it.remove();
        }
        Entry e = entries.get(name);
        if (e == null || !e.owner().equals(owner)) return Optional.empty();
        return Optional.of(Map.entry("image/" + e.format(), e.bytes()));
    }
}
