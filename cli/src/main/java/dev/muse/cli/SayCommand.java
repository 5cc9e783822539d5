package dev.muse.cli;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.Scheduler;
import dev.muse.runtime.Speaking;
import dev.muse.runtime.SpeechAudio;
import dev.muse.runtime.SpeechRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "say", mixinStandardHelpOptions = true,
        description = "Say text aloud with a speech synthesis model (Kokoro): play it as it is made, or write a WAV, FLAC, MP3 or Opus file.")
final class SayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TEXT", arity = "0..1", description = "what to say (or give --file; - reads standard input)")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "say the text of this file")
    Path file;

    @Option(names = {"-m", "--model"}, description = "a Kokoro model folder or a model name in the cache (default: the first speech synthesis model there)")
    String model;

    @Option(names = {"-v", "--voice"}, description = "the voice (default: af_heart, or the model's first); --voices lists them")
    String voice;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the speech to a file rather than play it: FILE.wav, FILE.flac (lossless, half the size), FILE.mp3 or FILE.opus (a tenth)")
    Path output;

    @Option(names = "--speed", defaultValue = "1", description = "pace: 1 is the voice's own, 0.25 to 4 (default ${DEFAULT-VALUE})")
    float speed;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the vocoder's noise: the same seed says the same text the same way (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--voices", description = "list the model's voices and stop")
    boolean listVoices;

    @Override public Integer call() throws Exception {
        SpeechAudio.Format format = output == null ? null : SpeechAudio.Format.ofFileName(output.getFileName().toString());
        if (output != null && (format == null || format == SpeechAudio.Format.PCM))
            throw new IllegalArgumentException("write speech to a .wav, .flac, .mp3 or .opus file, not " + output.getFileName());
        Path folder = model != null ? ModelFiles.resolve(model) : firstVoiceModel();
        if (!ModelFiles.isVoiceFolder(folder)) throw new IllegalArgumentException(folder + " is not a speech synthesis model (a Kokoro folder: config.json, a .pth checkpoint, voices/)");
        ModelPaths paths = new ModelPaths(ModelFiles.idOf(folder), folder, null);
        try (Engine engine = new Engine(new Engine.Config(List.of(paths), null, Long.MAX_VALUE, Scheduler.Options.single(16), null, null))) {
            if (listVoices) {
                Engine.Voices voices = engine.voices(paths.id());
                for (String name : voices.names()) System.out.println(name + (name.equals(voices.defaultVoice()) ? "  (default)" : ""));
                return 0;
            }
            String input = input();
            if (output == null) play(engine, paths.id(), input);
            else {
                Files.write(output, say(engine, paths.id(), input, null, format));
                System.err.println("wrote " + output);
            }
        }
        return 0;
    }

    private String input() throws Exception {
        if (file != null) {
            if (text != null) throw new IllegalArgumentException("give the text or --file, not both");
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
            if (Files.size(file) > 4L * SpeechRequest.MAX_INPUT_CHARS) throw new IllegalArgumentException(file + " is too long to say at once");
            return Files.readString(file);
        }
        if (text == null) throw new IllegalArgumentException("say what? give TEXT, --file FILE, or - to read standard input");
        return text.equals("-") ? new String(System.in.readNBytes(4 * SpeechRequest.MAX_INPUT_CHARS), StandardCharsets.UTF_8) : text;
    }

    /** All of the speech as a file of {@code format} (none when null), each piece handed to {@code line} (when given) as soon as it is made; progress on stderr. */
    private byte[] say(Engine engine, String id, String input, SourceDataLine line, SpeechAudio.Format format) throws Exception {
        long start = System.nanoTime();
        ProgressLine progress = new ProgressLine("saying");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (Speaking speaking = engine.speak(SpeechRequest.of(id, input).withVoice(voice).withSpeed(speed).withSeed(seed))) {
            SpeechAudio pcm = speaking.stream(SpeechAudio.Format.PCM), file = format == null ? null : speaking.file(format);
            Event.Spoken done = speaking.follow(a -> {
                if (a.index() == 0) System.err.printf(Locale.ROOT, "first audio after %.2f s%n", (System.nanoTime() - start) / 1e9);
                if (file != null) bytes.writeBytes(file.add(a));
                if (line != null) {
                    byte[] samples = pcm.add(a);
                    line.write(samples, 0, samples.length);
                }
                return true;
            }, progress::show);
            double took = (System.nanoTime() - start) / 1e9;
            progress.end(String.format(Locale.ROOT, "said %.1f s of speech in %d piece%s (voice %s) in %.1f s: %.2fx real time", done.seconds(),
                    done.pieces(), done.pieces() == 1 ? "" : "s", done.voice(), took, done.seconds() / took));
            if (file == null) return null;
            bytes.writeBytes(file.finish());
            return bytes.toByteArray();
        }
    }

    /** Plays each piece as it comes; a machine without sound output is told to write a file. */
    private void play(Engine engine, String id, String input) throws Exception {
        AudioFormat format = new AudioFormat(24_000, 16, 1, true, false);
        SourceDataLine line;
        try {
            line = AudioSystem.getSourceDataLine(format);
            line.open(format);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new IllegalArgumentException("this machine has no sound output to play on (" + e.getMessage() + "): write a file with -o speech.wav");
        }
        try (line) {
            line.start();
            say(engine, id, input, line, null);
            line.drain();
        }
    }

    private static Path firstVoiceModel() {
        return ModelFiles.inFolder(ModelFiles.cache()).values().stream().map(ModelPaths::model).filter(ModelFiles::isVoiceFolder).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no speech synthesis model in " + ModelFiles.cache() + ": muse pull kokoro (or give one with --model)"));
    }
}
