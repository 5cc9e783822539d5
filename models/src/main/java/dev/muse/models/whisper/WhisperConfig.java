package dev.muse.models.whisper;

import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.ggml.WhisperGgmlFile;
import dev.muse.media.LogMel;

/**
 * Hyper-parameters of a Whisper model, named after whisper.cpp's (n_audio_ctx -> audioContext), as its ggml file
 * gives them (see {@link WhisperGgmlFile} for the metadata keys), with the mel filter bank and the vocabulary's
 * byte pieces. Every value a forward pass sizes arrays by is checked here.
 */
public record WhisperConfig(
        int vocabularySize,
        /** Encoder positions: 1500 in every published model (30 s of 10 ms frames after the stride-2 convolution). */
        int audioContext,
        int audioState,
        int audioHeads,
        int audioLayers,
        int textContext,
        int textState,
        int textHeads,
        int textLayers,
        int melBins,
        /** whisper.cpp's ftype of the big matrices: 0 F32, 1 F16, 2 Q4_0, 3 Q4_1, 7 Q8_0, 8 Q5_0, 9 Q5_1. */
        int fileType,
        /** melBins rows of {@link LogMel#BINS} weights. */
        float[] melFilters,
        /** Each token's bytes as an ISO-8859-1 string; the file's count may be short of vocabularySize (special tokens). */
        String[] pieces) {
    /** whisper.cpp's layer norm epsilon (hparams.eps). */
    static final float EPS = 1e-5f;

    static WhisperConfig from(Metadata m) {
        String arch = m.getString("general.architecture", "");
        if (!arch.equals(WhisperGgmlFile.ARCH)) {
            throw new FormatException("not a Whisper model: general.architecture is '" + arch + "'");
        }
        int[] h = new int[WhisperGgmlFile.HYPER_PARAMETERS.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = m.requireInt(WhisperGgmlFile.HYPER_PARAMETERS.get(i));
        }
        WhisperConfig c = new WhisperConfig(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10],
                m.getFloats(WhisperGgmlFile.MEL_FILTERS), m.getStrings(WhisperGgmlFile.TOKENS));
        c.check(m.getInt(WhisperGgmlFile.MEL_FILTER_COUNT, -1), m.getInt(WhisperGgmlFile.FFT_BINS, -1));
        return c;
    }

    private void check(int filterRows, int fftBins) {
        require(vocabularySize > 0 && audioContext > 0 && textContext > 0 && audioLayers > 0 && textLayers > 0,
                "sizes must be positive");
        require(audioHeads > 0 && audioState % audioHeads == 0, "n_audio_state " + audioState
                + " is not a whole number of " + audioHeads + " heads");
        require(textHeads > 0 && textState % textHeads == 0, "n_text_state " + textState
                + " is not a whole number of " + textHeads + " heads");
        require(textState == audioState, "the decoder (" + textState + ") and encoder (" + audioState
                + ") widths differ, which no Whisper model does");
        require(melFilters != null && filterRows == melBins && fftBins == LogMel.BINS, "the mel filter bank is "
                + filterRows + " x " + fftBins + " where " + melBins + " x " + LogMel.BINS + " was expected");
        require(pieces != null && pieces.length <= vocabularySize, "the vocabulary holds "
                + (pieces == null ? "nothing" : pieces.length + " tokens") + " for n_vocab " + vocabularySize);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new FormatException("not a usable Whisper model: " + what);
        }
    }

    /** Mel frames the encoder reads at once: two per position, before the stride-2 convolution. */
    public int windowFrames() {
        return 2 * audioContext;
    }

    int audioHeadSize() {
        return audioState / audioHeads;
    }

    int textHeadSize() {
        return textState / textHeads;
    }
}
