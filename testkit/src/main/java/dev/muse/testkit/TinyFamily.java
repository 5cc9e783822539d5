package dev.muse.testkit;

/**
 * The model families that tiny random-weight models imitate: the GGUF architecture name, the real
 * vocabulary, and the shape rules and options each family has in llama.cpp. Shapes keep every matrix
 * row a multiple of 256 so that K-quants apply, and use grouped-query attention (fewer KV heads).
 */
public enum TinyFamily {
    /** Llama 2: SentencePiece vocabulary, untied output, NORM (interleaved) RoPE, theta 10000. */
    LLAMA2(Builder.of("llama", TinyVocab.LLAMA_SPM).heads(4, 2, 64).ropeTheta(10_000f).rmsEps(1e-5f)),
    /** Llama 3.1: Llama 3 BPE vocabulary, untied output, llama3 RoPE scaling (factor 8) as a rope_freqs tensor. */
    LLAMA3(Builder.of("llama", TinyVocab.LLAMA3).heads(8, 2, 32).layers(3).ropeTheta(500_000f).rmsEps(1e-5f)
            .llama3RopeScaling(8f, 1f, 4f, 8192)),
    /** Llama 3.2 (1B/3B): as Llama 3.1 but with tied embeddings and RoPE scaling factor 32. */
    LLAMA3_TIED(Builder.of("llama", TinyVocab.LLAMA3).heads(4, 2, 64).ropeTheta(500_000f).rmsEps(1e-5f)
            .llama3RopeScaling(32f, 1f, 4f, 8192).tied()),
    /** SmolLM2: llama architecture, GPT-2 vocabulary with pre-tokenizer "smollm", tied embeddings. */
    SMOLLM2(Builder.of("llama", TinyVocab.GPT2_SMOLLM).heads(8, 2, 32).ropeTheta(100_000f).rmsEps(1e-5f).tied()),
    /**
     * SmolVLM's decoder (SmolLM2 with Idefics3's image tokens in its vocabulary): pair it with a tiny
     * Idefics3 vision projector whose projection width is this embedding (256).
     */
    SMOLVLM(Builder.of("llama", TinyVocab.GPT2_SMOLVLM).heads(8, 2, 32).ropeTheta(100_000f).rmsEps(1e-5f).tied()),
    /** Mistral 7B v0.2+: llama architecture, SentencePiece vocabulary, theta 1e6, no sliding window. */
    MISTRAL(Builder.of("llama", TinyVocab.LLAMA_SPM).heads(8, 2, 32).ropeTheta(1_000_000f).rmsEps(1e-5f)),
    /** Qwen2 / Qwen2.5: bias on Q, K and V, NEOX RoPE, tied embeddings. */
    QWEN2(Builder.of("qwen2", TinyVocab.QWEN).heads(4, 2, 64).ropeTheta(1_000_000f).rmsEps(1e-6f).qkvBias().tied()),
    /**
     * Qwen3: RMS norm on each Q and K head, head size set by attention.key_length independently of the
     * embedding (4 heads of 128 = 512 > 256 here), NEOX RoPE, tied embeddings.
     */
    QWEN3(Builder.of("qwen3", TinyVocab.QWEN).heads(4, 2, 128).ropeTheta(1_000_000f).rmsEps(1e-6f).qkNorm().explicitHeadDim().tied()),
    /**
     * Gemma 3 (4B-27B shape rules): QK-norm, a norm after attention and after the feed-forward as well as
     * before, explicit head size, tied embeddings, linear RoPE scaling (factor 8) on the global layers, and
     * a sliding window of 16 on the local ones: with 7 layers llama.cpp's pattern (every 6th layer global)
     * makes layers 0-4 and 6 local and layer 5 global. The context (256) is far longer than the window.
     * Gemma multiplies token embeddings by sqrt(dim) = 16, so with the usual embedding std a token's own row
     * outweighs everything the layers add and greedy decoding echoes the last token; std 0.02 avoids that.
     */
    GEMMA3(Builder.of("gemma3", TinyVocab.GEMMA3).heads(4, 2, 128).layers(7).ropeTheta(1_000_000f).rmsEps(1e-6f).qkNorm()
            .explicitHeadDim().tied().postNorms().slidingWindow(16).linearRopeScaling(8f).embeddingStd(0.02f));

    /** Embedding width of every tiny model: a multiple of 256, so K-quants apply. */
    static final int EMBEDDING = 256;
    /** Small next to the layers' output: the first norm rescales the embedding anyway (see {@link RandomDecoder}). */
    static final float EMBEDDING_STD = 0.05f;

    /** The GGUF architecture name. */
    public final String architecture;
    public final TinyVocab vocab;
    public final DecoderShape shape;

    TinyFamily(Builder b) {
        architecture = b.architecture;
        vocab = b.vocab;
        shape = new DecoderShape(b.architecture, EMBEDDING, 512, b.layers, b.heads, b.kvHeads, b.headDim, 256, b.ropeTheta, b.rmsEps,
                b.embeddingStd, b.tied, b.qkvBias, b.qkNorm, b.explicitHeadDim, b.postNorms, b.slidingWindow, b.linearRopeScaling,
                b.llama3RopeScaling);
    }

    /** Collects a family's settings; defaults are two layers and no options. */
    private static final class Builder {
        String architecture;
        TinyVocab vocab;
        int layers = 2, heads, kvHeads, headDim;
        float ropeTheta, rmsEps, embeddingStd = EMBEDDING_STD;
        boolean tied, qkvBias, qkNorm, explicitHeadDim, postNorms;
        int slidingWindow;
        float linearRopeScaling;
        float[] llama3RopeScaling;

        static Builder of(String architecture, TinyVocab vocab) {
            Builder b = new Builder();
            b.architecture = architecture;
            b.vocab = vocab;
            return b;
        }

        Builder heads(int heads, int kvHeads, int headDim) {
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.headDim = headDim;
            return this;
        }

        Builder layers(int n) { layers = n; return this; }
        Builder ropeTheta(float v) { ropeTheta = v; return this; }
        Builder rmsEps(float v) { rmsEps = v; return this; }
        Builder tied() { tied = true; return this; }
        Builder qkvBias() { qkvBias = true; return this; }
        Builder qkNorm() { qkNorm = true; return this; }
        Builder explicitHeadDim() { explicitHeadDim = true; return this; }
        Builder postNorms() { postNorms = true; return this; }
        Builder slidingWindow(int n) { slidingWindow = n; return this; }
        Builder linearRopeScaling(float factor) { linearRopeScaling = factor; return this; }
        Builder embeddingStd(float std) { embeddingStd = std; return this; }

        Builder llama3RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {
            llama3RopeScaling = new float[] {factor, lowFreqFactor, highFreqFactor, originalContext};
            return this;
        }
    }
}
