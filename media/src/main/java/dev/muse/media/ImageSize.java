package dev.muse.media;

/** A width and height in pixels. */
public record ImageSize(int width, int height) {
    @Override
    public String toString() {
        return width + "x" + height;
    }
}
