package dev.muse.models.kokoro;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import dev.muse.formats.pytorch.TorchCheckpoint;
import dev.muse.models.albert.Albert;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.Scratch;
import dev.muse.models.nn.WeightShapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kokoro (hexgrad/Kokoro-82M, StyleTTS 2 with an ISTFTNet vocoder): phonemes and a voice to 24 kHz speech, as the
 * reference's KModel.forward does it. The phonemes, padded with id 0 at both ends, go through the PL-BERT (ALBERT) and
 * a projection to the prosody predictor, which says how many frames each phoneme lasts; the predictor's features and
 * the text encoder's are spread over those frames; the predictor makes F0 and energy curves from its own, and the
 * decoder makes the audio from the text encoder's, the curves, and the voice's timbre.
 *
 * <p>Loaded from the folder people download: config.json, the checkpoint ({@code kokoro-v1_0.pth}, read without
 * running anything, see {@link TorchCheckpoint}), and {@code voices/*.pt}.
 */
public final class Kokoro implements AutoCloseable {
    /** One utterance's audio (24 kHz mono, unscaled floats) and the frames each phoneme id was given, padding included. */
    public record Speech(float[] audio, int[] durations) {}

    /** The names of the checkpoint file, in the order they are looked for. */
    private static final List<String> CHECKPOINTS = List.of("kokoro-v1_0.pth", "kokoro-v1_1-zh.pth", "model.pth");
    private static final Pattern VOICE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Longest speech one call makes, in frames of 25 ms (two minutes); the pipeline says longer text in pieces. */
    static final int MAX_FRAMES = 4_800;

    private final Path folder;
    private final KokoroConfig config;
    private final TorchCheckpoint checkpoint;
    private final Albert bert;
    private final Tensor bertEncoder, bertEncoderBias;
    private final ProsodyPredictor predictor;
    private final TextEncoder textEncoder;
    private final KokoroDecoder decoder;
    private final Ops ops;

    private Kokoro(Path folder, KokoroConfig c, TorchCheckpoint checkpoint, Ops ops) {
        this.folder = folder;
        this.config = c;
        this.checkpoint = checkpoint;
        this.ops = ops;
        WeightShapes w = new WeightShapes(checkpoint, ops);
        // DataParallel's "module." prefix is in the published file; KModel accepts a file without it too
        String module = checkpoint.has("bert.module.embeddings.word_embeddings.weight") ? ".module" : "";
        bert = Albert.load(w, "bert" + module + ".", c.bert());
        bertEncoder = w.matrix("bert_encoder" + module + ".weight", c.hidden(), c.bert().hidden());
        bertEncoderBias = w.vector("bert_encoder" + module + ".bias", c.hidden());
        predictor = ProsodyPredictor.load(w, "predictor" + module, c.hidden(), c.style(), c.layers(), c.maxDuration());
        textEncoder = TextEncoder.load(w, "text_encoder" + module, c.hidden(), c.textKernel(), c.layers(), c.tokens());
        // the decoder's widths are fixed in Kokoro's code (istftnet.py), not read from the config
        decoder = KokoroDecoder.load(w, "decoder" + module, new KokoroDecoder.Config(c.hidden(), c.style(), 1024, 512, 64, c.generator()));
    }

    /** Opens a Kokoro folder; a FormatException says what is missing or malformed. */
    public static Kokoro load(Path folder, Ops ops) throws IOException {
        KokoroConfig config = KokoroConfig.from(JsonConfig.read(folder.resolve("config.json")));
        Path file = CHECKPOINTS.stream().map(folder::resolve).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new FormatException(folder.getFileName() + " has no Kokoro checkpoint (" + String.join(", ", CHECKPOINTS) + ")"));
        TorchCheckpoint checkpoint = TorchCheckpoint.open(file);
        try {
            return new Kokoro(folder, config, checkpoint, ops);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    public KokoroConfig config() { return config; }

    /** The voices in the folder's voices/, by name, sorted. */
    public List<String> voices() throws IOException {
        Path dir = folder.resolve("voices");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pt")).map(n -> n.substring(0, n.length() - 3))
                    .filter(n -> VOICE_NAME.matcher(n).matches()).sorted().toList();
        }
    }

    /** Reads the voice called {@code name} (voices/NAME.pt); names are letters, digits, '_' and '-', so none leaves the folder. */
    public Voice voice(String name) throws IOException {
        if (!VOICE_NAME.matcher(name).matches()) throw new IllegalArgumentException("no voice is called \"" + name + "\"");
        Path file = folder.resolve("voices").resolve(name + ".pt");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no voice is called \"" + name + "\" (voices: " + String.join(", ", voices()) + ")");
        return Voice.read(file, 2 * config.style());
    }

    /** The vocabulary's ids of the phoneme string's symbols; symbols it lacks are left out, as the reference does. */
    public int[] ids(String phonemes) {
        return phonemes.codePoints().filter(p -> config.vocab().containsKey(p)).map(p -> config.vocab().get(p)).toArray();
    }

    /**
     * Speech for a phoneme string (Kokoro's symbols, at most {@link KokoroConfig#maxPhonemes} of them) in a voice, at
     * {@code speed} (1 is the voice's own pace; 2 twice as fast).
     */
    public Speech speak(String phonemes, Voice voice, float speed, SourceNoise noise) {
        return speak(phonemes, voice, speed, noise, IstftNet.scratch());
    }

    /**
     * {@link #speak(String, Voice, float, SourceNoise)} with the vocoder working in {@code scratch}: the pieces of one
     * speech pass the same one ({@link IstftNet#scratch}), so its arrays of tens of megabytes are made once a speech.
     */
    public Speech speak(String phonemes, Voice voice, float speed, SourceNoise noise, Scratch scratch) {
        int[] known = ids(phonemes);
        if (known.length == 0) throw new IllegalArgumentException("no symbol of \"" + abbreviate(phonemes) + "\" is one of Kokoro's phonemes");
        if (known.length > config.maxPhonemes())
            throw new IllegalArgumentException(known.length + " phonemes is more than Kokoro says at once (" + config.maxPhonemes() + ")");
        if (!(speed >= 0.25f && speed <= 4f)) throw new IllegalArgumentException("speed " + speed + " is outside 0.25..4");
        int[] ids = new int[known.length + 2];
        System.arraycopy(known, 0, ids, 1, known.length);
        float[] s = voice.style(phonemes.codePointCount(0, phonemes.length()));
        int style = config.style();
        Prosody prosody = prosody(ids, java.util.Arrays.copyOfRange(s, style, 2 * style), speed);
        float[] features = align(textEncoder.apply(ops, ids), config.hidden(), prosody.durations(), prosody.frames());
        int samples = 2 * prosody.frames() * config.generator().upsample();
        float[] audio = decoder.apply(ops, features, prosody.frames(), prosody.f0(), prosody.energy(), java.util.Arrays.copyOfRange(s, 0, style),
                noise.phases(HarmonicSource.HARMONICS), noise.noise(samples * HarmonicSource.HARMONICS), scratch);
        return new Speech(audio, prosody.durations());
    }

    /** What the prosody half of the model decides: the PL-BERT's projected features, each id's frames, and the F0 and energy curves. */
    record Prosody(float[] projected, int[] durations, int frames, float[] f0, float[] energy) {}

    /** The prosody of padded phoneme ids for prosody style s. */
    Prosody prosody(int[] ids, float[] s, float speed) {
        int n = ids.length, hidden = config.hidden();
        float[] projected = new float[n * hidden];
        ops.matmul(bertEncoder, bert.encode(ops, ids), n, projected, hidden, config.bert().hidden());
        Bias.add(ops, projected, bertEncoderBias, n, hidden);
        float[] encoded = predictor.encode(ops, projected, n, s);
        int[] durations = predictor.durations(ops, encoded, n, speed);
        int frames = 0;
        for (int d : durations) frames += d;
        if (frames > MAX_FRAMES) throw new IllegalArgumentException("this speech would last " + frames / 40 + " s; say it in shorter pieces");
        float[][] curves = predictor.curves(ops, align(encoded, predictor.encodedWidth(), durations, frames), frames, s);
        return new Prosody(projected, durations, frames, curves[0], curves[1]);
    }

    /** Each row repeated for its duration: [frames, width]. */
    private static float[] align(float[] rows, int width, int[] durations, int frames) {
        float[] out = new float[frames * width];
        int f = 0;
        for (int t = 0; t < durations.length; t++)
            for (int k = 0; k < durations[t]; k++) System.arraycopy(rows, t * width, out, f++ * width, width);
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override public void close() { checkpoint.close(); }
}
