package dev.muse.text;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * SentencePiece BPE (Llama 1/2, Mistral 7B, Phi-3, ...), matching llama.cpp's {@code llm_tokenizer_spm}:
 * spaces become '▁', a space is put before the text (and after every special token) when the vocabulary
 * asks for it, then neighbouring symbols are merged, always the pair whose merged piece has the highest
 * score (leftmost first on ties), starting from single characters. A character that ends up in no
 * piece is spelled with the byte-fallback tokens {@code <0xNN>} of its UTF-8 bytes.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    /** SentencePiece's visible space, U+2581. */
    static final char SPACE = '▁';

    private final Vocabulary vocabulary;
    private final VocabularyIndex index;
    private final int[] byteIds = new int[256];
    private final byte[][] pieces;

    public SentencePieceTokenizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.index = new VocabularyIndex(vocabulary);
        HexFormat hex = HexFormat.of().withUpperCase();
        for (int b = 0; b < 256; b++) {
            int id = index.id("<0x" + hex.toHexDigits((byte) b) + ">");
            // Without byte pieces llama.cpp falls back to an ASCII byte as a piece of its own; past that
            // the byte can only be <unk> (or dropped when there is no <unk>).
            if (id < 0 && b < 0x80) {
                id = index.id(String.valueOf((char) b));
            }
            byteIds[b] = id >= 0 ? id : vocabulary.unknownId();
        }
        this.pieces = new byte[vocabulary.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = piece(vocabulary, id);
        }
    }

    private static byte[] piece(Vocabulary vocabulary, int id) {
        String text = vocabulary.token(id);
        TokenType type = vocabulary.tokenType(id);
        // llama2.c's tokenizer.bin has no types: its byte pieces are known by their spelling alone.
        // A "byte" whose text is not <0xNN> (a broken file) is shown as text rather than failing.
        if ((type == TokenType.BYTE || vocabulary.tokenTypes() == null) && isBytePiece(text)) {
            return new byte[] {(byte) HexFormat.fromHexDigits(text, 3, 5)};
        }
        return switch (type) {
            case CONTROL, USER_DEFINED, UNKNOWN -> text.getBytes(StandardCharsets.UTF_8);
            case UNUSED -> new byte[0];
            default -> text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    private static boolean isBytePiece(String text) {
        return text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")
                && HexFormat.isHexDigit(text.charAt(3)) && HexFormat.isHexDigit(text.charAt(4));
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public int[] encodeText(String text, boolean parseSpecial) {
        IntList out = new IntList();
        // Text at the start or right after a special token gets the space prefix, as in llama.cpp.
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment fragment : index.splitter.split(text, parseSpecial)) {
            if (!fragment.isText()) {
                out.add(fragment.token());
                afterSpecial = true;
                continue;
            }
            String raw = text.substring(fragment.start(), fragment.end());
            String prefixed = vocabulary.addSpacePrefix() && afterSpecial ? " " + raw : raw;
            encodePiece(prefixed.replace(' ', SPACE), out);
            afterSpecial = false;
        }
        return out.toArray();
    }

    @Override
    public byte[] decodeBytes(int token) {
        if (token < 0 || token >= pieces.length) {
            throw new IllegalArgumentException("token id " + token + " outside vocabulary of " + pieces.length);
        }
        return pieces[token].clone();
    }

    @Override
    public boolean isEndOfGeneration(int token) {
        return index.isEndOfGeneration(token);
    }

    /**
     * Merges one stretch of escaped text. Symbols are char ranges [start, start + length) linked through
     * prev/next, one per code point at first. The queue orders candidates by (score descending, left
     * index); a popped candidate is used only if the pair now at that position still forms a piece of
     * that score, so candidates made stale by earlier merges fall away.
     */
    private void encodePiece(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) {
            return;
        }
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            int chars = Character.charCount(text.codePointAt(at));
            start[i] = at;
            length[i] = chars;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            at += chars;
        }
        LongHeap queue = new LongHeap();
        for (int i = 1; i < n; i++) {
            offer(queue, text, start, length, i - 1, i);
        }
        while (!queue.isEmpty()) {
            long candidate = queue.pop();
            int left = (int) candidate;
            int right = next[left];
            if (length[left] == 0 || right < 0) {
                continue;
            }
            int id = index.id(text.substring(start[left], start[right] + length[right]));
            if (id < 0 || priority(vocabulary.score(id)) != (int) (candidate >>> 32)) {
                continue;
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            offer(queue, text, start, length, prev[left], left);
            offer(queue, text, start, length, left, next[left]);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String symbol = text.substring(start[i], start[i] + length[i]);
            int id = index.id(symbol);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                if (byteIds[b & 0xFF] >= 0) {
                    out.add(byteIds[b & 0xFF]);
                }
            }
        }
    }

    private void offer(LongHeap queue, String text, int[] start, int[] length, int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        int id = index.id(text.substring(start[left], start[right] + length[right]));
        if (id >= 0) {
            queue.push(((long) priority(vocabulary.score(id)) << 32) | left);
        }
    }

    /**
     * A score as an int that sorts the opposite way, so the min-heap pops the highest score first:
     * IEEE bits made monotonic for negative floats, then inverted (no overflow, unlike negation).
     * Adding 0 turns -0.0 into 0.0, which compare equal in llama.cpp (llama2.c vocabularies have both).
     */
    private static int priority(float score) {
        int bits = Float.floatToIntBits(score + 0.0f);
        return ~(bits ^ ((bits >> 31) & 0x7FFFFFFF));
    }
}
