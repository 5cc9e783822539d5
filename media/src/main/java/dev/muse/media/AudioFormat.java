package dev.muse.media;

/** Audio containers told apart by their first bytes; {@link #sniff} names the one a file is in. */
enum AudioFormat {
    WAV("WAV"),
    FLAC("FLAC"),
    OGG("Ogg (Opus or Vorbis)"),
    WEBM("WebM/Matroska"),
    MP4("MP4/M4A (AAC)"),
    MP3("MP3");

    private final String label;

    AudioFormat(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static AudioFormat sniff(byte[] d) {
        if (starts(d, 0, "RIFF") && starts(d, 8, "WAVE")) {
            return WAV;
        }
        if (starts(d, 0, "fLaC")) {
            return FLAC;
        }
        if (starts(d, 0, "OggS")) {
            return OGG;
        }
        if (d.length >= 4 && (d[0] & 0xFF) == 0x1A && (d[1] & 0xFF) == 0x45 && (d[2] & 0xFF) == 0xDF
                && (d[3] & 0xFF) == 0xA3) {
            return WEBM;
        }
        if (starts(d, 4, "ftyp")) {
            return MP4;
        }
        if (starts(d, 0, "ID3") || d.length >= 2 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xE0) == 0xE0) {
            return MP3; // an ID3v2 tag, or an MPEG audio frame's 11-bit sync word
        }
        if (d.length == 0) {
            throw new MediaException("the audio file is empty");
        }
        throw new MediaException("the file is not audio Muse recognises: send WAV, FLAC, MP3, Ogg or WebM");
    }

    private static boolean starts(byte[] d, int offset, String ascii) {
        if (d.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (d[offset + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
