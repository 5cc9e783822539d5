package dev.muse.cli;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.media.AudioLimits;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.Scheduler;
import dev.muse.runtime.Transcription;
import dev.muse.runtime.TranscriptionRequest;
import dev.muse.server.openai.Languages;
import dev.muse.server.openai.Transcripts;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe speech in sound files (WAV, FLAC, MP3, Ogg, M4A, WebM) with a Whisper model, as text, SRT or WebVTT subtitles, or JSON.")
final class TranscribeCommand implements Callable<Integer> {
    enum Format { txt, srt, vtt, json }

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "sound files to transcribe")
    List<Path> files;

    @Option(names = {"-m", "--model"}, description = "a whisper.cpp model file (ggml-*.bin) or a model name in the cache (default: the first speech model there)")
    String model;

    @Option(names = {"-l", "--language"}, description = "the spoken language, as a code (en) or a name (English); default: detected from the first 30 s")
    String language;

    @Option(names = {"-f", "--format"}, defaultValue = "txt", description = "txt, srt, vtt or json (default ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--translate", description = "translate into English rather than transcribe")
    boolean translate;

    @Option(names = "--prompt", description = "text that sets the style and vocabulary (names, spellings)")
    String prompt;

    @Option(names = "--temperature", defaultValue = "0", description = "0: greedy, retrying hotter on a window that decodes badly (default); above 0: sampled")
    float temperature;

    @Option(names = {"-b", "--beam-size"}, defaultValue = "1", description = "beams to search at temperature 0; 1 is greedy (default ${DEFAULT-VALUE}; whisper.cpp's CLI uses 5)")
    int beamSize;

    @Option(names = "--vad", description = "transcribe only the speech Silero VAD finds: long silences cost nothing and hold no made-up words")
    boolean vad;

    @Option(names = "--vad-model", paramLabel = "FILE", description = "with --vad: the Silero VAD v5 ONNX file (default: silero_vad_v5.onnx in the model cache)")
    Path vadModel;

    @Option(names = "--words", description = "with --format json: each word with its start and end (whisper.cpp's token timestamps)")
    boolean words;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "write FILE.FORMAT files into DIR rather than to stdout")
    Path outputDir;

    @Override public Integer call() throws Exception {
        Path file = model != null ? ModelFiles.resolve(model) : firstSpeechModel();
        String code = language == null ? null : Languages.code(language);
        if (language != null && code == null) throw new IllegalArgumentException("'" + language + "' is not a language Whisper knows (use a code such as en, or a name such as English)");
        ModelPaths paths = new ModelPaths(ModelFiles.idOf(file), file, null);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Path vadFile = vadModel != null ? vadModel : ModelFiles.cache().resolve(Engine.VAD_FILE);
        try (Engine engine = new Engine(new Engine.Config(List.of(paths), null, Long.MAX_VALUE, Scheduler.Options.single(16), null, vadFile))) {
            for (Path audio : files) {
                if (!Files.isRegularFile(audio)) throw new IllegalArgumentException("no such sound file: " + audio);
                AudioLimits.DEFAULT.checkEncodedSize(Files.size(audio));
                byte[] body = render(engine, paths.id(), audio, code);
                if (outputDir != null) {
                    Path target = Files.createDirectories(outputDir).resolve(audio.getFileName() + "." + format);
                    Files.write(target, body);
                    System.err.println("wrote " + target);
                } else {
                    out.write(body);
                    out.flush();
                }
            }
        }
        return 0;
    }

    private byte[] render(Engine engine, String id, Path audio, String code) throws Exception {
        long start = System.nanoTime();
        ProgressLine progress = new ProgressLine(audio.getFileName().toString());
        List<Event.Segment> segments = new ArrayList<>();
        try (Transcription t = engine.transcribe(new TranscriptionRequest(id, Files.readAllBytes(audio), code, translate, prompt, temperature, true, words, beamSize, vad))) {
            while (true) {
                switch (t.next()) {
                    case Event.Progress p -> progress.show(p.fraction());
                    case Event.Segment s -> segments.add(s);
                    case Event.Transcribed done -> {
                        progress.end(String.format(Locale.ROOT, "%s: %.1f s of %s audio in %.1f s", audio.getFileName(), done.seconds(),
                                Languages.name(done.language()), (System.nanoTime() - start) / 1e9));
                        return Transcripts.render(switch (format) {
                            case txt -> Transcripts.Format.TEXT;
                            case srt -> Transcripts.Format.SRT;
                            case vtt -> Transcripts.Format.VTT;
                            case json -> Transcripts.Format.VERBOSE_JSON;
                        }, translate, segments, done, words);
                    }
                    case Event.Error e -> throw e.error();
                    case Event.Token x -> { } // a generation's events: a transcription has none
                    case Event.Reasoning r -> { }
                    case Event.ToolCall x -> { }
                    case Event.Contemplating x -> { }
                    case Event.AgentText x -> { }
                    case Event.AgentDone x -> { }
                    case Event.ToolStep x -> { }
                    case Event.Done x -> { }
                    case Event.Usage x -> { }
                    case Event.Image x -> { } // drawings' events
                    case Event.Drawn x -> { }
                    case Event.PartialImage x -> { }
                    case Event.Audio x -> { } // speech's events
                    case Event.Spoken x -> { }
                }
            }
        }
    }

    /** The first whisper.cpp model in the cache, or an error saying how to get one. */
    private static Path firstSpeechModel() {
        return ModelFiles.inFolder(ModelFiles.cache()).values().stream().map(ModelPaths::model).filter(ModelFiles::isSpeech).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no speech recognition model in " + ModelFiles.cache()
                        + ": muse pull whisper-base (or give one with --model)"));
    }
}
