package dev.muse.text;

import dev.muse.formats.Metadata;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A tokenizer vocabulary exactly as GGUF stores it under {@code tokenizer.ggml.*}: one field per key,
 * so reading it from a GGUF file is a lookup per field ({@link #of}). The arrays are shared, not copied:
 * treat them as read-only. Record equality on the arrays is identity, which is all callers need.
 *
 * @param model          {@code tokenizer.ggml.model}: "llama" (SentencePiece BPE) or "gpt2" (byte-level BPE)
 * @param pre            {@code tokenizer.ggml.pre}: the pre-tokenizer of a "gpt2" vocabulary ("llama-bpe",
 *                       "qwen2", "gpt-2", ...); "default" when absent
 * @param tokens         {@code tokenizer.ggml.tokens}: piece text by id
 * @param scores         {@code tokenizer.ggml.scores}: merge priority of each piece (SentencePiece), or null
 * @param tokenTypes     {@code tokenizer.ggml.token_type}: {@link TokenType} codes by id, or null (all normal)
 * @param merges         {@code tokenizer.ggml.merges}: "left right" pairs, best first (byte-level BPE), or null
 * @param bosId          {@code tokenizer.ggml.bos_token_id}, -1 if none
 * @param eosId          {@code tokenizer.ggml.eos_token_id}, -1 if none
 * @param unknownId      {@code tokenizer.ggml.unknown_token_id}, -1 if none
 * @param paddingId      {@code tokenizer.ggml.padding_token_id}, -1 if none
 * @param addBos         {@code tokenizer.ggml.add_bos_token}: encode(..., addSpecial=true) starts with BOS
 * @param addEos         {@code tokenizer.ggml.add_eos_token}: encode(..., addSpecial=true) ends with EOS
 * @param addSpacePrefix {@code tokenizer.ggml.add_space_prefix}: SentencePiece puts a space before the text
 */
public record Vocabulary(
        String model,
        String pre,
        String[] tokens,
        float[] scores,
        int[] tokenTypes,
        String[] merges,
        int bosId,
        int eosId,
        int unknownId,
        int paddingId,
        boolean addBos,
        boolean addEos,
        boolean addSpacePrefix) {

    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String BOS_TOKEN_ID = "tokenizer.ggml.bos_token_id";
    public static final String EOS_TOKEN_ID = "tokenizer.ggml.eos_token_id";
    public static final String UNKNOWN_TOKEN_ID = "tokenizer.ggml.unknown_token_id";
    public static final String PADDING_TOKEN_ID = "tokenizer.ggml.padding_token_id";
    public static final String ADD_BOS_TOKEN = "tokenizer.ggml.add_bos_token";
    public static final String ADD_EOS_TOKEN = "tokenizer.ggml.add_eos_token";
    public static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    /** {@code tokenizer.ggml.model} of SentencePiece vocabularies (Llama 1/2, Mistral 7B, Phi-3, Gemma...). */
    public static final String MODEL_SENTENCE_PIECE = "llama";
    /** {@code tokenizer.ggml.model} of byte-level BPE vocabularies (GPT-2, Llama 3, Qwen, SmolLM...). */
    public static final String MODEL_BYTE_LEVEL_BPE = "gpt2";

    /** Pre-tokenizers whose models want BOS although older GGUFs lack add_bos_token (llama.cpp's rule). */
    private static final Set<String> PRE_TYPES_WITH_BOS = Set.of(
            "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
            "tekken", "chameleon");

    public Vocabulary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(pre, "pre");
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("vocabulary has no tokens");
        }
        if (scores != null && scores.length != tokens.length) {
            throw new IllegalArgumentException(
                    "scores has " + scores.length + " entries for " + tokens.length + " tokens");
        }
        if (tokenTypes != null && tokenTypes.length != tokens.length) {
            throw new IllegalArgumentException(
                    "token_type has " + tokenTypes.length + " entries for " + tokens.length + " tokens");
        }
        checkId("bos", bosId, tokens.length);
        checkId("eos", eosId, tokens.length);
        checkId("unknown", unknownId, tokens.length);
        checkId("padding", paddingId, tokens.length);
    }

    /**
     * Reads a vocabulary from metadata: {@code metadata.apply(key)} gives the value stored under a GGUF key
     * or null when the key is absent. Values may be String, Boolean, Integer/Long, String[] or List of
     * String, float[] or List of Float, int[] or List of Integer. Absent optional keys get llama.cpp's
     * defaults: SentencePiece has BOS 1, EOS 2, unknown 0 and adds BOS and a space prefix; byte-level BPE
     * has no special ids (llama.cpp's placeholder 11 would be an ordinary piece) and adds BOS only for
     * the Llama 3 family of pre-tokenizers. Special ids outside the vocabulary read as -1 (llama.cpp
     * warns and ignores them).
     */
    public static Vocabulary of(Function<String, Object> metadata) {
        String model = MetadataValues.string(MODEL, require(metadata, MODEL));
        Object preValue = metadata.apply(PRE);
        String pre = preValue == null ? "default" : MetadataValues.string(PRE, preValue);
        String[] tokens = MetadataValues.strings(TOKENS, require(metadata, TOKENS));
        Object scoreValue = metadata.apply(SCORES);
        float[] scores = scoreValue == null ? null : MetadataValues.floats(SCORES, scoreValue);
        Object typeValue = metadata.apply(TOKEN_TYPE);
        int[] types = typeValue == null ? null : MetadataValues.ints(TOKEN_TYPE, typeValue);
        Object mergeValue = metadata.apply(MERGES);
        String[] merges = mergeValue == null ? null : MetadataValues.strings(MERGES, mergeValue);

        boolean spm = MODEL_SENTENCE_PIECE.equals(model);
        int n = tokens.length;
        return new Vocabulary(model, pre, tokens, scores, types, merges,
                id(metadata, BOS_TOKEN_ID, spm ? 1 : -1, n),
                id(metadata, EOS_TOKEN_ID, spm ? 2 : -1, n),
                id(metadata, UNKNOWN_TOKEN_ID, spm ? 0 : -1, n),
                id(metadata, PADDING_TOKEN_ID, -1, n),
                flag(metadata, ADD_BOS_TOKEN, spm || PRE_TYPES_WITH_BOS.contains(pre)),
                flag(metadata, ADD_EOS_TOKEN, false),
                flag(metadata, ADD_SPACE_PREFIX, spm));
    }

    /** The vocabulary stored in a weight file's metadata (e.g. {@code GgufFile.open(path).metadata()}). */
    public static Vocabulary fromMetadata(Metadata metadata) {
        return of(metadata::get);
    }

    /** Number of tokens. */
    public int size() {
        return tokens.length;
    }

    /** Piece text of a token. */
    public String token(int id) {
        return tokens[id];
    }

    /** Type of a token; {@link TokenType#NORMAL} when the vocabulary stores no types. */
    public TokenType tokenType(int id) {
        return tokenTypes == null ? TokenType.NORMAL : TokenType.of(tokenTypes[id]);
    }

    /** Merge score of a token; 0 when the vocabulary stores no scores. */
    public float score(int id) {
        return scores == null ? 0f : scores[id];
    }

    @Override
    public String toString() {
        return "Vocabulary[model=" + model + ", pre=" + pre + ", tokens=" + tokens.length
                + ", merges=" + (merges == null ? 0 : merges.length) + ", bos=" + bosId + ", eos=" + eosId
                + ", unknown=" + unknownId + ", padding=" + paddingId + ", addBos=" + addBos
                + ", addEos=" + addEos + ", addSpacePrefix=" + addSpacePrefix + "]";
    }

    private static Object require(Function<String, Object> metadata, String key) {
        Object value = metadata.apply(key);
        if (value == null) {
            throw new IllegalArgumentException("GGUF metadata has no " + key + ": not a tokenizer vocabulary");
        }
        return value;
    }

    private static int id(Function<String, Object> metadata, String key, int fallback, int size) {
        Object value = metadata.apply(key);
        if (value == null) {
            return fallback < size ? fallback : -1;
        }
        long id = MetadataValues.integer(key, value);
        return id >= 0 && id < size ? (int) id : -1;
    }

    private static boolean flag(Function<String, Object> metadata, String key, boolean fallback) {
        Object value = metadata.apply(key);
        return value == null ? fallback : MetadataValues.bool(key, value);
    }

    private static void checkId(String name, int id, int size) {
        if (id < -1 || id >= size) {
            throw new IllegalArgumentException(name + " token id " + id + " outside vocabulary of " + size);
        }
    }
}
