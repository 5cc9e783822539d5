package dev.muse.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Completion;
import dev.muse.runtime.Sequence;
import dev.muse.server.Json;
import dev.muse.text.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JSON shapes of OpenAI's responses: the only place that knows them. */
public final class Wire {
    private Wire() {}

    public static String finishReason(Completion.FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CANCELLED -> null;
        };
    }

    public static ObjectNode usage(int prompt, int completion, int cached) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
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
    public static ObjectNode chatLogprobs(List<Sequence.Token> tokens, Tokenizer tokenizer) {
        ObjectNode o = Json.object();
        ArrayNode content = o.putArray("content");
        for (Sequence.Token t : tokens) {
            ObjectNode entry = tokenEntry(t.logprob(), tokenizer);
            ArrayNode top = entry.putArray("top_logprobs");
            for (Sequence.Logprob alt : t.top()) top.add(tokenEntry(alt, tokenizer));
            content.add(entry);
        }
        return o;
    }

    /** The legacy completions logprobs object: parallel arrays plus a map of alternatives per token. */
    public static ObjectNode textLogprobs(List<Sequence.Token> tokens, Tokenizer tokenizer, int textOffset) {
        ObjectNode o = Json.object();
        ArrayNode names = o.putArray("tokens"), logprobs = o.putArray("token_logprobs"), top = o.putArray("top_logprobs"), offsets = o.putArray("text_offset");
        int offset = textOffset;
        for (Sequence.Token t : tokens) {
            String text = text(t.id(), tokenizer);
            names.add(text);
            logprobs.add(t.logprob().logprob());
            ObjectNode alternatives = top.addObject();
            for (Sequence.Logprob alt : t.top()) alternatives.put(text(alt.token(), tokenizer), alt.logprob());
            offsets.add(offset);
            offset += text.length();
        }
        return o;
    }

    private static ObjectNode tokenEntry(Sequence.Logprob lp, Tokenizer tokenizer) {
        ObjectNode e = Json.object();
        byte[] bytes = tokenizer.decodeBytes(lp.token());
        e.put("token", new String(bytes, StandardCharsets.UTF_8));
        e.put("logprob", lp.logprob());
        ArrayNode b = e.putArray("bytes");
        for (byte x : bytes) b.add(x & 0xff);
        return e;
    }

    private static String text(int token, Tokenizer tokenizer) {
        return new String(tokenizer.decodeBytes(token), StandardCharsets.UTF_8);
    }
}
