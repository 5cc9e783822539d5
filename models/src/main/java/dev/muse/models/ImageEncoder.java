package dev.muse.models;

import dev.muse.media.Picture;

/**
 * A vision encoder working for one decoder (llama.cpp's mtmd calls it a projector): it preprocesses a picture
 * as its model was trained, encodes it, and lays the embeddings out in the prompt between the control tokens
 * that model expects. Each encoder owns its prompt layout; the runtime only supplies the {@link PromptSink}.
 */
public interface ImageEncoder extends Model {
    /** Appends the prompt rows of one picture to {@code sink}. */
    void append(Picture picture, PromptSink sink);
}
