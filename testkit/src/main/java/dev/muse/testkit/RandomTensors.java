package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.gguf.GgufWriter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The random values of every random-weight model file: each tensor draws mean + std * N(0, 1) from a stream of its
 * own derived from the seed and its name, so the same seed always gives the same file and adding a tensor changes
 * no other. Values are made and encoded a chunk at a time, so a file of several gigabytes needs a few megabytes of
 * heap; the bytes are the same as encoding all values at once, because every type encodes each block on its own.
 */
final class RandomTensors {
    /** Values made per chunk: a multiple of every block size. */
    private static final int CHUNK = 4 << 20;
    /** Values encoded per parallel task: encoding dominates the time to write a model. */
    private static final int ENCODE_TASK = 256 * 1024;

    private final long seed;

    RandomTensors(long seed) { this.seed = seed; }

    /** {@code n} values mean + std * N(0, 1) of the stream for {@code name}, encoded as {@code type}. */
    GgufWriter.TensorData values(String name, GgmlType type, long n, float mean, float std) {
        return out -> {
            SplittableRandom random = stream(name);
            float[] chunk = new float[(int) Math.min(CHUNK, n)];
            for (long done = 0; done < n; ) {
                int size = (int) Math.min(chunk.length, n - done);
                for (int i = 0; i < size; i++) chunk[i] = mean + std * (float) random.nextGaussian();
                float[] values = chunk;
                List<byte[]> encoded = IntStream.range(0, (size + ENCODE_TASK - 1) / ENCODE_TASK).parallel()
                        .mapToObj(t -> Tensor.quantize(type, java.util.Arrays.copyOfRange(values, t * ENCODE_TASK, Math.min(size, (t + 1) * ENCODE_TASK))))
                        .toList();
                for (byte[] bytes : encoded) out.write(bytes);
                done += size;
            }
        };
    }

    /** The random stream of the tensor called {@code name}. */
    SplittableRandom stream(String name) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    }

    /** A rows x cols weight matrix (ggml shape {cols, rows}) in {@code type}, std 1/sqrt(cols): each layer changes what it reads by about as much as it holds. */
    void matrix(GgufWriter w, String name, GgmlType type, int rows, int cols) {
        w.addTensor(name, type, new long[] {cols, rows}, values(name, type, (long) rows * cols, 0f, (float) (1 / Math.sqrt(cols))));
    }

    /** A vector of {@code n} F32 values. */
    void vector(GgufWriter w, String name, int n, float mean, float std) {
        w.addTensor(name, GgmlType.F32, new long[] {n}, values(name, GgmlType.F32, n, mean, std));
    }
}
