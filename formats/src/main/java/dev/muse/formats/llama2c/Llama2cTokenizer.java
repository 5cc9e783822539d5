package dev.muse.formats.llama2c;

import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * llama2.c's tokenizer.bin: int32 max_token_length, then per token a float32 score, an int32 byte
 * length and the bytes. The pieces follow SentencePiece conventions (▁ for space, &lt;0xNN&gt; byte
 * fallback), so in GGUF this is a "llama" tokenizer with BOS 1, EOS 2 and unknown 0.
 */
record Llama2cTokenizer(String[] tokens, float[] scores, int[] types) {
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, BYTE = 6;

    static Llama2cTokenizer read(Path path, int vocabSize) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        String[] tokens = new String[vocabSize];
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        try {
            int maxLength = in.getInt();
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = in.getFloat();
                int length = in.getInt();
                if (length < 0 || length > maxLength || length > in.remaining())
                    throw new FormatException(path + ": token " + i + " claims " + length + " bytes (max " + maxLength + ")");
                byte[] bytes = new byte[length];
                in.get(bytes);
                // llama2.c's export turned SentencePiece's '▁' into ' '; GGUF "llama" vocabularies keep '▁'
                // (llama.cpp's convert-llama2c-to-ggml escapes it back), or no piece with a space would match.
                tokens[i] = new String(bytes, StandardCharsets.UTF_8).replace(' ', '\u2581');
                types[i] = typeOf(i, tokens[i]);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new FormatException(path + " ends before its " + vocabSize + " tokens do");
        }
        return new Llama2cTokenizer(tokens, scores, types);
    }

    private static int typeOf(int id, String piece) {
        if (id == 0) return UNKNOWN;
        if (id == 1 || id == 2) return CONTROL;
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) return BYTE;
        return NORMAL;
    }

    void addTo(Metadata m) {
        m.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
    }
}
