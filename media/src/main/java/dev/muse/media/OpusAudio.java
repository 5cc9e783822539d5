package dev.muse.media;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Opus packets to sound, with the pure-Java Concentus port of libopus, always at 48 kHz: below it, Concentus
 * decodes hybrid-mode packets (which browsers send at low bitrates) to silence (lostromb/concentus#67). The
 * decoder's pre-skip is dropped. A packet Concentus cannot decode (it throws errors, assertions included, on
 * damaged input) is skipped; a stream where more than a tenth fail is refused as damaged.
 */
final class OpusAudio {
    static final int RATE = 48000;
    private static final int MAX_FRAME = 5760; // 120 ms at 48 kHz, Opus's longest packet

    /** OpusHead: the channel count and pre-skip; mapping family 0 (mono or stereo) only, as recorders write. */
    record Head(int channels, int preSkip) {
        static Head read(byte[] h, String container) {
            if (h == null || h.length < 19 || !new String(h, 0, 8, StandardCharsets.ISO_8859_1).equals("OpusHead"))
                throw new MediaException("the " + container + " file's Opus stream has no OpusHead header");
            if ((h[8] & 0xF0) != 0) throw new MediaException("the " + container + " file's OpusHead has an unknown version " + (h[8] & 0xFF));
            int channels = h[9] & 0xFF, preSkip = (h[10] & 0xFF) | (h[11] & 0xFF) << 8, family = h[18] & 0xFF;
            if (family != 0 || channels < 1 || channels > 2)
                throw new MediaException("the " + container + " file's Opus stream has " + channels + " channels in mapping family " + family
                        + "; Muse reads mono and stereo Opus");
            return new Head(channels, preSkip);
        }
    }

    private OpusAudio() {}

    /** Decodes every packet {@code packets} gives (null at the end) into mono samples at 48 kHz. */
    static Audio decode(Head head, Supplier<byte[]> packets, AudioLimits limits) {
        OpusDecoder decoder;
        try {
            decoder = new OpusDecoder(RATE, head.channels());
        } catch (OpusException e) {
            throw new MediaException("the Opus decoder cannot start: " + e.getMessage(), e);
        }
        MonoSamples out = new MonoSamples(RATE, limits);
        short[] pcm = new short[MAX_FRAME * head.channels()];
        long skip = head.preSkip();
        int total = 0, failed = 0;
        for (byte[] p; (p = packets.get()) != null; ) {
            if (p.length == 0) continue;
            total++;
            int frames;
            try {
                frames = decoder.decode(p, 0, p.length, pcm, 0, MAX_FRAME, false);
            } catch (OpusException | RuntimeException | AssertionError e) { // Concentus asserts on some damaged packets
                failed++;
                continue;
            }
            int from = (int) Math.min(skip, frames);
            skip -= from;
            if (from > 0) System.arraycopy(pcm, from * head.channels(), pcm, 0, (frames - from) * head.channels());
            out.addShorts(pcm, frames - from, head.channels());
        }
        if (total == 0) throw new MediaException("the Opus stream holds no audio");
        if (failed * 10 > total) throw new MediaException("the Opus stream is damaged: " + failed + " of " + total + " packets do not decode");
        return out.audio();
    }
}
