package dev.muse.cli;

import dev.muse.bench.ContemplateBench;
import dev.muse.bench.DecoderBench;
import dev.muse.bench.DiffusionBench;
import dev.muse.bench.GrammarBench;
import dev.muse.bench.NsfwBench;
import dev.muse.bench.WatermarkBench;
import dev.muse.bench.ServeBench;
import dev.muse.bench.SyntheticModels;
import dev.muse.bench.TtsBench;
import dev.muse.bench.VisionBench;
import dev.muse.bench.WhisperBench;
import dev.muse.engine.GgmlType;
import dev.muse.engine.Parallel;
import dev.muse.hub.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code muse bench}: the options; the benchmarks themselves live in the bench module. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure prompt processing (ppN) and generation (tgN) tokens/s and peak memory, like llama-bench.",
                "With --llama-bench, runs llama.cpp's llama-bench on the same file in the same run and prints ratios.",
                "With --serve, measures the HTTP server under concurrent streaming clients instead.",
                "With --vision, measures a vision tower's encode time per image instead.",
                "With --whisper, measures speech recognition: mel, encoder and decoding.",
                "With --tts, measures speech synthesis: time to first audio and real-time factor.",
                "With --diffusion, measures image generation: prompt encoding, a UNet step, the VAE decode, a 1-step picture.",
                "With --contemplate, measures a contemplating answer against one thinking answer and against several in a row.",
                "With --grammar, measures constrained decoding: a 50-property JSON schema's compile time and its cost per token."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "a .gguf file or a model name in the cache")
    String model;

    @Option(names = "--synthetic", arity = "0..1", fallbackValue = "", paramLabel = "NAME", description = "write (once, into the cache) and bench a random-weight model with a real model's shapes: llama-3.2-1b, smollm2-135m, stories15m; with --whisper, no NAME: a random-weight Whisper of that size")
    String synthetic;

    @Option(names = "--type", defaultValue = "Q8_0", description = "weight type of the synthetic model (default ${DEFAULT-VALUE})")
    GgmlType type;

    @Option(names = {"-p", "--prompt-tokens"}, defaultValue = "512", description = "prompt length for ppN (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = {"-n", "--gen-tokens"}, defaultValue = "128", description = "generated tokens for tgN (default ${DEFAULT-VALUE})")
    int genTokens;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "repetitions of each test (default ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--llama-bench", paramLabel = "PATH", description = "llama.cpp's llama-bench binary to run side by side")
    Path llamaBench;

    @Option(names = "--serve", description = "bench the HTTP server instead: concurrent streaming clients (see --clients), aggregate t/s, TTFT and inter-token gaps")
    boolean serve;

    @Option(names = "--clients", split = ",", defaultValue = "1,4,16", description = "with --serve: concurrent clients per round (default ${DEFAULT-VALUE})")
    int[] clients;

    @Option(names = "--llama-server", paramLabel = "PATH", description = "with --serve: llama.cpp's llama-server binary, run with the same rounds for ratios")
    Path llamaServer;

    @Option(names = "--prompt-words", defaultValue = "16", description = "with --serve: words in each client's prompt (default ${DEFAULT-VALUE})")
    int promptWords;

    @Option(names = "--vision", paramLabel = "NAME", description = "bench a vision tower instead: encode one image at native resolution with a random-weight mmproj of a real tower's shapes: smolvlm, gemma3 (see --type, -r, --mtmd-probe)")
    String vision;

    @Option(names = "--mtmd-probe", paramLabel = "PATH", description = "with --vision: the llama.cpp mtmd probe (docs/bench.md), run on the same file for ratios")
    Path mtmdProbe;

    @Option(names = "--whisper", paramLabel = "NAME", description = "bench speech recognition instead: mel, encoder and decoding on 30 s of jfk.wav with a Whisper from the cache (whisper-NAME, as muse pull gives it, or a file), or with --synthetic a random-weight one of a published size's shapes: tiny, base, small, large-v3-turbo (see --type, -r, -n, --whisper-cli)")
    String whisper;

    @Option(names = "--whisper-cli", paramLabel = "PATH", description = "with --whisper: whisper.cpp's whisper-cli, run on the same file and audio for ratios")
    Path whisperCli;

    @Option(names = "--diffusion", paramLabel = "NAME", description = "bench image generation instead: prompt encoding, one UNet step, the VAE "
            + "decode and a 1-step picture with a Stable Diffusion folder from the cache, or with --synthetic a random-weight one of SD-Turbo's "
            + "shapes: sd-turbo (--type F16 or F32, -r, --size)")
    String diffusion;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "512x512", description = "with --diffusion: the picture's size (default ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--tts", arity = "0..1", fallbackValue = "kokoro", paramLabel = "MODEL", description = "bench speech synthesis instead: time to "
            + "first audio and real-time factor for a 20-word sentence and a 200-word paragraph with a Kokoro folder from the cache (default kokoro, "
            + "as muse pull gives it), or with --synthetic a random-weight one of Kokoro-82M's shapes (see -r, --tts-reference)")
    String tts;

    @Option(names = "--tts-reference", paramLabel = "COMMAND", description = "with --tts: a command that says the sentence's phonemes with "
            + "hexgrad/kokoro in PyTorch (given FOLDER VOICE PHONEMES THREADS; prints \"A s of audio in T s\" per round), for a ratio (docs/bench.md)")
    String ttsReference;

    @Option(names = "--contemplate", description = "bench a contemplating chat answer instead (see --agents; -n is each pass's thought budget, "
            + "--answer-tokens its answer, -p the prompt's words) against one thinking answer and against --agents thinking answers in a row")
    boolean contemplate;

    @Option(names = "--grammar", description = "bench constrained decoding instead: compiling a 50-property JSON schema, and each token kept to it "
            + "against a free one (-n tokens per answer)")
    boolean grammar;

    @Option(names = "--watermark", description = "bench the watermarks instead: the image mark's PSNR, bit accuracy after JPEG q50, a 0.5x resize, "
            + "a 10% crop and brightness +-20%, and false positives, on crops of the photographs in --images folders; the audio mark's SNR and bit "
            + "accuracy after MP3 and resampling, and false positives, on clips of --audio (default: jfk.wav from the shared test data); with a MODEL, "
            + "the text mark's z-score at 200 tokens and its cost in the model's perplexity")
    boolean watermark;

    @Option(names = "--nsfw", description = "bench the image safety classifier instead: pictures it flags as explicit among benign ones in the "
            + "--images folders (the false-positive rate and its 95% upper bound) and its time per picture, for MODEL (a classifier folder) or "
            + "every one muse pull put in the model cache; with --tfjs, its agreement with TensorFlow.js")
    boolean nsfw;

    @Option(names = "--tfjs", paramLabel = "DIR", description = "with --nsfw: nsfwjs and TensorFlow.js installed with classify.mjs (the build's "
            + "models/target/nsfw-node) to compare with on the first --compare pictures of each folder")
    Path tfjs;

    @Option(names = "--compare", defaultValue = "100", description = "with --nsfw --tfjs: pictures of each folder compared (default ${DEFAULT-VALUE})")
    int compare;

    @Option(names = "--images", paramLabel = "DIR", split = ",", description = "with --watermark: folders of photographs; with --nsfw: folders of "
            + "benign pictures (PNG, JPEG, WebP)")
    List<Path> images = List.of();

    @Option(names = "--marked", defaultValue = "100", description = "with --watermark: marked pictures (default ${DEFAULT-VALUE})")
    int marked;

    @Option(names = "--unmarked", defaultValue = "1000", description = "with --watermark: unmarked pictures checked for false positives (default ${DEFAULT-VALUE})")
    int unmarked;

    @Option(names = "--agents", defaultValue = "4", description = "with --contemplate: sub-agents (default ${DEFAULT-VALUE})")
    int agents;

    @Option(names = "--answer-tokens", defaultValue = "32", description = "with --contemplate: tokens of each answer after its thought (default ${DEFAULT-VALUE})")
    int answerTokens;

    @Option(names = "--audio", paramLabel = "FILE", description = "with --whisper: the speech to repeat to 30 s; with --watermark: the speech to mark (default: jfk.wav from the shared test data)")
    Path audio;

    @Override public Integer call() throws Exception {
        if (watermark) {
            if (images.isEmpty()) throw new IllegalArgumentException("--watermark needs --images DIR: folders of photographs (docs/bench.md says where to find some)");
            return WatermarkBench.run(images, audio != null ? audio : Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav"),
                    model != null ? ModelFiles.resolve(model) : null, marked, unmarked);
        }
        if (nsfw) {
            if (images.isEmpty()) throw new IllegalArgumentException("--nsfw needs --images DIR: folders of benign pictures (docs/bench.md says where to find some)");
            List<Path> classifiers = model != null ? List.of(java.nio.file.Files.isDirectory(Path.of(model)) ? Path.of(model) : ModelFiles.cache().resolve(model))
                    : java.util.stream.Stream.of("nsfw-mobilenet-v2", "nsfw-mobilenet-v2-mid").map(ModelFiles.cache()::resolve).filter(java.nio.file.Files::isDirectory).toList();
            if (classifiers.isEmpty()) throw new IllegalArgumentException("no image safety classifier: muse pull nsfw-mobilenet-v2-mid, or give its folder as MODEL");
            return NsfwBench.run(images, classifiers, tfjs, compare);
        }
        if (vision != null) return VisionBench.run(vision, type, repetitions, mtmdProbe);
        if (tts != null) return TtsBench.run(synthetic != null ? TtsBench.synthetic() : ModelFiles.resolve(tts), repetitions, ttsReference);
        if (diffusion != null) {
            int[] wh = dev.muse.runtime.DrawRequest.size(size);
            Path folder = synthetic != null ? DiffusionBench.synthetic(diffusion, type == GgmlType.Q8_0 ? GgmlType.F16 : type) : ModelFiles.resolve(diffusion);
            return DiffusionBench.run(folder, repetitions, wh[0], wh[1]);
        }
        if (whisper != null) {
            Path file;
            try {
                file = synthetic != null ? WhisperBench.synthetic(whisper, type)
                        : ModelFiles.resolve(whisper.startsWith("whisper-") || java.nio.file.Files.isRegularFile(Path.of(whisper)) ? whisper : "whisper-" + whisper);
            } catch (IllegalArgumentException e) {
                throw synthetic != null ? e : new IllegalArgumentException(e.getMessage() + " (or add --synthetic for random weights of its shapes)");
            }
            return WhisperBench.run(file, whisper, repetitions, Math.min(genTokens, 200),
                    audio != null ? audio : Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav"), whisperCli);
        }
        if ("".equals(synthetic)) throw new IllegalArgumentException("--synthetic needs a NAME here: llama-3.2-1b, smollm2-135m, stories15m");
        Path path = synthetic != null ? SyntheticModels.ensure(synthetic, type) : ModelFiles.resolve(requireModel());
        if (grammar) return GrammarBench.run(path, genTokens, repetitions);
        if (contemplate) return ContemplateBench.run(path, agents, promptTokens, genTokens, answerTokens, repetitions);
        if (serve) {
            System.err.printf("benchmarking the server on %s with %d threads, %d tokens per stream%n", path, Parallel.threads(), genTokens);
            List<ServeBench.Row> muse = ServeBench.run(path, clients, promptWords, genTokens);
            List<ServeBench.Row> anchor = null;
            if (llamaServer != null) {
                System.err.println("the same rounds against llama.cpp's llama-server " + llamaServer);
                anchor = ServeBench.runLlamaServer(llamaServer, path, clients, promptWords, genTokens);
                ServeBench.print("llama.cpp", path, anchor, null);
            }
            ServeBench.print("Muse", path, muse, anchor);
            return 0;
        }
        new DecoderBench(promptTokens, genTokens, repetitions, llamaBench).run(path);
        return 0;
    }

    private String requireModel() {
        if (model == null) throw new IllegalArgumentException("give a MODEL or --synthetic NAME");
        return model;
    }
}
