package dev.muse.testkit;

import dev.muse.media.Picture;
import java.util.Random;

/**
 * Pictures with the structure of photographs, drawn from a seed: what a watermark or a classifier meets in real use
 * (smooth light, edges, texture, flat and clipped areas), where a random-weight image model draws only noise.
 */
public final class Scenes {
    private Scenes() {}

    /** A 384 x 320 landscape: a sky gradient, a sun, hills with grass-like texture, a dark shadow that clips. */
    public static Picture landscape(long seed) {
        Random r = new Random(seed);
        int w = 384, h = 320;
        byte[] rgb = new byte[w * h * 3];
        double sunX = 60 + r.nextInt(260), sunY = 40 + r.nextInt(60), hill = 150 + r.nextInt(60), phase = r.nextDouble() * 6;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double ground = hill + 30 * Math.sin(x / 50.0 + phase);
                double red, green, blue;
                if (y < ground) {
                    double sun = Math.max(0, 1 - Math.hypot(x - sunX, y - sunY) / 40);
                    red = 90 + y * 0.4 + 165 * sun;
                    green = 140 + y * 0.3 + 115 * sun;
                    blue = 230 - y * 0.2 + 25 * sun;
                } else {
                    double grass = 25 * r.nextGaussian() + 18 * Math.sin(x * 0.9 + y * 0.4);
                    red = 60 + grass;
                    green = 120 + grass;
                    blue = 40 + grass * 0.5;
                    if (x > w * 0.7 && y > h * 0.8) red = green = blue = 4; // a shadow that clips to black
                }
                int i = (y * w + x) * 3;
                rgb[i] = (byte) Math.clamp(Math.round(red), 0, 255);
                rgb[i + 1] = (byte) Math.clamp(Math.round(green), 0, 255);
                rgb[i + 2] = (byte) Math.clamp(Math.round(blue), 0, 255);
            }
        return new Picture(w, h, rgb);
    }

}
