package dev.muse.text.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A context-free grammar over Unicode code points, compiled from GBNF ({@link Gbnf}): numbered rules, each a list of
 * alternatives, each a sequence of symbols. A symbol is a rule reference (its number, 0 or more) or a terminal, a
 * {@link CharClass} (stored as {@code -1 - index}). Repetitions and groups have been turned into rules of their own
 * (right-recursive, so matching them does not grow the stack). Rule 0 is where matching starts.
 */
public final class Grammar {
    /** A set of code points: sorted, disjoint inclusive ranges, or everything outside them. */
    public record CharClass(int[] ranges, boolean negated) {
        public CharClass {
            if (ranges.length % 2 != 0) throw new IllegalArgumentException("ranges come in pairs");
        }

        public boolean matches(int codePoint) {
            return inside(codePoint) != negated;
        }

        /** Whether some code point in [from, to] is in the set. */
        boolean intersects(int from, int to) {
            if (!negated) {
                for (int i = 0; i < ranges.length; i += 2) if (ranges[i] <= to && ranges[i + 1] >= from) return true;
                return false;
            }
            // outside every range somewhere in [from, to]: walk the ranges that cover from
            int at = from;
            boolean moved = true;
            while (moved && at <= to) {
                moved = false;
                for (int i = 0; i < ranges.length; i += 2)
                    if (ranges[i] <= at && at <= ranges[i + 1]) {
                        at = ranges[i + 1] + 1;
                        moved = true;
                    }
            }
            return at <= to;
        }

        private boolean inside(int c) {
            for (int i = 0; i < ranges.length; i += 2) if (c >= ranges[i] && c <= ranges[i + 1]) return true;
            return false;
        }

        @Override public boolean equals(Object o) {
            return o instanceof CharClass other && negated == other.negated && Arrays.equals(ranges, other.ranges);
        }

        @Override public int hashCode() { return Arrays.hashCode(ranges) * 31 + (negated ? 1 : 0); }
    }

    final List<String> names;
    final int[][][] rules;        // [rule][alternative][symbol]
    final CharClass[] terminals;

    Grammar(List<String> names, List<List<int[]>> rules, List<CharClass> terminals) {
        this.names = List.copyOf(names);
        this.rules = new int[rules.size()][][];
        for (int r = 0; r < rules.size(); r++) this.rules[r] = rules.get(r).toArray(new int[0][]);
        this.terminals = terminals.toArray(new CharClass[0]);
        checkNoLeftRecursion();
    }

    /** How many rules, the generated ones included. */
    public int ruleCount() { return rules.length; }

    static boolean isTerminal(int symbol) { return symbol < 0; }

    CharClass terminal(int symbol) { return terminals[-1 - symbol]; }

    /**
     * Refuses a rule that can reach itself without matching a character first: matching it would never end. Checked
     * over the rules that can match nothing (nullable), as a rule after an empty one is also at the left edge.
     */
    private void checkNoLeftRecursion() {
        boolean[] nullable = new boolean[rules.length];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < rules.length; r++) {
                if (nullable[r]) continue;
                for (int[] alt : rules[r]) {
                    boolean all = true;
                    for (int s : alt) if (isTerminal(s) || !nullable[s]) { all = false; break; }
                    if (all) { nullable[r] = changed = true; break; }
                }
            }
        }
        List<List<Integer>> left = new ArrayList<>();
        for (int[][] alts : rules) {
            List<Integer> edges = new ArrayList<>();
            for (int[] alt : alts)
                for (int s : alt) {
                    if (isTerminal(s)) break;
                    edges.add(s);
                    if (!nullable[s]) break;
                }
            left.add(edges);
        }
        int[] mark = new int[rules.length]; // 0 unvisited, 1 on the path, 2 done
        for (int r = 0; r < rules.length; r++) visit(r, left, mark);
    }

    private void visit(int r, List<List<Integer>> left, int[] mark) {
        if (mark[r] == 2) return;
        if (mark[r] == 1) throw new GrammarException("rule '" + names.get(r) + "' is left-recursive: it can reach itself before any character");
        mark[r] = 1;
        for (int next : left.get(r)) visit(next, left, mark);
        mark[r] = 2;
    }
}
