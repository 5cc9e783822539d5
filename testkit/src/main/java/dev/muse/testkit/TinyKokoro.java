package dev.muse.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A random-weight Kokoro model folder as people download it (hexgrad/Kokoro-82M: {@code kokoro-v1_0.pth},
 * {@code config.json}, {@code voices/NAME.pt}): the checkpoint a dict of five state dicts (bert, bert_encoder, predictor,
 * text_encoder, decoder) whose names carry DataParallel's {@code module.} prefix and weight norm's {@code weight_g} /
 * {@code weight_v} pairs, as the real file has them, and each voice a [510, 1, 256] tensor of style vectors (one per
 * phoneme count). {@link Shape#REAL} is the published model's config; {@link Shape#SMALL} keeps what Kokoro's code
 * fixes (the decoder's widths and the generator's input, a 128 + 128 style) and shrinks the rest. Values are scaled so that every layer matters:
 * weight-normed kernels have norms near 1, the duration projection's bias keeps most phonemes one to three frames long.
 */
public final class TinyKokoro {
    /** Kokoro-82M's phoneme vocabulary (config.json's "vocab"): symbol to id. */
    public static final Map<String, Integer> VOCAB = vocab();

    /** What config.json sets: the ALBERT's widths, the prosody and text encoders', the generator's. */
    public record Shape(int bertHidden, int bertHeads, int bertIntermediate, int bertLayers, int bertEmbedding, int layers, int textKernel,
                        int upsampleInitial, int[] resblockKernels, int[][] resblockDilations) {
        public static final Shape REAL = new Shape(768, 12, 2048, 12, 128, 3, 5, 512, new int[] {3, 7, 11}, new int[][] {{1, 3, 5}, {1, 3, 5}, {1, 3, 5}});
        public static final Shape SMALL = new Shape(64, 2, 96, 2, 32, 1, 3, 512, new int[] {3}, new int[][] {{1, 3, 5}});
    }

    static final int HIDDEN = 512, STYLE = 128, MAX_DUR = 50, TOKENS = 178, POSITIONS = 512, N_FFT = 20, HOP = 5;
    static final int[] RATES = {10, 6}, UP_KERNELS = {20, 12};

    private final RandomTensors random;
    private final Shape shape;

    private TinyKokoro(long seed, Shape shape) {
        this.random = new RandomTensors(seed);
        this.shape = shape;
    }

    /** Writes the model folder: kokoro-v1_0.pth, config.json, and voices/{voice}.pt. */
    public static Path write(Path folder, Shape shape, long seed, String voice) throws IOException {
        Files.createDirectories(folder.resolve("voices"));
        TinyKokoro k = new TinyKokoro(seed, shape);
        Map<String, Object> groups = new LinkedHashMap<>();
        groups.put("bert", TorchSave.stateDict(k.bert()));
        Map<String, Object> encoder = new LinkedHashMap<>();
        k.linear(encoder, "module", HIDDEN, shape.bertHidden());
        groups.put("bert_encoder", TorchSave.stateDict(encoder));
        groups.put("predictor", TorchSave.stateDict(k.predictor()));
        groups.put("text_encoder", TorchSave.stateDict(k.textEncoder()));
        groups.put("decoder", TorchSave.stateDict(k.decoder()));
        TorchSave.write(folder.resolve("kokoro-v1_0.pth"), groups);
        Files.writeString(folder.resolve("config.json"), k.config());
        TorchSave.write(folder.resolve("voices").resolve(voice + ".pt"), k.tensor("voice:" + voice, 0f, 0.3f, 510, 1, 2 * STYLE));
        for (String accent : List.of("us", "gb")) {
            Files.writeString(folder.resolve(accent + "_gold.json"), LEXICON);
            Files.writeString(folder.resolve(accent + "_silver.json"), "{}");
        }
        return folder;
    }

    /** Adds another voice, voices/{name}.pt, to a folder {@link #write} made. */
    public static void addVoice(Path folder, String name, long seed) throws IOException {
        TorchSave.write(folder.resolve("voices").resolve(name + ".pt"), new TinyKokoro(seed, Shape.SMALL).tensor("voice:" + name, 0f, 0.3f, 510, 1, 2 * STYLE));
    }

    /**
     * A small English lexicon in misaki's format (what muse pull kokoro brings as us_gold.json / gb_gold.json): the
     * letters, the number words, and the words tests say.
     */
    static final String LEXICON = lexicon();

    private static String lexicon() {
        String[][] words = {{"A", "ˈA"}, {"B", "bˈi"}, {"C", "sˈi"}, {"D", "dˈi"}, {"E", "ˈi"}, {"F", "ˈɛf"}, {"G", "ʤˈi"}, {"H", "ˈAʧ"},
                {"I", "ˈI"}, {"J", "ʤˈA"}, {"K", "kˈA"}, {"L", "ˈɛl"}, {"M", "ˈɛm"}, {"N", "ˈɛn"}, {"O", "ˈO"}, {"P", "pˈi"}, {"Q", "kjˈu"},
                {"R", "ˈɑɹ"}, {"S", "ˈɛs"}, {"T", "tˈi"}, {"U", "jˈu"}, {"V", "vˈi"}, {"W", "dˈʌbᵊlju"}, {"X", "ˈɛks"}, {"Y", "wˈI"}, {"Z", "zˈi"},
                {"zero", "zˈɪɹO"}, {"one", "wˈʌn"}, {"two", "tˈu"}, {"three", "θɹˈi"}, {"four", "fˈɔɹ"}, {"five", "fˈIv"}, {"six", "sˈɪks"},
                {"seven", "sˈɛvən"}, {"eight", "ˈAt"}, {"nine", "nˈIn"}, {"ten", "tˈɛn"}, {"twenty", "twˈɛnti"}, {"hundred", "hˈʌndɹəd"},
                {"thousand", "θˈWzᵊnd"}, {"point", "pˈYnt"}, {"minus", "mˈInəs"}, {"and", "ænd"}, {"dollar", "dˈɑləɹ"}, {"cent", "sˈɛnt"},
                {"the", "ði"}, {"to", "tu"}, {"am", "ˈæm"}, {"hello", "həlˈO"}, {"world", "wˈɜɹld"}, {"muse", "mjˈuz"}, {"speaks", "spˈiks"},
                {"speak", "spˈik"}, {"this", "ðˈɪs"}, {"is", "ˈɪz"}, {"a", "ɐ"}, {"test", "tˈɛst"}, {"quick", "kwˈɪk"}, {"brown", "bɹˈWn"},
                {"fox", "fˈɑks"}, {"good", "ɡˈʊd"}, {"morning", "mˈɔɹnɪŋ"}, {"voice", "vˈYs"}, {"read", "ɹˈid"}, {"aloud", "əlˈWd"}};
        StringBuilder json = new StringBuilder("{");
        for (String[] w : words) json.append(json.length() > 1 ? ", " : "").append(dev.muse.formats.JsonValues.quote(w[0])).append(": ").append(dev.muse.formats.JsonValues.quote(w[1]));
        return json.append("}").toString();
    }

    private Map<String, Object> bert() {
        Map<String, Object> m = new LinkedHashMap<>();
        int e = shape.bertEmbedding(), h = shape.bertHidden(), ffn = shape.bertIntermediate();
        String p = "module.embeddings.";
        m.put(p + "position_ids", TorchSave.Tensor.longs(IntStream.range(0, POSITIONS).asLongStream().toArray(), 1, POSITIONS));
        m.put(p + "word_embeddings.weight", tensor(p + "word_embeddings.weight", 0f, 1f, TOKENS, e));
        m.put(p + "position_embeddings.weight", tensor(p + "position_embeddings.weight", 0f, 0.5f, POSITIONS, e));
        m.put(p + "token_type_embeddings.weight", tensor(p + "token_type_embeddings.weight", 0f, 0.5f, 2, e));
        norm(m, p + "LayerNorm", "weight", "bias", e);
        linear(m, "module.encoder.embedding_hidden_mapping_in", h, e);
        String l = "module.encoder.albert_layer_groups.0.albert_layers.0.";
        for (String name : List.of("query", "key", "value", "dense")) linear(m, l + "attention." + name, h, h);
        norm(m, l + "attention.LayerNorm", "weight", "bias", h);
        linear(m, l + "ffn", ffn, h);
        linear(m, l + "ffn_output", h, ffn);
        norm(m, l + "full_layer_layer_norm", "weight", "bias", h);
        linear(m, "module.pooler", h, h);
        return m;
    }

    private Map<String, Object> predictor() {
        Map<String, Object> m = new LinkedHashMap<>();
        int d = HIDDEN;
        for (int i = 0; i < shape.layers(); i++) {
            lstm(m, "module.text_encoder.lstms." + 2 * i, d + STYLE, d / 2);
            linear(m, "module.text_encoder.lstms." + (2 * i + 1) + ".fc", 2 * d, STYLE, 0.3f);
        }
        lstm(m, "module.lstm", d + STYLE, d / 2);
        m.put("module.duration_proj.linear_layer.weight", tensor("module.duration_proj.linear_layer.weight", 0f, (float) (5 / Math.sqrt(d)), MAX_DUR, d));
        m.put("module.duration_proj.linear_layer.bias", tensor("module.duration_proj.linear_layer.bias", -4.2f, 0.5f, MAX_DUR));
        lstm(m, "module.shared", d + STYLE, d / 2);
        for (String curve : List.of("F0", "N")) {
            adainResBlk1d(m, "module." + curve + ".0", d, d, false);
            adainResBlk1d(m, "module." + curve + ".1", d, d / 2, true);
            adainResBlk1d(m, "module." + curve + ".2", d / 2, d / 2, false);
            conv(m, "module." + curve + "_proj", 1, d / 2, 1, true);
        }
        return m;
    }

    private Map<String, Object> textEncoder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module.embedding.weight", tensor("module.embedding.weight", 0f, 1f, TOKENS, HIDDEN));
        for (int i = 0; i < shape.layers(); i++) {
            weightNormed(m, "module.cnn." + i + ".0", HIDDEN, HIDDEN, shape.textKernel(), true);
            norm(m, "module.cnn." + i + ".1", "gamma", "beta", HIDDEN);
        }
        lstm(m, "module.lstm", HIDDEN, HIDDEN / 2);
        return m;
    }

    private Map<String, Object> decoder() {
        Map<String, Object> m = new LinkedHashMap<>();
        adainResBlk1d(m, "module.encode", HIDDEN + 2, 1024, false);
        for (int i = 0; i < 4; i++) adainResBlk1d(m, "module.decode." + i, 1024 + 2 + 64, i == 3 ? 512 : 1024, i == 3);
        weightNormed(m, "module.F0_conv", 1, 1, 3, true);
        weightNormed(m, "module.N_conv", 1, 1, 3, true);
        weightNormed(m, "module.asr_res.0", 64, HIDDEN, 1, true);
        String g = "module.generator.";
        linear(m, g + "m_source.l_linear", 1, 9);
        int channels = shape.upsampleInitial();
        for (int i = 0; i < RATES.length; i++) {
            int in = channels >> i, out = channels >> (i + 1);
            // ConvTranspose1d's kernel is [in, out, k]; weight norm's magnitude is per input channel
            m.put(g + "ups." + i + ".weight_g", tensor(g + "ups." + i + ".weight_g", 1f, 0.1f, in, 1, 1));
            m.put(g + "ups." + i + ".weight_v", tensor(g + "ups." + i + ".weight_v", 0f, 1f, in, out, UP_KERNELS[i]));
            m.put(g + "ups." + i + ".bias", tensor(g + "ups." + i + ".bias", 0f, 0.05f, out));
            for (int j = 0; j < shape.resblockKernels().length; j++)
                adainResBlock1(m, g + "resblocks." + (i * shape.resblockKernels().length + j), out, shape.resblockKernels()[j], shape.resblockDilations()[j]);
            int strideF0 = i + 1 < RATES.length ? RATES[i + 1] : 1;
            conv(m, g + "noise_convs." + i, out, N_FFT + 2, i + 1 < RATES.length ? 2 * strideF0 : 1, true);
            adainResBlock1(m, g + "noise_res." + i, out, i + 1 < RATES.length ? 7 : 11, new int[] {1, 3, 5});
        }
        weightNormed(m, g + "conv_post", N_FFT + 2, channels >> RATES.length, 7, true);
        return m;
    }

    /** StyleTTS 2's AdainResBlk1d: two AdaIN norms, two weight-normed k=3 convolutions, a 1x1 shortcut and a depthwise pool when asked. */
    private void adainResBlk1d(Map<String, Object> m, String p, int in, int out, boolean upsample) {
        adaIn(m, p + ".norm1", in);
        weightNormed(m, p + ".conv1", out, in, 3, true);
        adaIn(m, p + ".norm2", out);
        weightNormed(m, p + ".conv2", out, out, 3, true);
        if (in != out) weightNormed(m, p + ".conv1x1", out, in, 1, false);
        if (upsample) weightNormed(m, p + ".pool", in, 1, 3, true);
    }

    /** ISTFTNet's AdaINResBlock1: three dilated convolution pairs, each with two AdaIN norms and two Snake alphas. */
    private void adainResBlock1(Map<String, Object> m, String p, int channels, int kernel, int[] dilations) {
        for (int i = 0; i < dilations.length; i++) {
            weightNormed(m, p + ".convs1." + i, channels, channels, kernel, true);
            weightNormed(m, p + ".convs2." + i, channels, channels, kernel, true);
        }
        for (int i = 0; i < dilations.length; i++) adaIn(m, p + ".adain1." + i, channels);
        for (int i = 0; i < dilations.length; i++) adaIn(m, p + ".adain2." + i, channels);
        for (String alpha : List.of("alpha1", "alpha2"))
            for (int i = 0; i < dilations.length; i++) m.put(p + "." + alpha + "." + i, tensor(p + "." + alpha + "." + i, 1f, 0.1f, 1, channels, 1));
    }

    private void adaIn(Map<String, Object> m, String p, int channels) {
        norm(m, p + ".norm", "weight", "bias", channels);
        linear(m, p + ".fc", 2 * channels, STYLE, 0.3f);
    }

    /** A bidirectional one-layer LSTM: weights std 1/sqrt(hidden), biases small. */
    private void lstm(Map<String, Object> m, String p, int in, int hidden) {
        float std = (float) (1 / Math.sqrt(hidden));
        for (String suffix : List.of("", "_reverse")) {
            m.put(p + ".weight_ih_l0" + suffix, tensor(p + ".weight_ih_l0" + suffix, 0f, std, 4 * hidden, in));
            m.put(p + ".weight_hh_l0" + suffix, tensor(p + ".weight_hh_l0" + suffix, 0f, std, 4 * hidden, hidden));
            m.put(p + ".bias_ih_l0" + suffix, tensor(p + ".bias_ih_l0" + suffix, 0f, 0.1f, 4 * hidden));
            m.put(p + ".bias_hh_l0" + suffix, tensor(p + ".bias_hh_l0" + suffix, 0f, 0.1f, 4 * hidden));
        }
    }

    /** A weight-normed Conv1d: magnitude per output channel near 1, direction random. */
    private void weightNormed(Map<String, Object> m, String p, int out, int in, int kernel, boolean bias) {
        m.put(p + ".weight_g", tensor(p + ".weight_g", 1f, 0.1f, out, 1, 1));
        m.put(p + ".weight_v", tensor(p + ".weight_v", 0f, 1f, out, in, kernel));
        if (bias) m.put(p + ".bias", tensor(p + ".bias", 0f, 0.05f, out));
    }

    private void conv(Map<String, Object> m, String p, int out, int in, int kernel, boolean bias) {
        m.put(p + ".weight", tensor(p + ".weight", 0f, (float) (1 / Math.sqrt(in * kernel)), out, in, kernel));
        if (bias) m.put(p + ".bias", tensor(p + ".bias", 0f, 0.05f, out));
    }

    private void linear(Map<String, Object> m, String p, int out, int in) { linear(m, p, out, in, 1f); }

    private void linear(Map<String, Object> m, String p, int out, int in, float scale) {
        m.put(p + ".weight", tensor(p + ".weight", 0f, scale * (float) (1 / Math.sqrt(in)), out, in));
        m.put(p + ".bias", tensor(p + ".bias", 0f, 0.05f, out));
    }

    private void norm(Map<String, Object> m, String p, String weight, String bias, int n) {
        m.put(p + "." + weight, tensor(p + "." + weight, 1f, 0.1f, n));
        m.put(p + "." + bias, tensor(p + "." + bias, 0f, 0.05f, n));
    }

    private TorchSave.Tensor tensor(String name, float mean, float std, int... dims) {
        long n = 1;
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) n *= shape[i] = dims[i];
        SplittableRandom r = random.stream(name);
        float[] values = new float[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) values[i] = mean + std * (float) r.nextGaussian();
        return TorchSave.Tensor.floats(values, shape);
    }

    private String config() {
        String vocab = VOCAB.entrySet().stream().map(e -> dev.muse.formats.JsonValues.quote(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(", "));
        return """
                {
                  "istftnet": {"upsample_kernel_sizes": [20, 12], "upsample_rates": [10, 6], "gen_istft_hop_size": 5, "gen_istft_n_fft": 20,
                               "resblock_dilation_sizes": %s, "resblock_kernel_sizes": %s, "upsample_initial_channel": %d},
                  "dim_in": 64, "dropout": 0.2, "hidden_dim": 512, "max_conv_dim": 512, "max_dur": 50, "multispeaker": true, "n_layer": %d,
                  "n_mels": 80, "n_token": 178, "style_dim": 128, "text_encoder_kernel_size": %d,
                  "plbert": {"hidden_size": %d, "num_attention_heads": %d, "intermediate_size": %d, "max_position_embeddings": 512,
                             "num_hidden_layers": %d, "dropout": 0.1%s},
                  "vocab": {%s}
                }
                """.formatted(java.util.Arrays.deepToString(shape.resblockDilations()), java.util.Arrays.toString(shape.resblockKernels()),
                shape.upsampleInitial(), shape.layers(), shape.textKernel(), shape.bertHidden(), shape.bertHeads(), shape.bertIntermediate(),
                shape.bertLayers(), shape.bertEmbedding() == 128 ? "" : ", \"embedding_size\": " + shape.bertEmbedding(), vocab);
    }

    private static Map<String, Integer> vocab() {
        String[] symbols = {";", ":", ",", ".", "!", "?", "\u2014", "\u2026", "\"", "(", ")", "\u201c", "\u201d", " ", "\u0303", "\u02a3",
                "\u02a5", "\u02a6", "\u02a8", "\u1d5d", "\uab67", "A", "I", "O", "Q", "S", "T", "W", "Y", "\u1d4a", "a", "b", "c", "d", "e", "f",
                "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "\u0251", "\u0250", "\u0252",
                "\u00e6", "\u03b2", "\u0254", "\u0255", "\u00e7", "\u0256", "\u00f0", "\u02a4", "\u0259", "\u025a", "\u025b", "\u025c",
                "\u025f", "\u0261", "\u0265", "\u0268", "\u026a", "\u029d", "\u026f", "\u0270", "\u014b", "\u0273", "\u0272", "\u0274",
                "\u00f8", "\u0278", "\u03b8", "\u0153", "\u0279", "\u027e", "\u027b", "\u0281", "\u027d", "\u0282", "\u0283", "\u0288",
                "\u02a7", "\u028a", "\u028b", "\u028c", "\u0263", "\u0264", "\u03c7", "\u028e", "\u0292", "\u0294", "\u02c8", "\u02cc",
                "\u02d0", "\u02b0", "\u02b2", "\u2193", "\u2192", "\u2197", "\u2198", "\u1d7b"};
        int[] ids = {1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 31, 33, 35, 36, 39, 41, 42, 43, 44, 45,
                46, 47, 48, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 75, 76, 77, 78, 80, 81,
                82, 83, 85, 86, 87, 90, 92, 99, 101, 102, 103, 110, 111, 112, 113, 114, 115, 116, 118, 119, 120, 123, 125, 126, 128, 129, 130,
                131, 132, 133, 135, 136, 138, 139, 140, 142, 143, 147, 148, 156, 157, 158, 162, 164, 169, 171, 172, 173, 177};
        if (symbols.length != ids.length) throw new AssertionError(symbols.length + " symbols, " + ids.length + " ids");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) vocab.put(symbols[i], ids[i]);
        return java.util.Collections.unmodifiableMap(vocab);
    }
}
