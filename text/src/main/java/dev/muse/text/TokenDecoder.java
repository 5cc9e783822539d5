package dev.muse.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a stream of tokens into text as they are generated. A character may be split across tokens
 * (an emoji is often four byte-fallback or byte-level tokens), so bytes that end in an unfinished UTF-8
 * sequence are held back until the tokens that complete it arrive; printing each token's bytes on
 * their own would show U+FFFD in the middle of the character. Not thread-safe: one per stream.
 */
public final class TokenDecoder {

    private final Tokenizer tokenizer;
    private final boolean stripSpacePrefix;
    private boolean hideControl;
    private byte[] pending = new byte[16];
    private int pendingLength;
    private int previous = -1;
    private boolean started;

    /** A decoder that joins pieces as they are (right for a model's reply after a prompt). */
    public TokenDecoder(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    /**
     * @param stripSpacePrefix drop the leading space of the stream's first piece and of a piece right
     *                         after BOS, when the vocabulary adds a space prefix (llama2.c's rule for
     *                         decoding a whole sequence from its start)
     */
    public TokenDecoder(Tokenizer tokenizer, boolean stripSpacePrefix) {
        this.tokenizer = tokenizer;
        this.stripSpacePrefix = stripSpacePrefix && tokenizer.vocabulary().addSpacePrefix();
    }

    /**
     * A decoder for a model's reply as a user reads it: control tokens (BOS, EOS, a base model's story
     * separator) add no text, as in llama.cpp's output.
     */
    public static TokenDecoder forReplies(Tokenizer tokenizer) {
        return forReplies(tokenizer, false);
    }

    /**
     * As {@link #forReplies(Tokenizer)}; with {@code startOfText} (the prompt was BOS alone, so the reply is the
     * start of a text) the space prefix of its first piece is dropped, as {@link #TokenDecoder(Tokenizer, boolean)} does.
     */
    public static TokenDecoder forReplies(Tokenizer tokenizer, boolean startOfText) {
        TokenDecoder decoder = new TokenDecoder(tokenizer, startOfText);
        decoder.hideControl = true;
        return decoder;
    }

    /** Adds one token and returns the text it completes, possibly empty. */
    public String next(int token) {
        byte[] piece = hideControl && tokenizer.vocabulary().tokenType(token) == TokenType.CONTROL ? new byte[0] : tokenizer.decodeBytes(token);
        boolean atTextStart = !started || previous == tokenizer.vocabulary().bosId();
        int skip = stripSpacePrefix && atTextStart && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
        started = true;
        previous = token;
        append(piece, skip);
        int complete = completeLength();
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Returns whatever is still held back (an unfinished character becomes U+FFFD) and empties the buffer. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /** Whether bytes of an unfinished character are waiting for the next token. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    private void append(byte[] piece, int from) {
        int count = piece.length - from;
        if (pendingLength + count > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + count));
        }
        System.arraycopy(piece, from, pending, pendingLength, count);
        pendingLength += count;
    }

    /**
     * How many pending bytes can be decoded now: all of them, unless the last lead byte starts a
     * sequence that needs more bytes than have arrived. Invalid bytes are never held back, so a
     * broken stream still makes progress (they decode to U+FFFD).
     */
    private int completeLength() {
        int n = pendingLength;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = pending[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int needed = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }
}
