package dev.muse.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.CapabilityException;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.ModelInfo;
import dev.muse.runtime.Transcription;
import dev.muse.runtime.TranscriptionRequest;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.Languages;
import dev.muse.server.openai.Multipart;
import dev.muse.server.openai.Transcripts;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations} in OpenAI's multipart shape: a sound file
 * and a speech recognition model in, the text out as json, text, srt, vtt or verbose_json, or as a stream of
 * {@code transcript.text.delta} events ending with {@code transcript.text.done}. OpenAI's model name
 * {@code whisper-1} stands for the first speech model on offer.
 */
final class AudioService implements HttpService {
    /** OpenAI's own cap on an uploaded sound file. */
    static final long MAX_FILE_BYTES = 25L << 20;
    /** Room for the form's other fields and part headers around the file. */
    private static final long FORM_OVERHEAD = 1L << 20;

    private final Engine engine;
    private final Access access;
    private final ClientWatch clients;

    AudioService(Engine engine, Access access, ClientWatch clients) {
        this.engine = engine;
        this.access = access;
        this.clients = clients;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/transcriptions", (req, res) -> answer(req, res, false))
                .post("/translations", (req, res) -> answer(req, res, true));
    }

    private void answer(ServerRequest req, ServerResponse res, boolean translate) throws Exception {
        byte[] body = Json.readBytes(req, MAX_FILE_BYTES + FORM_OVERHEAD);
        Map<String, Multipart.Part> form = Multipart.parse(req.headers().contentType().map(Object::toString).orElse(null), body);
        Multipart.Part file = form.get("file");
        if (file == null) throw ApiException.invalid("file", "missing_required_parameter", "Missing required parameter: 'file'");
        if (file.data().length == 0) throw ApiException.invalid("file", "The audio file is empty");
        if (file.data().length > MAX_FILE_BYTES)
            throw ApiException.invalid("file", "The audio file is larger than " + (MAX_FILE_BYTES >> 20) + " MB");
        String model = model(text(form, "model"));
        String language = null;
        if (!translate && text(form, "language") != null) {
            language = Languages.code(text(form, "language"));
            if (language == null) throw ApiException.invalid("language", "'" + text(form, "language") + "' is not a language Whisper knows (use an ISO 639-1 code such as en)");
        }
        Transcripts.Format format = Transcripts.Format.of(orDefault(text(form, "response_format"), "json"));
        float temperature = temperature(text(form, "temperature"));
        String granularities = orDefault(text(form, "timestamp_granularities[]"), "segment");
        boolean words = false;
        for (String g : granularities.split(",")) {
            if (g.strip().equals("word")) words = true;
            else if (!g.strip().equals("segment")) throw ApiException.invalid("timestamp_granularities[]", "'timestamp_granularities[]' must be segment or word");
        }
        if (words && format != Transcripts.Format.VERBOSE_JSON)
            throw ApiException.invalid("timestamp_granularities[]", "word timestamps come with response_format verbose_json");
        boolean stream = "true".equals(text(form, "stream"));
        if (stream && translate) throw ApiException.invalid("stream", "translations are not streamed: leave out 'stream'");

        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            Transcription transcription;
            try {
                transcription = engine.transcribe(new TranscriptionRequest(model, file.data(), language, translate,
                        text(form, "prompt"), temperature, true, words, 1, "true".equals(text(form, "vad")))); // timestamps in every format: they also decide where windows seek
            } catch (CapabilityException e) {
                throw ApiException.invalid("model", "model_not_speech", e.getMessage());
            } catch (IllegalArgumentException e) { // audio Muse cannot read
                throw ApiException.invalid("file", e.getMessage());
            }
            // a client that leaves a long transcription stops it (a stream notices when its next event cannot be sent)
            try (transcription; ClientWatch.Watch watch = stream ? null : clients.watch(req, transcription::cancel)) {
                run(res, transcription, format, translate, stream, words);
            }
        }
    }

    private static void run(ServerResponse res, Transcription transcription, Transcripts.Format format, boolean translate,
            boolean streamed, boolean words) throws InterruptedException {
        EventStream stream = streamed ? new EventStream(res) : null;
        List<Event.Segment> segments = new ArrayList<>();
        while (true) {
            switch (transcription.next()) {
                case Event.Segment s -> {
                    segments.add(s);
                    if (stream != null) {
                        ObjectNode delta = Json.object();
                        delta.put("type", "transcript.text.delta");
                        delta.put("delta", segments.size() == 1 ? s.text().stripLeading() : s.text());
                        if (!stream.send(delta)) transcription.cancel(); // the client has gone
                    }
                }
                case Event.Transcribed done -> {
                    if (stream != null) {
                        ObjectNode end = Json.object();
                        end.put("type", "transcript.text.done");
                        end.put("text", done.text().strip());
                        end.set("usage", Json.object().put("type", "duration").put("seconds", (long) Math.ceil(done.seconds())));
                        stream.send(end);
                        stream.done();
                    } else {
                        res.status(200);
                        res.header(HeaderNames.CONTENT_TYPE, format.contentType());
                        res.send(Transcripts.render(format, translate, segments, done, words));
                    }
                    return;
                }
                case Event.Error e -> {
                    if (stream == null && e.error() instanceof CancellationException)  // its client left: the watch cancelled it
                        throw new dev.muse.server.openai.ClientGoneException("the client left before its transcription was ready", e.error());
                    ApiException error = e.error() instanceof IllegalArgumentException bad ? ApiException.invalid(null, bad.getMessage())
                            : e.error() instanceof CancellationException ? ApiException.unavailable("the transcription was cancelled")
                            : null;
                    if (error == null) throw e.error();
                    if (stream == null || !stream.started()) throw error;
                    stream.send(Json.error(error));
                    stream.done();
                    return;
                }
                case Event.Progress p -> { }
                case Event.Token t -> { } // a generation's events: a transcription has none
                case Event.Reasoning r -> { }
                case Event.ToolCall x -> { }
                case Event.Contemplating x -> { }
                case Event.AgentText x -> { }
                case Event.AgentDone x -> { }
                case Event.ToolStep x -> { }
                case Event.Done d -> { }
                case Event.Usage u -> { }
                case Event.Image x -> { } // drawings' events
                case Event.Drawn x -> { }
                case Event.PartialImage x -> { }
                case Event.Audio x -> { } // speech's events
                case Event.Spoken x -> { }
            }
        }
    }

    /** The model asked for; OpenAI's "whisper-1" is the first speech model on offer. */
    private String model(String asked) {
        if (asked == null || asked.isBlank()) throw ApiException.invalid("model", "missing_required_parameter", "Missing required parameter: 'model'");
        if (!asked.equals("whisper-1") || engine.model(asked).isPresent()) return asked;
        return engine.models().stream().filter(m -> m.inputs().contains(ModelInfo.Modality.AUDIO)).map(ModelInfo::id).findFirst()
                .orElseThrow(() -> ApiException.modelNotFound(asked + "' (no speech recognition model is installed: muse pull whisper-base"));
    }

    private static float temperature(String value) {
        if (value == null) return 0;
        try {
            float t = Float.parseFloat(value);
            if (t >= 0 && t <= 1) return t;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("temperature", "'temperature' must be a number between 0 and 1");
    }

    private static String text(Map<String, Multipart.Part> form, String name) {
        Multipart.Part p = form.get(name);
        return p == null ? null : p.text();
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
