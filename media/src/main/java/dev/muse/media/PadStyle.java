package dev.muse.media;

/** How {@link Resize#resize} fits an image whose aspect ratio differs from the target (llama.cpp's {@code pad_style}). */
public enum PadStyle {
    /** Stretch to the target size. */
    NONE,
    /** Scale to fit inside, sizes rounded up, centred (offset rounded down) on the pad colour. */
    CEIL,
    /** Scale to fit inside, sizes and offsets rounded to nearest, on the pad colour (Pillow's byte parity). */
    NEAREST
}
