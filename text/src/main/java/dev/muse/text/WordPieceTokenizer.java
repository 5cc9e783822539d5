package dev.muse.text;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's tokenizer as Hugging Face's tokenizers library runs it from a {@code tokenizer.json} whose model is WordPiece:
 * the BertNormalizer (control characters dropped, whitespace made spaces, CJK ideographs set apart, lowercased and accents
 * stripped when the file says so), the BertPreTokenizer (split on whitespace and around every punctuation character),
 * then greedy longest-match-first WordPiece with its continuing-subword prefix ({@code ##}), a word longer than
 * {@code max_input_chars_per_word} or with no match becoming {@code [UNK]}; a single text is framed as
 * {@code [CLS] ... [SEP]} and cut to fit {@link #encode}'s length.
 */
public final class WordPieceTokenizer {
    private final Map<String, Integer> vocab;
    private final int unk, cls, sep, maxCharsPerWord;
    private final String prefix;
    private final boolean lowercase, stripAccents, chineseChars, cleanText;

    private WordPieceTokenizer(Map<String, Integer> vocab, int unk, int cls, int sep, int maxCharsPerWord, String prefix, boolean lowercase,
                               boolean stripAccents, boolean chineseChars, boolean cleanText) {
        this.vocab = vocab;
        this.unk = unk;
        this.cls = cls;
        this.sep = sep;
        this.maxCharsPerWord = maxCharsPerWord;
        this.prefix = prefix;
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.chineseChars = chineseChars;
        this.cleanText = cleanText;
    }

    /** Reads a tokenizer.json whose model is WordPiece (a FormatException for any other). */
    public static WordPieceTokenizer fromJson(String json, String where) {
        if (!(JsonValues.parse(json, where) instanceof Map<?, ?> root) || !(root.get("model") instanceof Map<?, ?> model))
            throw new FormatException(where + " is not a tokenizer.json");
        if (!"WordPiece".equals(model.get("type"))) throw new FormatException(where + ": the model is " + model.get("type") + ", not WordPiece");
        if (!(model.get("vocab") instanceof Map<?, ?> entries) || entries.isEmpty()) throw new FormatException(where + ": the WordPiece vocabulary is missing");
        Map<String, Integer> vocab = new HashMap<>(entries.size() * 2);
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) throw new FormatException(where + ": the token " + e.getKey() + " has the id " + e.getValue());
            vocab.put((String) e.getKey(), id.intValue());
        }
        Map<?, ?> normalizer = root.get("normalizer") instanceof Map<?, ?> n ? n : Map.of();
        if (!normalizer.isEmpty() && !"BertNormalizer".equals(normalizer.get("type")))
            throw new FormatException(where + ": the normalizer " + normalizer.get("type") + " is not supported (BertNormalizer is)");
        boolean lowercase = !Boolean.FALSE.equals(normalizer.get("lowercase"));
        // strip_accents: null means "as lowercase says", as in the tokenizers library
        boolean strip = normalizer.get("strip_accents") instanceof Boolean b ? b : lowercase;
        String unk = model.get("unk_token") instanceof String s ? s : "[UNK]";
        String prefix = model.get("continuing_subword_prefix") instanceof String s ? s : "##";
        int maxChars = model.get("max_input_chars_per_word") instanceof Long l ? (int) Math.min(l, 10_000) : 100;
        return new WordPieceTokenizer(vocab, id(vocab, unk, where), id(vocab, "[CLS]", where), id(vocab, "[SEP]", where), maxChars, prefix,
                lowercase, strip, !Boolean.FALSE.equals(normalizer.get("handle_chinese_chars")), !Boolean.FALSE.equals(normalizer.get("clean_text")));
    }

    private static int id(Map<String, Integer> vocab, String token, String where) {
        Integer id = vocab.get(token);
        if (id == null) throw new FormatException(where + ": the vocabulary lacks " + token);
        return id;
    }

    public int vocabularySize() {
        return vocab.size();
    }

    /** {@code [CLS] text [SEP]}, the text's tokens cut after {@code maxLength - 2} (maxLength >= 2). */
    public int[] encode(String text, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("a BERT input holds at least [CLS] and [SEP]");
        List<Integer> ids = new ArrayList<>();
        ids.add(cls);
        for (String word : words(normalize(text))) {
            if (ids.size() >= maxLength - 1) break;
            wordPiece(word, ids);
        }
        while (ids.size() > maxLength - 1) ids.removeLast();
        ids.add(sep);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** How many tokens the text has, without [CLS] and [SEP] and without a cut. */
    public int count(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String word : words(normalize(text))) wordPiece(word, ids);
        return ids.size();
    }

    /** BertNormalizer. */
    String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (cleanText && (c == 0 || c == 0xFFFD || isControl(c))) return;
            if (cleanText && isWhitespace(c)) {
                out.append(' ');
                return;
            }
            if (chineseChars && isChinese(c)) out.append(' ').appendCodePoint(c).append(' ');
            else out.appendCodePoint(c);
        });
        String s = out.toString();
        if (stripAccents) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder kept = new StringBuilder(s.length());
            s.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK).forEach(kept::appendCodePoint);
            s = kept.toString();
        }
        return lowercase ? s.toLowerCase(java.util.Locale.ROOT) : s;
    }

    /** BertPreTokenizer: whitespace separates words, and every punctuation character is a word of its own. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isWhitespace(c)) {
                flush(word, words);
            } else if (isPunctuation(c)) {
                flush(word, words);
                words.add(new String(Character.toChars(c)));
            } else word.appendCodePoint(c);
        });
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) words.add(word.toString());
        word.setLength(0);
    }

    /** Greedy longest-match-first pieces of one word; the whole word becomes [UNK] when any part has no match. */
    private void wordPiece(String word, List<Integer> ids) {
        if (word.codePointCount(0, word.length()) > maxCharsPerWord) {
            ids.add(unk);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String piece = (start > 0 ? prefix : "") + word.substring(start, end);
                found = vocab.get(piece);
                if (found != null) break;
                end = Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 >= start ? end - 2 : end - 1;
            }
            if (found == null) {
                ids.add(unk);
                return;
            }
            pieces.add(found);
            start = end;
        }
        ids.addAll(pieces);
    }

    /** Unicode's White_Space (the control characters among them are dropped before this is asked). */
    private static boolean isWhitespace(int c) {
        return c == '\t' || c == '\n' || c == '\r' || Character.isSpaceChar(c);
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || type == Character.UNASSIGNED;
    }

    /** ASCII symbols count as punctuation too ($, +, ^, ...), as in BERT's original tokenizer. */
    private static boolean isPunctuation(int c) {
        if (c >= 33 && c <= 47 || c >= 58 && c <= 64 || c >= 91 && c <= 96 || c >= 123 && c <= 126) return true;
        int type = Character.getType(c);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION || type == Character.START_PUNCTUATION
                || type == Character.END_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideographs blocks BERT sets apart. */
    private static boolean isChinese(int c) {
        return c >= 0x4E00 && c <= 0x9FFF || c >= 0x3400 && c <= 0x4DBF || c >= 0x20000 && c <= 0x2A6DF || c >= 0x2A700 && c <= 0x2B73F
                || c >= 0x2B740 && c <= 0x2B81F || c >= 0x2B820 && c <= 0x2CEAF || c >= 0xF900 && c <= 0xFAFF || c >= 0x2F800 && c <= 0x2FA1F;
    }
}
