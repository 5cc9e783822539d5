package dev.muse.text.phonemes;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Numbers in English words as the num2words package (0.5, English) writes them, which Kokoro's phonemizer reads them
 * through: cardinals with "and" before a last part under a hundred ("one thousand, two hundred and thirty-four"),
 * ordinals ("twenty-first"), years ("nineteen oh-five", "twenty ten", "two thousand and five"), and decimals digit by
 * digit after "point". Up to the quintillions; larger numbers are read digit by digit by the caller.
 */
final class EnglishNumbers {
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    private static final String[] SCALES = {"thousand", "million", "billion", "trillion", "quadrillion", "quintillion"};
    /** The largest number read as words. */
    static final BigInteger MAX = BigInteger.TEN.pow(21).subtract(BigInteger.ONE);

    private EnglishNumbers() {}

    static String cardinal(long n) {
        if (n < 0) return "minus " + cardinal(-n);
        if (n < 20) return ONES[(int) n];
        if (n < 100) return TENS[(int) (n / 10)] + (n % 10 == 0 ? "" : "-" + ONES[(int) (n % 10)]);
        if (n < 1000) return ONES[(int) (n / 100)] + " hundred" + (n % 100 == 0 ? "" : " and " + cardinal(n % 100));
        long scale = 1000;
        int s = 0;
        while (s + 1 < SCALES.length && n / scale >= 1000) {
            scale *= 1000;
            s++;
        }
        long high = n / scale, low = n % scale;
        String text = cardinal(high) + " " + SCALES[s];
        if (low == 0) return text;
        return text + (low < 100 ? " and " : ", ") + cardinal(low);
    }

    /** A cardinal of any size up to {@link #MAX}. */
    static String cardinal(BigInteger n) {
        if (n.abs().compareTo(MAX) > 0) throw new IllegalArgumentException(n + " is too large to read as words");
        if (n.bitLength() < 63) return cardinal(n.longValueExact());
        BigInteger[] parts = n.divideAndRemainder(BigInteger.TEN.pow(18));
        String text = cardinal(parts[0].longValueExact()) + " " + SCALES[5];
        long low = parts[1].longValueExact();
        return low == 0 ? text : text + (low < 100 ? " and " : ", ") + cardinal(low);
    }

    static String ordinal(BigInteger n) {
        String words = cardinal(n);
        int cut = Math.max(words.lastIndexOf(' '), words.lastIndexOf('-')) + 1;
        String last = words.substring(cut);
        String ordinal = switch (last) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> (last.endsWith("y") ? last.substring(0, last.length() - 1) + "ie" : last) + "th";
        };
        return words.substring(0, cut) + ordinal;
    }

    /** A year: "nineteen ninety-nine", "nineteen hundred", "nineteen oh-five", or the cardinal where it is read so (2005, 1000). */
    static String year(long n) {
        long high = n / 100, low = n % 100;
        if (high == 0 || (high % 10 == 0 && low < 10) || high >= 100) return cardinal(n);
        return cardinal(high) + " " + (low == 0 ? "hundred" : low < 10 ? "oh-" + cardinal(low) : cardinal(low));
    }

    /**
     * A decimal as num2words reads a float: the whole part, "point", then each digit of the fraction as Python prints
     * the float (3.10 is 3.1: "three point one"); a whole one as a cardinal (2.0: "two").
     */
    static String decimal(String text) {
        double value = Double.parseDouble(text);
        if (value == Math.rint(value) && Math.abs(value) < 1e18) return cardinal((long) value); // 2.0 is "two", as num2words says it
        String shortest = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        boolean negative = shortest.startsWith("-");
        if (negative) shortest = shortest.substring(1);
        int point = shortest.indexOf('.');
        String whole = point < 0 ? shortest : shortest.substring(0, point), fraction = point < 0 ? "0" : shortest.substring(point + 1);
        StringBuilder out = new StringBuilder(negative ? "minus " : "").append(cardinal(new BigInteger(whole))).append(" point");
        for (char c : fraction.toCharArray()) out.append(' ').append(ONES[c - '0']);
        return out.toString();
    }
}
