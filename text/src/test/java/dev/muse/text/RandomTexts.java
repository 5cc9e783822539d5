package dev.muse.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random texts made of the pieces tokenizers find hard: runs of mixed whitespace, digits,
 * contractions, punctuation, accented and non-Latin letters, emoji with joiners and modifiers.
 */
final class RandomTexts {

    private static final String[] PIECES = {
        " ", "  ", "\n", "\n\n", "\t", "\r\n", " \n ", "\u00A0", "\u3000", "\u2009",
        "a", "e", "Hello", "world", "THE", "McDonald", "x", "ing", "don", "I",
        "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'",
        "0", "7", "42", "123", "2024", "3.14", "1,000", "-", "+", "=",
        ".", ",", "!", "?", "...", "!!!", ":", ";", "\"", "(", ")", "[", "]", "{", "}", "<", ">", "/", "\\",
        "_", "#", "@", "$", "%", "&", "*", "|", "~", "`", "^",
        "ä", "é", "ß", "ñ", "Ø", "Ελλάδα", "привет", "Ж", "שלום", "مرحبا", "नमस्ते", "ไทย", "ক্ষ",
        "中文", "字", "日本語", "カタカナ", "한국어", "ｆｕｌｌ", "１２３",
        "😀", "👍🏽", "👨‍👩‍👧", "🇩🇪", "🦙", "✅", "❤️", "𝔘", "∑", "→", "€", "©", "\u200B"
    };

    private RandomTexts() {
    }

    /** {@code count} texts of 1 to 40 pieces each. */
    static List<String> generate(long seed, int count) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(40);
            for (int p = 0; p < pieces; p++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
