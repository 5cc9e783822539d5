package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A random-weight Whisper model written in whisper.cpp's ggml format ({@code ggml-*.bin}), with the real models'
 * shape rules: 1500 audio positions (30 s of mel frames after the stride-2 convolution), 448 text positions, the
 * real vocabulary sizes (51865 multilingual, 51866 for large-v3 and turbo, 51864 for {@code .en}), 80 or 128 mel
 * bins with librosa's Slaney filter bank, and whisper.cpp's tensor names, shapes and types (convolutions in F16
 * whenever the big matrices are not F32; biases, norms and positional embeddings always F32).
 *
 * <p>The vocabulary is made up: the 256 single bytes, then distinct short pieces; whisper.cpp adds its special
 * tokens after them, as it does for the real files.
 */
public record TinyWhisper(Shape shape, GgmlType type, long seed) {
    /** The hyper-parameters whisper.cpp reads, in file order, but for the weight type. */
    public record Shape(String name, int vocab, int audioContext, int state, int audioHeads, int audioLayers,
                        int textContext, int textHeads, int textLayers, int mels) {
        /**
         * tiny's rules (multilingual, 80 mel bins) at a width of 64, 2 encoder and 3 decoder layers (whisper.cpp
         * takes a non-large model with 2 decoder layers for a distilled one and turns its timestamps off).
         */
        public static final Shape TINY = new Shape("tiny", 51865, 1500, 64, 2, 2, 448, 2, 3, 80);
        /** large-v3-turbo's rules: 51866 tokens, 128 mel bins, 4 decoder layers (the real one has 32 encoder layers). */
        public static final Shape TURBO = new Shape("large-v3-turbo", 51866, 1500, 64, 2, 2, 448, 2, 4, 128);
        /** tiny.en's rules: the English-only vocabulary of 51864 tokens. */
        public static final Shape TINY_EN = new Shape("tiny.en", 51864, 1500, 64, 2, 2, 448, 2, 3, 80);

        public boolean multilingual() {
            return vocab >= 51865;
        }
    }

    /** Tokens written in the file: GPT-2's 50257 (the rest are special tokens whisper.cpp adds on loading). */
    public static final int FILE_TOKENS = 50257;
    /** whisper.cpp runs every type but F32 on the CPU (an assertion in its convolution stops F32 files). */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q4_0);
    private static final int MAGIC = 0x67676d6c;
    /**
     * Small, so that no token dominates the logits (with 1.0 a model repeats one token forever) and the timestamps
     * together outweigh any text token: decoding then runs through Whisper's timestamp rules at every step.
     */
    static final float TOKEN_EMBEDDING_STD = 0.1f;

    /** A short name for files and reports, such as "tiny-q8_0". */
    public String name() {
        return shape.name() + "-" + type.name().toLowerCase(Locale.ROOT);
    }

    /** whisper.cpp's file type for the weight type (ggml_ftype). */
    int fileType() {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            default -> throw new IllegalArgumentException("whisper.cpp files do not hold " + type + " weights");
        };
    }

    /** Writes the model file (atomically) and returns its path. */
    public Path write(Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 20)) {
            Shape s = shape;
            ints(out, MAGIC, s.vocab(), s.audioContext(), s.state(), s.audioHeads(), s.audioLayers(), s.textContext(),
                    s.state(), s.textHeads(), s.textLayers(), s.mels(), fileType());
            float[] filters = slaneyMelFilters(s.mels());
            ints(out, s.mels(), 201);
            out.write(Tensor.quantize(GgmlType.F32, filters));
            ints(out, FILE_TOKENS);
            for (int i = 0; i < FILE_TOKENS; i++) {
                byte[] piece = piece(i, s.multilingual());
                ints(out, piece.length);
                out.write(piece);
            }
            for (TensorSpec t : tensors()) {
                t.write(out, new RandomTensors(seed));
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Token {@code i}'s bytes: single bytes first (as GPT-2's vocabulary has), then distinct made-up pieces. */
    static byte[] piece(int i, boolean multilingual) {
        if (i < 256) {
            return new byte[] {(byte) i};
        }
        if (i == FILE_TOKENS - 1) {
            return multilingual ? new byte[0] : "<|endoftext|>".getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder b = new StringBuilder(i % 3 == 0 ? " " : "");
        for (int n = i; n > 0; n /= 26) {
            b.append((char) ('a' + n % 26));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private record TensorSpec(String name, GgmlType type, long[] shape, float mean, float std) {
        void write(OutputStream out, RandomTensors random) throws IOException {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            ints(out, shape.length, nameBytes.length, type.id);
            for (long d : shape) {
                ints(out, (int) d);
            }
            out.write(nameBytes);
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            random.values(name, type, n, mean, std).writeTo(out);
        }
    }

    /** Every tensor, in whisper.cpp's order and naming. ggml shapes: the first dimension is the contiguous one. */
    private List<TensorSpec> tensors() {
        Shape s = shape;
        int d = s.state();
        GgmlType conv = type == GgmlType.F32 ? GgmlType.F32 : GgmlType.F16;
        List<TensorSpec> t = new ArrayList<>();
        t.add(new TensorSpec("encoder.positional_embedding", GgmlType.F32, new long[] {d, s.audioContext()}, 0, 0.3f));
        t.add(new TensorSpec("encoder.conv1.weight", conv, new long[] {3, s.mels(), d}, 0, inverseSqrt(3 * s.mels())));
        t.add(new TensorSpec("encoder.conv1.bias", GgmlType.F32, new long[] {1, d}, 0, 0.1f));
        t.add(new TensorSpec("encoder.conv2.weight", conv, new long[] {3, d, d}, 0, inverseSqrt(3 * d)));
        t.add(new TensorSpec("encoder.conv2.bias", GgmlType.F32, new long[] {1, d}, 0, 0.1f));
        for (int l = 0; l < s.audioLayers(); l++) {
            block(t, "encoder.blocks." + l + ".", false);
        }
        t.add(new TensorSpec("encoder.ln_post.weight", GgmlType.F32, new long[] {d}, 1, 0.1f));
        t.add(new TensorSpec("encoder.ln_post.bias", GgmlType.F32, new long[] {d}, 0, 0.1f));
        t.add(new TensorSpec("decoder.positional_embedding", GgmlType.F32, new long[] {d, s.textContext()}, 0, 0.3f));
        t.add(new TensorSpec("decoder.token_embedding.weight", type, new long[] {d, s.vocab()}, 0, TOKEN_EMBEDDING_STD));
        for (int l = 0; l < s.textLayers(); l++) {
            block(t, "decoder.blocks." + l + ".", true);
        }
        t.add(new TensorSpec("decoder.ln.weight", GgmlType.F32, new long[] {d}, 1, 0.1f));
        t.add(new TensorSpec("decoder.ln.bias", GgmlType.F32, new long[] {d}, 0, 0.1f));
        return t;
    }

    private void block(List<TensorSpec> t, String b, boolean cross) {
        int d = shape.state();
        attention(t, b + "attn", b + "attn_ln", d);
        if (cross) {
            attention(t, b + "cross_attn", b + "cross_attn_ln", d);
        }
        t.add(new TensorSpec(b + "mlp_ln.weight", GgmlType.F32, new long[] {d}, 1, 0.1f));
        t.add(new TensorSpec(b + "mlp_ln.bias", GgmlType.F32, new long[] {d}, 0, 0.1f));
        t.add(new TensorSpec(b + "mlp.0.weight", type, new long[] {d, 4 * d}, 0, inverseSqrt(d)));
        t.add(new TensorSpec(b + "mlp.0.bias", GgmlType.F32, new long[] {4 * d}, 0, 0.1f));
        t.add(new TensorSpec(b + "mlp.2.weight", type, new long[] {4 * d, d}, 0, inverseSqrt(4 * d)));
        t.add(new TensorSpec(b + "mlp.2.bias", GgmlType.F32, new long[] {d}, 0, 0.1f));
    }

    private void attention(List<TensorSpec> t, String a, String ln, int d) {
        t.add(new TensorSpec(ln + ".weight", GgmlType.F32, new long[] {d}, 1, 0.1f));
        t.add(new TensorSpec(ln + ".bias", GgmlType.F32, new long[] {d}, 0, 0.1f));
        for (String m : new String[] {"query", "key", "value", "out"}) {
            t.add(new TensorSpec(a + "." + m + ".weight", type, new long[] {d, d}, 0, inverseSqrt(d)));
            if (!m.equals("key")) { // Whisper's key projection has no bias
                t.add(new TensorSpec(a + "." + m + ".bias", GgmlType.F32, new long[] {d}, 0, 0.1f));
            }
        }
    }

    /**
     * librosa.filters.mel(sr=16000, n_fft=400, n_mels=mels) with its defaults (Slaney mel scale and area
     * normalisation), which is what OpenAI's mel_filters.npz holds: {@code mels} rows of 201 weights.
     */
    public static float[] slaneyMelFilters(int mels) {
        int bins = 201;
        double[] fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) {
            fftFreqs[k] = k * 16000.0 / 400;
        }
        double minMel = hertzToMel(0), maxMel = hertzToMel(8000);
        double[] edges = new double[mels + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHertz(minMel + (maxMel - minMel) * i / (mels + 1));
        }
        float[] weights = new float[mels * bins];
        for (int m = 0; m < mels; m++) {
            double lower = edges[m], centre = edges[m + 1], upper = edges[m + 2];
            double norm = 2.0 / (upper - lower);
            for (int k = 0; k < bins; k++) {
                double rising = (fftFreqs[k] - lower) / (centre - lower);
                double falling = (upper - fftFreqs[k]) / (upper - centre);
                weights[m * bins + k] = (float) (Math.max(0, Math.min(rising, falling)) * norm);
            }
        }
        return weights;
    }

    private static double hertzToMel(double hz) {
        double linear = 200.0 / 3, logStart = 1000 / linear, logStep = Math.log(6.4) / 27;
        return hz < 1000 ? hz / linear : logStart + Math.log(hz / 1000) / logStep;
    }

    private static double melToHertz(double mel) {
        double linear = 200.0 / 3, logStart = 1000 / linear, logStep = Math.log(6.4) / 27;
        return mel < logStart ? mel * linear : 1000 * Math.exp(logStep * (mel - logStart));
    }

    private static void ints(OutputStream out, int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        out.write(b.array());
    }

    private static float inverseSqrt(int n) {
        return (float) (1 / Math.sqrt(n));
    }

    /** Writes {@code tiny}, {@code tiny.en} and {@code large-v3-turbo} in every type into the folder given as the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: TinyWhisper DIR");
        }
        for (Shape s : List.of(Shape.TINY, Shape.TINY_EN, Shape.TURBO)) {
            for (GgmlType t : TYPES) {
                TinyWhisper w = new TinyWhisper(s, t, 1);
                System.out.println(w.write(Path.of(args[0]).resolve("ggml-" + w.name() + ".bin")));
            }
        }
    }
}
