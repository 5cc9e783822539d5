package dev.muse.media;

import java.util.Arrays;

/**
 * Per-channel normalisation {@code (v / 255 - mean[c]) / std[c]}, as llama.cpp's {@code clip_image_f32}
 * {@code from_u8} and {@code normalize} compute it (float division by 255, then float subtract and divide),
 * so the floats are bit-identical. A vision encoder reads mean and std from its projector file
 * ({@code clip.vision.image_mean} / {@code image_std}).
 *
 * @param mean three per-channel means (red, green, blue)
 * @param std  three per-channel standard deviations, none zero
 */
public record Normalization(float[] mean, float[] std) {
    /** Mean 0.5 and std 0.5 for every channel, mapping [0, 255] to [-1, 1]: SigLIP (SmolVLM, Gemma 3). */
    public static final Normalization HALF = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

    /** OpenAI CLIP's statistics. */
    public static final Normalization CLIP = new Normalization(
            new float[] {0.48145466f, 0.4578275f, 0.40821073f}, new float[] {0.26862954f, 0.26130258f, 0.27577711f});

    public Normalization {
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("normalisation needs three means and three stds");
        }
        for (float s : std) {
            if (!(s != 0.0f) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std must be finite and non-zero: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The normalised value of one 8-bit sample of channel {@code c}. */
    public float apply(int sample, int c) {
        float v = (float) sample / 255.0f;
        return (v - mean[c]) / std[c];
    }

    /** The picture's normalised pixels, planar (see {@link PixelValues}). */
    public PixelValues planar(Picture picture) {
        int plane = picture.width() * picture.height();
        // Each channel takes only 256 values: look them up instead of dividing per pixel; apply() made them.
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = apply(v, c);
            }
        }
        byte[] rgb = picture.rgb();
        float[] chw = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            chw[p] = table[0][rgb[p * 3] & 0xFF];
            chw[plane + p] = table[1][rgb[p * 3 + 1] & 0xFF];
            chw[2 * plane + p] = table[2][rgb[p * 3 + 2] & 0xFF];
        }
        return new PixelValues(picture.width(), picture.height(), chw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
