package dev.muse.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE runs on each word, chosen by {@code tokenizer.ggml.pre}.
 * The regexes are the ones in the models' tokenizer.json files (as collected in llama.cpp's
 * llama-vocab.cpp). Each regex in a list splits every piece the previous ones produced, and both the
 * matches and the unmatched gaps between them become pieces (Hugging Face's "Isolated" behaviour).
 *
 * <p>Java's backtracking engine follows the same leftmost-alternative, greedy-with-backtracking rules
 * as Oniguruma, which Hugging Face tokenizers use, so {@code \s+(?!\S)} gives back the last space before
 * a word exactly as there. Two adaptations keep the semantics identical: {@code (?i:'s|...)} is spelled
 * with explicit {@code [sS]} classes (Java's Unicode case folding would also match "'ſ"), and
 * {@link Pattern#UNICODE_CHARACTER_CLASS} makes {@code \s} Unicode White_Space instead of ASCII.
 * Lookarounds see only the piece being split, as each split stage does in the original.
 */
final class PreTokenizer {

    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

    /** GPT-2's regex. */
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    /** Llama 3's regex (also DBRX, Smaug, ChatGLM4): numbers in groups of up to three digits. */
    static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Qwen2's regex: Llama 3's with one digit per piece. */
    static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Qwen3.5's regex: Qwen2's with combining marks kept inside words. */
    static final String QWEN35 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
            + "|\\s+(?!\\S)|\\s+";

    private static final String UPPER = "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]";
    private static final String LOWER = "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]";

    /** Mistral's Tekken regex: camel-case words split at each capital. */
    static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "*" + LOWER + "+|[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "+"
            + LOWER + "*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** o200k's regex (GPT-4o, Llama 4): Tekken's word rule with contractions and 3-digit numbers. */
    static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "*" + LOWER + "+" + CONTRACTIONS + "?"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "+" + LOWER + "*" + CONTRACTIONS + "?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String CJK = "[一-龥ࠀ-一가-퟿]+";
    private static final String NORDIC = " ?[^(\\s|.,!?…。，、।۔،)]+";

    private final String type;
    private final Pattern[] patterns;
    private final boolean ignoreMerges;

    private PreTokenizer(String type, boolean ignoreMerges, String... regexes) {
        this.type = type;
        this.ignoreMerges = ignoreMerges;
        this.patterns = Arrays.stream(regexes)
                .map(regex -> Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS))
                .toArray(Pattern[]::new);
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value, with the names llama.cpp accepts.
     * An unknown name is an error rather than a silent fallback: a wrong split gives plausible but
     * different token ids, which degrades a model without any visible failure.
     */
    static PreTokenizer forType(String pre) {
        return switch (pre) {
            case "default" -> new PreTokenizer(pre, false,
                    "[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
            // Llama 3 family: whole words found in the vocabulary skip merging (Hugging Face ignore_merges).
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2" ->
                    new PreTokenizer(pre, true, LLAMA3);
            case "dbrx", "smaug-bpe", "glm4", "chatglm-bpe" -> new PreTokenizer(pre, false, LLAMA3);
            case "qwen2", "deepseek-r1-qwen", "megrez", "kormo", "stablelm2", "hunyuan", "solar-open", "grok-2" ->
                    new PreTokenizer(pre, false, QWEN2);
            case "qwen35" -> new PreTokenizer(pre, false, QWEN35);
            case "gpt-2", "phi-2", "mpt", "olmo", "jais", "trillion", "exaone4", "granite-docling", "jina-es",
                 "jina-de", "gigachat", "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe",
                 "a.x-4.0", "mellum", "modern-bert" -> new PreTokenizer(pre, false, GPT2);
            // SmolLM, StarCoder and friends: GPT-2's regex after splitting every digit apart.
            case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2" ->
                    new PreTokenizer(pre, false, "\\p{N}", GPT2);
            case "falcon" -> new PreTokenizer(pre, false, "[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]");
            case "deepseek-coder" -> new PreTokenizer(pre, false,
                    "[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}");
            case "deepseek-v3" -> new PreTokenizer(pre, false,
                    "\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
                    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                            + "| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
            case "poro-chat", "bloom", "gpt3-finnish" -> new PreTokenizer(pre, false, NORDIC);
            case "viking" -> new PreTokenizer(pre, false, NORDIC, "\\p{N}");
            case "tekken" -> new PreTokenizer(pre, true, TEKKEN);
            case "gpt-4o", "llama4", "minimax-m2" -> new PreTokenizer(pre, false, GPT4O);
            case "seed-coder" -> new PreTokenizer(pre, false, CONTRACTIONS
                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
            // The original uses possessive quantifiers, which Java supports as they are.
            case "bailingmoe", "bailingmoe2", "llada-moe" -> new PreTokenizer(pre, false,
                    "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}"
                            + "| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+");
            default -> throw new IllegalArgumentException("unknown pre-tokenizer type '" + pre
                    + "' (" + Vocabulary.PRE + "): this vocabulary's word splitting is not supported");
        };
    }

    /** The {@code tokenizer.ggml.pre} name. */
    String type() {
        return type;
    }

    /** Whether a word that is itself a vocabulary entry becomes that token without merging. */
    boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** The words of {@code text}, in order; together they are exactly the text. */
    List<String> split(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        int[] cuts = {0, text.length()};
        int count = 2;
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(text);
            int[] next = new int[Math.max(16, count * 2)];
            int n = 0;
            next[n++] = 0;
            for (int i = 0; i + 1 < count; i++) {
                matcher.region(cuts[i], cuts[i + 1]);
                while (matcher.find()) {
                    if (matcher.end() == matcher.start()) {
                        continue;
                    }
                    if (n + 2 > next.length) {
                        next = Arrays.copyOf(next, next.length * 2);
                    }
                    if (matcher.start() > next[n - 1]) {
                        next[n++] = matcher.start();
                    }
                    next[n++] = matcher.end();
                }
                if (cuts[i + 1] > next[n - 1]) {
                    if (n == next.length) {
                        next = Arrays.copyOf(next, next.length * 2);
                    }
                    next[n++] = cuts[i + 1];
                }
            }
            cuts = next;
            count = n;
        }
        List<String> words = new ArrayList<>(count - 1);
        for (int i = 0; i + 1 < count; i++) {
            words.add(text.substring(cuts[i], cuts[i + 1]));
        }
        return words;
    }
}
