package dev.muse.models.nn;

/**
 * Rotary position embedding. For pair i of the first {@code dims} elements of a head the angle is
 * position * freqScale * base^(-2i/dims) / factor[i] (factor: Llama 3.1 rope_freqs, else 1). NORM
 * pairs adjacent elements (2i, 2i+1) like llama2.c and GGUF llama; NEOX pairs (i, i + dims/2) like Qwen and Gemma.
 */
public final class Rope {
    private final double[] inverseFrequency;
    private final int dims;
    private final boolean neox;
    private final double freqScale;

    public Rope(int dims, float base, float freqScale, float[] factors, boolean neox) {
        this.dims = dims;
        this.neox = neox;
        this.freqScale = freqScale;
        inverseFrequency = new double[dims / 2];
        for (int i = 0; i < dims / 2; i++) {
            double f = Math.pow(base, -2.0 * i / dims);
            inverseFrequency[i] = factors == null ? f : f / factors[i];
        }
    }

    /** cos then sin of every pair's angle at this position: computed once per token, used by every layer for q and k. */
    public float[] angles(int position) {
        int half = dims / 2;
        float[] table = new float[2 * half];
        for (int i = 0; i < half; i++) {
            double theta = position * freqScale * inverseFrequency[i];
            table[i] = (float) Math.cos(theta);
            table[half + i] = (float) Math.sin(theta);
        }
        return table;
    }

    /** The angle table of each of these positions (one per batch row). */
    public float[][] angles(int[] positions) {
        float[][] tables = new float[positions.length][];
        for (int r = 0; r < positions.length; r++) tables[r] = angles(positions[r]);
        return tables;
    }

    /** Rotates {@code heads} heads of {@code headSize} floats starting at v[offset], in place, by a table from {@link #angles}. */
    public void apply(float[] v, int offset, int heads, int headSize, float[] angles) {
        int half = dims / 2;
        for (int h = 0; h < heads; h++) {
            int head = offset + h * headSize;
            for (int i = 0; i < half; i++) {
                int a = neox ? head + i : head + 2 * i;
                int b = neox ? a + half : a + 1;
                float x0 = v[a], x1 = v[b], cos = angles[i], sin = angles[half + i];
                v[a] = x0 * cos - x1 * sin;
                v[b] = x0 * sin + x1 * cos;
            }
        }
    }

    /** Rotates every row's query heads and key heads ([rows, heads*headSize] and [rows, kvHeads*headSize]) by that row's angles. */
    public void applyRows(float[] q, float[] k, int rows, int heads, int kvHeads, int headSize, float[][] angles) {
        for (int r = 0; r < rows; r++) {
            apply(q, r * heads * headSize, heads, headSize, angles[r]);
            apply(k, r * kvHeads * headSize, kvHeads, headSize, angles[r]);
        }
    }
}
