package dev.muse.text.template;

import java.util.Arrays;

/** Turns offsets in the original template source into 1-based line and column numbers for errors. */
final class Positions {
    private final int[] lineStarts;

    Positions(String source) {
        int[] starts = new int[16];
        int count = 0;
        starts[count++] = 0;
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                if (count == starts.length) starts = Arrays.copyOf(starts, count * 2);
                starts[count++] = i + 1;
            }
        }
        lineStarts = Arrays.copyOf(starts, count);
    }

    /** The exception, placed at the source offset unless it already carries a position. */
    TemplateException locate(TemplateException e, int offset) {
        if (e.line() > 0) return e;
        int i = Arrays.binarySearch(lineStarts, offset);
        int line = i >= 0 ? i : -i - 2;
        return e.locate(line + 1, offset - lineStarts[line] + 1);
    }

    TemplateException error(String reason, int offset) {
        return locate(new TemplateException(reason), offset);
    }
}
