package dev.muse.models.gemma3;

import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.GgufValueType;
import dev.muse.models.nn.AttentionShape;

/**
 * Hyper-parameters of a Gemma 3 text decoder, named after their GGUF keys (gemma3.embedding_length ->
 * embeddingLength), read with llama.cpp's defaults and rules (llama_model_gemma3::load_arch_hparams and the
 * generic loader of src/llama-model.cpp):
 * <ul>
 *   <li>attention.sliding_window absent or 0: every layer attends globally; otherwise layer l is local
 *       (sliding) unless l % slidingWindowPattern == pattern - 1 (pattern 6 by default: 5 local, 1 global);</li>
 *   <li>local layers rotate with rope.freq_base_swa (10000 by default) and no scaling; global layers with
 *       rope.freq_base and 1 / rope.scaling.factor (the 4B-27B models' linear factor 8);</li>
 *   <li>queries are scaled by 1/sqrt(key_length), except for the 27B model (62 layers), whose
 *       query_pre_attn_scalar is embedding_length / head_count (integer division, as in llama.cpp);</li>
 *   <li>final_logit_softcapping 0 means none (Gemma 3 has none; Gemma 2 had it).</li>
 * </ul>
 */
public record Gemma3Config(
        int contextLength,
        int embeddingLength,
        int blockCount,
        int feedForwardLength,
        /** attention.head_count, head_count_kv, key_length, value_length and rope.dimension_count. */
        AttentionShape attention,
        float layerNormRmsEpsilon,
        float ropeFreqBase,
        /** RoPE base of the sliding-window layers (rope.freq_base_swa). */
        float ropeFreqBaseSwa,
        /** Positions of global layers are multiplied by this (linear RoPE scaling: 1 / factor). */
        float ropeFreqScale,
        /** Keys a local layer's query sees: itself and the slidingWindow - 1 before it; 0 when no layer is local. */
        int slidingWindow,
        int slidingWindowPattern,
        float finalLogitSoftcapping,
        int vocabSize) {

    static final String ARCH = "gemma3";
    static final int GEMMA3_27B_LAYERS = 62;

    static Gemma3Config from(Metadata m, int vocabSize) {
        String a = ARCH;
        int dim = m.requireInt(a + ".embedding_length");
        AttentionShape shape = AttentionShape.read(m, a, dim);
        if (shape.keyLength() != shape.valueLength())
            throw new FormatException("key length " + shape.keyLength() + " != value length " + shape.valueLength() + " is not supported");
        String scaling = m.getString(a + ".rope.scaling.type", "linear");
        float factor = m.getFloat(a + ".rope.scaling.factor", 0f);
        float freqScale = switch (scaling) {
            case "none" -> 1f;
            case "linear" -> factor == 0f ? 1f : 1f / factor;
            default -> throw new FormatException("rope scaling '" + scaling + "' is not supported for gemma3");
        };
        int window = m.getInt(a + ".attention.sliding_window", 0);
        String patternKey = a + ".attention.sliding_window_pattern";
        if (m.has(patternKey) && m.type(patternKey) == GgufValueType.ARRAY)
            throw new FormatException(patternKey + " as a per-layer array is not supported for gemma3");
        int pattern = m.getInt(patternKey, 6);
        if (window < 0 || pattern < 0) throw new FormatException("invalid sliding window " + window + " / pattern " + pattern);
        return new Gemma3Config(
                m.requireInt(a + ".context_length"),
                dim,
                m.requireInt(a + ".block_count"),
                m.requireInt(a + ".feed_forward_length"),
                shape,
                m.requireFloat(a + ".attention.layer_norm_rms_epsilon"),
                m.getFloat(a + ".rope.freq_base", 10000f),
                m.getFloat(a + ".rope.freq_base_swa", 10000f),
                freqScale,
                window,
                pattern,
                m.getFloat(a + ".final_logit_softcapping", 0f),
                vocabSize);
    }

    /** Whether layer l attends within the sliding window (llama_hparams::set_swa_pattern, dense_first false). */
    boolean isSliding(int layer) {
        if (slidingWindow == 0) return false;
        return slidingWindowPattern == 0 || layer % slidingWindowPattern < slidingWindowPattern - 1;
    }

    /** The factor queries are multiplied by before q·k (llama.cpp's f_attention_scale). */
    float attentionScale() {
        int preAttnScalar = blockCount == GEMMA3_27B_LAYERS ? embeddingLength / attention.headCount() : attention.keyLength();
        return 1.0f / (float) Math.sqrt((float) preAttnScalar);
    }

    int headCount() { return attention.headCount(); }

    int headCountKv() { return attention.headCountKv(); }

    int keyLength() { return attention.keyLength(); }

    int queryDim() { return headCount() * keyLength(); }

    int kvDim() { return headCountKv() * keyLength(); }
}
