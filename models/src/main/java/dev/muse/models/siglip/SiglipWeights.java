package dev.muse.models.siglip;

import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorInfo;
import dev.muse.models.nn.WeightShapes;

/**
 * The weights of a SigLIP tower and its projector as views of the mapped mmproj file. Field names follow the
 * GGUF tensor names (v.blk.N.attn_q.weight -> attnQ); shapes are [rows, cols] of the matrix the forward pass
 * multiplies by. Optional tensors are null, as llama.cpp's clip loader treats them. Every shape is checked
 * here, before the forward pass reads a single weight.
 */
record SiglipWeights(
        Tensor patchEmbd,          // [dim, 3*patch*patch]: ggml [patch, patch, 3, dim], a conv kernel read as one row per output channel
        Tensor patchEmbdBias,      // [dim] or null
        Tensor positionEmbd,       // [patches, dim] or null
        Tensor preLn, Tensor preLnBias,   // [dim] or null (SigLIP has none; CLIP does)
        Layer[] layers,
        Tensor postLn, Tensor postLnBias, // [dim] or null
        Tensor mmModelFc,          // IDEFICS3: [outputDim, dim*scale^2]
        Tensor mmInputProjection,  // GEMMA3: [dim, outputDim] (stored transposed: ggml [outputDim, dim])
        Tensor mmSoftEmbNorm,      // GEMMA3: [dim]
        int outputDim) {

    record Layer(
            Tensor ln1, Tensor ln1Bias,     // [dim], [dim] or null
            Tensor attnQ, Tensor attnQBias, // [dim, dim], [dim] or null
            Tensor attnK, Tensor attnKBias,
            Tensor attnV, Tensor attnVBias,
            Tensor attnOut, Tensor attnOutBias,
            Tensor ln2, Tensor ln2Bias,
            Tensor ffnUp, Tensor ffnUpBias,     // [ffn, dim], [ffn] or null
            Tensor ffnDown, Tensor ffnDownBias) {} // [dim, ffn], [dim] or null

    static SiglipWeights load(WeightShapes s, SiglipConfig c) {
        int dim = c.embeddingLength(), ffn = c.feedForwardLength(), p = c.patchSize();
        int patches = c.patchesPerSide() * c.patchesPerSide();
        TensorInfo conv = s.source().info("v.patch_embd.weight");
        if (conv.dimensions() != 4 || conv.dim(0) != p || conv.dim(1) != p || conv.dim(2) != 3 || conv.dim(3) != dim)
            throw new FormatException("tensor v.patch_embd.weight should be [" + p + ", " + p + ", 3, " + dim + "] but is " + conv);
        if (s.has("v.blk.0.attn_qkv.weight")) throw new FormatException("fused attn_qkv weights are not supported in a SigLIP tower");
        Layer[] layers = s.layers("v.blk.", c.blockCount(), Layer[]::new, b -> {
            Tensor up, upBias, down, downBias;
            String upName = b + "ffn_up", downName = b + "ffn_down";
            // llama.cpp's clip loader swaps up and down when ffn_down maps from dim (files from early converters
            // named them the other way round); it tests only ffn_down's input width, and so does this
            if (s.source().info(downName + ".weight").dim(0) == dim) {
                upName = b + "ffn_down";
                downName = b + "ffn_up";
            }
            up = s.matrix(upName + ".weight", ffn, dim);
            upBias = s.optionalVector(upName + ".bias", ffn);
            down = s.matrix(downName + ".weight", dim, ffn);
            downBias = s.optionalVector(downName + ".bias", dim);
            return new Layer(
                    s.vector(b + "ln1.weight", dim), s.optionalVector(b + "ln1.bias", dim),
                    s.matrix(b + "attn_q.weight", dim, dim), s.optionalVector(b + "attn_q.bias", dim),
                    s.matrix(b + "attn_k.weight", dim, dim), s.optionalVector(b + "attn_k.bias", dim),
                    s.matrix(b + "attn_v.weight", dim, dim), s.optionalVector(b + "attn_v.bias", dim),
                    s.matrix(b + "attn_out.weight", dim, dim), s.optionalVector(b + "attn_out.bias", dim),
                    s.vector(b + "ln2.weight", dim), s.optionalVector(b + "ln2.bias", dim),
                    up, upBias, down, downBias);
        });
        Tensor fc = null, inputProjection = null, softEmbNorm = null;
        int outputDim;
        if (c.projectorType() == ProjectorType.IDEFICS3) {
            int merged = dim * c.projectorScaleFactor() * c.projectorScaleFactor();
            TensorInfo info = s.source().info("mm.model.fc.weight");
            outputDim = (int) Math.min(info.dim(1), Integer.MAX_VALUE);
            fc = s.matrix("mm.model.fc.weight", outputDim, merged);
        } else {
            TensorInfo info = s.source().info("mm.input_projection.weight");
            outputDim = (int) Math.min(info.dim(0), Integer.MAX_VALUE);
            // ggml_mul_mat(transpose(W), x): W is stored with the text dimension innermost, one row per vision channel
            inputProjection = s.matrix("mm.input_projection.weight", dim, outputDim);
            softEmbNorm = s.vector("mm.soft_emb_norm.weight", dim);
        }
        return new SiglipWeights(
                s.source().tensor("v.patch_embd.weight"),
                s.optionalVector("v.patch_embd.bias", dim),
                s.has("v.position_embd.weight") ? s.matrix("v.position_embd.weight", patches, dim) : null,
                s.optionalVector("v.pre_ln.weight", dim), s.optionalVector("v.pre_ln.bias", dim),
                layers,
                s.optionalVector("v.post_ln.weight", dim), s.optionalVector("v.post_ln.bias", dim),
                fc, inputProjection, softEmbNorm, outputDim);
    }

}
