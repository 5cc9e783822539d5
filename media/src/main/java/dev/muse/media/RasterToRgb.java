package dev.muse.media;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} into 8-bit RGB the way llama.cpp's loader does (stb_image asked for 3
 * channels): the stored samples are taken as they are, with no colour management or gamma, and
 * <ul>
 *   <li>alpha is dropped, not composited over a background;</li>
 *   <li>grey is copied into red, green and blue;</li>
 *   <li>16-bit samples keep their high byte ({@code v >> 8}, stb's {@code stbi__convert_16_to_8});</li>
 *   <li>1, 2 and 4-bit grey is scaled by 255, 85 and 17 (stb's {@code stbi__depth_scale_table});</li>
 *   <li>palette indices become the palette's colours.</li>
 * </ul>
 * Reading samples from the raster matters: {@code BufferedImage.getRGB} would convert linear grey to sRGB and
 * premultiply or composite, changing the values stb hands the model.
 */
final class RasterToRgb {
    private RasterToRgb() {
    }

    static Picture convert(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int w = image.getWidth(), h = image.getHeight();
        Picture out = Picture.blank(w, h);
        if (model instanceof IndexColorModel palette) {
            fromPalette(raster, palette, out);
        } else if (isRawRgbOrGrey(model)) {
            fromSamples(raster, model.getNumColorComponents(), raster.getSampleModel().getSampleSize(0), out);
        } else {
            // CMYK and other colour spaces: let Java2D convert to sRGB; stb has no equivalent to match here.
            fromConvertedRgb(image, out);
        }
        return out;
    }

    private static boolean isRawRgbOrGrey(ColorModel model) {
        int type = model.getColorSpace().getType();
        int colours = model.getNumColorComponents();
        return (type == ColorSpace.TYPE_RGB && colours == 3) || (type == ColorSpace.TYPE_GRAY && colours == 1);
    }

    private static void fromPalette(Raster raster, IndexColorModel palette, Picture out) {
        int w = out.width();
        int[] index = new int[w];
        byte[] rgb = out.rgb();
        for (int y = 0; y < out.height(); y++) {
            raster.getSamples(0, y, w, 1, 0, index);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int i = index[x];
                rgb[o] = (byte) palette.getRed(i);
                rgb[o + 1] = (byte) palette.getGreen(i);
                rgb[o + 2] = (byte) palette.getBlue(i);
            }
        }
    }

    private static void fromSamples(Raster raster, int colours, int bits, Picture out) {
        int w = out.width();
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        byte[] rgb = out.rgb();
        for (int y = 0; y < out.height(); y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int p = x * bands;
                if (colours == 1) {
                    byte g = to8Bit(row[p], bits);
                    rgb[o] = g;
                    rgb[o + 1] = g;
                    rgb[o + 2] = g;
                } else {
                    rgb[o] = to8Bit(row[p], bits);
                    rgb[o + 1] = to8Bit(row[p + 1], bits);
                    rgb[o + 2] = to8Bit(row[p + 2], bits);
                }
            }
        }
    }

    /** stb's depth conversions: high byte of 16-bit samples, replication of 1/2/4-bit ones. */
    static byte to8Bit(int sample, int bits) {
        return switch (bits) {
            case 8 -> (byte) sample;
            case 16 -> (byte) (sample >>> 8);
            case 1, 2, 4 -> (byte) (sample * (255 / ((1 << bits) - 1)));
            default -> (byte) (bits > 8 ? sample >>> (bits - 8) : sample << (8 - bits));
        };
    }

    private static void fromConvertedRgb(BufferedImage image, Picture out) {
        int w = out.width();
        int[] argb = new int[w];
        byte[] rgb = out.rgb();
        for (int y = 0; y < out.height(); y++) {
            image.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                rgb[o] = (byte) (argb[x] >>> 16);
                rgb[o + 1] = (byte) (argb[x] >>> 8);
                rgb[o + 2] = (byte) argb[x];
            }
        }
    }
}
