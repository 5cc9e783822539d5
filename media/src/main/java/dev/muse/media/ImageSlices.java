package dev.muse.media;

import java.util.List;

/**
 * An image cut for a tiling projector, before normalisation: a downscaled overview of the whole image and
 * the tiles of a larger copy, row by row.
 *
 * @param overview the whole image at the encoder's size
 * @param tiles    {@code gridX * gridY} tiles, left to right, then top to bottom
 * @param gridX    tiles per row
 * @param gridY    rows of tiles
 */
public record ImageSlices(Picture overview, List<Picture> tiles, int gridX, int gridY) {
    public ImageSlices {
        tiles = List.copyOf(tiles);
        if (tiles.size() != gridX * gridY) {
            throw new IllegalArgumentException(tiles.size() + " tiles for a " + gridX + "x" + gridY + " grid");
        }
    }

    /** Every picture normalised. */
    public TiledPixels normalize(Normalization normalization) {
        return new TiledPixels(normalization.planar(overview),
                tiles.stream().map(normalization::planar).toList(), gridX, gridY);
    }
}
