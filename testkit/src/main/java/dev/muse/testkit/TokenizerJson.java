package dev.muse.testkit;

import dev.muse.formats.Metadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Hugging Face {@code tokenizer.json} (plus the {@code tokenizer_config.json} beside it) into the
 * {@code tokenizer.ggml.*} metadata that llama.cpp's convert_hf_to_gguf.py writes for it: a byte-level BPE
 * as {@code _set_vocab_gpt2} does (get_vocab_base + SpecialVocab), or a SentencePiece export as
 * {@link #addSentencePieceTo} describes. The byte-level BPE rules:
 * <ul>
 *   <li>ids 0..max: the vocab entry or added token with that id; a hole becomes "[PAD{id}]" of type UNUSED;</li>
 *   <li>added tokens are CONTROL when marked special or when they look special ({@code <|...|>}),
 *       otherwise USER_DEFINED (with U+2581 turned into a space); everything else is NORMAL;</li>
 *   <li>merges are written as "a b" strings; the newer [a, b] pair form has spaces inside a part
 *       encoded as U+0120+... exactly like SpecialVocab (chr(ord(' ') + 256));</li>
 *   <li>bos/eos/unk/sep/pad/cls/mask ids come from tokenizer_config.json's *_token entries matched
 *       against the added tokens, and add_bos_token/add_eos_token are copied when they are booleans.</li>
 * </ul>
 * convert also round-trips non-normalized added tokens through the HF tokenizer (encode then decode);
 * for an added token that is the identity, so it is not repeated here. The chat template is not
 * copied: the tiny models are never used with chat formatting.
 */
public final class TokenizerJson {
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private static final String[][] SPECIAL_KEYS = {
            {"bos", "bos_token_id"}, {"eos", "eos_token_id"}, {"unk", "unknown_token_id"},
            {"sep", "seperator_token_id"}, {"pad", "padding_token_id"}, {"cls", "cls_token_id"}, {"mask", "mask_token_id"}};

    private TokenizerJson() {}

    /** Adds the vocabulary keys for {@code tokenizerJson} to {@code out}, with tokenizer.ggml.pre = {@code pre}. */
    public static void addTo(Metadata out, Path tokenizerJson, String pre) throws IOException {
        Map<String, Object> root = Json.object(Json.parse(Files.readString(tokenizerJson, StandardCharsets.UTF_8)), "tokenizer.json");
        Map<String, Object> model = Json.object(root.get("model"), "tokenizer.json model");
        if (!"BPE".equals(model.get("type"))) throw new IllegalArgumentException(tokenizerJson + " is not a BPE tokenizer");
        Map<String, Object> vocab = Json.object(model.get("vocab"), "model.vocab");
        List<Object> added = root.containsKey("added_tokens") ? Json.array(root.get("added_tokens"), "added_tokens") : List.of();

        Map<Integer, String> byId = new HashMap<>();
        int maxId = -1;
        for (Map.Entry<String, Object> e : vocab.entrySet()) {
            int id = ((Number) e.getValue()).intValue();
            byId.put(id, e.getKey());
            maxId = Math.max(maxId, id);
        }
        Map<Integer, Map<String, Object>> addedById = new HashMap<>();
        for (Object a : added) {
            Map<String, Object> token = Json.object(a, "added token");
            int id = ((Number) token.get("id")).intValue();
            addedById.put(id, token);
            byId.put(id, (String) token.get("content"));
            maxId = Math.max(maxId, id);
        }

        String[] tokens = new String[maxId + 1];
        int[] types = new int[maxId + 1];
        for (int id = 0; id <= maxId; id++) {
            String token = byId.get(id);
            Map<String, Object> addedToken = addedById.get(id);
            if (token == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = UNUSED;
            } else if (addedToken != null) {
                boolean special = Boolean.TRUE.equals(addedToken.get("special")) || looksSpecial(token);
                tokens[id] = special ? token : token.replace('\u2581', ' ');
                types[id] = special ? CONTROL : USER_DEFINED;
            } else {
                tokens[id] = token;
                types[id] = NORMAL;
            }
        }

        out.putString("tokenizer.ggml.model", "gpt2");
        out.putString("tokenizer.ggml.pre", pre);
        out.putStrings("tokenizer.ggml.tokens", tokens);
        out.putInts("tokenizer.ggml.token_type", types);
        out.putStrings("tokenizer.ggml.merges", merges(Json.array(model.get("merges"), "model.merges")));
        addSpecialTokens(out, tokenizerJson.resolveSibling("tokenizer_config.json"), added);
    }

    /**
     * Adds the SentencePiece ("llama") vocabulary keys that convert_hf_to_gguf.py's
     * _create_vocab_sentencepiece writes for a model whose tokenizer.model is the one {@code tokenizerJson}
     * was made from (Gemma: a SentencePiece BPE model, exported by Hugging Face as a byte-fallback BPE with
     * merges). tokenizer.model itself is not available here, so its two ingredients are rebuilt:
     * <ul>
     *   <li>scores: SentencePiece merges the adjacent pair whose joined piece scores highest; Hugging Face's
     *       export lists the merges in the order of those scores, so a piece's score is minus the rank of
     *       the first merge that makes it (pieces no merge makes, single characters and bytes, score 0:
     *       the tokenizer never compares them);</li>
     *   <li>types: BYTE for {@code <0xXX>}, NORMAL otherwise; then, as convert does with
     *       tokenizer_config.json's added_tokens_decoder (the same list as tokenizer.json's added_tokens),
     *       every added token becomes CONTROL when special or special-looking, else USER_DEFINED with
     *       U+2581 turned into spaces, and scores -1000.</li>
     * </ul>
     * add_space_prefix is written false (Gemma's convert does: its normalizer adds no dummy prefix).
     */
    public static void addSentencePieceTo(Metadata out, Path tokenizerJson) throws IOException {
        Map<String, Object> root = Json.object(Json.parse(Files.readString(tokenizerJson, StandardCharsets.UTF_8)), "tokenizer.json");
        Map<String, Object> model = Json.object(root.get("model"), "tokenizer.json model");
        if (!"BPE".equals(model.get("type")) || !Boolean.TRUE.equals(model.get("byte_fallback")))
            throw new IllegalArgumentException(tokenizerJson + " is not a SentencePiece BPE export (BPE with byte fallback)");
        Map<String, Object> vocab = Json.object(model.get("vocab"), "model.vocab");
        List<Object> added = root.containsKey("added_tokens") ? Json.array(root.get("added_tokens"), "added_tokens") : List.of();
        int size = 0;
        for (Object id : vocab.values()) size = Math.max(size, ((Number) id).intValue() + 1);
        for (Object a : added) size = Math.max(size, ((Number) Json.object(a, "added token").get("id")).intValue() + 1);

        String[] tokens = new String[size];
        float[] scores = new float[size];
        int[] types = new int[size];
        for (int id = 0; id < size; id++) {
            tokens[id] = "[PAD" + id + "]";
            types[id] = UNUSED;
        }
        Map<String, Integer> ids = new HashMap<>();
        for (Map.Entry<String, Object> e : vocab.entrySet()) {
            int id = ((Number) e.getValue()).intValue();
            tokens[id] = e.getKey();
            types[id] = e.getKey().matches("<0x[0-9A-F]{2}>") ? BYTE : NORMAL;
            ids.put(e.getKey(), id);
        }
        List<Object> merges = Json.array(model.get("merges"), "model.merges");
        boolean[] scored = new boolean[size];
        for (int rank = 0; rank < merges.size(); rank++) {
            Integer id = ids.get(joined(merges.get(rank), rank));
            if (id != null && !scored[id]) {
                scores[id] = -rank;
                scored[id] = true;
            }
        }
        for (Object a : added) {
            Map<String, Object> token = Json.object(a, "added token");
            int id = ((Number) token.get("id")).intValue();
            String content = (String) token.get("content");
            boolean special = Boolean.TRUE.equals(token.get("special")) || looksSpecial(content);
            tokens[id] = special ? content : content.replace('\u2581', ' ');
            types[id] = special ? CONTROL : USER_DEFINED;
            scores[id] = -1000f;
        }
        out.putString("tokenizer.ggml.model", "llama");
        out.putStrings("tokenizer.ggml.tokens", tokens);
        out.putFloats("tokenizer.ggml.scores", scores);
        out.putInts("tokenizer.ggml.token_type", types);
        out.putBool("tokenizer.ggml.add_space_prefix", false);
        addSpecialTokens(out, tokenizerJson.resolveSibling("tokenizer_config.json"), added);
    }

    /** The piece a merge makes: its two parts joined (the old "a b" string form is split at its one space). */
    private static String joined(Object merge, int rank) {
        if (merge instanceof String s) return s.replaceFirst(" ", "");
        List<Object> pair = Json.array(merge, "merge " + rank);
        return (String) pair.get(0) + pair.get(1);
    }

    private static String[] merges(List<Object> merges) {
        String[] out = new String[merges.size()];
        for (int i = 0; i < out.length; i++) {
            Object m = merges.get(i);
            if (m instanceof String s) {
                out[i] = s;
            } else {
                List<Object> pair = Json.array(m, "merge " + i);
                out[i] = encodeSpaces((String) pair.get(0)) + " " + encodeSpaces((String) pair.get(1));
            }
        }
        return out;
    }

    private static String encodeSpaces(String part) {
        return part.replace(' ', (char) (' ' + 256));
    }

    /** convert_hf_to_gguf.py's does_token_look_special. */
    static boolean looksSpecial(String token) {
        return token.equals("<pad>") || token.equals("<mask>") || token.equals("<2mass>") || token.equals("[@BOS@]")
                || (token.startsWith("<|") && token.endsWith("|>"))
                || (token.startsWith("<\uFF5C") && token.endsWith("\uFF5C>"))
                || (token.startsWith("<unused") && token.endsWith(">"));
    }

    private static void addSpecialTokens(Metadata out, Path configPath, List<Object> added) throws IOException {
        if (!Files.isRegularFile(configPath)) return;
        Map<String, Object> config = Json.object(Json.parse(Files.readString(configPath, StandardCharsets.UTF_8)), "tokenizer_config.json");
        for (String[] special : SPECIAL_KEYS) {
            String typ = special[0];
            Object content = config.get(typ + "_token");
            if (content instanceof Map<?, ?> m) content = m.get("content");
            if (content instanceof String s) {
                for (Object a : added) {
                    Map<String, Object> token = Json.object(a, "added token");
                    if (s.equals(token.get("content"))) {
                        out.putUInt32("tokenizer.ggml." + special[1], ((Number) token.get("id")).intValue());
                        break;
                    }
                }
            }
        }
        for (String typ : new String[] {"bos", "eos"}) {
            if (config.get("add_" + typ + "_token") instanceof Boolean b) out.putBool("tokenizer.ggml.add_" + typ + "_token", b);
        }
    }
}
