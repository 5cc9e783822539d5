package dev.muse.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts special tokens out of text before the text itself is tokenized, as llama.cpp's
 * {@code tokenizer_st_partition} does: tokens are tried longest text first, and each one splits every
 * remaining stretch of raw text at all its occurrences. User-defined tokens are always cut out (Hugging
 * Face tokenizers treat added tokens that way); control and unknown tokens only when the caller asks
 * for special tokens to be parsed, so that "&lt;|eot_id|&gt;" typed by a user stays plain text by default.
 * Hugging Face's per-token lstrip/rstrip flags are not stored in GGUF and are not applied (llama.cpp
 * sets them for a few models by model name).
 */
final class SpecialTokenSplitter {

    /** A stretch of the input: raw text [start, end) when {@code token} is -1, else one special token. */
    record Fragment(int token, int start, int end) {
        boolean isText() {
            return token < 0;
        }
    }

    private final int[] ids;
    private final String[] texts;
    private final boolean[] alwaysSplit;

    SpecialTokenSplitter(Vocabulary vocabulary) {
        // Longest first, ties by id, so a token that contains another wins wherever both match.
        int[] sorted = IntStream.range(0, vocabulary.size())
                .filter(id -> isSpecial(vocabulary.tokenType(id)) && !vocabulary.token(id).isEmpty())
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(id -> -vocabulary.token(id).length())
                        .thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
        ids = sorted;
        texts = new String[sorted.length];
        alwaysSplit = new boolean[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            texts[i] = vocabulary.token(sorted[i]);
            alwaysSplit[i] = vocabulary.tokenType(sorted[i]) == TokenType.USER_DEFINED;
        }
    }

    private static boolean isSpecial(TokenType type) {
        return type == TokenType.CONTROL || type == TokenType.USER_DEFINED || type == TokenType.UNKNOWN;
    }

    /** The fragments of {@code text} in order; empty text gives no fragments. */
    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) {
            fragments.add(new Fragment(-1, 0, text.length()));
        }
        for (int i = 0; i < ids.length; i++) {
            if (parseSpecial || alwaysSplit[i]) {
                fragments = splitOn(text, fragments, ids[i], texts[i]);
            }
        }
        return fragments;
    }

    private static List<Fragment> splitOn(String text, List<Fragment> fragments, int id, String special) {
        List<Fragment> out = null;
        for (int f = 0; f < fragments.size(); f++) {
            Fragment fragment = fragments.get(f);
            int at = fragment.isText() ? indexIn(text, special, fragment.start(), fragment.end()) : -1;
            if (at < 0) {
                if (out != null) {
                    out.add(fragment);
                }
                continue;
            }
            if (out == null) {
                // First hit for this token: copy the untouched fragments before it.
                out = new ArrayList<>(fragments.subList(0, f));
            }
            int start = fragment.start();
            while (at >= 0) {
                if (at > start) {
                    out.add(new Fragment(-1, start, at));
                }
                out.add(new Fragment(id, at, at + special.length()));
                start = at + special.length();
                at = indexIn(text, special, start, fragment.end());
            }
            if (start < fragment.end()) {
                out.add(new Fragment(-1, start, fragment.end()));
            }
        }
        return out == null ? fragments : out;
    }

    /** First occurrence lying wholly inside [from, to): the search never scans past the fragment. */
    private static int indexIn(String text, String special, int from, int to) {
        return text.indexOf(special, from, to);
    }
}
