package dev.muse.text.grammar;

import dev.muse.text.TokenType;
import dev.muse.text.Tokenizer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Keeps one generated sequence inside a {@link Grammar}: which tokens of the vocabulary may come next, and the state
 * after the one that did. A token's text is its bytes, fed through the grammar one UTF-8 character at a time; a
 * character split across tokens (byte-level BPE, SentencePiece byte pieces) is carried over, and its first bytes
 * must already be able to begin a character the grammar takes. End-of-generation tokens are allowed once the text
 * is a whole sentence of the grammar, control tokens never.
 *
 * <p>Working out every allowed token walks the vocabulary in byte order, so tokens that share a prefix share its
 * work, and a prefix the grammar refuses rules out every token that starts with it at once (a trie walk without the
 * trie). The result is kept by where the text stands (the last {@value #KEPT_MASKS} such places): inside a JSON string
 * every character leads back to the same place, so a long string costs one walk. The caller asks first whether the token it sampled is allowed, which is one token's work; most of the time
 * it is, and the whole mask is needed only when it is not (sampling again from the masked logits then draws from
 * exactly the distribution restricted to the allowed tokens).
 */
public final class TokenConstraint {
    /** A vocabulary's token texts, in byte order, with each one's common prefix with the one before. */
    static final class Pieces {
        final byte[][] bytes;    // by id; null for tokens that are never text (control, unknown, unused, empty)
        final boolean[] endOfGeneration;
        final int[] order;       // ids of text tokens, sorted by their bytes
        final int[] shared;      // bytes order[i] shares with order[i - 1] at the start
        final int longest;

        private Pieces(Tokenizer tokenizer) {
            int n = tokenizer.vocabulary().size();
            bytes = new byte[n][];
            endOfGeneration = new boolean[n];
            int count = 0, longest = 0;
            for (int id = 0; id < n; id++) {
                endOfGeneration[id] = tokenizer.isEndOfGeneration(id);
                TokenType type = tokenizer.vocabulary().tokenType(id);
                if (endOfGeneration[id] || type == TokenType.CONTROL || type == TokenType.UNKNOWN || type == TokenType.UNUSED) continue;
                byte[] piece = tokenizer.decodeBytes(id);
                if (piece.length == 0) continue;
                bytes[id] = piece;
                longest = Math.max(longest, piece.length);
                count++;
            }
            Integer[] sorted = new Integer[count];
            for (int id = 0, k = 0; id < n; id++) if (bytes[id] != null) sorted[k++] = id;
            Arrays.sort(sorted, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
            order = new int[count];
            shared = new int[count];
            for (int i = 0; i < count; i++) {
                order[i] = sorted[i];
                if (i > 0) {
                    int m = Arrays.mismatch(bytes[order[i - 1]], bytes[order[i]]);
                    shared[i] = m < 0 ? bytes[order[i]].length : m;
                }
            }
            this.longest = longest;
        }

        private static final Map<Tokenizer, Pieces> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

        static Pieces of(Tokenizer tokenizer) {
            return CACHE.computeIfAbsent(tokenizer, Pieces::new);
        }
    }

    /**
     * Where the text stands: the grammar's state after its whole characters, and the character begun but not finished
     * ({@code have} of its {@code need} UTF-8 bytes, their bits so far in {@code bits}; need 0 when none).
     */
    private record Cursor(GrammarState grammar, int bits, int have, int need) {
        /** The cursor after one more byte, or null when the grammar cannot take it. */
        Cursor next(byte value) {
            int b = value & 0xFF;
            if (need == 0) {
                if (b < 0x80) {
                    GrammarState g = grammar.accept(b);
                    return g.isDead() ? null : new Cursor(g, 0, 0, 0);
                }
                int n, v;
                if ((b & 0xE0) == 0xC0) { n = 2; v = b & 0x1F; }
                else if ((b & 0xF0) == 0xE0) { n = 3; v = b & 0x0F; }
                else if ((b & 0xF8) == 0xF0) { n = 4; v = b & 0x07; }
                else return null; // not a valid first byte
                return begun(v, 1, n);
            }
            if ((b & 0xC0) != 0x80) return null;
            int v = bits << 6 | b & 0x3F;
            if (have + 1 < need) return begun(v, have + 1, need);
            if (v < least(need) || v > Character.MAX_CODE_POINT || v >= 0xD800 && v <= 0xDFFF) return null; // overlong or not a character
            GrammarState g = grammar.accept(v);
            return g.isDead() ? null : new Cursor(g, 0, 0, 0);
        }

        /** A character begun: kept only if some character it can still become (not overlong, not past U+10FFFF) fits. */
        private Cursor begun(int v, int have, int need) {
            int rest = 6 * (need - have);
            int from = Math.max(v << rest, least(need)), to = Math.min(v << rest | (1 << rest) - 1, Character.MAX_CODE_POINT);
            return from <= to && grammar.acceptsSomeOf(from, to) ? new Cursor(grammar, v, have, need) : null;
        }

        /** The smallest code point that needs {@code need} bytes: anything below is an overlong encoding. */
        private static int least(int need) {
            return need == 2 ? 0x80 : need == 3 ? 0x800 : 0x10000;
        }

        boolean canEnd() { return need == 0 && grammar.canEnd(); }
    }

    /** Masks worked out before, by where the text stood: grammars return to the same states again and again. */
    private static final int KEPT_MASKS = 32;

    private final Pieces pieces;
    private Cursor cursor;
    private final Map<Cursor, BitSet> masks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Cursor, BitSet> eldest) { return size() > KEPT_MASKS; }
    };

    /** A sequence at the start of {@code grammar}, over {@code tokenizer}'s vocabulary. */
    public TokenConstraint(Grammar grammar, Tokenizer tokenizer) {
        this.pieces = Pieces.of(tokenizer);
        this.cursor = new Cursor(GrammarState.start(grammar), 0, 0, 0);
    }

    /** Whether {@code token} may come next. */
    public boolean allows(int token) {
        if (token < 0 || token >= pieces.bytes.length) return false;
        if (pieces.endOfGeneration[token]) return cursor.canEnd();
        byte[] piece = pieces.bytes[token];
        if (piece == null) return false;
        Cursor c = cursor;
        for (int i = 0; i < piece.length && c != null; i++) c = c.next(piece[i]);
        return c != null;
    }

    /** Sets the logit of every token that may not come next to negative infinity; false when none may. */
    public boolean mask(float[] logits) {
        BitSet allowed = masks.computeIfAbsent(cursor, this::allowedAt);
        boolean any = !allowed.isEmpty();
        for (int id = allowed.nextClearBit(0); id < logits.length; id = allowed.nextClearBit(id + 1)) logits[id] = Float.NEGATIVE_INFINITY;
        return any;
    }

    /** Every token that may follow {@code at}, end-of-generation tokens included where the text may end. */
    private BitSet allowedAt(Cursor at0) {
        BitSet allowed = new BitSet(pieces.bytes.length);
        Cursor[] at = new Cursor[pieces.longest + 1];
        at[0] = at0;
        int computed = 0, dead = Integer.MAX_VALUE; // the previous token's states are known to depth computed; it died at depth dead
        for (int i = 0; i < pieces.order.length; i++) {
            int id = pieces.order[i], same = pieces.shared[i];
            if (same >= dead) continue; // starts with a prefix the grammar refused
            byte[] piece = pieces.bytes[id];
            dead = Integer.MAX_VALUE;
            int k = Math.min(same, computed);
            while (k < piece.length) {
                Cursor next = at[k].next(piece[k]);
                if (next == null) {
                    dead = k + 1;
                    break;
                }
                at[++k] = next;
            }
            computed = k;
            if (dead == Integer.MAX_VALUE) allowed.set(id);
        }
        if (at0.canEnd())
            for (int id = 0; id < pieces.endOfGeneration.length; id++) if (pieces.endOfGeneration[id]) allowed.set(id);
        return allowed;
    }

    /** Moves past {@code token}, which must be allowed (an end-of-generation token ends the text and changes nothing). */
    public void accept(int token) {
        if (!allows(token)) throw new IllegalStateException("token " + token + " is not allowed here by the grammar");
        if (pieces.endOfGeneration[token]) return;
        for (byte b : pieces.bytes[token]) cursor = cursor.next(b);
    }

    /** Whether the text so far is a whole sentence of the grammar. */
    public boolean canEnd() { return cursor.canEnd(); }
}
