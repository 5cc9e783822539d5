package dev.muse.models;

/**
 * What a model keeps for one sequence between steps (a decoder's KV cache; an encoder-decoder's self- and
 * cross-attention caches), made by the model and opaque to everyone else. {@link #length()} positions are
 * filled; a caller may rewind to reuse a shared prefix, or copy one from another state of the same model.
 */
public interface SequenceState {
    int length();

    int capacity();

    /** Forgets everything after the first {@code newLength} positions. */
    void truncate(int newLength);

    /** Replaces this state's content with the first {@code positions} positions of {@code source} (a shared prefix). */
    void copyPrefixFrom(SequenceState source, int positions);

    /** Bytes held now. */
    long byteSize();

    /** Bytes held when full. */
    long capacityBytes();

    /**
     * Gives this state's memory back to its model for a later sequence (a beam search starts a copy per beam per
     * step); the state is not used again. Releasing twice does nothing; a state never released is simply collected.
     */
    default void release() {}
}
