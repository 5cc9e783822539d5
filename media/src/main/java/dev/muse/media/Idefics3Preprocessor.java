package dev.muse.media;

import java.util.ArrayList;
import java.util.List;

/**
 * llama.cpp's {@code mtmd_image_preprocessor_idefics3} (SmolVLM, Idefics3): the image is resized keeping its
 * aspect ratio so its longer side is {@code longestEdge}, both sides rounded up to multiples of
 * {@code imageSize}, and cut into {@code imageSize} tiles; an overview squeezes the whole image into one
 * {@code imageSize} square.
 *
 * <p>The resize settings are llama.cpp's llava-uhd defaults, which IDEFICS3 does not override: the refined
 * image is bicubic with {@code PAD_CEIL} on black (the rounded-up size has a slightly different aspect, so a
 * thin black band can appear at the right or bottom edge after centring), and the overview is bilinear and
 * stretched ({@code PAD_NONE}). transformers stretches the refined image instead; Muse follows llama.cpp.
 *
 * @param imageSize     the tile and overview side ({@code clip.vision.image_size})
 * @param longestEdge   the refined image's longer side ({@code clip.vision.preproc_image_size}); 0 when the
 *                      projector file has none: each side is then rounded to the nearest multiple of imageSize
 * @param minPixels     0, or the least area of the refined image (llama.cpp's image_min_tokens times the
 *                      merged patch area)
 * @param maxPixels     0, or the largest area of the refined image
 * @param normalization the encoder's mean and std
 */
public record Idefics3Preprocessor(int imageSize, int longestEdge, int minPixels, int maxPixels,
                                   Normalization normalization) {
    public Idefics3Preprocessor {
        if (imageSize < 1 || longestEdge < 0 || minPixels < 0 || maxPixels < 0) {
            throw new IllegalArgumentException("bad IDEFICS3 sizes: image " + imageSize + ", longest edge "
                    + longestEdge + ", pixels " + minPixels + ".." + maxPixels);
        }
    }

    /** SmolVLM's settings: no token limits. */
    public Idefics3Preprocessor(int imageSize, int longestEdge, Normalization normalization) {
        this(imageSize, longestEdge, 0, 0, normalization);
    }

    /** The size the image is resized to before it is cut into tiles. */
    public ImageSize refinedSize(ImageSize original) {
        return AspectFit.preservedRatio(original, imageSize, minPixels, maxPixels, longestEdge);
    }

    /** The overview and tiles, 8-bit, before normalisation. */
    public ImageSlices slice(Picture picture) {
        ImageSize refined = refinedSize(picture.size());
        int gridX = (int) Math.ceil((float) refined.width() / imageSize);
        int gridY = (int) Math.ceil((float) refined.height() / imageSize);
        Picture overview = Resize.resize(picture, new ImageSize(imageSize, imageSize),
                ResizeAlgorithm.BILINEAR, PadStyle.NONE, 0x000000);
        Picture refinedImage = Resize.resize(picture, refined, ResizeAlgorithm.BICUBIC, PadStyle.CEIL, 0x000000);
        List<Picture> tiles = new ArrayList<>(gridX * gridY);
        for (int y = 0; y < refined.height(); y += imageSize) {
            for (int x = 0; x < refined.width(); x += imageSize) {
                tiles.add(Resize.crop(refinedImage, x, y,
                        Math.min(imageSize, refined.width() - x), Math.min(imageSize, refined.height() - y)));
            }
        }
        return new ImageSlices(overview, tiles, gridX, gridY);
    }

    /** The encoder's inputs: overview, tiles and grid. */
    public TiledPixels preprocess(Picture picture) {
        return slice(picture).normalize(normalization);
    }
}
