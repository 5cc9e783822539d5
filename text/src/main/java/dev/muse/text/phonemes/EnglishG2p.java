package dev.muse.text.phonemes;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English text to Kokoro's phonemes, after misaki's G2P (hexgrad/misaki, en.py), the phonemizer Kokoro was trained
 * with, over its gold and silver dictionaries ({@code us_gold.json}, {@code us_silver.json}, or the {@code gb_}
 * pair for British English). Words are tokenized ({@link EnglishTokenizer}), cut into sub-tokens (numbers, letters,
 * marks), and looked up from the end of the text backwards, so that each knows what follows it ("the" before a vowel);
 * a run of sub-tokens without spaces is tried whole, then in ever shorter pieces. Markdown links give a word its own
 * pronunciation or stress: {@code [Kokoro](/kˈOkəɹO/)}, {@code [read](+2)}. A word the lexicon cannot say is spelled
 * out letter by letter.
 */
public final class EnglishG2p {
    /** The longest phoneme string Kokoro says at once. */
    public static final int MAX_PHONEMES = 510;

    /** A piece of text and its phonemes, short enough to say at once. */
    public record Chunk(String text, String phonemes) {}

    private static final Pattern SUBTOKEN = Pattern.compile("^['‘’]+|\\p{Lu}(?=\\p{Lu}\\p{Ll})|(?:^-)?(?:\\d?[,.]?\\d)+|[-_]+|['‘’]{2,}"
            + "|\\p{L}*?(?:['‘’]\\p{L})*?\\p{Ll}(?=\\p{Lu})|\\p{L}+(?:['‘’]\\p{L})*|[^-_\\p{L}'‘’\\d]|['‘’]+$");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^\\)]*)\\)");
    private static final String JUNKS = "',-._‘’/", PUNCTS = ";:,.!?—…\"“”", NON_QUOTE_PUNCTS = ";:,.!?—…";
    private static final Set<String> PUNCT_TAGS = Set.of(".", ",", "-LRB-", "-RRB-", "``", "\"\"", "''", ":", "$", "#", "NFP");
    private static final Map<String, String> PUNCT_TAG_PHONEMES = Map.of("-LRB-", "(", "-RRB-", ")", "``", "\u201c", "\"\"", "\u201d", "''", "\u201d");
    private static final Set<String> CURRENCY_SYMBOLS = Set.of("$", "£", "€");
    /** The largest lexicon file read (misaki's are about 3 MB each). */
    private static final long MAX_LEXICON_BYTES = 64L << 20;

    private final MisakiLexicon lexicon;
    private final boolean british;

    EnglishG2p(MisakiLexicon lexicon, boolean british) {
        this.lexicon = lexicon;
        this.british = british;
    }

    /** Reads misaki's dictionaries ({@code us_gold.json} and {@code us_silver.json}, or {@code gb_...}) from {@code folder}. */
    public static EnglishG2p load(Path folder, boolean british) throws IOException {
        String prefix = british ? "gb_" : "us_";
        return new EnglishG2p(new MisakiLexicon(dictionary(folder.resolve(prefix + "gold.json")), dictionary(folder.resolve(prefix + "silver.json")),
                british), british);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dictionary(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new FormatException(file.getFileName() + " is missing (Kokoro's English lexicon: muse pull kokoro brings it)");
        if (Files.size(file) > MAX_LEXICON_BYTES) throw new FormatException(file.getFileName() + " is " + Files.size(file) + " bytes: not a lexicon");
        if (!(JsonValues.parse(Files.readString(file), file.getFileName().toString()) instanceof Map<?, ?> entries))
            throw new FormatException(file.getFileName() + " is not a JSON object");
        for (var e : entries.entrySet()) {
            boolean ok = e.getValue() instanceof String || (e.getValue() instanceof Map<?, ?> byTag && byTag.get("DEFAULT") instanceof String
                    && byTag.values().stream().allMatch(v -> v == null || v instanceof String));
            if (!ok) throw new FormatException(file.getFileName() + ": the entry for \"" + e.getKey() + "\" is neither phonemes nor phonemes by part of speech");
        }
        return (Map<String, Object>) entries;
    }

    /** The text's phonemes, as misaki gives them. */
    public String phonemize(String text) {
        StringBuilder out = new StringBuilder();
        for (Token t : tokens(text)) out.append(t.phonemes == null ? "" : t.phonemes).append(t.whitespace);
        return out.toString();
    }

    /** The text cut where it may be (sentence ends first, then clauses) into chunks of at most {@link #MAX_PHONEMES} phonemes. */
    public List<Chunk> chunks(String text) {
        return chunks(text, MAX_PHONEMES, MAX_PHONEMES);
    }

    /**
     * The text in chunks of at most {@code limit} phonemes (up to {@link #MAX_PHONEMES}), the first of at most
     * {@code first}, each cut after the last sentence end that keeps the rest within the limit, else the last clause
     * mark, else the last comma or dash, else before the word that would pass it. Smaller limits give shorter chunks;
     * a short first one can be said soonest.
     */
    public List<Chunk> chunks(String text, int first, int limit) {
        if (limit < 1 || limit > MAX_PHONEMES || first < 1 || first > limit)
            throw new IllegalArgumentException("chunks of " + first + " then " + limit + " phonemes: 1.." + MAX_PHONEMES + ", the first no longer");
        List<Chunk> chunks = new ArrayList<>();
        List<Token> pending = new ArrayList<>();
        int count = 0;
        for (Token t : tokens(text)) {
            if (t.phonemes == null) t.phonemes = "";
            String next = t.phonemes + (t.whitespace.isEmpty() ? "" : " ");
            int nextCount = count + next.stripTrailing().length();
            int cap = chunks.isEmpty() ? first : limit;
            if (nextCount > cap && !pending.isEmpty()) {
                int cut = cutPoint(pending, nextCount, cap);
                chunks.add(chunk(pending.subList(0, cut)));
                pending = new ArrayList<>(pending.subList(cut, pending.size()));
                count = phonemes(pending).length();
                if (pending.isEmpty()) next = next.stripLeading();
            }
            pending.add(t);
            count += next.length();
        }
        if (!pending.isEmpty()) chunks.add(chunk(pending));
        chunks.removeIf(c -> c.phonemes().isEmpty());
        return chunks;
    }

    /** Where to cut: after the last sentence end, else clause mark, else comma or dash, that leaves the rest short enough. */
    private static int cutPoint(List<Token> tokens, int nextCount, int limit) {
        for (String marks : new String[] {"!.?…", ":;", ",—"}) {
            int z = -1;
            for (int i = tokens.size() - 1; i >= 0; i--)
                if (tokens.get(i).phonemes.length() == 1 && marks.indexOf(tokens.get(i).phonemes.charAt(0)) >= 0) {
                    z = i;
                    break;
                }
            if (z < 0) continue;
            z++;
            if (z < tokens.size() && (tokens.get(z).phonemes.equals(")") || tokens.get(z).phonemes.equals("\u201d"))) z++;
            if (nextCount - phonemes(tokens.subList(0, z)).length() <= limit) return z;
        }
        return tokens.size();
    }

    private static Chunk chunk(List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        for (Token t : tokens) text.append(t.text).append(t.whitespace);
        String ps = phonemes(tokens);
        return new Chunk(text.toString().strip(), ps.length() > MAX_PHONEMES ? ps.substring(0, MAX_PHONEMES) : ps);
    }

    private static String phonemes(List<Token> tokens) {
        StringBuilder ps = new StringBuilder();
        for (Token t : tokens) ps.append(t.phonemes == null ? "" : t.phonemes).append(t.whitespace.isEmpty() ? "" : " ");
        return ps.toString().strip();
    }

    /** The tokens with their phonemes decided (null where nothing could be said). */
    List<Token> tokens(String text) {
        List<Object> words = retokenize(foldLeft(preprocess(text)));
        MisakiLexicon.Context ctx = MisakiLexicon.Context.NONE;
        for (int i = words.size() - 1; i >= 0; i--) {
            if (words.get(i) instanceof Token w) {
                if (w.phonemes == null) say(w, lexicon.phonemes(w, ctx));
                if (w.phonemes == null) w.phonemes = spelled(w.alias == null ? w.text : w.alias);
                ctx = context(ctx, w.phonemes, w);
                continue;
            }
            @SuppressWarnings("unchecked") List<Token> w = (List<Token>) words.get(i);
            ctx = resolveRun(w, ctx);
        }
        List<Token> out = new ArrayList<>();
        for (Object w : words) {
            @SuppressWarnings("unchecked") Token t = w instanceof Token one ? one : merge((List<Token>) w, "");
            if (t.phonemes != null) t.phonemes = t.phonemes.replace('ɾ', 'T').replace('ʔ', 't');
            out.add(t);
        }
        return out;
    }

    private static void say(Token t, MisakiLexicon.Result r) {
        if (r == null) return;
        t.phonemes = r.phonemes();
        t.rating = r.rating();
    }

    /** A run of sub-tokens with no space between them: the longest known stretch from the right end, then the rest. */
    private MisakiLexicon.Context resolveRun(List<Token> w, MisakiLexicon.Context ctx) {
        int left = 0, right = w.size();
        boolean spell = false;
        while (left < right) {
            boolean decided = false;
            for (Token t : w.subList(left, right)) decided |= t.alias != null || t.phonemes != null;
            Token merged = decided ? null : merge(w.subList(left, right), null);
            MisakiLexicon.Result r = merged == null ? null : lexicon.phonemes(merged, ctx);
            if (r != null && r.phonemes() != null) {
                w.get(left).phonemes = r.phonemes();
                w.get(left).rating = r.rating();
                for (Token x : w.subList(left + 1, right)) x.phonemes = "";
                ctx = context(ctx, r.phonemes(), merged);
                right = left;
                left = 0;
            } else if (left + 1 < right) left++;
            else {
                right--;
                Token t = w.get(right);
                if (t.phonemes == null) {
                    if (allJunk(t.text)) {
                        t.phonemes = "";
                        t.rating = 3;
                    } else {
                        spell = true;
                        break;
                    }
                }
                left = 0;
            }
        }
        if (spell) {
            Token merged = merge(w, null);
            w.getFirst().phonemes = spelled(merged.text);
            for (Token x : w.subList(1, w.size())) x.phonemes = "";
            return context(ctx, w.getFirst().phonemes, merged);
        }
        resolve(w);
        return ctx;
    }

    /** A word the lexicon cannot say, said letter by letter (misaki would ask espeak or a neural model, which are not here). */
    private String spelled(String word) {
        StringBuilder ps = new StringBuilder();
        for (char c : word.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) continue;
            Token letter = new Token(String.valueOf(Character.toUpperCase(c)), "NNP", "");
            MisakiLexicon.Result r = lexicon.phonemes(letter, MisakiLexicon.Context.NONE);
            if (r != null && r.phonemes() != null) ps.append(ps.isEmpty() ? "" : " ").append(r.phonemes());
        }
        return ps.isEmpty() ? null : ps.toString();
    }

    private static boolean allJunk(String text) {
        for (int i = 0; i < text.length(); i++) if (JUNKS.indexOf(text.charAt(i)) < 0) return false;
        return true;
    }

    /** What follows, for the word before this one: whether its next sound is a vowel, and whether it is "to". */
    private static MisakiLexicon.Context context(MisakiLexicon.Context ctx, String ps, Token token) {
        Boolean vowel = ctx.futureVowel();
        if (ps != null)
            for (int i = 0; i < ps.length(); i++) {
                char c = ps.charAt(i);
                boolean punct = NON_QUOTE_PUNCTS.indexOf(c) >= 0;
                if (Stress.isVowel(c) || Stress.CONSONANTS.indexOf(c) >= 0 || punct) {
                    vowel = punct ? null : Stress.isVowel(c);
                    break;
                }
            }
        boolean to = token.text.equals("to") || token.text.equals("To") || (token.text.equals("TO") && ("TO".equals(token.tag) || "IN".equals(token.tag)));
        return new MisakiLexicon.Context(vowel, to);
    }

    /** A run's marks and spacing settled, and its stresses balanced when it is one compound word. */
    private static void resolve(List<Token> tokens) {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) all.append(tokens.get(i).text).append(i < tokens.size() - 1 ? tokens.get(i).whitespace : "");
        String text = all.toString();
        Set<Integer> kinds = new HashSet<>();
        for (char c : text.toCharArray()) if (JUNKS.indexOf(c) < 0) kinds.add(Character.isLetter(c) ? 0 : MisakiLexicon.isDigits(String.valueOf(c)) ? 1 : 2);
        boolean prespace = text.contains(" ") || text.contains("/") || kinds.size() > 1;
        for (int i = 0; i < tokens.size(); i++) {
            Token tk = tokens.get(i);
            if (tk.phonemes == null) {
                if (i == tokens.size() - 1 && tk.text.length() == 1 && NON_QUOTE_PUNCTS.contains(tk.text)) {
                    tk.phonemes = tk.text;
                    tk.rating = 3;
                } else if (allJunk(tk.text)) {
                    tk.phonemes = "";
                    tk.rating = 3;
                }
            } else if (i > 0) tk.prespace = prespace;
        }
        if (prespace) return;
        List<int[]> indices = new ArrayList<>(); // {has primary, weight, index}
        for (int i = 0; i < tokens.size(); i++) {
            String ps = tokens.get(i).phonemes;
            if (ps != null && !ps.isEmpty()) indices.add(new int[] {ps.indexOf(Stress.PRIMARY) >= 0 ? 1 : 0, Stress.weight(ps), i});
        }
        if (indices.size() == 2 && tokens.get(indices.get(0)[2]).text.length() == 1) {
            Token second = tokens.get(indices.get(1)[2]);
            second.phonemes = Stress.apply(second.phonemes, -0.5);
            return;
        }
        int primaries = 0;
        for (int[] x : indices) primaries += x[0];
        if (indices.size() < 2 || primaries <= (indices.size() + 1) / 2) return;
        indices.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : a[1] != b[1] ? Integer.compare(a[1], b[1]) : Integer.compare(a[2], b[2]));
        for (int[] x : indices.subList(0, indices.size() / 2)) tokens.get(x[2]).phonemes = Stress.apply(tokens.get(x[2]).phonemes, -0.5);
    }

    /** Tokens as one (misaki's merge_tokens); with {@code unknown} non-null, their phonemes joined, unknown ones as it. */
    private static Token merge(List<Token> tokens, String unknown) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) text.append(tokens.get(i).text).append(i < tokens.size() - 1 ? tokens.get(i).whitespace : "");
        Token best = tokens.getFirst();
        int bestWeight = -1;
        for (Token t : tokens) {
            int weight = 0;
            for (char c : t.text.toCharArray()) weight += Character.toLowerCase(c) == c ? 1 : 2;
            if (weight > bestWeight) {
                bestWeight = weight;
                best = t;
            }
        }
        Token merged = new Token(text.toString(), best.tag, tokens.getLast().whitespace);
        Set<Double> stresses = new HashSet<>();
        String currency = null;
        Set<Character> flags = new java.util.TreeSet<>();
        Integer rating = Integer.MAX_VALUE;
        for (Token t : tokens) {
            if (t.stress != null) stresses.add(t.stress);
            if (t.currency != null && (currency == null || t.currency.compareTo(currency) > 0)) currency = t.currency;
            for (char c : t.numFlags.toCharArray()) flags.add(c);
            rating = rating == null || t.rating == null ? null : Math.min(rating, t.rating);
        }
        merged.head = tokens.getFirst().head;
        merged.stress = stresses.size() == 1 ? stresses.iterator().next() : null;
        merged.currency = currency;
        merged.numFlags = flags.stream().map(String::valueOf).reduce("", String::concat);
        merged.prespace = tokens.getFirst().prespace;
        merged.rating = rating;
        if (unknown != null) {
            StringBuilder ps = new StringBuilder();
            for (Token t : tokens) {
                if (t.prespace && !ps.isEmpty() && !Character.isWhitespace(ps.charAt(ps.length() - 1)) && t.phonemes != null && !t.phonemes.isEmpty()) ps.append(' ');
                ps.append(t.phonemes == null ? unknown : t.phonemes);
            }
            merged.phonemes = ps.toString();
        }
        return merged;
    }

    /** The text with its markdown links read: a link's target may give the word's phonemes (/.../), stress (a number) or number reading (#...#). */
    private static List<Token> preprocess(String text) {
        text = text.stripLeading();
        StringBuilder plain = new StringBuilder();
        List<int[]> links = new ArrayList<>(); // {start, end} in plain
        List<Object> features = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        int last = 0;
        while (m.find()) {
            plain.append(text, last, m.start());
            Object feature = feature(m.group(2));
            if (feature != null) {
                links.add(new int[] {plain.length(), plain.length() + m.group(1).length()});
                features.add(feature);
            }
            plain.append(m.group(1));
            last = m.end();
        }
        plain.append(text.substring(last));
        List<Token> tokens = EnglishTokenizer.tokenize(plain.toString());
        if (links.isEmpty()) return tokens;
        // each token's position in the plain text decides which link, if any, it belongs to
        int at = 0;
        String s = plain.toString();
        int[] firstOfLink = new int[links.size()];
        java.util.Arrays.fill(firstOfLink, -1);
        for (int i = 0; i < tokens.size(); i++) {
            Token tk = tokens.get(i);
            int start = s.indexOf(tk.text, at);
            at = start + tk.text.length();
            for (int l = 0; l < links.size(); l++) {
                if (start < links.get(l)[0] || at > links.get(l)[1]) continue;
                boolean first = firstOfLink[l] < 0;
                if (first) firstOfLink[l] = i;
                switch (features.get(l)) {
                    case Double stress -> tk.stress = stress;
                    case String f when f.startsWith("/") -> {
                        tk.head = first;
                        tk.phonemes = first ? f.substring(1) : "";
                        tk.rating = 5;
                    }
                    case String f -> tk.numFlags = f.substring(1);
                    default -> {}
                }
            }
        }
        return tokens;
    }

    /** A link target's meaning: a stress (a number, or ±0.5), phonemes ("/.../"), number flags ("#...#"), or nothing. */
    private static Object feature(String f) {
        String digits = f.startsWith("-") || f.startsWith("+") ? f.substring(1) : f;
        if (MisakiLexicon.isDigits(digits) && digits.length() < 3) return Double.valueOf(Integer.parseInt(f.startsWith("+") ? digits : f));
        if (f.equals("0.5") || f.equals("+0.5")) return 0.5;
        if (f.equals("-0.5")) return -0.5;
        if (f.length() > 1 && f.startsWith("/") && f.endsWith("/")) return "/" + f.substring(1).replaceAll("/+$", "");
        if (f.length() > 1 && f.startsWith("#") && f.endsWith("#")) return "#" + f.substring(1).replaceAll("#+$", "");
        return null;
    }

    /** Tokens that continue a word the text gave phonemes for are joined to it (misaki's fold_left). */
    private static List<Token> foldLeft(List<Token> tokens) {
        List<Token> out = new ArrayList<>();
        for (Token tk : tokens) {
            if (!out.isEmpty() && !tk.head) tk = merge(List.of(out.removeLast(), tk), "");
            out.add(tk);
        }
        return out;
    }

    /** Tokens cut into sub-tokens (numbers, letter runs, marks); runs without spaces between them become lists. */
    private List<Object> retokenize(List<Token> tokens) {
        List<Object> words = new ArrayList<>();
        String currency = null;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            List<Token> tks = new ArrayList<>();
            if (token.alias == null && token.phonemes == null) {
                Matcher m = SUBTOKEN.matcher(token.text);
                while (m.find()) tks.add(token.part(m.group()));
            } else tks.add(token);
            if (tks.isEmpty()) continue;
            tks.getLast().whitespace = token.whitespace;
            for (int j = 0; j < tks.size(); j++) {
                Token tk = tks.get(j);
                if (tk.alias != null || tk.phonemes != null) {
                } else if (tk.tag.equals("$") && CURRENCY_SYMBOLS.contains(tk.text)) {
                    currency = tk.text;
                    tk.phonemes = "";
                    tk.rating = 4;
                } else if (tk.tag.equals(":") && (tk.text.equals("-") || tk.text.equals("–"))) {
                    tk.phonemes = "—";
                    tk.rating = 3;
                } else if (PUNCT_TAGS.contains(tk.tag) && !allAsciiLetters(tk.text)) {
                    tk.phonemes = PUNCT_TAG_PHONEMES.getOrDefault(tk.tag, keepPuncts(tk.text));
                    tk.rating = 4;
                } else if (currency != null) {
                    if (!tk.tag.equals("CD")) currency = null;
                    else if (j + 1 == tks.size() && (i + 1 == tokens.size() || !tokens.get(i + 1).tag.equals("CD"))) tk.currency = currency;
                } else if (j > 0 && j < tks.size() - 1 && tk.text.equals("2")) {
                    String around = tks.get(j - 1).text.substring(tks.get(j - 1).text.length() - 1) + tks.get(j + 1).text.charAt(0);
                    if (MisakiLexicon.isAlpha(around)) tk.alias = "to";
                }
                if (tk.alias != null || tk.phonemes != null) words.add(tk);
                else if (!words.isEmpty() && words.getLast() instanceof List<?> run && ((Token) run.getLast()).whitespace.isEmpty()) {
                    tk.head = false;
                    @SuppressWarnings("unchecked") List<Token> tokensOfRun = (List<Token>) run;
                    tokensOfRun.add(tk);
                } else words.add(tk.whitespace.isEmpty() ? new ArrayList<>(List.of(tk)) : tk);
            }
        }
        List<Object> out = new ArrayList<>();
        for (Object w : words) out.add(w instanceof List<?> l && l.size() == 1 ? l.getFirst() : w);
        return out;
    }

    private static boolean allAsciiLetters(String s) {
        for (char c : s.toCharArray()) if (Character.toLowerCase(c) < 'a' || Character.toLowerCase(c) > 'z') return false;
        return true;
    }

    private static String keepPuncts(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) if (PUNCTS.indexOf(c) >= 0) out.append(c);
        return out.toString();
    }
}
