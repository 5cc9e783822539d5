package dev.muse.provenance.watermark;

import java.util.SplittableRandom;

/**
 * The public spreading code of Muse's watermarks: a sync sequence, a data sequence and the code bit each chip carries,
 * drawn from a fixed seed so that any Muse can find any Muse's mark. The word is a 48-bit payload and its CRC-16, sent
 * as 140 bits of a {@link Convolutional} code.
 */
final class Spread {
    static final int PAYLOAD_BITS = 48, WORD_BITS = 64, CODE_BITS = 2 * (WORD_BITS + 6);

    /** ±1 per chip: the sync sequence, the data sequence; and which code bit each chip carries (each bit as often). */
    final float[] sync, data;
    final int[] bitOf;

    Spread(int chips, long seed) {
        if (chips < CODE_BITS) throw new IllegalArgumentException("at least " + CODE_BITS + " chips");
        SplittableRandom r = new SplittableRandom(seed);
        sync = new float[chips];
        data = new float[chips];
        for (int j = 0; j < chips; j++) {
            sync[j] = r.nextBoolean() ? 1 : -1;
            data[j] = r.nextBoolean() ? 1 : -1;
        }
        int[] order = new int[chips];
        for (int j = 0; j < chips; j++) order[j] = j;
        for (int j = chips - 1; j > 0; j--) { // a shuffle: a bit's chips are spread over the whole tile
            int k = r.nextInt(j + 1), t = order[j];
            order[j] = order[k];
            order[k] = t;
        }
        bitOf = new int[chips];
        for (int j = 0; j < chips; j++) bitOf[order[j]] = j % CODE_BITS;
    }

    /** The payload and its CRC, coded, as ±1 code bits. */
    static float[] encode(long payload) {
        if (payload >>> PAYLOAD_BITS != 0) throw new IllegalArgumentException("a watermark payload has " + PAYLOAD_BITS + " bits");
        long word = payload << 16 | crc16(payload);
        int[] bits = new int[WORD_BITS];
        for (int b = 0; b < WORD_BITS; b++) bits[b] = (int) (word >>> (WORD_BITS - 1 - b) & 1);
        int[] coded = Convolutional.encode(bits);
        float[] code = new float[CODE_BITS];
        for (int b = 0; b < CODE_BITS; b++) code[b] = coded[b] == 1 ? 1 : -1;
        return code;
    }

    /** The 64-bit word most likely sent, given soft values of the code bits. */
    static long word(float[] soft) {
        long word = 0;
        for (int bit : Convolutional.decode(soft, WORD_BITS)) word = word << 1 | bit;
        return word;
    }

    /** Whether the word's last 16 bits are the CRC of its first 48: 1 in 65,536 for a word of random bits. */
    static boolean checks(long word) {
        return crc16(word >>> 16) == (word & 0xFFFF);
    }

    /** CRC-16/CCITT-FALSE of the payload's six bytes. */
    static int crc16(long payload) {
        int crc = 0xFFFF;
        for (int i = 5; i >= 0; i--) {
            crc ^= (int) (payload >>> (8 * i) & 0xFF) << 8;
            for (int k = 0; k < 8; k++) crc = (crc & 0x8000) != 0 ? (crc << 1 ^ 0x1021) & 0xFFFF : crc << 1 & 0xFFFF;
        }
        return crc;
    }
}
