package dev.muse.media;

/**
 * llama.cpp's {@code mtmd_image_preprocessor_fixed_size}: one square {@code imageSize x imageSize} input,
 * resized with the projector's algorithm and padding, then normalised.
 *
 * @param imageSize     the side of the square the encoder takes ({@code clip.vision.image_size})
 * @param algorithm     the resize filter
 * @param pad           how a non-square image is fitted
 * @param padRgb        the pad colour as {@code 0xRRGGBB}
 * @param normalization the encoder's mean and std
 */
public record FixedSizePreprocessor(int imageSize, ResizeAlgorithm algorithm, PadStyle pad, int padRgb,
                                    Normalization normalization) {
    public FixedSizePreprocessor {
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be positive: " + imageSize);
        }
    }

    /**
     * Gemma 3's settings in llama.cpp ({@code PROJECTOR_TYPE_GEMMA3}): bilinear, and the default
     * {@code PAD_CEIL} with black, so a non-square image keeps its aspect ratio on black bars.
     */
    public static FixedSizePreprocessor gemma3(int imageSize, Normalization normalization) {
        return new FixedSizePreprocessor(imageSize, ResizeAlgorithm.BILINEAR, PadStyle.CEIL, 0x000000, normalization);
    }

    /** The resized 8-bit image, before normalisation. */
    public Picture resize(Picture picture) {
        return Resize.resize(picture, new ImageSize(imageSize, imageSize), algorithm, pad, padRgb);
    }

    /** The encoder's input. */
    public PixelValues preprocess(Picture picture) {
        return normalization.planar(resize(picture));
    }
}
