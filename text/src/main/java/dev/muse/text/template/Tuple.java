package dev.muse.text.template;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The value of a tuple literal such as {@code (1, 2)}: a list in every respect except printing.
 * Python prints {@code (1, 2)} where the reference cannot print a tuple at all, so Muse refuses too
 * rather than inventing a third rendering.
 */
final class Tuple extends AbstractList<Object> implements RandomAccess {
    private final List<Object> items;

    Tuple(List<Object> items) {
        this.items = items;
    }

    @Override public Object get(int index) { return items.get(index); }

    @Override public int size() { return items.size(); }
}
