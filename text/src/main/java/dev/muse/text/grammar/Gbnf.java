package dev.muse.text.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses GBNF, the grammar format llama.cpp takes: {@code name ::= alternatives} rules (the first, or the one named
 * {@code root}, is where matching starts), string literals, character classes ({@code [a-z]}, {@code [^"]}),
 * {@code .} for any character, groups, and the postfix operators {@code * + ?} and {@code {m}}, {@code {m,}},
 * {@code {m,n}}; {@code #} starts a comment. Escapes: backslash n, r and t, backslash x HH, u HHHH and U HHHHHHHH (hex
 * code points), and a backslash before any of {@code \ " [ ] - ^ /}.
 * Bounds keep a hostile grammar small: at most {@link #MAX_RULES} rules after expansion and repetition counts up to
 * {@link #MAX_REPEAT}.
 */
public final class Gbnf {
    public static final int MAX_RULES = 20_000, MAX_REPEAT = 1_000;
    /** Symbols over all rules, repetitions expanded, and groups nested in one another, at most. */
    static final int MAX_SYMBOLS = 200_000, MAX_NESTING = 64;

    private final String src;
    private int at;
    private final List<String> names = new ArrayList<>();
    private final List<List<int[]>> rules = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<Grammar.CharClass> terminals = new ArrayList<>();
    private final Map<Grammar.CharClass, Integer> terminalIds = new HashMap<>();
    private final java.util.Set<String> defined = new java.util.HashSet<>();
    private int symbols, nesting;

    private Gbnf(String src) {
        this.src = src;
    }

    /** The grammar of {@code text}; starts at {@code root} when there is one, else at the first rule. */
    public static Grammar parse(String text) {
        Gbnf p = new Gbnf(text);
        p.rule(p.ruleId("root")); // rule 0 is the start, whatever its name turns out to be
        try {
            p.parseRules();
            return p.build();
        } catch (StackOverflowError e) { // a chain of rules each starting with the next, thousands long
            throw new GrammarException("the grammar's rules lead into one another too deeply");
        }
    }

    private void parseRules() {
        skipSpace(true);
        if (at >= src.length()) throw error("the grammar has no rules");
        String first = null;
        while (at < src.length()) {
            String name = name();
            if (first == null) first = name;
            skipSpace(false);
            if (!src.startsWith("::=", at)) throw error("expected '::=' after rule name '" + name + "'");
            at += 3;
            if (defined.contains(name)) throw error("rule '" + name + "' is defined twice");
            defined.add(name);
            rule(ruleId(name)).addAll(alternatives(false));
            skipSpace(true);
        }
        if (!defined.contains("root")) rule(0).add(new int[] {ruleId(first)}); // no root: start at the first rule
        for (int i = 0; i < names.size(); i++)
            if (!defined.contains(names.get(i)) && !names.get(i).contains("~") && i != 0)
                throw new GrammarException("rule '" + names.get(i) + "' is used but never defined");
    }

    private Grammar build() {
        return new Grammar(names, rules, terminals);
    }

    private List<int[]> alternatives(boolean nested) {
        List<int[]> alts = new ArrayList<>();
        alts.add(sequence(nested));
        while (at < src.length() && src.charAt(at) == '|') {
            at++;
            alts.add(sequence(nested));
        }
        return alts;
    }

    /** Symbols up to '|', ')' or the end of the rule (a newline that is not inside a group). */
    private int[] sequence(boolean nested) {
        List<Integer> seq = new ArrayList<>();
        while (true) {
            skipSpace(nested);
            if (at >= src.length()) break;
            char c = src.charAt(at);
            if (c == '|' || c == ')') break;
            if (c == '\n' || c == '\r') {
                if (!nested) break;
                at++;
                continue;
            }
            int start = seq.size();
            if (c == '"') {
                at++;
                while (true) {
                    if (at >= src.length()) throw error("unterminated string literal");
                    if (src.charAt(at) == '"') { at++; break; }
                    int cp = character();
                    seq.add(terminal(new Grammar.CharClass(new int[] {cp, cp}, false)));
                }
                if (seq.size() == start) seq.add(group(List.<int[]>of(new int[0]))); // "" matches nothing, and may take a postfix
                if (seq.size() > start + 1 && postfixFollows()) { // a postfix applies to the whole literal
                    int[] literal = seq.subList(start, seq.size()).stream().mapToInt(Integer::intValue).toArray();
                    seq.subList(start, seq.size()).clear();
                    seq.add(group(List.<int[]>of(literal)));
                }
            } else if (c == '[') {
                at++;
                seq.add(terminal(charClass()));
            } else if (c == '.') {
                at++;
                seq.add(terminal(new Grammar.CharClass(new int[0], true)));
            } else if (c == '(') {
                at++;
                if (++nesting > MAX_NESTING) throw error("groups nested more than " + MAX_NESTING + " deep");
                List<int[]> inner = alternatives(true);
                nesting--;
                skipSpace(true);
                if (at >= src.length() || src.charAt(at) != ')') throw error("expected ')'");
                at++;
                seq.add(group(inner));
            } else if (isNameChar(c)) {
                seq.add(ruleId(name()));
            } else {
                throw error("unexpected '" + c + "'");
            }
            postfix(seq);
            if (seq.size() - start > 0 && (symbols += seq.size() - start) > MAX_SYMBOLS)
                throw error("the grammar expands to more than " + MAX_SYMBOLS + " symbols");
        }
        return seq.stream().mapToInt(Integer::intValue).toArray();
    }

    private boolean postfixFollows() {
        return at < src.length() && "*+?{".indexOf(src.charAt(at)) >= 0;
    }

    /** Applies a postfix operator to the last symbol of seq. */
    private void postfix(List<Integer> seq) {
        if (!postfixFollows()) return;
        int last = seq.removeLast();
        char op = src.charAt(at++);
        int min, max; // max -1: unbounded
        switch (op) {
            case '*' -> { min = 0; max = -1; }
            case '+' -> { min = 1; max = -1; }
            case '?' -> { min = 0; max = 1; }
            default -> {
                int close = src.indexOf('}', at);
                if (close < 0) throw error("unterminated '{'");
                String[] parts = src.substring(at, close).split(",", -1);
                try {
                    min = Integer.parseInt(parts[0].strip());
                    max = parts.length == 1 ? min : parts[1].isBlank() ? -1 : Integer.parseInt(parts[1].strip());
                } catch (NumberFormatException e) {
                    throw error("bad repetition '{" + src.substring(at, close) + "}'");
                }
                if (parts.length > 2 || min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || max >= 0 && max < min)
                    throw error("repetition '{" + src.substring(at, close) + "}' must be {m}, {m,} or {m,n} with 0 <= m <= n <= " + MAX_REPEAT);
                at = close + 1;
            }
        }
        for (int i = 0; i < min; i++) seq.add(last);
        if (max < 0) {
            int star = newRule(); // star ::= last star |
            rule(star).add(new int[] {last, star});
            rule(star).add(new int[0]);
            seq.add(star);
        } else if (max > min) {
            int tail = newRule(); // up to (max - min) more, nested: opt_k ::= last opt_(k-1) |
            rule(tail).add(new int[0]);
            for (int k = 1; k < max - min; k++) {
                int outer = newRule();
                rule(outer).add(new int[] {last, tail});
                rule(outer).add(new int[0]);
                tail = outer;
            }
            int first = newRule();
            rule(first).add(new int[] {last, tail});
            rule(first).add(new int[0]);
            seq.add(first);
        }
    }

    private int group(List<int[]> alternatives) {
        int id = newRule();
        rule(id).addAll(alternatives);
        return id;
    }

    private Grammar.CharClass charClass() {
        boolean negated = at < src.length() && src.charAt(at) == '^';
        if (negated) at++;
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (at >= src.length()) throw error("unterminated character class");
            if (src.charAt(at) == ']') { at++; break; }
            int from = character(), to = from;
            if (at + 1 < src.length() && src.charAt(at) == '-' && src.charAt(at + 1) != ']') {
                at++;
                to = character();
                if (to < from) throw error("empty range in character class");
            }
            ranges.add(new int[] {from, to});
        }
        ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : ranges) {
            if (!merged.isEmpty() && r[0] <= merged.getLast()[1] + 1) merged.getLast()[1] = Math.max(merged.getLast()[1], r[1]);
            else merged.add(r.clone());
        }
        int[] flat = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            flat[2 * i] = merged.get(i)[0];
            flat[2 * i + 1] = merged.get(i)[1];
        }
        return new Grammar.CharClass(flat, negated);
    }

    /** One character of a literal or class, escapes decoded. */
    private int character() {
        int c = src.codePointAt(at);
        at += Character.charCount(c);
        if (c != '\\') return c;
        if (at >= src.length()) throw error("dangling '\\'");
        char e = src.charAt(at++);
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case '\\', '"', '[', ']', '-', '^', '/' -> e;
            default -> throw error("unknown escape '\\" + e + "'");
        };
    }

    private int hex(int digits) {
        if (at + digits > src.length()) throw error("short hex escape");
        try {
            long v = Long.parseLong(src.substring(at, at + digits), 16);
            at += digits;
            if (v < 0 || v > Character.MAX_CODE_POINT || !src.substring(at - digits, at).chars().allMatch(ch -> Character.digit(ch, 16) >= 0))
                throw error("bad hex escape");
            return (int) v;
        } catch (NumberFormatException e) {
            throw error("bad hex escape");
        }
    }

    private String name() {
        int start = at;
        while (at < src.length() && isNameChar(src.charAt(at))) at++;
        if (at == start) throw error("expected a rule name");
        return src.substring(start, at);
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    /** Skips blanks and comments; newlines too when {@code newlines}. */
    private void skipSpace(boolean newlines) {
        while (at < src.length()) {
            char c = src.charAt(at);
            if (c == '#') {
                while (at < src.length() && src.charAt(at) != '\n') at++;
            } else if (c == ' ' || c == '\t' || newlines && (c == '\n' || c == '\r')) {
                at++;
            } else {
                break;
            }
        }
    }

    private int ruleId(String name) {
        Integer id = ids.get(name);
        if (id != null) return id;
        int fresh = rules.size();
        ids.put(name, fresh);
        names.add(name);
        rules.add(new ArrayList<>());
        checkSize();
        return fresh;
    }

    private int newRule() {
        int id = rules.size();
        names.add("~" + id);
        rules.add(new ArrayList<>());
        checkSize();
        return id;
    }

    private void checkSize() {
        if (rules.size() > MAX_RULES) throw new GrammarException("the grammar expands to more than " + MAX_RULES + " rules");
    }

    private List<int[]> rule(int id) { return rules.get(id); }

    private int terminal(Grammar.CharClass c) {
        Integer id = terminalIds.get(c);
        if (id == null) {
            id = terminals.size();
            terminals.add(c);
            terminalIds.put(c, id);
        }
        return -1 - id;
    }

    private GrammarException error(String message) {
        int line = 1, column = 1;
        for (int i = 0; i < Math.min(at, src.length()); i++) {
            if (src.charAt(i) == '\n') { line++; column = 1; } else column++;
        }
        return new GrammarException("grammar line " + line + ", column " + column + ": " + message);
    }
}
