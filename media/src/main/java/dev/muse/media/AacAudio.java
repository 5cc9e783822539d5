package dev.muse.media;

import java.util.List;
import net.sourceforge.jaad.aac.Decoder;

/**
 * AAC frames to sound with the JAAD decoder (the javasound-aac fork: the one that decodes noise substitution right),
 * mixed to mono. A frame JAAD cannot decode (it throws on damaged input) is skipped; a stream where more than a
 * tenth fail is refused.
 */
final class AacAudio {
    private AacAudio() {}

    static Audio decode(Mp4Frames.Track track, AudioLimits limits) {
        Decoder decoder;
        try {
            decoder = Decoder.create(track.config());
        } catch (Exception | AssertionError e) {
            throw new MediaException("the M4A file's AAC configuration is not one Muse reads: " + e.getMessage(), e);
        }
        MonoSamples[] out = {null};
        int[] rate = {0};
        int failed = 0;
        for (byte[] frame : track.frames()) {
            try {
                decoder.decodeFrame(frame, (List<float[]> channels, int length, int sampleRate) -> {
                    if (out[0] == null) {
                        limits.checkFormat(channels.size(), sampleRate);
                        rate[0] = sampleRate;
                        out[0] = new MonoSamples(sampleRate, limits);
                    }
                    if (sampleRate != rate[0]) return; // a rate change mid-stream: not speech anyone records
                    float[][] pcm = channels.toArray(float[][]::new);
                    int[] offsets = new int[pcm.length];
                    out[0].addFloats(pcm, offsets, length, pcm.length);
                });
            } catch (MediaException e) {
                throw e; // over a limit
            } catch (Exception | AssertionError e) {
                failed++;
            }
        }
        if (out[0] == null || out[0].size() == 0) throw new MediaException("the M4A file holds no audio AAC frames decode to");
        if (failed * 10 > track.frames().size())
            throw new MediaException("the M4A file is damaged: " + failed + " of " + track.frames().size() + " AAC frames do not decode");
        Audio audio = out[0].audio();
        float[] samples = audio.samples();
        for (int i = 0; i < samples.length; i++) samples[i] /= 32768f; // JAAD gives samples in 16-bit scale
        return audio;
    }
}
