package dev.muse.formats.llama2c;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Converts a llama2.c checkpoint ({@code run.c} format: 7 int32 header fields, then float32 tensors in a
 * fixed order) plus its tokenizer.bin into a GGUF that llama.cpp and Muse both load as architecture
 * "llama". llama2.c rotates adjacent pairs in RoPE, as GGUF's llama does, so weights copy unchanged.
 */
public final class Llama2cImporter {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER_BYTES = 7 * 4;

    /** The checkpoint header. vocabSize is positive; sharedWeights says whether the classifier is the embedding. */
    record Header(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen, boolean sharedWeights) {
        int headSize() { return dim / heads; }
        int kvDim() { return kvHeads * headSize(); }

        long expectedFloats() {
            long perLayer = 2L * dim + (long) dim * dim * 2 + 2L * dim * kvDim() + 3L * dim * hiddenDim;
            long total = (long) vocabSize * dim + layers * perLayer + dim + (long) seqLen * headSize();
            return sharedWeights ? total : total + (long) vocabSize * dim;
        }
    }

    private Llama2cImporter() {}

    /** Writes the GGUF; tensors are stored as {@code type} (F32 keeps the checkpoint exact). */
    public static void convert(Path checkpoint, Path tokenizer, Path out, GgmlType type) throws IOException {
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(checkpoint, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            Header h = readHeader(file, checkpoint);
            Metadata metadata = metadata(h, checkpoint);
            Llama2cTokenizer.read(tokenizer, h.vocabSize()).addTo(metadata);
            GgufWriter writer = new GgufWriter(metadata);
            new TensorLayout(file, h, type, writer).addAll();
            writer.write(out);
        }
    }

    static Header readHeader(MemorySegment file, Path path) {
        if (file.byteSize() < HEADER_BYTES) throw new FormatException(path + " is too short for a llama2.c checkpoint header");
        int[] f = new int[7];
        for (int i = 0; i < 7; i++) f[i] = file.get(INT, i * 4L);
        int dim = f[0], hidden = f[1], layers = f[2], heads = f[3], kvHeads = f[4], vocab = Math.abs(f[5]), seqLen = f[6];
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seqLen <= 0
                || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0 || f[5] == Integer.MIN_VALUE)
            throw new FormatException(path + " has an invalid llama2.c header: dim=" + dim + " hidden=" + hidden + " layers=" + layers
                    + " heads=" + heads + " kv_heads=" + kvHeads + " vocab=" + f[5] + " seq_len=" + seqLen);
        Header h = new Header(dim, hidden, layers, heads, kvHeads, vocab, seqLen, f[5] > 0);
        long expected = HEADER_BYTES + 4 * h.expectedFloats();
        // run.c also skips the two legacy RoPE tables (seq_len * head_size/2 floats each) before the classifier.
        if (file.byteSize() != expected)
            throw new FormatException(path + " is " + file.byteSize() + " bytes but its header describes " + expected + " bytes");
        return h;
    }

    private static Metadata metadata(Header h, Path checkpoint) {
        String name = checkpoint.getFileName().toString().replaceFirst("\\.bin$", "");
        return new Metadata()
                .putString("general.architecture", "llama")
                .putString("general.name", name)
                .putUInt32("general.file_type", 0)
                .putUInt32("llama.context_length", h.seqLen())
                .putUInt32("llama.embedding_length", h.dim())
                .putUInt32("llama.feed_forward_length", h.hiddenDim())
                .putUInt32("llama.block_count", h.layers())
                .putUInt32("llama.attention.head_count", h.heads())
                .putUInt32("llama.attention.head_count_kv", h.kvHeads())
                .putUInt32("llama.rope.dimension_count", h.headSize())
                .putFloat32("llama.rope.freq_base", 10000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    }

    /** Walks the checkpoint in run.c order and registers each tensor with its GGUF name and shape. */
    private record TensorLayout(MemorySegment file, Header h, GgmlType type, GgufWriter writer) {
        void addAll() {
            long at = HEADER_BYTES;
            int d = h.dim(), kv = h.kvDim(), f = h.hiddenDim(), n = h.layers();
            long embedding = at;
            at = add("token_embd.weight", at, d, h.vocabSize());
            at = perLayer("attn_norm", at, d, 1);
            at = perLayer("attn_q", at, d, d);
            at = perLayer("attn_k", at, d, kv);
            at = perLayer("attn_v", at, d, kv);
            at = perLayer("attn_output", at, d, d);
            at = perLayer("ffn_norm", at, d, 1);
            at = perLayer("ffn_gate", at, d, f);
            at = perLayer("ffn_down", at, f, d);
            at = perLayer("ffn_up", at, d, f);
            at = add("output_norm.weight", at, d, 1);
            at += 4L * h.seqLen() * h.headSize(); // legacy freq_cis_real + freq_cis_imag tables, unused
            if (!h.sharedWeights()) add("output.weight", at, d, h.vocabSize());
            assert h.sharedWeights() || embedding != at;
        }

        private long perLayer(String name, long at, int cols, int rows) {
            long stride = 4L * cols * rows;
            for (int l = 0; l < h.layers(); l++) add("blk." + l + "." + name + ".weight", at + l * stride, cols, rows);
            return at + h.layers() * stride;
        }

        private long add(String name, long at, int cols, int rows) {
            long count = (long) cols * rows;
            boolean vector = rows == 1;
            GgmlType stored = vector || cols % type.blockSize != 0 ? GgmlType.F32 : type;
            long[] shape = vector ? new long[] {cols} : new long[] {cols, rows};
            writer.addTensor(name, stored, shape, () -> Tensor.quantize(stored, file.asSlice(at, 4 * count).toArray(FLOAT)));
            return at + 4 * count;
        }
    }
}
