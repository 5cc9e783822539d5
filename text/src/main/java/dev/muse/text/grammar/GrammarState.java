package dev.muse.text.grammar;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a text stands in a {@link Grammar}, as llama.cpp's grammar matcher keeps it: the set of parse stacks that could
 * still continue it, each stopped at the terminal it needs next (or finished: the text so far is a whole sentence of the
 * grammar). Immutable: {@link #accept} returns the state after one more code point, {@link #isDead()} when none fits.
 * A stack is a chain of {@link Frame}s; a frame at the end of its alternative is never kept, so right recursion (what
 * repetitions become) does not grow it.
 */
public final class GrammarState {
    /** At symbol {@code pos} of alternative {@code alt} of {@code rule}; below it, what follows once that is matched. */
    static final class Frame {
        final int rule, alt, pos;
        final Frame parent;
        private final int hash;

        Frame(int rule, int alt, int pos, Frame parent) {
            this.rule = rule;
            this.alt = alt;
            this.pos = pos;
            this.parent = parent;
            this.hash = ((rule * 31 + alt) * 31 + pos) * 31 + (parent == null ? 0 : parent.hash);
        }

        @Override public boolean equals(Object o) {
            if (this == o) return true;
            if (!(o instanceof Frame f) || f.hash != hash) return false;
            return rule == f.rule && alt == f.alt && pos == f.pos && java.util.Objects.equals(parent, f.parent);
        }

        @Override public int hashCode() { return hash; }
    }

    /** Stands for a finished stack: the text is a whole sentence of the grammar. */
    private static final Frame DONE = new Frame(-1, -1, -1, null);

    /** Stacks past which the state is refused: an ambiguous grammar could otherwise multiply them without end. */
    static final int MAX_STACKS = 4_096;

    private final Grammar grammar;
    private final List<Frame> stacks;   // each at a terminal, or DONE
    private final int hash;             // of the set of stacks: equal states are where the text stands the same way

    private GrammarState(Grammar grammar, List<Frame> stacks) {
        this.grammar = grammar;
        this.stacks = stacks;
        int h = 0;
        for (Frame f : stacks) h += f.hashCode();
        this.hash = h;
    }

    /**
     * The same set of stacks in the same grammar: the same texts can follow. Inside a JSON string, say, every character
     * leads back to an equal state, which is what lets a token mask be worked out once and kept ({@link TokenConstraint}).
     */
    @Override public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof GrammarState other) || other.hash != hash || other.grammar != grammar || other.stacks.size() != stacks.size()) return false;
        return stacks.size() == 1 ? stacks.getFirst().equals(other.stacks.getFirst()) : new HashSet<>(stacks).containsAll(other.stacks);
    }

    @Override public int hashCode() { return hash; }

    /** Before any text. */
    public static GrammarState start(Grammar grammar) {
        Set<Frame> out = new HashSet<>();
        for (int a = 0; a < grammar.rules[0].length; a++) expand(grammar, new Frame(0, a, 0, null), out);
        return new GrammarState(grammar, List.copyOf(out));
    }

    /** No continuation is possible: the text left the grammar. */
    public boolean isDead() { return stacks.isEmpty(); }

    /** The text so far is a whole sentence of the grammar (it may still go on). */
    public boolean canEnd() {
        for (Frame f : stacks) if (f == DONE) return true;
        return false;
    }

    /** Nothing may follow: every stack has finished. */
    public boolean mustEnd() {
        for (Frame f : stacks) if (f != DONE) return false;
        return !stacks.isEmpty();
    }

    /** The state after {@code codePoint}; dead when no stack takes it. */
    public GrammarState accept(int codePoint) {
        Set<Frame> out = new HashSet<>();
        for (Frame f : stacks) {
            if (f == DONE) continue;
            if (!grammar.terminal(grammar.rules[f.rule][f.alt][f.pos]).matches(codePoint)) continue;
            expand(grammar, next(grammar, f), out);
        }
        return out.isEmpty() ? new GrammarState(grammar, List.of()) : new GrammarState(grammar, List.copyOf(out));
    }

    /** Whether some stack takes a code point in [from, to] next (for a character whose first UTF-8 bytes are known). */
    boolean acceptsSomeOf(int from, int to) {
        for (Frame f : stacks)
            if (f != DONE && grammar.terminal(grammar.rules[f.rule][f.alt][f.pos]).intersects(from, to)) return true;
        return false;
    }

    /** Whether {@code text} (code points) takes the state somewhere live. */
    public GrammarState accept(String text) {
        GrammarState s = this;
        for (int i = 0; i < text.length() && !s.isDead(); ) {
            int cp = text.codePointAt(i);
            s = s.accept(cp);
            i += Character.charCount(cp);
        }
        return s;
    }

    /** The frame after the symbol it stands at, skipping frames at the end of their alternative. */
    private static Frame next(Grammar g, Frame f) {
        Frame at = new Frame(f.rule, f.alt, f.pos + 1, f.parent);
        while (at != null && at.pos == g.rules[at.rule][at.alt].length) at = at.parent;
        return at;
    }

    /** Adds every stack that {@code f} leads to, each stopped at a terminal (or DONE). */
    private static void expand(Grammar g, Frame f, Set<Frame> out) {
        while (f != null && f.pos == g.rules[f.rule][f.alt].length) f = f.parent;
        if (f == null) {
            out.add(DONE);
            return;
        }
        int symbol = g.rules[f.rule][f.alt][f.pos];
        if (Grammar.isTerminal(symbol)) {
            if (out.add(f) && out.size() > MAX_STACKS)
                throw new GrammarException("the grammar is too ambiguous: more than " + MAX_STACKS + " ways to go on");
            return;
        }
        Frame continuation = next(g, f);
        for (int a = 0; a < g.rules[symbol].length; a++) expand(g, new Frame(symbol, a, 0, continuation), out);
    }
}
