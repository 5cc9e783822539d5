package dev.muse.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.CapabilityException;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.ModelInfo;
import dev.muse.runtime.Speaking;
import dev.muse.runtime.SpeechAudio;
import dev.muse.runtime.SpeechRequest;
import dev.muse.runtime.VoiceException;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.SpeechParams;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.concurrent.CancellationException;

/**
 * {@code POST /v1/audio/speech} in OpenAI's shape: text and a speech synthesis model in, mono audio out: MP3 (the
 * default), Ogg Opus or raw 16-bit PCM sent as each piece is made, a WAV or FLAC file, or server-sent
 * {@code speech.audio.delta} events (base64 audio) ending with {@code speech.audio.done}. OpenAI's model names (tts-1, tts-1-hd, gpt-4o-mini-tts) stand for the first
 * speech synthesis model on offer, and OpenAI's voice names for the voice of that name ("alloy" is Kokoro's af_alloy).
 * {@code GET /v1/audio/voices?model=...} lists a model's voices.
 */
final class SpeechService implements HttpService {
    private final Engine engine;
    private final Access access;
    private final ClientWatch clients;

    SpeechService(Engine engine, Access access, ClientWatch clients) {
        this.engine = engine;
        this.access = access;
        this.clients = clients;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/speech", this::speech).get("/voices", this::voices);
    }

    private void voices(ServerRequest req, ServerResponse res) {
        String model = model(req.query().first("model").orElse("tts-1"));
        Engine.Voices voices = voices(model);
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (String name : voices.names())
            data.add(Json.object().put("id", name).put("object", "voice").put("default", name.equals(voices.defaultVoice())));
        Json.send(res, 200, Json.object().put("object", "list").put("model", model).set("data", data));
    }

    private Engine.Voices voices(String model) {
        try {
            return engine.voices(model);
        } catch (CapabilityException e) {
            throw ApiException.invalid("model", "model_not_speech_synthesis", e.getMessage());
        }
    }

    private void speech(ServerRequest req, ServerResponse res) throws Exception {
        SpeechParams p = SpeechParams.from(Json.readBody(req, 64 * 1024));
        String model = model(p.model());
        String voice = voice(model, p.voice());
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            Speaking speaking;
            try {
                speaking = engine.speak(SpeechRequest.of(model, p.input()).withVoice(voice).withSpeed(p.speed()));
            } catch (CapabilityException e) {
                throw ApiException.invalid("model", "model_not_speech_synthesis", e.getMessage());
            } catch (VoiceException e) {
                throw ApiException.invalid("voice", e.getMessage());
            } catch (IllegalArgumentException e) { // nothing to say, or too much
                throw ApiException.invalid("input", e.getMessage());
            }
            if (p.instructions()) res.header(HeaderNames.create("X-Muse-Note"), "instructions are not followed: Kokoro's voices cannot be steered by text");
            // a client that leaves stops the speech: a whole-file answer is watched, a stream notices its next piece cannot be sent
            boolean streamed = p.sse() || p.format().streamed();
            try (speaking; ClientWatch.Watch watch = streamed ? null : clients.watch(req, speaking::cancel)) {
                if (p.sse()) sse(res, speaking, p.format());
                else audio(res, speaking, p.format());
            }
        }
    }

    /**
     * The audio's bytes: Opus and raw PCM go out chunked as each piece is made, so playback can start on the first; a
     * WAV, MP3 or FLAC file is sent whole once every piece is made, WAV and MP3 with their content credentials.
     */
    private static void audio(ServerResponse res, Speaking speaking, SpeechAudio.Format format) throws InterruptedException {
        SpeechAudio audio = speaking.file(format);
        if (!format.streamed()) {
            run(speaking, a -> {
                audio.add(a); // kept until the end
                return true;
            }, () -> res.status(200).header(HeaderNames.CONTENT_TYPE, format.contentType).send(audio.finish()));
            return;
        }
        OutputStream[] out = {null};
        run(speaking, a -> write(res, out, format, audio.add(a)), () -> {
            if (write(res, out, format, audio.finish()))
                try {
                    out[0].close();
                } catch (IOException | UncheckedIOException e) {
                    // the client left at the end: nothing to tell it
                }
        });
    }

    /** Sends bytes (the headers with the first); false when the client has left. */
    private static boolean write(ServerResponse res, OutputStream[] out, SpeechAudio.Format format, byte[] bytes) {
        try {
            if (out[0] == null) {
                res.status(200);
                res.header(HeaderNames.CONTENT_TYPE, format.contentType);
                out[0] = res.outputStream();
            }
            out[0].write(bytes);
            out[0].flush();
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Server-sent events: a speech.audio.delta of base64 audio per piece (a WAV stream's header with the first), then speech.audio.done. */
    private static void sse(ServerResponse res, Speaking speaking, SpeechAudio.Format format) throws InterruptedException {
        EventStream stream = new EventStream(res);
        SpeechAudio audio = speaking.stream(format);
        int[] characters = {0};
        try {
            run(speaking, a -> {
                characters[0] += a.text().length();
                return delta(stream, audio.add(a));
            }, () -> {
                delta(stream, audio.finish());
                ObjectNode usage = Json.object().put("input_tokens", characters[0]).put("output_tokens", 0).put("total_tokens", characters[0]);
                stream.send(Json.object().put("type", "speech.audio.done").set("usage", usage));
                stream.end();
            });
        } catch (ApiException e) { // a piece the model refused after the stream began: said in the stream
            if (!stream.started()) throw e;
            stream.send(Json.error(e));
            stream.end();
        }
    }

    /** One speech.audio.delta, unless there is nothing to send yet; false when the client has left. */
    private static boolean delta(EventStream stream, byte[] audio) {
        return audio.length == 0 || stream.send(Json.object().put("type", "speech.audio.delta").put("audio", Base64.getEncoder().encodeToString(audio)));
    }

    /** Runs the speech to its end, handing each piece to {@code piece} (false: the client left, so it is cancelled). */
    private static void run(Speaking speaking, java.util.function.Predicate<Event.Audio> piece, Runnable done) throws InterruptedException {
        try {
            speaking.follow(piece, fraction -> {});
        } catch (CancellationException e) {
            throw new dev.muse.server.openai.ClientGoneException("the client left before its speech was made", e);
        } catch (IllegalArgumentException e) { // a piece the model would not say (a speech too long for one call, say)
            throw ApiException.invalid("input", e.getMessage());
        }
        done.run();
    }

    /** The model asked for; OpenAI's tts-1, tts-1-hd and gpt-4o-mini-tts are the first speech synthesis model on offer. */
    private String model(String asked) {
        if (asked == null || asked.isBlank()) throw ApiException.invalid("model", "missing_required_parameter", "Missing required parameter: 'model'");
        if (!java.util.Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts").contains(asked) || engine.model(asked).isPresent()) return asked;
        return engine.models().stream().filter(m -> m.outputs().contains(ModelInfo.Modality.AUDIO)).map(ModelInfo::id).findFirst()
                .orElseThrow(() -> ApiException.modelNotFound(asked + "' (no speech synthesis model is installed: muse pull kokoro"));
    }

    /** The voice asked for: a voice's own name, or an OpenAI name that ends one voice's ("alloy": af_alloy); null for the default. */
    private String voice(String model, String asked) {
        if (asked == null || asked.isBlank()) return null;
        Engine.Voices voices = voices(model);
        if (voices.names().contains(asked)) return asked;
        var matching = voices.names().stream().filter(n -> n.endsWith("_" + asked)).toList();
        if (matching.size() == 1) return matching.getFirst();
        throw ApiException.invalid("voice", "no voice is called '" + asked + "' (voices: " + String.join(", ", voices.names()) + ")");
    }
}
