package dev.muse.models.kokoro;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import dev.muse.models.albert.Albert;
import java.util.HashMap;
import java.util.Map;

/**
 * Kokoro's config.json as hexgrad/Kokoro-82M ships it: the phoneme vocabulary (one symbol to one id), the widths of
 * the text and prosody encoders, the PL-BERT's (ALBERT) under "plbert", and the ISTFTNet generator's under "istftnet".
 */
public record KokoroConfig(int tokens, int hidden, int style, int layers, int maxDuration, int textKernel, Albert.Config bert,
                           IstftNet.Config generator, Map<Integer, Integer> vocab) {
    /** Kokoro speaks at 24 kHz. */
    public static final int SAMPLE_RATE = 24_000;

    public static KokoroConfig from(JsonConfig c) {
        int tokens = c.integer("n_token", 2, 1 << 16), style = c.integer("style_dim", 1, 4096);
        JsonConfig g = c.object("istftnet");
        int[] kernels = g.integers("resblock_kernel_sizes", 1, 63, 8), rates = g.integers("upsample_rates", 1, 64, 8);
        int[][] dilations = g.integerLists("resblock_dilation_sizes", 1, 64, 8);
        int[] upKernels = g.integers("upsample_kernel_sizes", 1, 128, 8);
        if (dilations.length != kernels.length || upKernels.length != rates.length)
            throw new FormatException(g.where() + ": " + kernels.length + " resblock kernels with " + dilations.length + " dilation lists, "
                    + rates.length + " upsample rates with " + upKernels.length + " kernels");
        IstftNet.Config generator = new IstftNet.Config(style, kernels, dilations, rates, upKernels, g.integer("upsample_initial_channel", 1, 8192),
                g.integer("gen_istft_n_fft", 2, 4096), g.integer("gen_istft_hop_size", 1, 4096), SAMPLE_RATE);
        JsonConfig v = c.object("vocab");
        Map<Integer, Integer> vocab = new HashMap<>();
        for (String symbol : v.keys()) {
            if (symbol.codePointCount(0, symbol.length()) != 1) throw new FormatException(v.where() + ": \"" + symbol + "\" is not one symbol");
            vocab.put(symbol.codePointAt(0), v.integer(symbol, 1, tokens - 1));
        }
        return new KokoroConfig(tokens, c.integer("hidden_dim", 2, 8192), style, c.integer("n_layer", 1, 64), c.integer("max_dur", 1, 1024),
                c.integer("text_encoder_kernel_size", 1, 63), Albert.Config.from(c.object("plbert"), tokens), generator, Map.copyOf(vocab));
    }

    /** The longest phoneme string the model takes: the PL-BERT's positions, less the two padding ids around it. */
    public int maxPhonemes() { return bert.positions() - 2; }
}
