package dev.muse.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Writes pictures as lossless WebP files (VP8L, RFC 9649): the subtract-green transform, then every pixel as literals
 * under Huffman codes built from the picture's own histograms (no backward references or colour cache: simple, exact,
 * smaller than raw). The parameters, when given, go in an XMP chunk of an extended (VP8X) file, as a
 * {@code parameters} description like the PNG text chunk's.
 */
public final class WebpWriter {
    private WebpWriter() {}

    /** The order code-length code lengths are written in (RFC 9649, section 3.7.2.1.2). */
    private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final int MAX_SIDE = 16384;

    public static byte[] encode(Picture picture, String parameters) {
        int width = picture.width(), height = picture.height();
        if (width > MAX_SIDE || height > MAX_SIDE) throw new IllegalArgumentException("WebP pictures are at most " + MAX_SIDE + " pixels a side");
        byte[] rgb = picture.rgb();
        int n = width * height;
        int[] green = new int[n], red = new int[n], blue = new int[n];
        for (int i = 0; i < n; i++) {
            int r = rgb[3 * i] & 0xFF, g = rgb[3 * i + 1] & 0xFF, b = rgb[3 * i + 2] & 0xFF;
            green[i] = g;
            red[i] = (r - g) & 0xFF; // subtract green: the decoder adds it back
            blue[i] = (b - g) & 0xFF;
        }
        Bits out = new Bits();
        out.put(0x2f, 8); // VP8L signature
        out.put(width - 1, 14);
        out.put(height - 1, 14);
        out.put(0, 1); // no alpha used
        out.put(0, 3); // version 0
        out.put(1, 1); // a transform:
        out.put(2, 2); // subtract green
        out.put(0, 1); // no more transforms
        out.put(0, 1); // no colour cache
        out.put(0, 1); // one set of prefix codes for the whole picture
        Code g = code(out, histogram(green, 256 + 24)), r = code(out, histogram(red, 256)), b = code(out, histogram(blue, 256));
        code(out, single(256, 255)); // alpha: always opaque
        code(out, single(40, 0)); // distances: never used
        for (int i = 0; i < n; i++) {
            g.write(out, green[i]);
            r.write(out, red[i]);
            b.write(out, blue[i]);
        }
        return riff(out.bytes(), width, height, parameters);
    }

    private static int[] histogram(int[] symbols, int alphabet) {
        int[] counts = new int[alphabet];
        for (int s : symbols) counts[s]++;
        return counts;
    }

    private static int[] single(int alphabet, int symbol) {
        int[] counts = new int[alphabet];
        counts[symbol] = 1;
        return counts;
    }

    /**
     * A prefix code: each symbol's bits (reversed, to go out least significant first) and length (0: unused). A code of
     * one symbol costs no bits, whatever length it was declared with, as decoders read it.
     */
    private record Code(int[] bits, int[] lengths) {
        static Code of(int[] lengths) {
            boolean lone = Arrays.stream(lengths).filter(l -> l > 0).count() == 1;
            return new Code(canonical(lengths), lone ? new int[lengths.length] : lengths);
        }

        void write(Bits out, int symbol) {
            out.put(bits[symbol], lengths[symbol]);
        }
    }

    /**
     * Writes the prefix code for these symbol counts and returns it: a "simple" code for one or two used symbols (a lone
     * symbol then costs no bits at all), else code lengths (at most 15) written with a code-length code.
     */
    private static Code code(Bits out, int[] counts) {
        int used = 0, first = -1, second = -1;
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] == 0) continue;
            if (used == 0) first = s;
            else if (used == 1) second = s;
            used++;
        }
        if (used == 0) first = 0;
        if (used <= 2 && first < 256 && second < 256) {
            out.put(1, 1); // simple code
            out.put(used == 2 ? 1 : 0, 1);
            out.put(first < 2 ? 0 : 1, 1);
            out.put(first, first < 2 ? 1 : 8);
            int[] lengths = new int[counts.length], bits = new int[counts.length];
            if (used == 2) {
                out.put(second, 8);
                lengths[first] = lengths[second] = 1;
                bits[second] = 1;
            }
            return new Code(bits, lengths);
        }
        int[] lengths = lengths(counts, 15);
        out.put(0, 1); // normal code
        writeLengths(out, lengths);
        return Code.of(lengths);
    }

    /** The code lengths written with a code-length code: literal lengths 0-15, runs of zeros as 17 (3-10) and 18 (11-138). */
    private static void writeLengths(Bits out, int[] lengths) {
        int[] symbols = new int[lengths.length], extras = new int[lengths.length];
        int count = 0;
        for (int i = 0; i < lengths.length; ) {
            int run = 0;
            while (i + run < lengths.length && lengths[i + run] == 0 && run < 138) run++;
            if (run >= 11) {
                symbols[count] = 18;
                extras[count++] = run - 11;
                i += run;
            } else if (run >= 3) {
                symbols[count] = 17;
                extras[count++] = run - 3;
                i += run;
            } else {
                symbols[count++] = lengths[i++];
            }
        }
        int[] lengthCounts = new int[19];
        for (int k = 0; k < count; k++) lengthCounts[symbols[k]]++;
        int[] codeLengthLengths = lengths(lengthCounts, 7);
        int last = CODE_LENGTH_ORDER.length;
        while (last > 4 && codeLengthLengths[CODE_LENGTH_ORDER[last - 1]] == 0) last--;
        out.put(last - 4, 4);
        for (int k = 0; k < last; k++) out.put(codeLengthLengths[CODE_LENGTH_ORDER[k]], 3);
        out.put(0, 1); // every symbol's length follows (no max_symbol)
        Code lengthCode = Code.of(codeLengthLengths);
        for (int k = 0; k < count; k++) {
            lengthCode.write(out, symbols[k]);
            if (symbols[k] == 17) out.put(extras[k], 3);
            else if (symbols[k] == 18) out.put(extras[k], 7);
        }
    }

    /**
     * Huffman code lengths for these counts, none longer than {@code limit}: built from a heap of merged weights; when the
     * tree grows too deep, the counts are flattened (halved, keeping every used symbol) and it is built again.
     */
    static int[] lengths(int[] counts, int limit) {
        int[] weights = counts.clone();
        while (true) {
            int[] lengths = huffman(weights);
            if (Arrays.stream(lengths).max().orElse(0) <= limit) return lengths;
            for (int s = 0; s < weights.length; s++) if (weights[s] > 0) weights[s] = Math.max(1, weights[s] / 2);
        }
    }

    private static int[] huffman(int[] weights) {
        int n = weights.length;
        int[] parent = new int[2 * n];
        long[] weight = new long[2 * n];
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> weight[a] != weight[b] ? Long.compare(weight[a], weight[b]) : Integer.compare(a, b));
        for (int s = 0; s < n; s++) {
            if (weights[s] == 0) continue;
            weight[s] = weights[s];
            heap.add(s);
        }
        int[] lengths = new int[n];
        if (heap.size() == 1) {
            lengths[heap.poll()] = 1;
            return lengths;
        }
        int next = n;
        while (heap.size() > 1) {
            int a = heap.poll(), b = heap.poll();
            weight[next] = weight[a] + weight[b];
            parent[a] = parent[b] = next;
            heap.add(next++);
        }
        int root = next - 1;
        for (int s = 0; s < n; s++) {
            if (weights[s] == 0) continue;
            int depth = 0;
            for (int node = s; node != root; node = parent[node]) depth++;
            lengths[s] = depth;
        }
        return lengths;
    }

    /** Canonical codes for the lengths (shorter codes first, then by symbol), each bit-reversed for LSB-first output. */
    static int[] canonical(int[] lengths) {
        int max = Arrays.stream(lengths).max().orElse(0);
        int[] perLength = new int[max + 1];
        for (int l : lengths) if (l > 0) perLength[l]++;
        int[] next = new int[max + 2];
        for (int l = 1, code = 0; l <= max; l++) {
            code = (code + perLength[l - 1]) << 1;
            next[l] = code;
        }
        int[] bits = new int[lengths.length];
        for (int s = 0; s < lengths.length; s++) {
            int l = lengths[s];
            if (l == 0) continue;
            bits[s] = Integer.reverse(next[l]++) >>> (32 - l);
        }
        return bits;
    }

    /** The VP8L stream in a RIFF file; with parameters, an extended file (VP8X) with an XMP chunk that holds them. */
    private static byte[] riff(byte[] vp8l, int width, int height, String parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        if (parameters != null && !parameters.isEmpty()) {
            byte[] header = new byte[10];
            header[0] = 1 << 2; // the XMP flag
            put24(header, 4, width - 1);
            put24(header, 7, height - 1);
            chunk(body, "VP8X", header);
            chunk(body, "VP8L", vp8l);
            chunk(body, "XMP ", xmp(parameters));
        } else {
            chunk(body, "VP8L", vp8l);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(le32(body.size()));
        file.writeBytes(body.toByteArray());
        return file.toByteArray();
    }

    private static byte[] xmp(String parameters) {
        String escaped = parameters.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        return ("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description xmlns:muse=\"https://muse.dev/ns/1.0/\" muse:parameters=\"" + escaped.replace("\n", "&#10;")
                + "\"/></rdf:RDF></x:xmpmeta>").getBytes(StandardCharsets.UTF_8);
    }

    private static void chunk(ByteArrayOutputStream out, String fourcc, byte[] data) {
        out.writeBytes(fourcc.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(data.length));
        out.writeBytes(data);
        if (data.length % 2 == 1) out.write(0); // chunks are padded to an even size
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static void put24(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
    }

    /** Bits packed least significant first, as VP8L reads them. */
    private static final class Bits {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long buffer;
        private int used;

        void put(int value, int count) {
            buffer |= (long) (value & ((1 << count) - 1)) << used;
            used += count;
            while (used >= 8) {
                bytes.write((int) buffer & 0xFF);
                buffer >>>= 8;
                used -= 8;
            }
        }

        /** The bits so far, then four zero bytes: decoders read ahead, and a picture of one colour ends with no pixel bits at all. */
        byte[] bytes() {
            if (used > 0) bytes.write((int) buffer & 0xFF);
            buffer = 0;
            used = 0;
            bytes.writeBytes(new byte[4]);
            return bytes.toByteArray();
        }
    }
}
