package dev.muse.models;

import dev.muse.media.Picture;
import java.util.List;

/** A model that sorts a picture into classes (an image safety classifier): one probability per label. */
public interface ImageClassifier extends Model {
    /** The classes, in the order {@link #classify} scores them. */
    List<String> labels();

    /** The probability of each label for {@code picture}; they sum to 1. */
    float[] classify(Picture picture);
}
