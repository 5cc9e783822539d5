package dev.muse.models.siglip;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.formats.TensorSource;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.WeightShapes;

/**
 * A SigLIP vision tower with its projector, from a llama.cpp "mmproj" GGUF (SmolVLM / Idefics3 and Gemma 3):
 * normalised pixels in, text-model embeddings out. Preprocessing (decode, resize, slice, normalise with
 * {@link #imageMean()} / {@link #imageStd()}) belongs to the caller; {@link #encode} takes one
 * {@link #imageSize()} x {@link #imageSize()} image and returns {@link #tokensPerImage()} rows of
 * {@link #outputDim()} floats, ready to stand in for as many token embeddings in the decoder.
 *
 * <p>The forward pass follows llama.cpp's clip graph (build_inp, build_vit, siglip.cpp) op for op, so its
 * output matches llama-mtmd's for the same file and pixels (see the golden tests).
 */
public final class VisionEncoder {
    /** Query rows per attention task: their score rows (rows x patches floats) stay in L2. */
    private static final int QUERY_BLOCK = 16;

    private final Ops ops;
    private final SiglipConfig c;
    private final SiglipWeights w;
    private final ThreadLocal<float[]> scores;

    private VisionEncoder(Ops ops, SiglipConfig config, SiglipWeights weights) {
        this.ops = ops;
        this.c = config;
        this.w = weights;
        int patches = config.patchesPerSide() * config.patchesPerSide();
        this.scores = ThreadLocal.withInitial(() -> new float[QUERY_BLOCK * patches]);
    }

    /** Reads the config and weight views of an mmproj file; a FormatException says what is wrong with it. */
    public static VisionEncoder load(TensorSource mmproj, Ops ops) {
        SiglipConfig config = SiglipConfig.from(mmproj.metadata());
        return new VisionEncoder(ops, config, SiglipWeights.load(new WeightShapes(mmproj, ops), config));
    }

    public SiglipConfig config() { return c; }

    public ProjectorType projectorType() { return c.projectorType(); }

    /** Side of the square input {@link #encode} takes, in pixels. */
    public int imageSize() { return c.imageSize(); }

    public int patchSize() { return c.patchSize(); }

    /** Per-channel (R, G, B) mean and standard deviation for normalising pixels scaled to [0, 1]. */
    public float[] imageMean() { return c.imageMean(); }

    public float[] imageStd() { return c.imageStd(); }

    /** IDEFICS3's longest edge before slicing into imageSize tiles (clip.vision.preproc_image_size), or 0. */
    public int longestEdge() { return c.preprocImageSize(); }

    /** Patches merged per side by the projector (pixel-shuffle factor or pooling kernel). */
    public int scaleFactor() { return c.projectorScaleFactor(); }

    /** Width of each output embedding: the text model's embedding length. */
    public int outputDim() { return w.outputDim(); }

    /** Embeddings one imageSize x imageSize image yields. */
    public int tokensPerImage() { return c.tokensPerImage(); }

    /**
     * Encodes one image of planar normalised pixels: chw[ch * height * width + y * width + x] for channels R, G,
     * B. Returns [tokensPerImage x outputDim] row-major. The image must be imageSize x imageSize: the learned
     * position embeddings have exactly one row per patch of that grid.
     */
    public float[] encode(float[] chw, int width, int height) {
        if (width != c.imageSize() || height != c.imageSize())
            throw new IllegalArgumentException("the vision tower takes " + c.imageSize() + "x" + c.imageSize() + " images, got " + width + "x" + height);
        if (chw.length != 3 * width * height)
            throw new IllegalArgumentException("expected 3 x " + height + " x " + width + " = " + 3 * width * height + " floats, got " + chw.length);
        int p = c.patchSize(), side = c.patchesPerSide(), n = side * side;
        int dim = c.embeddingLength(), ffn = c.feedForwardLength(), heads = c.headCount();
        int kernel = 3 * p * p;
        float eps = c.layerNormEpsilon();

        // Patch embedding: the stride-p convolution as one matmul over unfolded patches. A patch row holds its
        // pixels in the conv kernel's order (channel, ky, kx); patches are numbered row-major (py * side + px).
        float[] unfolded = new float[n * kernel];                 // [n, 3*p*p]
        for (int py = 0; py < side; py++)
            for (int px = 0; px < side; px++)
                for (int ch = 0; ch < 3; ch++)
                    for (int ky = 0; ky < p; ky++)
                        System.arraycopy(chw, ch * width * height + (py * p + ky) * width + px * p,
                                unfolded, (py * side + px) * kernel + ch * p * p + ky * p, p);
        float[] x = new float[n * dim];                           // [n, dim] the residual stream
        ops.matmul(w.patchEmbd(), unfolded, n, x, dim, kernel);
        Bias.add(ops, x, w.patchEmbdBias(), n, dim);
        if (w.positionEmbd() != null) {
            float[] position = new float[n * dim];
            w.positionEmbd().dequantize(0, position, 0, n * dim);
            ops.add(x, 0, x, 0, position, 0, n * dim);
        }
        if (w.preLn() != null) layernorm(x, x, w.preLn(), w.preLnBias(), n, dim, eps);

        float[] xb = new float[n * dim];                          // [n, dim] normed input / block output
        float[] q = new float[n * dim], k = new float[n * dim], v = new float[n * dim]; // [n, heads*headDim]
        float[] att = new float[n * dim];                         // [n, dim] attention output
        float[] hidden = new float[n * ffn];                      // [n, ffn]
        for (SiglipWeights.Layer layer : w.layers()) {
            // Attention: x -> LayerNorm -> q, k, v (+ bias) -> softmax(q k^T / sqrt(headDim)) v -> attn_out (+ bias) -> + x
            layernorm(xb, x, layer.ln1(), layer.ln1Bias(), n, dim, eps);
            ops.matmul(layer.attnQ(), xb, n, q, dim, dim);
            ops.matmul(layer.attnK(), xb, n, k, dim, dim);
            ops.matmul(layer.attnV(), xb, n, v, dim, dim);
            Bias.add(ops, q, layer.attnQBias(), n, dim);
            Bias.add(ops, k, layer.attnKBias(), n, dim);
            Bias.add(ops, v, layer.attnVBias(), n, dim);
            attention(q, k, v, att, n, heads, c.headDim());
            ops.matmul(layer.attnOut(), att, n, xb, dim, dim);
            Bias.add(ops, xb, layer.attnOutBias(), n, dim);
            ops.add(x, 0, x, 0, xb, 0, n * dim);

            // Feed-forward: x -> LayerNorm -> ffn_up (+ bias) -> GELU -> ffn_down (+ bias) -> + x
            layernorm(xb, x, layer.ln2(), layer.ln2Bias(), n, dim, eps);
            ops.matmul(layer.ffnUp(), xb, n, hidden, ffn, dim);
            Bias.add(ops, hidden, layer.ffnUpBias(), n, ffn);
            activate(hidden, n, ffn);
            ops.matmul(layer.ffnDown(), hidden, n, xb, dim, ffn);
            Bias.add(ops, xb, layer.ffnDownBias(), n, dim);
            ops.add(x, 0, x, 0, xb, 0, n * dim);
        }
        if (w.postLn() != null) layernorm(x, x, w.postLn(), w.postLnBias(), n, dim, eps);

        return switch (c.projectorType()) {
            case IDEFICS3 -> {
                // Pixel shuffle (llama.cpp's build_patch_merge_permute), then mm.model.fc
                int s = c.projectorScaleFactor();
                float[] merged = pixelShuffle(x, side, dim, s);    // [tokens, dim*s*s]
                int tokens = c.tokensPerImage();
                float[] out = new float[tokens * w.outputDim()];  // [tokens, outputDim]
                ops.matmul(w.mmModelFc(), merged, tokens, out, w.outputDim(), dim * s * s);
                yield out;
            }
            case GEMMA3 -> {
                // Average pool over the patch grid, RMS norm times soft_emb_norm, then the input projection
                float[] pooled = averagePool(x, side, dim, c.projectorScaleFactor()); // [tokens, dim]
                int tokens = c.tokensPerImage();
                for (int t = 0; t < tokens; t++) ops.rmsnorm(pooled, t * dim, pooled, t * dim, w.mmSoftEmbNorm(), dim, eps);
                yield projectTransposed(w.mmInputProjection(), pooled, tokens, dim, w.outputDim());
            }
        };
    }

    /** Full (non-causal) multi-head attention of n patches: out[i, head] = softmax(q_i . K^T * scale) V. */
    private void attention(float[] q, float[] k, float[] v, float[] out, int n, int heads, int headDim) {
        int dim = heads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // Per head, K^T and V^T as [headDim, n]: scores are then a row-by-matrix product vectorised along the
        // patches (q K^T = matmulNN with K^T), and so is the output (P V = matmulNT with V^T), whatever headDim is.
        float[] kt = new float[heads * headDim * n], vt = new float[heads * headDim * n];
        // The 1/sqrt(headDim) scale goes on q (n x dim multiplies) rather than on the scores (heads x n x n)
        Parallel.forRange(n, i -> {
            for (int d = 0; d < dim; d++) q[i * dim + d] *= scale;
        });
        Parallel.forRange(heads, h -> {
            for (int i = 0; i < n; i++)
                for (int d = 0; d < headDim; d++) {
                    kt[(h * headDim + d) * n + i] = k[i * dim + h * headDim + d];
                    vt[(h * headDim + d) * n + i] = v[i * dim + h * headDim + d];
                }
        });
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        Parallel.forRange(heads * blocks, task -> {
            int h = task / blocks, i0 = (task % blocks) * QUERY_BLOCK, rows = Math.min(QUERY_BLOCK, n - i0);
            float[] s = scores.get();                             // [rows, n]
            ops.matmulNN(q, i0 * dim + h * headDim, dim, kt, h * headDim * n, n, s, 0, n, rows, n, headDim);
            for (int r = 0; r < rows; r++) ops.softmax(s, r * n, n);
            ops.matmulNT(s, 0, n, vt, h * headDim * n, n, out, i0 * dim + h * headDim, dim, rows, headDim, n);
        });
    }

    /** The FFN activation the file asks for (clip.use_gelu / clip.use_silu / neither: quick GELU), rows in parallel. */
    private void activate(float[] hidden, int n, int ffn) {
        Parallel.forRange(n, r -> {
            if (c.useGelu()) ops.gelu(hidden, r * ffn, ffn);
            else if (c.useSilu()) ops.silu(hidden, r * ffn, ffn);
            else ops.geluQuick(hidden, r * ffn, ffn);
        });
    }

    private void layernorm(float[] out, float[] x, Tensor weight, Tensor bias, int n, int dim, float eps) {
        Parallel.forRange(n, r -> ops.layernorm(out, r * dim, x, r * dim, weight, bias, dim, eps));
    }

    /**
     * llama.cpp's build_patch_merge_permute on a side x side grid (no padding: side is a multiple of s here):
     * token (by, bx) holds the s x s patches (by*s + dy, bx*s + dx), feature (dy*s + dx)*dim + channel.
     */
    static float[] pixelShuffle(float[] x, int side, int dim, int s) {
        int outSide = side / s, features = dim * s * s;
        float[] out = new float[outSide * outSide * features];
        for (int by = 0; by < outSide; by++)
            for (int bx = 0; bx < outSide; bx++)
                for (int dy = 0; dy < s; dy++)
                    for (int dx = 0; dx < s; dx++)
                        System.arraycopy(x, ((by * s + dy) * side + bx * s + dx) * dim,
                                out, (by * outSide + bx) * features + (dy * s + dx) * dim, dim);
        return out;
    }

    /** ggml_pool_2d AVG with kernel = stride = s, no padding, over the patch grid; tokens row-major. */
    float[] averagePool(float[] x, int side, int dim, int s) {
        int outSide = side / s;
        float[] out = new float[outSide * outSide * dim];
        float inv = 1f / (s * s);
        for (int oy = 0; oy < outSide; oy++)
            for (int ox = 0; ox < outSide; ox++) {
                int o = (oy * outSide + ox) * dim;
                for (int ky = 0; ky < s; ky++)
                    for (int kx = 0; kx < s; kx++) ops.add(out, o, out, o, x, ((oy * s + ky) * side + ox * s + kx) * dim, dim);
                for (int d = 0; d < dim; d++) out[o + d] *= inv;
            }
        return out;
    }

    /**
     * out[t] = sum_i x[t, i] * W[i] for W stored as [dim rows, outDim] (the transposed weight of Gemma 3's
     * input projection): each weight row is converted once and added, scaled, into every token's output.
     * Output columns are split across the kernel threads, so every thread reads only its slice of each row.
     */
    private static float[] projectTransposed(Tensor weight, float[] x, int tokens, int dim, int outDim) {
        float[] out = new float[tokens * outDim];
        int slice = 256, slices = (outDim + slice - 1) / slice;
        Parallel.forRange(slices, sl -> {
            int j0 = sl * slice, width = Math.min(slice, outDim - j0);
            float[] row = new float[width];
            for (int i = 0; i < dim; i++) {
                weight.dequantize((long) i * outDim + j0, row, 0, width);
                for (int t = 0; t < tokens; t++) {
                    float a = x[t * dim + i];
                    int o = t * outDim + j0;
                    for (int j = 0; j < width; j++) out[o + j] += a * row[j];
                }
            }
        });
        return out;
    }
}
