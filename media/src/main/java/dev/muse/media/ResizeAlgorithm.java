package dev.muse.media;

/** The resampling filters of llama.cpp's {@code img_tool::resize} that Muse's projectors use. */
public enum ResizeAlgorithm {
    /**
     * llama.cpp's {@code RESIZE_ALGO_BILINEAR}: corner-aligned sampling ({@code (src - 1) / (dst - 1)}),
     * float interpolation, truncation to 8 bits. Not Pillow's or PyTorch's bilinear; what llama.cpp does.
     */
    BILINEAR,
    /**
     * llama.cpp's {@code RESIZE_ALGO_BICUBIC}: the ViT.cpp cubic (a = -0.5 in its difference form) on a
     * top-left-aligned grid ({@code src / dst}), edge samples clamped, rounded half away from zero.
     */
    BICUBIC
}
