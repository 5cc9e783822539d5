package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.openai.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A server-sent event stream of JSON objects; sends fail quietly (returning false) once the client has gone. */
final class EventStream {
    private final ServerResponse res;
    private OutputStream out;
    private boolean broken;

    EventStream(ServerResponse res) { this.res = res; }

    /** Whether the response has begun (its status is sent: an error now must go in the stream). */
    boolean started() { return out != null; }

    boolean send(JsonNode event) {
        return write("data: " + new String(Json.bytes(event), StandardCharsets.UTF_8) + "\n\n");
    }

    /** Ends the stream with OpenAI's terminator. */
    void done() {
        write("data: [DONE]\n\n");
        end();
    }

    /** Ends the stream as it is (OpenAI's speech events end with their own done event, not a terminator). */
    void end() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                broken = true;
            }
        }
    }

    private boolean write(String event) {
        if (broken) return false;
        try {
            if (out == null) {
                res.status(200);
                res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                res.header(HeaderNames.CACHE_CONTROL, "no-cache");
                out = res.outputStream();
            }
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) { // Helidon reports a closed socket as an UncheckedIOException
            broken = true;
            return false;
        }
    }
}
