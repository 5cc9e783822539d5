package dev.muse.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.EmbeddingRequest;
import dev.muse.runtime.Event.TokenLogprob;
import dev.muse.runtime.FinishReason;
import dev.muse.runtime.ModelInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The small JSON shapes OpenAI's responses share, and the model and embedding objects. */
public final class Wire {
    private Wire() {}

    public static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CANCELLED -> null;
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
        };
    }

    public static ObjectNode usage(int prompt, int completion, int cached) {
        return usage(prompt, completion, cached, 0);
    }

    /**
     * OpenAI's usage object; Muse adds {@code left_out_messages} when a conversation turn was answered without its oldest
     * messages, to fit the model's context.
     */
    public static ObjectNode usage(int prompt, int completion, int cached, int leftOutMessages) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
        if (leftOutMessages > 0) u.put("left_out_messages", leftOutMessages);
        return u;
    }

    /** The common head of every response object. */
    public static ObjectNode head(String id, String object, long created, String model) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("object", object);
        o.put("created", created);
        o.put("model", model);
        o.put("system_fingerprint", "muse-0.1.0");
        return o;
    }

    /** Chat's logprobs object: {"content": [{token, logprob, bytes, top_logprobs: [...]}]}. */
    static ObjectNode chatLogprobs(List<TokenLogprob> tokens) {
        ObjectNode o = Json.object();
        ArrayNode content = o.putArray("content");
        for (TokenLogprob t : tokens) {
            ObjectNode entry = tokenEntry(t);
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenLogprob alt : t.top()) top.add(tokenEntry(alt));
            content.add(entry);
        }
        return o;
    }

    /** The legacy completions logprobs object: parallel arrays plus a map of alternatives per token. */
    static ObjectNode textLogprobs(List<TokenLogprob> tokens, int textOffset) {
        ObjectNode o = Json.object();
        ArrayNode names = o.putArray("tokens"), logprobs = o.putArray("token_logprobs"), top = o.putArray("top_logprobs"), offsets = o.putArray("text_offset");
        int offset = textOffset;
        for (TokenLogprob t : tokens) {
            String text = text(t);
            names.add(text);
            logprobs.add(t.logprob());
            ObjectNode alternatives = top.addObject();
            for (TokenLogprob alt : t.top()) alternatives.put(text(alt), alt.logprob());
            offsets.add(offset);
            offset += text.length();
        }
        return o;
    }

    /**
     * A model object: OpenAI's fields, plus whether it is loaded, its size, what it takes in and makes and, when loaded, its
     * context window and the memory it holds.
     */
    public static ObjectNode model(ModelInfo info) {
        ObjectNode m = Json.object();
        m.put("id", info.id());
        m.put("object", "model");
        m.put("created", info.modifiedMillis() / 1000);
        m.put("owned_by", "muse");
        m.put("loaded", info.resident().isPresent());
        m.put("size_bytes", info.fileBytes());
        ArrayNode input = m.putArray("input_modalities"); // what a request may send it: images only with a vision projector
        if (info.inputs().contains(ModelInfo.Modality.TEXT)) input.add("text");
        if (info.inputs().contains(ModelInfo.Modality.IMAGE)) input.add("image");
        if (info.inputs().contains(ModelInfo.Modality.AUDIO)) input.add("audio");
        ArrayNode output = m.putArray("output_modalities"); // what it makes: text, or images for a drawing model
        for (ModelInfo.Modality made : info.outputs()) output.add(made.name().toLowerCase(java.util.Locale.ROOT));
        info.resident().ifPresent(r -> {
            m.put("architecture", r.architecture());
            m.put("context_length", r.contextLength());
            m.put("max_sequences", r.maxSequences());
            m.put("resident_bytes", r.residentBytes());
            m.put("chat_template", r.chatTemplate());
        });
        return m;
    }

    /** The embeddings list: one item per vector, as floats or as base64 of little-endian float32. */
    public static ObjectNode embeddings(String model, EmbeddingRequest.Result result, boolean base64) {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < result.vectors().size(); i++) {
            float[] vector = result.vectors().get(i);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (!base64) {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) values.add(v);
            } else {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vector) bytes.putFloat(v);
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            }
        }
        out.put("model", model);
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", result.promptTokens());
        usage.put("total_tokens", result.promptTokens());
        return out;
    }

    private static ObjectNode tokenEntry(TokenLogprob lp) {
        ObjectNode e = Json.object();
        e.put("token", text(lp));
        e.put("logprob", lp.logprob());
        ArrayNode b = e.putArray("bytes");
        for (byte x : lp.bytes()) b.add(x & 0xff);
        return e;
    }

    private static String text(TokenLogprob lp) {
        return new String(lp.bytes(), StandardCharsets.UTF_8);
    }
}
