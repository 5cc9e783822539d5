package dev.muse.media;

import java.util.List;

/**
 * A tiling projector's input: the normalised overview and tiles. The prompt needs the grid to lay out the
 * image tokens (for SmolVLM, {@code <row_r_col_c>} before tile {@code (r, c)}, counting from 1, then the
 * {@code <global-img>} overview).
 *
 * @param overview the whole image at the encoder's size
 * @param tiles    {@code gridX * gridY} tiles in llama.cpp's order: left to right, then top to bottom; tile
 *                 {@code (row, col)} is {@code tiles.get(row * gridX + col)}
 * @param gridX    tiles per row
 * @param gridY    rows of tiles
 */
public record TiledPixels(PixelValues overview, List<PixelValues> tiles, int gridX, int gridY) {
    public TiledPixels {
        tiles = List.copyOf(tiles);
        if (tiles.size() != gridX * gridY) {
            throw new IllegalArgumentException(tiles.size() + " tiles for a " + gridX + "x" + gridY + " grid");
        }
    }
}
