package dev.muse.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Text to token ids and back, for one {@link Vocabulary}. Implementations are immutable and safe to share
 * between threads. Ids are those llama.cpp produces for the same GGUF vocabulary.
 */
public interface Tokenizer {

    /** The vocabulary this tokenizer was built from. */
    Vocabulary vocabulary();

    /**
     * Token ids of {@code text} alone, no BOS or EOS: what each kind of tokenizer does its own way.
     *
     * @param parseSpecial turn the text of control tokens (e.g. {@code <|eot_id|>}, {@code <|im_start|>})
     *                     into those tokens; when false such text is tokenized as plain characters, which
     *                     is what untrusted user input needs. User-defined tokens are cut out either way.
     */
    int[] encodeText(String text, boolean parseSpecial);

    /**
     * Token ids of {@code text}: {@link #encodeText}, with BOS and/or EOS around it when {@code addSpecial} and the
     * vocabulary's add_bos/add_eos flags say so.
     */
    default int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        int[] ids = encodeText(text, parseSpecial);
        Vocabulary v = vocabulary();
        boolean bos = addSpecial && v.addBos() && v.bosId() >= 0, eos = addSpecial && v.addEos() && v.eosId() >= 0;
        if (!bos && !eos) return ids;
        int[] out = new int[ids.length + (bos ? 1 : 0) + (eos ? 1 : 0)];
        if (bos) out[0] = v.bosId();
        System.arraycopy(ids, 0, out, bos ? 1 : 0, ids.length);
        if (eos) out[out.length - 1] = v.eosId();
        return out;
    }

    /** {@link #encode(String, boolean, boolean)} treating control-token text as plain text. */
    default int[] encode(String text, boolean addSpecial) {
        return encode(text, addSpecial, false);
    }

    /**
     * The bytes of one token: a piece may hold part of a UTF-8 character, so streaming output goes through
     * {@link TokenDecoder}. Control, unknown and user-defined tokens give their text; unused ones nothing.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    byte[] decodeBytes(int token);

    /** Whether generation should stop at this token: EOS and the turn-ending tokens of chat models. */
    boolean isEndOfGeneration(int token);

    /** The text of some tokens, exactly as their pieces spell it; broken UTF-8 becomes U+FFFD. */
    default String decode(int[] tokens) {
        return decode(tokens, false);
    }

    /**
     * The text of some tokens. With {@code stripSpacePrefix}, a vocabulary that puts a space before
     * the text (SentencePiece's add_space_prefix) has that space removed from the first piece of the
     * text, i.e. the first token or the one right after a leading BOS (llama2.c's rule), so that
     * {@code decode(encode(text, ...), true)} gives back {@code text}. Without it the pieces are joined as
     * they are, which is right for a continuation such as a model's reply.
     */
    default String decode(int[] tokens, boolean stripSpacePrefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length * 4);
        boolean strip = stripSpacePrefix && vocabulary().addSpacePrefix();
        int first = tokens.length > 0 && tokens[0] == vocabulary().bosId() ? 1 : 0;
        for (int i = 0; i < tokens.length; i++) {
            byte[] piece = decodeBytes(tokens[i]);
            int skip = strip && i == first && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The tokenizer for a vocabulary's {@code tokenizer.ggml.model}: "llama" is SentencePiece,
     * "gpt2" byte-level BPE.
     *
     * @throws IllegalArgumentException for other models (WordPiece "bert", Unigram "t5", "rwkv", ...) and
     *                                  for byte-level vocabularies whose pre-tokenizer is unknown
     */
    static Tokenizer of(Vocabulary vocabulary) {
        return switch (vocabulary.model()) {
            case Vocabulary.MODEL_SENTENCE_PIECE -> new SentencePieceTokenizer(vocabulary);
            case Vocabulary.MODEL_BYTE_LEVEL_BPE -> new BytePairTokenizer(vocabulary);
            default -> throw new IllegalArgumentException("tokenizer model '" + vocabulary.model() + "' ("
                    + Vocabulary.MODEL + ") is not supported: Muse reads 'llama' (SentencePiece) and 'gpt2'"
                    + " (byte-level BPE) vocabularies");
        };
    }
}
