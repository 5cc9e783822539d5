package dev.muse.text;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Look-up structures both tokenizers build once from a {@link Vocabulary}. */
final class VocabularyIndex {

    /**
     * Turn-ending tokens recognised by their text, because GGUF files often name only EOS although chat
     * models end a turn with another token (llama.cpp keeps the same list for the same reason).
     */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "<end_of_utterance>",
            "<｜end▁of▁sentence｜>");

    final Vocabulary vocabulary;
    final SpecialTokenSplitter splitter;
    private final Map<String, Integer> ids;
    private final BitSet endOfGeneration = new BitSet();

    VocabularyIndex(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        String[] tokens = vocabulary.tokens();
        this.ids = HashMap.newHashMap(tokens.length);
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] == null) {
                throw new IllegalArgumentException("token " + id + " has no text");
            }
            // A later duplicate wins, as in llama.cpp, so both produce the same ids for the same text.
            ids.put(tokens[id], id);
            if (END_OF_GENERATION_TEXTS.contains(tokens[id])) {
                endOfGeneration.set(id);
            }
        }
        if (vocabulary.eosId() >= 0) {
            endOfGeneration.set(vocabulary.eosId());
        }
    }

    /** Id of the token with exactly this text, or -1. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    boolean isEndOfGeneration(int token) {
        return token >= 0 && endOfGeneration.get(token);
    }
}
