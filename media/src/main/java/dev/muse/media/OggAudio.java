package dev.muse.media;

import com.jcraft.jogg.Packet;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import java.nio.charset.StandardCharsets;

/**
 * An Ogg file's sound: Opus (OpusHead, OpusTags, then audio packets) with {@link OpusAudio}, or Vorbis (three header
 * packets, then audio) with the pure-Java JOrbis decoder, both over Muse's own CRC-checked {@link OggPackets}. The
 * first packet says which.
 */
final class OggAudio {
    private OggAudio() {}

    static Audio decode(byte[] file, AudioLimits limits) {
        OggPackets packets = new OggPackets(file);
        byte[] first = packets.next();
        if (first != null && first.length >= 7 && first[0] == 1 && new String(first, 1, 6, StandardCharsets.ISO_8859_1).equals("vorbis"))
            return vorbis(first, packets, limits);
        OpusAudio.Head head = OpusAudio.Head.read(first, "Ogg");
        packets.next(); // OpusTags
        return OpusAudio.decode(head, packets::next, limits);
    }

    /**
     * Vorbis: the identification, comment and setup headers, then audio packets, each decoded into float PCM. JOrbis
     * throws unchecked exceptions on some damaged packets: such a packet is skipped, and a stream where more than a
     * tenth fail is refused.
     */
    private static Audio vorbis(byte[] first, OggPackets packets, AudioLimits limits) {
        Info info = new Info();
        Comment comment = new Comment();
        info.init();
        comment.init();
        Packet packet = new Packet();
        byte[] p = first;
        for (int header = 0; header < 3; header++, p = packets.next()) {
            if (p == null) throw new MediaException("the Ogg Vorbis file ends inside its headers");
            fill(packet, p, header);
            int result;
            try {
                result = info.synthesis_headerin(comment, packet);
            } catch (RuntimeException e) {
                result = -1;
            }
            if (result < 0) throw new MediaException("the Ogg Vorbis file's header " + (header + 1) + " is damaged");
        }
        limits.checkFormat(info.channels, info.rate);
        DspState dsp = new DspState();
        Block block = new Block(dsp);
        dsp.synthesis_init(info);
        block.init(dsp);
        MonoSamples out = new MonoSamples(info.rate, limits);
        float[][][] pcm = new float[1][][];
        int[] offsets = new int[info.channels];
        int total = 0, failed = 0;
        for (long number = 3; p != null; p = packets.next(), number++) {
            total++;
            fill(packet, p, number);
            try {
                if (block.synthesis(packet) == 0) dsp.synthesis_blockin(block);
                for (int frames; (frames = dsp.synthesis_pcmout(pcm, offsets)) > 0; dsp.synthesis_read(frames))
                    out.addFloats(pcm[0], offsets, frames, info.channels);
            } catch (MediaException e) {
                throw e; // over a limit
            } catch (RuntimeException e) {
                failed++;
            }
        }
        if (total == 0 || out.size() == 0) throw new MediaException("the Ogg Vorbis file holds no audio");
        if (failed * 10 > total) throw new MediaException("the Ogg Vorbis file is damaged: " + failed + " of " + total + " packets do not decode");
        return out.audio();
    }

    private static void fill(Packet packet, byte[] bytes, long number) {
        packet.packet_base = bytes;
        packet.packet = 0;
        packet.bytes = bytes.length;
        packet.b_o_s = number == 0 ? 1 : 0;
        packet.e_o_s = 0;
        packet.granulepos = -1;
        packet.packetno = number;
    }
}
