package dev.muse.testkit;

import dev.muse.formats.Metadata;

/**
 * A made-up SentencePiece vocabulary of any size, for full-size benchmark models whose real vocabulary is not at
 * hand: unknown, BOS and EOS, the 256 byte pieces, then filler pieces. llama.cpp loads it as well.
 */
public final class SyntheticVocab {
    private SyntheticVocab() {}

    /** {@code tokenizer.ggml.*} keys of a vocabulary of {@code size} tokens (at least 259). */
    public static Metadata sentencePiece(int size) {
        if (size < 259) throw new IllegalArgumentException("a synthetic vocabulary needs room for the 256 byte pieces");
        String[] tokens = new String[size];
        float[] scores = new float[size];
        int[] types = new int[size];
        tokens[0] = "<unk>";
        types[0] = 2;
        tokens[1] = "<s>";
        types[1] = 3;
        tokens[2] = "</s>";
        types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 259; i < size; i++) {
            tokens[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        return new Metadata().putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0);
    }
}
