package dev.muse.provenance;

import dev.muse.media.Picture;
import java.util.Map;

/**
 * The visible label a person may ask for on a picture: "Made with AI" in white on a dark, half-transparent plate in
 * the bottom-right corner, drawn from Muse's own 5 x 7 pixel letters (no font on the machine is needed), scaled with
 * the picture (1 pixel per letter pixel up to 255 pixels a side, 2 up to 767, ...).
 */
public final class VisibleLabel {
    public static final String TEXT = "Made with AI";
    private static final Map<Character, String[]> LETTERS = Map.ofEntries(
            Map.entry('M', new String[] {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}),
            Map.entry('a', new String[] {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"}),
            Map.entry('d', new String[] {"....#", "....#", ".####", "#...#", "#...#", "#...#", ".####"}),
            Map.entry('e', new String[] {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."}),
            Map.entry('w', new String[] {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."}),
            Map.entry('i', new String[] {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."}),
            Map.entry('t', new String[] {".#...", ".#...", "####.", ".#...", ".#...", ".#..#", "..##."}),
            Map.entry('h', new String[] {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"}),
            Map.entry('A', new String[] {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}),
            Map.entry('I', new String[] {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}),
            Map.entry(' ', new String[] {".....", ".....", ".....", ".....", ".....", ".....", "....."}));

    private VisibleLabel() {}

    /** {@code picture} with the label drawn on it (a new picture; too small a picture for the label is returned as it is). */
    public static Picture stamp(Picture picture) {
        int scale = 1 + Math.min(picture.width(), picture.height()) / 256;
        int pad = 3 * scale, textWidth = (TEXT.length() * 6 - 1) * scale, plateWidth = textWidth + 2 * pad, plateHeight = 7 * scale + 2 * pad;
        int x0 = picture.width() - plateWidth - pad, y0 = picture.height() - plateHeight - pad;
        if (x0 < 0 || y0 < 0) return picture;
        byte[] rgb = picture.rgb().clone();
        for (int y = y0; y < y0 + plateHeight; y++)
            for (int x = x0; x < x0 + plateWidth; x++)
                for (int c = 0, i = (y * picture.width() + x) * 3; c < 3; c++, i++) rgb[i] = (byte) ((rgb[i] & 0xFF) * 2 / 5); // 60% black
        for (int k = 0; k < TEXT.length(); k++) {
            String[] rows = LETTERS.get(TEXT.charAt(k));
            for (int row = 0; row < 7; row++)
                for (int col = 0; col < 5; col++) {
                    if (rows[row].charAt(col) != '#') continue;
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) {
                            int x = x0 + pad + (k * 6 + col) * scale + dx, y = y0 + pad + row * scale + dy;
                            int i = (y * picture.width() + x) * 3;
                            rgb[i] = rgb[i + 1] = rgb[i + 2] = (byte) 0xFF;
                        }
                }
        }
        return new Picture(picture.width(), picture.height(), rgb);
    }
}
