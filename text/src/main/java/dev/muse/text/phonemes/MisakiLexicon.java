package dev.muse.text.phonemes;

import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English words to Kokoro's phonemes, after misaki's Lexicon (hexgrad/misaki, en.py), the phonemizer Kokoro was trained
 * with: its gold and silver dictionaries (word to phonemes, or to phonemes by part of speech for heteronyms), with their
 * capitalised and lower-case twins; a handful of words said by context ("the" before a vowel, "to", "a"); plural,
 * past and -ing forms of known words; initialisms spelled out; and numbers, ordinals, years, decimals and currency
 * amounts read as words.
 */
final class MisakiLexicon {
    /** What the phonemizer knows of the words after this one: whether the next sound is a vowel (null: none follows), and whether "to" comes next. */
    record Context(Boolean futureVowel, boolean futureTo) {
        static final Context NONE = new Context(null, false);
    }

    /** A word's phonemes and how sure the lexicon is of them (4 gold, 3 silver or derived). */
    record Result(String phonemes, int rating) {}

    private static final Map<String, String[]> CURRENCIES = Map.of("$", new String[] {"dollar", "cent"}, "£", new String[] {"pound", "pence"},
            "€", new String[] {"euro", "cent"});
    private static final List<String> ORDINALS = List.of("st", "nd", "rd", "th");
    private static final Map<String, String> ADD_SYMBOLS = Map.of(".", "dot", "/", "slash");
    private static final Map<String, String> SYMBOLS = Map.of("%", "percent", "&", "and", "+", "plus", "@", "at");
    private static final String US_TAUS = "AIOWYiuæɑəɛɪɹʊʌ";
    private static final Pattern VERSUS = Pattern.compile("(?i)vs\\.?");
    private static final Pattern DOUBLED_ING = Pattern.compile("([bcdgklmnprstvxz])\\1ing$|cking$");
    private static final Pattern SUFFIX = Pattern.compile("[a-z']+$");
    private static final Pattern NOT_LETTERS = Pattern.compile("[^a-z]+");

    private final boolean british;
    private final Map<String, Object> golds, silvers;

    /** A lexicon of gold and silver entries: each a String, or a Map from tag (DEFAULT, NOUN, VERB, None, ...) to String or null. */
    MisakiLexicon(Map<String, Object> golds, Map<String, Object> silvers, boolean british) {
        this.golds = grow(golds);
        this.silvers = grow(silvers);
        this.british = british;
    }

    /** The entries with each lower-case word's capitalised twin and each capitalised word's lower-case twin added. */
    private static Map<String, Object> grow(Map<String, Object> d) {
        Map<String, Object> grown = new HashMap<>(d.size() * 2);
        for (var e : d.entrySet()) {
            String k = e.getKey();
            if (k.length() < 2) continue;
            if (k.equals(lower(k))) {
                if (!k.equals(capitalize(k))) grown.put(capitalize(k), e.getValue());
            } else if (k.equals(capitalize(lower(k)))) grown.put(lower(k), e.getValue());
        }
        grown.putAll(d);
        return grown;
    }

    static String lower(String s) { return s.toLowerCase(Locale.ROOT); }

    static String upper(String s) { return s.toUpperCase(Locale.ROOT); }

    static String capitalize(String s) {
        return s.isEmpty() ? s : upper(s.substring(0, 1)) + lower(s.substring(1));
    }

    static boolean isAlpha(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isLetter(s.charAt(i))) return false;
        return true;
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /** The characters the lexicon spells words with: letters, apostrophe, hyphen. */
    static boolean lexiconChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '\'' || c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
        }
        return true;
    }

    private Result nnp(String word) {
        StringBuilder ps = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!Character.isLetter(c)) continue;
            if (!(golds.get(upper(String.valueOf(c))) instanceof String letter)) return null;
            ps.append(letter);
        }
        String stressed = Stress.apply(ps.toString(), 0.0);
        int last = stressed.lastIndexOf(Stress.SECONDARY);
        if (last >= 0) stressed = stressed.substring(0, last) + Stress.PRIMARY + stressed.substring(last + 1);
        return new Result(stressed, 3);
    }

    private Result specialCase(String word, String tag, Double stress, Context ctx) {
        if ("ADD".equals(tag) && ADD_SYMBOLS.containsKey(word)) return lookup(ADD_SYMBOLS.get(word), null, -0.5, ctx);
        if (SYMBOLS.containsKey(word)) return lookup(SYMBOLS.get(word), null, null, ctx);
        String stripped = word.replaceAll("^\\.+|\\.+$", "");
        if (stripped.contains(".") && isAlpha(word.replace(".", "")) && longestPart(word) < 3) return nnp(word);
        switch (word) {
            case "a", "A" -> {
                return new Result("DT".equals(tag) ? "ɐ" : "ˈA", 4);
            }
            case "am", "Am", "AM" -> {
                if (tag.startsWith("NN")) return nnp(word);
                if (ctx.futureVowel() == null || !word.equals("am") || (stress != null && stress > 0))
                    return golds.get("am") instanceof String am ? new Result(am, 4) : null; // a lexicon without "am": looked up as any word
                return new Result("ɐm", 4);
            }
            case "an", "An", "AN" -> {
                if (word.equals("AN") && tag.startsWith("NN")) return nnp(word);
                return new Result("ɐn", 4);
            }
            default -> {}
        }
        if (word.equals("I") && "PRP".equals(tag)) return new Result(Stress.SECONDARY + "I", 4);
        if ((word.equals("by") || word.equals("By") || word.equals("BY")) && "ADV".equals(parentTag(tag))) return new Result("bˈI", 4);
        if (word.equals("to") || word.equals("To") || (word.equals("TO") && ("TO".equals(tag) || "IN".equals(tag)))) {
            Boolean v = ctx.futureVowel();
            if (v == null) return golds.get("to") instanceof String to ? new Result(to, 4) : null;
            return new Result(v ? "tʊ" : "tə", 4);
        }
        if (word.equals("in") || word.equals("In") || (word.equals("IN") && !"NNP".equals(tag))) {
            String mark = ctx.futureVowel() == null || !"IN".equals(tag) ? String.valueOf(Stress.PRIMARY) : "";
            return new Result(mark + "ɪn", 4);
        }
        if (word.equals("the") || word.equals("The") || (word.equals("THE") && "DT".equals(tag)))
            return new Result(Boolean.TRUE.equals(ctx.futureVowel()) ? "ði" : "ðə", 4);
        if ("IN".equals(tag) && VERSUS.matcher(word).matches()) return lookup("versus", null, null, ctx);
        if ((word.equals("used") || word.equals("Used") || word.equals("USED")) && golds.get("used") instanceof Map<?, ?> used
                && used.get("VBD") instanceof String && used.get("DEFAULT") instanceof String)
            return new Result((String) used.get(("VBD".equals(tag) || "JJ".equals(tag)) && ctx.futureTo() ? "VBD" : "DEFAULT"), 4);
        return null;
    }

    private static int longestPart(String word) {
        int longest = 0;
        for (String part : word.split("\\.", -1)) longest = Math.max(longest, part.length());
        return longest;
    }

    static String parentTag(String tag) {
        if (tag == null) return null;
        if (tag.startsWith("VB")) return "VERB";
        if (tag.startsWith("NN")) return "NOUN";
        if (tag.startsWith("ADV") || tag.startsWith("RB")) return "ADV";
        if (tag.startsWith("ADJ") || tag.startsWith("JJ")) return "ADJ";
        return tag;
    }

    boolean isKnown(String word) {
        if (golds.containsKey(word) || SYMBOLS.containsKey(word) || silvers.containsKey(word)) return true;
        if (!isAlpha(word) || !lexiconChars(word)) return false;
        if (word.length() == 1) return true;
        if (word.equals(upper(word)) && golds.containsKey(lower(word))) return true;
        return word.substring(1).equals(upper(word.substring(1)));
    }

    Result lookup(String word, String tag, Double stress, Context ctx) {
        boolean nnp = false;
        if (word.equals(upper(word)) && !golds.containsKey(word)) {
            word = lower(word);
            nnp = "NNP".equals(tag);
        }
        Object entry = golds.get(word);
        int rating = 4;
        if (entry == null && !nnp) {
            entry = silvers.get(word);
            rating = 3;
        }
        String ps;
        if (entry instanceof Map<?, ?> byTag) {
            if (ctx != null && ctx.futureVowel() == null && byTag.containsKey("None")) tag = "None";
            else if (!byTag.containsKey(tag)) tag = parentTag(tag);
            ps = byTag.containsKey(tag) ? (String) byTag.get(tag) : (String) byTag.get("DEFAULT");
        } else ps = (String) entry;
        if (ps == null || (nnp && ps.indexOf(Stress.PRIMARY) < 0)) {
            Result spelled = nnp(word);
            if (spelled != null) return spelled;
        }
        return ps == null ? null : new Result(Stress.apply(ps, stress), rating);
    }

    private String s(String stem) {
        if (stem == null || stem.isEmpty()) return null;
        char last = stem.charAt(stem.length() - 1);
        if ("ptkfθ".indexOf(last) >= 0) return stem + "s";
        if ("szʃʒʧʤ".indexOf(last) >= 0) return stem + (british ? "ɪ" : "ᵻ") + "z";
        return stem + "z";
    }

    private Result stemS(String word, String tag, Double stress, Context ctx) {
        if (word.length() < 3 || !word.endsWith("s")) return null;
        String stem;
        if (!word.endsWith("ss") && isKnown(word.substring(0, word.length() - 1))) stem = word.substring(0, word.length() - 1);
        else if ((word.endsWith("'s") || (word.length() > 4 && word.endsWith("es") && !word.endsWith("ies"))) && isKnown(word.substring(0, word.length() - 2)))
            stem = word.substring(0, word.length() - 2);
        else if (word.length() > 4 && word.endsWith("ies") && isKnown(word.substring(0, word.length() - 3) + "y"))
            stem = word.substring(0, word.length() - 3) + "y";
        else return null;
        Result r = lookup(stem, tag, stress, ctx);
        return r == null ? new Result(null, 0) : new Result(s(r.phonemes()), r.rating());
    }

    private String ed(String stem) {
        if (stem == null || stem.isEmpty()) return null;
        char last = stem.charAt(stem.length() - 1);
        if ("pkfθʃsʧ".indexOf(last) >= 0) return stem + "t";
        if (last == 'd') return stem + (british ? "ɪ" : "ᵻ") + "d";
        if (last != 't') return stem + "d";
        if (british || stem.length() < 2) return stem + "ɪd";
        if (US_TAUS.indexOf(stem.charAt(stem.length() - 2)) >= 0) return stem.substring(0, stem.length() - 1) + "ɾᵻd";
        return stem + "ᵻd";
    }

    private Result stemEd(String word, String tag, Double stress, Context ctx) {
        if (word.length() < 4 || !word.endsWith("d")) return null;
        String stem;
        if (!word.endsWith("dd") && isKnown(word.substring(0, word.length() - 1))) stem = word.substring(0, word.length() - 1);
        else if (word.length() > 4 && word.endsWith("ed") && !word.endsWith("eed") && isKnown(word.substring(0, word.length() - 2)))
            stem = word.substring(0, word.length() - 2);
        else return null;
        Result r = lookup(stem, tag, stress, ctx);
        return r == null ? new Result(null, 0) : new Result(ed(r.phonemes()), r.rating());
    }

    private String ing(String stem) {
        if (stem == null || stem.isEmpty()) return null;
        char last = stem.charAt(stem.length() - 1);
        if (british) {
            if (last == 'ə' || last == 'ː') return null;
        } else if (stem.length() > 1 && last == 't' && US_TAUS.indexOf(stem.charAt(stem.length() - 2)) >= 0)
            return stem.substring(0, stem.length() - 1) + "ɾɪŋ";
        return stem + "ɪŋ";
    }

    private Result stemIng(String word, String tag, Double stress, Context ctx) {
        if (word.length() < 5 || !word.endsWith("ing")) return null;
        String base = word.substring(0, word.length() - 3), stem;
        if (word.length() > 5 && isKnown(base)) stem = base;
        else if (isKnown(base + "e")) stem = base + "e";
        else if (word.length() > 5 && DOUBLED_ING.matcher(word).find() && isKnown(word.substring(0, word.length() - 4))) stem = word.substring(0, word.length() - 4);
        else return null;
        Result r = lookup(stem, tag, stress, ctx);
        return r == null ? new Result(null, 0) : new Result(ing(r.phonemes()), r.rating());
    }

    /** A stemmed result with phonemes, or null (misaki's "(None, None)" and "(None, rating)" alike). */
    private static Result found(Result r) {
        return r == null || r.phonemes() == null ? null : r;
    }

    private Result word(String word, String tag, Double stress, Context ctx) {
        Result special = specialCase(word, tag, stress, ctx);
        if (special != null && special.phonemes() != null) return special;
        String wl = lower(word);
        if (word.length() > 1 && isAlpha(word.replace("'", "")) && !word.equals(wl) && (!"NNP".equals(tag) || word.length() > 7)
                && !golds.containsKey(word) && !silvers.containsKey(word) && (word.equals(upper(word)) || word.substring(1).equals(lower(word.substring(1))))
                && (golds.containsKey(wl) || silvers.containsKey(wl) || found(stemS(wl, tag, stress, ctx)) != null
                || found(stemEd(wl, tag, stress, ctx)) != null || found(stemIng(wl, tag, stress, ctx)) != null))
            word = wl;
        if (isKnown(word)) return lookup(word, tag, stress, ctx);
        if (word.endsWith("s'") && isKnown(word.substring(0, word.length() - 2) + "'s"))
            return lookup(word.substring(0, word.length() - 2) + "'s", tag, stress, ctx);
        if (word.endsWith("'") && isKnown(word.substring(0, word.length() - 1))) return lookup(word.substring(0, word.length() - 1), tag, stress, ctx);
        Result r = found(stemS(word, tag, stress, ctx));
        if (r != null) return r;
        r = found(stemEd(word, tag, stress, ctx));
        if (r != null) return r;
        return found(stemIng(word, tag, stress == null ? 0.5 : stress, ctx));
    }

    private static boolean isCurrencyAmount(String word) {
        int dot = word.indexOf('.');
        if (dot < 0) return true;
        if (word.indexOf('.', dot + 1) >= 0) return false;
        return word.length() - dot - 1 < 3;
    }

    private Result number(String word, String currency, boolean head, String flags) {
        Matcher m = SUFFIX.matcher(word);
        String suffix = m.find() ? m.group() : null;
        if (suffix != null) word = word.substring(0, word.length() - suffix.length());
        List<Result> result = new ArrayList<>();
        if (word.startsWith("-")) {
            result.add(lookup("minus", null, null, null));
            word = word.substring(1);
        }
        NumberWords words = new NumberWords(result, flags);
        if (isDigits(word) && (suffix != null && ORDINALS.contains(suffix))) words.extend(EnglishNumbers.ordinal(new BigInteger(word)), true, true);
        else if (result.isEmpty() && word.length() == 4 && (currency == null || !CURRENCIES.containsKey(currency)) && isDigits(word))
            words.extend(EnglishNumbers.year(Long.parseLong(word)), true, true);
        else if (!head && !word.contains(".")) {
            String num = word.replace(",", "");
            if (num.isEmpty()) return null;
            if (num.charAt(0) == '0' || num.length() > 3) for (char c : num.toCharArray()) words.extend(String.valueOf(c), false, false);
            else if (num.length() == 3 && !num.endsWith("00")) {
                words.extend(num.substring(0, 1), true, false);
                if (num.charAt(1) == '0') {
                    result.add(lookup("O", null, -2.0, null));
                    words.extend(num.substring(2), false, false);
                } else words.extend(num.substring(1), false, false);
            } else words.extend(num, true, false);
        } else if (count(word, '.') > 1 || !head) {
            boolean first = true;
            for (String num : word.replace(",", "").split("\\.", -1)) {
                if (num.isEmpty()) {
                } else if (num.charAt(0) == '0' || (num.length() != 2 && num.substring(1).chars().anyMatch(c -> c != '0')))
                    for (char c : num.toCharArray()) words.extend(String.valueOf(c), false, false);
                else words.extend(num, first, false);
                first = false;
            }
        } else if (currency != null && CURRENCIES.containsKey(currency) && isCurrencyAmount(word)) {
            String[] units = CURRENCIES.get(currency), parts = word.replace(",", "").split("\\.", -1);
            List<long[]> pairs = new ArrayList<>();
            for (int i = 0; i < Math.min(parts.length, units.length); i++) pairs.add(new long[] {parts[i].isEmpty() ? 0 : Long.parseLong(parts[i]), i});
            if (pairs.size() > 1) {
                if (pairs.get(1)[0] == 0) pairs = pairs.subList(0, 1);
                else if (pairs.get(0)[0] == 0) pairs = pairs.subList(1, 2);
            }
            for (int i = 0; i < pairs.size(); i++) {
                long num = pairs.get(i)[0];
                String unit = units[(int) pairs.get(i)[1]];
                if (i > 0) result.add(lookup("and", null, null, null));
                words.extend(Long.toString(num), i == 0, false);
                result.add(Math.abs(num) != 1 && !unit.equals("pence") ? stemS(unit + "s", null, null, null) : lookup(unit, null, null, null));
            }
        } else {
            String text;
            if (isDigits(word)) text = EnglishNumbers.cardinal(new BigInteger(word));
            else if (!word.contains(".")) {
                BigInteger n = new BigInteger(word.replace(",", ""));
                text = (suffix != null && ORDINALS.contains(suffix)) ? EnglishNumbers.ordinal(n) : EnglishNumbers.cardinal(n);
            } else {
                String plain = word.replace(",", "");
                if (plain.charAt(0) == '.') {
                    StringBuilder b = new StringBuilder("point");
                    for (char c : plain.substring(1).toCharArray()) b.append(' ').append(EnglishNumbers.cardinal(c - '0'));
                    text = b.toString();
                } else text = EnglishNumbers.decimal(plain);
            }
            words.extend(text, true, true);
        }
        if (result.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        int rating = Integer.MAX_VALUE;
        for (Result r : result) {
            parts.add(r == null || r.phonemes() == null ? "" : r.phonemes());
            rating = Math.min(rating, r == null ? 0 : r.rating());
        }
        String joined = String.join(" ", parts);
        if ("s".equals(suffix) || "'s".equals(suffix)) return new Result(s(joined), rating);
        if ("ed".equals(suffix) || "'d".equals(suffix)) return new Result(ed(joined), rating);
        if ("ing".equals(suffix)) return new Result(ing(joined), rating);
        return new Result(joined, rating);
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    /** misaki's extend_num: a number's words, each looked up ("and" only when the text asked for it). */
    private final class NumberWords {
        final List<Result> result;
        final String flags;

        NumberWords(List<Result> result, String flags) {
            this.result = result;
            this.flags = flags;
        }

        void extend(String num, boolean first, boolean words) {
            String text = words ? num : EnglishNumbers.cardinal(new BigInteger(num));
            String[] splits = NOT_LETTERS.split(text, -1);
            for (int i = 0; i < splits.length; i++) {
                String w = splits[i];
                if (!w.equals("and") || flags.contains("&")) {
                    if (first && i == 0 && splits.length > 1 && w.equals("one") && flags.contains("a")) result.add(new Result("ə", 4));
                    else result.add(lookup(w, null, w.equals("point") ? -2.0 : null, null));
                } else if (flags.contains("n") && !result.isEmpty()) {
                    Result last = result.removeLast();
                    result.add(new Result((last == null || last.phonemes() == null ? "" : last.phonemes()) + "ən", last == null ? 0 : last.rating()));
                }
            }
        }
    }

    private String appendCurrency(String ps, String currency) {
        if (currency == null) return ps;
        String[] units = CURRENCIES.get(currency);
        Result plural = units == null ? null : stemS(units[0] + "s", null, null, null);
        return plural != null && plural.phonemes() != null ? ps + " " + plural.phonemes() : ps;
    }

    static boolean isNumber(String word, boolean head) {
        if (word.chars().noneMatch(c -> c >= '0' && c <= '9')) return false;
        for (String s : new String[] {"ing", "'d", "ed", "'s", "st", "nd", "rd", "th", "s"})
            if (word.endsWith(s)) {
                word = word.substring(0, word.length() - s.length());
                break;
            }
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!((c >= '0' && c <= '9') || c == ',' || c == '.' || (head && i == 0 && c == '-'))) return false;
        }
        return true;
    }

    /** The token's phonemes in context, or null when the lexicon cannot say it. */
    Result phonemes(Token tk, Context ctx) {
        String word = (tk.alias == null ? tk.text : tk.alias).replace('\u2018', '\'').replace('\u2019', '\'');
        word = Normalizer.normalize(word, Normalizer.Form.NFKC);
        StringBuilder digits = new StringBuilder();
        word.codePoints().forEach(c -> {
            int d = Character.isDigit(c) ? Character.digit(c, 10) : -1;
            if (d >= 0) digits.append((char) ('0' + d));
            else digits.appendCodePoint(c);
        });
        word = digits.toString();
        Double stress = word.equals(lower(word)) ? null : word.equals(upper(word)) ? 2.0 : 0.5;
        Result r = word(word, tk.tag, stress, ctx);
        if (r != null) return new Result(Stress.apply(appendCurrency(r.phonemes(), tk.currency), tk.stress), r.rating());
        if (isNumber(word, tk.head)) {
            Result n = number(word, tk.currency, tk.head, tk.numFlags);
            return n == null ? null : new Result(Stress.apply(n.phonemes(), tk.stress), n.rating());
        }
        return null;
    }
}
