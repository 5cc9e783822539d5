package dev.muse.server.store;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Metadata of an attachment to store with a message. The constructor checks every field, since they
 * come from clients: a MIME type of the declared kind, a size that is not negative, a SHA-256 in hex,
 * and a file name reduced to a safe, bounded plain name ({@link #sanitiseFileName}).
 */
public record NewAttachment(AttachmentKind kind, String mimeType, long byteSize, String sha256, String fileName) {
    static final int MAX_FILE_NAME_LENGTH = 200;
    private static final Pattern MIME = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public NewAttachment {
        if (kind == null) throw new IllegalArgumentException("attachment kind missing");
        mimeType = mimeType == null ? "" : mimeType.strip().toLowerCase(Locale.ROOT);
        if (!MIME.matcher(mimeType).matches()) throw new IllegalArgumentException("bad MIME type: " + mimeType);
        if (!mimeType.startsWith(kind.wireName() + "/")) {
            throw new IllegalArgumentException("MIME type " + mimeType + " is not an " + kind.wireName() + " type");
        }
        if (byteSize < 0) throw new IllegalArgumentException("attachment size cannot be negative");
        sha256 = sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(sha256).matches()) throw new IllegalArgumentException("sha256 must be 64 hex digits");
        fileName = sanitiseFileName(fileName);
    }

    /**
     * A client's file name made safe to show and to use as a download name: only the last path
     * segment, no control or reserved characters, no leading dots (hidden files, "..") or trailing dots
     * and spaces, at most {@value #MAX_FILE_NAME_LENGTH} characters; "attachment" if nothing is left.
     */
    public static String sanitiseFileName(String name) {
        if (name == null) return "attachment";
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder kept = new StringBuilder();
        last.codePoints()
                .filter(c -> !Character.isISOControl(c) && "<>:\"|?*".indexOf(c) < 0 && Character.getType(c) != Character.FORMAT)
                .forEach(kept::appendCodePoint);
        String cleaned = kept.toString().strip().replaceAll("^[.\\s]+", "").replaceAll("[.\\s]+$", "");
        if (cleaned.length() > MAX_FILE_NAME_LENGTH) {
            int end = MAX_FILE_NAME_LENGTH;
            if (Character.isHighSurrogate(cleaned.charAt(end - 1))) end--; // never cut a character in half
            cleaned = cleaned.substring(0, end).strip();
        }
        return cleaned.isEmpty() ? "attachment" : cleaned;
    }
}
