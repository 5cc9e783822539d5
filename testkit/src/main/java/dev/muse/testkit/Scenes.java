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

    /**
     * An abstract picture that nsfwjs' MobileNetV2 misreads as explicit (Hentai 0.85; its "mid" variant calls it
     * Neutral): a few flat skin-coloured blobs on a plain ground. Nothing in it is explicit, which makes it the picture
     * the screening's tests need, one that the classifier flags. It is the 60th of a series of such blob pictures drawn
     * from seed 1, found by scoring them.
     */
    public static Picture flaggedBlobs() {
        Random r = new Random(1);
        Picture picture = null;
        for (int t = 0; t < 60; t++) picture = blobs(r);
        return picture;
    }

    private static Picture blobs(Random r) {
        int w = 224, h = 224;
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < 4; i++) r.nextDouble(); // a centre and radii no longer used, kept so that the series stays the same
        int bright = 150 + r.nextInt(100);
        double green = 0.6 + r.nextDouble() * 0.2, blue = 0.45 + r.nextDouble() * 0.2;
        int[] ground = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
        double[][] blobs = new double[1 + r.nextInt(4)][4];
        for (double[] b : blobs) {
            b[0] = r.nextDouble() * 224;
            b[1] = r.nextDouble() * 224;
            b[2] = 30 + r.nextDouble() * 100;
            b[3] = 30 + r.nextDouble() * 100;
        }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double d = 9;
                for (double[] b : blobs) d = Math.min(d, Math.hypot((x - b[0]) / b[2], (y - b[1]) / b[3]));
                int i = (y * w + x) * 3;
                if (d < 1) {
                    double shade = bright * (1 - 0.3 * d * d);
                    rgb[i] = (byte) shade;
                    rgb[i + 1] = (byte) (shade * green);
                    rgb[i + 2] = (byte) (shade * blue);
                } else {
                    rgb[i] = (byte) ground[0];
                    rgb[i + 1] = (byte) ground[1];
                    rgb[i + 2] = (byte) ground[2];
                }
            }
        return new Picture(w, h, rgb);
    }
}
