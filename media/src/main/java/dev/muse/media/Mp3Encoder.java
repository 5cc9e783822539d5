package dev.muse.media;

import de.sciss.jump3r.lowlevel.LameEncoder;
import java.io.ByteArrayOutputStream;

/**
 * MP3 (MPEG-1/2 Layer III, constant bit rate, mono) with jump3r, the pure-Java port of LAME (LGPL, used as the
 * unmodified library it ships as). LAME picks the MPEG version the rate needs (MPEG-2 for 24 kHz). Frames come out
 * as soon as LAME has them; a listener's decoder starts on the first. Like every MP3 encoder, LAME delays the sound
 * by its own padding (about 1,100 samples), which players that read its tag take back off.
 */
final class Mp3Encoder implements AudioEncoder {
    private final LameEncoder lame;
    private final byte[] frames;
    private boolean finished;

    Mp3Encoder(int sampleRate, int kbps) {
        if (!java.util.Set.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000).contains(sampleRate))
            throw new IllegalArgumentException("MP3 cannot hold a sample rate of " + sampleRate + " Hz");
        javax.sound.sampled.AudioFormat pcm = new javax.sound.sampled.AudioFormat(sampleRate, 16, 1, true, false);
        lame = new LameEncoder(pcm, kbps, LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_MIDDLE, false);
        frames = new byte[lame.getMP3BufferSize()];
    }

    @Override public byte[] add(float[] samples) {
        if (finished) throw new IllegalStateException("the MP3 stream is finished");
        byte[] pcm = WavWriter.rawPcm16(samples);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0, step = lame.getPCMBufferSize(); at < pcm.length; at += step) {
            int written = lame.encodeBuffer(pcm, at, Math.min(step, pcm.length - at), frames);
            out.write(frames, 0, written);
        }
        return out.toByteArray();
    }

    @Override public byte[] finish() {
        if (finished) return new byte[0];
        finished = true;
        int written = lame.encodeFinish(frames);
        lame.close();
        return java.util.Arrays.copyOf(frames, written);
    }
}
