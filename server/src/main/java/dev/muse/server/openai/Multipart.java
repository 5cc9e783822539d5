package dev.muse.server.openai;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578), as OpenAI's file endpoints take it: fields by name, each a text
 * value or a file with its name and type. The body is already in memory and capped by size; the parser bounds the
 * part count and each part's header block, so a hostile body costs at most one pass over its bytes.
 */
public final class Multipart {
    /** A field: its bytes, and for a file its file name and content type (null for a plain field). */
    public record Part(String name, String fileName, String contentType, byte[] data) {
        public String text() { return new String(data, StandardCharsets.UTF_8); }
    }

    private static final int MAX_PARTS = 64;
    private static final int MAX_HEADER_BYTES = 8192;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i)[;\\s]name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i)[;\\s]filename=\"([^\"]*)\"");

    private Multipart() {}

    /**
     * The fields of {@code body} sent with {@code contentType}; the last of fields with the same name wins, except
     * that a name ending in {@code []} (OpenAI's {@code timestamp_granularities[]}) keeps its values joined by commas.
     *
     * @throws ApiException 400 when the content type is not multipart/form-data or the body is malformed
     */
    public static Map<String, Part> parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data"))
            throw ApiException.invalid(null, "This endpoint takes multipart/form-data (a file upload), not " + (contentType == null ? "a body without a type" : contentType));
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) throw ApiException.invalid(null, "The multipart/form-data content type names no boundary");
        byte[] delimiter = ("--" + (m.group(1) != null ? m.group(1) : m.group(2))).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Part> parts = new LinkedHashMap<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) throw malformed("its boundary never appears");
        while (true) {
            at += delimiter.length;
            if (at + 1 < body.length && body[at] == '-' && body[at + 1] == '-') return parts; // the closing delimiter
            at = skipLineEnd(body, at);
            int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, at);
            if (headersEnd < 0 || headersEnd - at > MAX_HEADER_BYTES) throw malformed("a part's headers do not end");
            String headers = new String(body, at, headersEnd - at, StandardCharsets.UTF_8);
            int dataStart = headersEnd + 4;
            int next = indexOf(body, delimiter, dataStart);
            if (next < 0) throw malformed("it ends inside a part (no closing boundary)");
            int dataEnd = next >= 2 && body[next - 2] == '\r' && body[next - 1] == '\n' ? next - 2 : next;
            if (parts.size() == MAX_PARTS) throw malformed("it has more than " + MAX_PARTS + " parts");
            Part part = part(headers, java.util.Arrays.copyOfRange(body, dataStart, Math.max(dataStart, dataEnd)));
            Part earlier = parts.get(part.name());
            if (earlier != null && part.name().endsWith("[]"))
                part = new Part(part.name(), null, null, (earlier.text() + "," + part.text()).getBytes(StandardCharsets.UTF_8));
            parts.put(part.name(), part);
            at = next;
        }
    }

    private static Part part(String headers, byte[] data) {
        String disposition = null, type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT), value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) disposition = value;
            else if (header.equals("content-type")) type = value;
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data"))
            throw malformed("a part has no Content-Disposition: form-data header");
        Matcher name = NAME.matcher(disposition);
        if (!name.find() || name.group(1).isEmpty()) throw malformed("a part has no name");
        Matcher file = FILE_NAME.matcher(disposition);
        return new Part(name.group(1), file.find() ? file.group(1) : null, type, data);
    }

    private static int skipLineEnd(byte[] b, int at) {
        while (at < b.length && (b[at] == ' ' || b[at] == '\t')) at++; // transport padding after a boundary
        if (at + 1 < b.length && b[at] == '\r' && b[at + 1] == '\n') return at + 2;
        throw malformed("a boundary is not followed by a line end");
    }

    private static ApiException malformed(String why) {
        return ApiException.invalid(null, "The multipart/form-data body is malformed: " + why);
    }

    /**
     * The first index of {@code needle} in {@code haystack} from {@code from}, or -1: Knuth-Morris-Pratt, linear
     * whatever the bytes (the sender picks both the boundary and the body, so a naive scan could be made quadratic).
     */
    static int indexOf(byte[] haystack, byte[] needle, int from) {
        int[] fallback = new int[needle.length];
        for (int i = 1, k = 0; i < needle.length; i++) {
            while (k > 0 && needle[i] != needle[k]) k = fallback[k - 1];
            if (needle[i] == needle[k]) k++;
            fallback[i] = k;
        }
        for (int i = Math.max(0, from), k = 0; i < haystack.length; i++) {
            while (k > 0 && haystack[i] != needle[k]) k = fallback[k - 1];
            if (haystack[i] == needle[k]) k++;
            if (k == needle.length) return i - needle.length + 1;
        }
        return -1;
    }
}
