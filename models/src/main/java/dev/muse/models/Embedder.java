package dev.muse.models;

/** A model that turns a text into one vector (an embedding model: its file declares a pooling type). */
public interface Embedder extends Model {
    /** Tokens one input may have at most. */
    int contextLength();

    /** How hidden states are pooled into the embedding; never {@link Pooling#NONE}. */
    Pooling pooling();

    /** The pooled, L2-normalised final hidden state of {@code tokens}, processed on their own. */
    float[] embed(int[] tokens);
}
