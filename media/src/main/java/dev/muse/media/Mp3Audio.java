package dev.muse.media;

import java.io.ByteArrayInputStream;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/**
 * MPEG audio (MP3, and layers I and II) with the pure-Java JLayer decoder, frame by frame, mixed to mono. The first
 * frame fixes the rate and channels (a frame that changes them ends the stream, as players stop there). JLayer
 * throws unchecked exceptions on some damaged frames: they end decoding with what came before, or are refused when
 * nothing did.
 */
final class Mp3Audio {
    private Mp3Audio() {}

    static Audio decode(byte[] file, AudioLimits limits) {
        Bitstream stream = new Bitstream(new ByteArrayInputStream(file));
        javazoom.jl.decoder.Decoder decoder = new javazoom.jl.decoder.Decoder();
        MonoSamples out = null;
        int rate = 0, channels = 0;
        try {
            for (Header header; (header = stream.readFrame()) != null; stream.closeFrame()) {
                SampleBuffer frame = (SampleBuffer) decoder.decodeFrame(header, stream);
                if (out == null) {
                    rate = frame.getSampleFrequency();
                    channels = frame.getChannelCount();
                    limits.checkFormat(channels, rate);
                    out = new MonoSamples(rate, limits);
                } else if (frame.getSampleFrequency() != rate || frame.getChannelCount() != channels) {
                    break;
                }
                out.addShorts(frame.getBuffer(), frame.getBufferLength() / channels, channels);
            }
        } catch (BitstreamException | DecoderException | RuntimeException e) {
            if (e instanceof MediaException m) throw m; // over a limit
            if (out == null || out.size() == 0) throw new MediaException("the MP3 file is damaged: " + e.getClass().getSimpleName(), e);
        }
        if (out == null || out.size() == 0) throw new MediaException("the MP3 file holds no audio frames");
        return out.audio();
    }
}
