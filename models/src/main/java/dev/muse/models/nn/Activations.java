package dev.muse.models.nn;

/**
 * The arrays one forward chunk of a decoder works in, one row per batch row, allocated once per chunk and
 * reused by every layer.
 */
public record Activations(
        float[] x,      // [rows, dim] the residual stream
        float[] xb,     // [rows, dim] normed input / block output
        float[] q,      // [rows, heads*headSize]
        float[] k,      // [rows, kvHeads*headSize]
        float[] v,      // [rows, kvHeads*headSize]
        float[] att,    // [rows, heads*headSize] attention output
        float[] gate,   // [rows, ffn]
        float[] up) {   // [rows, ffn]

    public Activations(int rows, int dim, int queryDim, int kvDim, int ffn) {
        this(new float[rows * dim], new float[rows * dim], new float[rows * queryDim], new float[rows * kvDim], new float[rows * kvDim],
                new float[rows * queryDim], new float[rows * ffn], new float[rows * ffn]);
    }
}
