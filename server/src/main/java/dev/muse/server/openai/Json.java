package dev.muse.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON in and out: request bodies read within a size cap, responses and OpenAI-shaped errors written. */
public final class Json {
    public static final ObjectMapper MAPPER = mapper();

    /** Nesting past a request's needs, in which no request has any use. */
    static final int MAX_NESTING = 64;

    /** Deeply nested input is refused early, and so is anything after the JSON value. */
    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
        return mapper;
    }

    private Json() {}

    public static ObjectNode object() { return MAPPER.createObjectNode(); }

    /** The request body as JSON, refused with 413 past {@code maxBytes} (before reading it all) and 400 when malformed. */
    public static JsonNode readBody(ServerRequest req, long maxBytes) {
        byte[] body = readBytes(req, maxBytes);
        if (body.length == 0) throw ApiException.invalid(null, "The request body is empty; expected a JSON object");
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object");
            return node;
        } catch (StreamConstraintsException e) { // its message names Jackson's settings
            throw ApiException.invalid(null, "The JSON body of your request is nested more than " + MAX_NESTING + " levels deep");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "We could not parse the JSON body of your request: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request body's bytes, refused with 413 past {@code maxBytes}: from its declared length, or as soon as it grows past. */
    public static byte[] readBytes(ServerRequest req, long maxBytes) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > maxBytes) throw ApiException.tooLarge(maxBytes);
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + n > maxBytes) throw ApiException.tooLarge(maxBytes);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
            throw new ClientGoneException("the client closed the connection before sending its whole request", e);
        }
    }

    public static void send(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes(body));
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode error(ApiException e) {
        ObjectNode error = object();
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("param", e.param());
        error.put("code", e.code());
        ObjectNode body = object();
        body.set("error", error);
        return body;
    }
}
