package dev.muse.text.phonemes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits English text into words and marks and tags each with a part of speech, in place of the spaCy model misaki
 * runs (which is not on the JVM): whitespace-separated chunks lose their leading and trailing punctuation as tokens of
 * their own (abbreviations such as "Dr." and "U.S." keep their period), clitics ("n't", "'s", "'re", ...) and dashes
 * are split off, and tags follow the Penn Treebank set spaCy uses, by rule: punctuation by kind, CD for numbers, a few
 * closed-class words (DT, PRP, TO, IN), NNP for a capitalised word inside a sentence, NN otherwise.
 */
final class EnglishTokenizer {
    private static final String PREFIXES = "\"“‘([{$£€«", SUFFIXES = ".,!?;:…\"”)]}»", DASHES = "—–";
    private static final Set<String> ABBREVIATIONS = Set.of("mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "vs.", "etc.", "prof.", "mt.", "no.");
    private static final List<String> CLITICS = List.of("n't", "'s", "'m", "'re", "'ve", "'ll", "'d");
    private static final Set<String> DETERMINERS = Set.of("a", "an", "the", "this", "that", "these", "those");
    private static final Set<String> PREPOSITIONS = Set.of("in", "of", "on", "at", "by", "for", "with", "from", "into", "about", "over", "under",
            "after", "before", "between", "through", "during", "without", "within", "against", "among", "upon");

    private EnglishTokenizer() {}

    static List<Token> tokenize(String text) {
        List<String[]> pieces = new ArrayList<>(); // {text, whitespace after, "prefix"/"suffix"/""}
        int i = 0, n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) i++;
            if (start == i) break;
            String ws = i < n ? " " : "";
            List<String[]> chunk = split(text.substring(start, i));
            chunk.getLast()[1] = ws;
            pieces.addAll(chunk);
        }
        List<Token> tokens = new ArrayList<>();
        boolean sentenceStart = true;
        for (String[] p : pieces) {
            Token t = new Token(p[0], tag(p[0], p[2], sentenceStart), p[1]);
            tokens.add(t);
            if (t.tag.equals(".")) sentenceStart = true;
            else if (!t.tag.equals("``") && !t.tag.equals("''") && !t.tag.equals("-LRB-")) sentenceStart = false;
        }
        return tokens;
    }

    /** One whitespace-free chunk as its pieces: {text, "", position} with position "prefix", "suffix" or "". */
    private static List<String[]> split(String chunk) {
        List<String[]> before = new ArrayList<>(), after = new ArrayList<>();
        while (chunk.length() > 1 && PREFIXES.indexOf(chunk.charAt(0)) >= 0) {
            before.add(new String[] {chunk.substring(0, 1), "", "prefix"});
            chunk = chunk.substring(1);
        }
        while (chunk.length() > 1 && SUFFIXES.indexOf(chunk.charAt(chunk.length() - 1)) >= 0 && !keepsPeriod(chunk)) {
            after.addFirst(new String[] {chunk.substring(chunk.length() - 1), "", "suffix"});
            chunk = chunk.substring(0, chunk.length() - 1);
        }
        List<String[]> out = new ArrayList<>(before);
        int from = 0;
        for (int k = 0; k <= chunk.length(); k++) {
            boolean dash = k < chunk.length() && DASHES.indexOf(chunk.charAt(k)) >= 0;
            boolean doubleHyphen = k + 1 < chunk.length() && chunk.charAt(k) == '-' && chunk.charAt(k + 1) == '-';
            if (k < chunk.length() && !dash && !doubleHyphen) continue;
            if (k > from) words(chunk.substring(from, k), out);
            if (k < chunk.length()) {
                int width = doubleHyphen ? 2 : 1;
                out.add(new String[] {chunk.substring(k, k + width), "", ""});
                k += width - 1;
                from = k + 1;
            }
        }
        out.addAll(after);
        return out;
    }

    /** A word, its clitic split off ("do" "n't", "it" "'s"). */
    private static void words(String word, List<String[]> out) {
        String lower = MisakiLexicon.lower(word).replace('’', '\'');
        for (String clitic : CLITICS)
            if (lower.endsWith(clitic) && lower.length() > clitic.length()) {
                int cut = word.length() - clitic.length();
                out.add(new String[] {word.substring(0, cut), "", ""});
                out.add(new String[] {word.substring(cut), "", ""});
                return;
            }
        out.add(new String[] {word, "", ""});
    }

    private static boolean keepsPeriod(String chunk) {
        if (!chunk.endsWith(".")) return false;
        return ABBREVIATIONS.contains(MisakiLexicon.lower(chunk)) || chunk.matches("([A-Za-z]\\.)+");
    }

    private static String tag(String text, String position, boolean sentenceStart) {
        char c = text.charAt(0);
        if (text.length() == 1 && !Character.isLetterOrDigit(c)) {
            if (".!?".indexOf(c) >= 0) return ".";
            if (c == ',') return ",";
            if (";:—–…".indexOf(c) >= 0) return ":";
            if ("([{".indexOf(c) >= 0) return "-LRB-";
            if (")]}".indexOf(c) >= 0) return "-RRB-";
            if ("$£€".indexOf(c) >= 0) return "$";
            if ("“‘«".indexOf(c) >= 0 || (c == '"' && position.equals("prefix"))) return "``";
            if ("”»".indexOf(c) >= 0 || c == '"') return "''";
            if (c == '#') return "#";
            return "SYM";
        }
        if (text.equals("--")) return ":";
        if (Character.isDigit(c) || (text.length() > 1 && (c == '.' || c == '-') && Character.isDigit(text.charAt(1)))) return "CD";
        String lower = MisakiLexicon.lower(text);
        if (DETERMINERS.contains(lower)) return "DT";
        if (text.equals("I")) return "PRP";
        if (lower.equals("to")) return "TO";
        if (PREPOSITIONS.contains(lower)) return "IN";
        if (Character.isUpperCase(c) && !sentenceStart) return "NNP";
        return "NN";
    }
}
