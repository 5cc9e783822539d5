package dev.muse.text;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's tokenizer, which turns a diffusion model's prompt into the text encoder's 77 ids: byte-level BPE whose word
 * ends carry a {@code </w>} suffix, over lowercased, whitespace-collapsed, NFC-normalised text split by CLIP's own
 * pattern. Its ids are those of OpenAI's {@code simple_tokenizer.py} and of Hugging Face's CLIPTokenizerFast (what
 * diffusers folders ship as {@code tokenizer/}). Two things OpenAI's original does are left out, as the fast tokenizer
 * and stable-diffusion.cpp leave them out: ftfy's repair of mis-decoded text (beyond NFC) and HTML-entity unescaping.
 *
 * <p>The vocabulary is built from the merges alone, as OpenAI builds it: the 256 byte characters, the same with
 * {@code </w>}, one piece per merge, then {@code <|startoftext|>} and {@code <|endoftext|>}.
 */
public final class ClipTokenizer {
    /** Ids the text encoder reads: start, at most {@link #MAX_PROMPT_TOKENS} prompt tokens, end, padding. */
    public static final int CONTEXT = 77;
    public static final int MAX_PROMPT_TOKENS = CONTEXT - 2;
    /** Merges in CLIP's vocabulary: 49152 - 256 - 2 (the first line of the merges file is a version comment). */
    public static final int MERGES = 48_894;
    public static final String START = "<|startoftext|>", END = "<|endoftext|>";
    private static final String WORD_END = "</w>";
    /** Distinct words cached before the cache starts over. */
    private static final int WORD_CACHE_LIMIT = 1 << 14;
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private final Map<String, Integer> ids;
    private final String[] pieces;
    /** "left right" -> rank (lower merges first). */
    private final Map<String, Integer> ranks;
    private final int startId, endId;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    private ClipTokenizer(String[] pieces, List<String> merges) {
        this.pieces = pieces;
        this.ids = new HashMap<>(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            if (ids.putIfAbsent(pieces[id], id) != null) throw new IllegalArgumentException("the CLIP vocabulary lists " + pieces[id] + " twice");
        }
        this.ranks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) ranks.putIfAbsent(merges.get(rank), rank);
        this.startId = id(START);
        this.endId = id(END);
    }

    /**
     * From a merges file as OpenAI ({@code bpe_simple_vocab_16e6.txt}) and Hugging Face ({@code merges.txt}) write it:
     * a version line, then "left right" lines, of which CLIP uses the first {@link #MERGES}, as OpenAI does.
     */
    public static ClipTokenizer fromMerges(String mergesFile) {
        List<String> merges = mergeLines(mergesFile);
        return new ClipTokenizer(vocabulary(merges).toArray(String[]::new), merges);
    }

    /**
     * The vocabulary OpenAI builds from merges ("left right" lines), in id order: the 256 byte characters, the same with
     * {@code </w>}, one piece per merge, then the start and end pieces. A diffusers vocab.json lists the same.
     */
    public static List<String> vocabulary(List<String> merges) {
        List<String> pieces = new ArrayList<>(256 * 2 + merges.size() + 2);
        for (int b : byteOrder()) pieces.add(String.valueOf(ByteLevel.encode(b)));
        for (int i = 0; i < 256; i++) pieces.add(pieces.get(i) + WORD_END);
        for (String merge : merges) pieces.add(merge.replace(" ", ""));
        pieces.add(START);
        pieces.add(END);
        return pieces;
    }

    /**
     * From a diffusers {@code tokenizer/} folder's {@code vocab.json} (piece -> id, read by the caller) and
     * {@code merges.txt}: the ids must be 0..n-1 with the two special pieces present.
     */
    public static ClipTokenizer fromVocabulary(Map<String, Integer> vocabulary, String mergesFile) {
        String[] pieces = new String[vocabulary.size()];
        for (Map.Entry<String, Integer> e : vocabulary.entrySet()) {
            int id = e.getValue();
            if (id < 0 || id >= pieces.length || pieces[id] != null) {
                throw new IllegalArgumentException("vocab.json gives " + e.getKey() + " the id " + id + ": ids must be 0.." + (pieces.length - 1) + ", once each");
            }
            pieces[id] = e.getKey();
        }
        return new ClipTokenizer(pieces, mergeLines(mergesFile));
    }

    private static List<String> mergeLines(String mergesFile) {
        String[] lines = mergesFile.split("\n", -1);
        // OpenAI's file begins "bpe_simple_vocab_16e6.txt#version: 0.2", Hugging Face's "#version: 0.2"
        if (!lines[0].contains("#version")) throw new IllegalArgumentException("a CLIP merges file starts with a #version line");
        if (lines.length - 1 < MERGES) throw new IllegalArgumentException("a CLIP merges file has " + MERGES + " merges; this one has " + (lines.length - 1));
        List<String> merges = Arrays.asList(lines).subList(1, 1 + MERGES);
        for (String merge : merges) {
            int space = merge.indexOf(' ');
            if (space <= 0 || space != merge.lastIndexOf(' ') || space == merge.length() - 1) {
                throw new IllegalArgumentException("CLIP merge \"" + merge + "\" is not \"left right\"");
            }
        }
        return merges;
    }

    /** bytes_to_unicode's order: the printable bytes first, then the others (their characters U+0100 onwards). */
    private static int[] byteOrder() {
        int[] order = new int[256];
        int n = 0;
        for (int b = 0; b < 256; b++) if (ByteLevel.encode(b) == b) order[n++] = b;
        for (int b = 0; b < 256; b++) if (ByteLevel.encode(b) != b) order[n++] = b;
        return order;
    }

    public int size() { return pieces.length; }

    /** A piece as the vocabulary spells it (byte-level characters, {@code </w>} at word ends). */
    public String piece(int id) {
        if (id < 0 || id >= pieces.length) throw new IllegalArgumentException("token id " + id + " outside CLIP's vocabulary of " + pieces.length);
        return pieces[id];
    }

    public int startId() { return startId; }

    public int endId() { return endId; }

    /** The id of a vocabulary piece (padding is named by piece in tokenizer configs: "!" or "<|endoftext|>"). */
    public int id(String piece) {
        Integer id = ids.get(piece);
        if (id == null) throw new IllegalArgumentException("the CLIP vocabulary has no piece " + piece);
        return id;
    }

    /** The text as CLIP normalises it: NFC, whitespace runs as one space, trimmed, lowercased. */
    public static String normalize(String text) {
        String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        return WHITESPACE.matcher(nfc).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    /** The prompt's ids alone, no start or end (the literal texts of the two special pieces become those pieces). */
    public int[] encode(String text) {
        IntList out = new IntList();
        Matcher words = WORDS.matcher(normalize(text));
        while (words.find()) out.addAll(encodeWord(words.group()));
        return out.toArray();
    }

    /**
     * What the text encoder reads: start, the prompt's first {@link #MAX_PROMPT_TOKENS} ids, end, then {@code padId}
     * up to {@link #CONTEXT}. {@link #encode} tells whether the prompt was cut.
     */
    public int[] conditioning(String prompt, int padId) {
        int[] tokens = encode(prompt);
        int kept = Math.min(tokens.length, MAX_PROMPT_TOKENS);
        int[] out = new int[CONTEXT];
        Arrays.fill(out, padId);
        out[0] = startId;
        System.arraycopy(tokens, 0, out, 1, kept);
        out[kept + 1] = endId;
        return out;
    }

    /** The text of some ids, word ends as spaces (the special pieces' text is printable ASCII, spelled as itself). */
    public String decode(int[] tokens) {
        StringBuilder spelled = new StringBuilder();
        for (int id : tokens) spelled.append(piece(id));
        return new String(ByteLevel.decode(spelled.toString().replace(WORD_END, " ")), StandardCharsets.UTF_8);
    }

    private int[] encodeWord(String word) {
        int[] cached = wordCache.get(word);
        if (cached != null) return cached;
        int[] result = bpe(word);
        if (wordCache.size() >= WORD_CACHE_LIMIT) wordCache.clear();
        wordCache.put(word, result);
        return result;
    }

    /** OpenAI's merge loop: apply the lowest-ranked adjacent pair everywhere in the word, until none is listed. */
    private int[] bpe(String word) {
        if (word.equals(START) || word.equals(END)) return new int[] {ids.get(word)};
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(utf8.length);
        for (byte b : utf8) symbols.add(String.valueOf(ByteLevel.encode(b)));
        symbols.set(symbols.size() - 1, symbols.getLast() + WORD_END);
        while (symbols.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null, second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (rank != null && rank < best) {
                    best = rank;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        int[] out = new int[symbols.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(symbols.get(i));
        return out;
    }
}
