package dev.muse.models;

import dev.muse.formats.FormatException;

/** How an embedding model turns per-token hidden states into one vector (GGUF {arch}.pooling_type, llama.cpp's numbering). */
public enum Pooling {
    NONE, MEAN, CLS, LAST;

    public static Pooling ofGguf(int id) {
        return switch (id) {
            case 0 -> NONE;
            case 1 -> MEAN;
            case 2 -> CLS;
            case 3 -> LAST;
            default -> throw new FormatException("pooling_type " + id + " is not supported (0 none, 1 mean, 2 cls, 3 last)");
        };
    }
}
