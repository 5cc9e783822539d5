package dev.muse.models.nn;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.engine.WeightMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Attention over keys and values that are computed once and then only read, as Whisper's decoder attends to the
 * encoder's 1,500 positions at every token. They are kept in half precision, as whisper.cpp keeps them: that halves
 * what each token reads (9 MB over a tiny model's four layers, 31 MB for large-v3-turbo's), and decoding is bound by
 * the memory's bandwidth. Per layer and head, keys are a transposed [headSize, positions] matrix and values a
 * [positions, headSize] one, so that a query's scores and its output are both vector-matrix products
 * ({@link Ops#vecmat}) that read their matrix front to back with no horizontal sums (as row-by-row dot products
 * over 64 elements, the keys cost twice their share of the memory's time). Heads run in parallel.
 */
public final class CrossAttention {
    private final Ops ops;
    private final int layers, heads, headSize, positions;
    private final float scale;
    /** [layer][head]: keys transposed, [headSize, positions]; values [positions, headSize]. */
    private final Tensor[][] keys, values;
    /** F16Tensor's element layout: little-endian halves. */
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Per kernel thread: one query row's scores. */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);

    /** Keys and values for {@code positions} positions of {@code layers} layers, all zero until {@link #store}d. */
    public CrossAttention(Ops ops, int layers, int heads, int headSize, int positions, float scale) {
        long halves = (long) headSize * positions;
        if (layers <= 0 || heads <= 0 || headSize <= 0 || positions <= 0 || halves > Integer.MAX_VALUE)
            throw new IllegalArgumentException("invalid cross-attention shape: " + layers + " layers, " + heads + " heads of " + headSize + ", " + positions + " positions");
        this.ops = ops;
        this.layers = layers;
        this.heads = heads;
        this.headSize = headSize;
        this.positions = positions;
        this.scale = scale;
        this.keys = new Tensor[layers][heads];
        this.values = new Tensor[layers][heads];
        for (int l = 0; l < layers; l++) {
            // one run per layer, on huge pages where it is large enough: a token reads it all, and on 4 KiB pages
            // those reads cost a TLB miss every 4 KiB (four layers of tiny: 0.54 against 0.75 ms, caches cold)
            MemorySegment layer = WeightMemory.allocate(4L * heads * halves, Arena.ofAuto());
            for (int h = 0; h < heads; h++) {
                keys[l][h] = Tensor.of(GgmlType.F16, layer.asSlice(4L * h * halves, 2 * halves), halves);
                values[l][h] = Tensor.of(GgmlType.F16, layer.asSlice(4L * h * halves + 2 * halves, 2 * halves), halves);
            }
        }
    }

    public int positions() { return positions; }

    public long byteSize() { return 2L * layers * 2L * heads * headSize * positions; }

    /** Stores layer {@code layer}'s keys and values, each [positions, heads * headSize], rounded to half precision. */
    public void store(int layer, float[] k, float[] v) {
        int dim = heads * headSize;
        Parallel.forRange(heads, h -> {
            MemorySegment keyHalves = keys[layer][h].data(), valueHalves = values[layer][h].data();
            for (int t = 0; t < positions; t++) {
                for (int j = 0, from = t * dim + h * headSize; j < headSize; j++) {
                    keyHalves.set(HALF, 2 * ((long) j * positions + t), Float.floatToFloat16(k[from + j]));
                    valueHalves.set(HALF, 2 * ((long) t * headSize + j), Float.floatToFloat16(v[from + j]));
                }
            }
        });
    }

    /** out[r, h] = softmax(scale * q[r, h] · K_h) · V_h for each of {@code rows} query rows ([rows, heads * headSize]). */
    public void attend(int layer, float[] q, int rows, float[] out) {
        int dim = heads * headSize;
        Parallel.forRange(heads, h -> {
            float[] scores = SCORES.get();
            if (scores.length < positions) SCORES.set(scores = new float[positions]);
            for (int r = 0; r < rows; r++) {
                ops.vecmat(keys[layer][h], q, r * dim + h * headSize, scores, 0, headSize, positions);
                for (int t = 0; t < positions; t++) scores[t] *= scale;
                ops.softmax(scores, 0, positions);
                ops.vecmat(values[layer][h], scores, 0, out, r * dim + h * headSize, positions, headSize);
            }
        });
    }
}
