package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.EmbeddingRequest;
import dev.muse.runtime.Engine;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.store.Memories;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The assistant's memory in chats, per key, while memory is on and the chat is not temporary ({@code muse_temporary}):
 * a message that asks to remember something ("Remember that I prefer tea") stores it, one that asks to forget something
 * removes the memory closest to it; and the memories closest in meaning to the message (up to {@value #RECALL}, cosine
 * at least {@value #RELEVANT}) go to the model before it, so that a preference stated in one conversation is used in the
 * next. What was used, saved or forgotten comes back as {@code muse_memory}; the person sees and edits it all through
 * {@code /v1/memories}.
 */
final class Remembering {
    static final int RECALL = 3;
    static final double RELEVANT = 0.35, SAME = 0.5;
    private static final Pattern REMEMBER = Pattern.compile("^(?:please\\s+)?remember(?:\\s+that)?[\\s:,]+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FORGET = Pattern.compile("^(?:please\\s+)?forget(?:\\s+that)?[\\s:,]+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final Engine engine;
    private final Memories memories;

    Remembering(Engine engine, Memories memories) {
        this.engine = engine;
        this.memories = memories;
    }

    /** What memory did for one chat turn: the system message for the model (null: none) and what to tell the client. */
    record Use(ChatRequest.Message recalled, ObjectNode report) {}

    /**
     * Applies the last user turn's request to remember or forget, then recalls what is relevant to it; null when memory is
     * off, the chat is temporary, or nothing was remembered, forgotten or recalled.
     */
    Use forChat(JsonNode body, String owner, List<ChatRequest.Message> messages) {
        JsonNode temporary = body.get("muse_temporary");
        if (temporary != null && !temporary.isBoolean()) throw ApiException.invalid("muse_temporary", "'muse_temporary' must be true or false");
        if (temporary != null && temporary.booleanValue() || !memories.enabled(owner)) return null;
        String text = lastUserText(messages).strip();
        if (text.isEmpty()) return null;
        ObjectNode report = Json.object();
        Matcher remember = REMEMBER.matcher(text), forget = FORGET.matcher(text);
        if (remember.matches() && !text.endsWith("?")) { // "Remember when we ...?" asks, it does not tell
            String fact = remember.group(1).strip();
            if (fact.length() > Memories.MAX_TEXT) fact = fact.substring(0, Memories.MAX_TEXT);
            Memories.Memory saved = memories.create(owner, fact, embed(fact));
            report.set("saved", json(saved));
        } else if (forget.matches()) {
            float[] target = embed(forget.group(1).strip());
            memories.list(owner).stream().max(Comparator.comparingDouble(m -> cosine(m.vector(), target))).filter(m -> cosine(m.vector(), target) >= SAME)
                    .ifPresent(m -> {
                        memories.delete(owner, m.id());
                        report.set("forgotten", json(m));
                    });
        }
        List<Memories.Memory> all = memories.list(owner);
        List<Memories.Memory> relevant = List.of();
        if (!all.isEmpty()) { // a key that keeps no memories costs its chats nothing
            float[] question = embed(text);
            relevant = all.stream().filter(m -> cosine(m.vector(), question) >= RELEVANT)
                    .sorted(Comparator.comparingDouble((Memories.Memory m) -> cosine(m.vector(), question)).reversed()).limit(RECALL).toList();
        }
        if (!relevant.isEmpty()) {
            ArrayNode used = report.putArray("used");
            relevant.forEach(m -> used.add(json(m)));
        }
        if (report.isEmpty()) return null;
        ChatRequest.Message recalled = relevant.isEmpty() ? null : ChatRequest.Message.of("system",
                "What you remember about the person (they can see and edit this; use it where it helps):\n"
                        + relevant.stream().map(m -> "- " + m.text()).collect(Collectors.joining("\n")));
        return new Use(recalled, report);
    }

    float[] embed(String text) {
        return engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER, List.of(EmbeddingRequest.Input.of(text)))).vectors().getFirst();
    }

    static ObjectNode json(Memories.Memory m) {
        ObjectNode o = Json.object();
        o.put("id", m.id());
        o.put("object", "memory");
        o.put("text", m.text());
        o.put("created_at", m.createdAt().getEpochSecond());
        o.put("updated_at", m.updatedAt().getEpochSecond());
        return o;
    }

    /** {@code messages} with {@code system} just before the last user turn. */
    static List<ChatRequest.Message> beforeLastUser(List<ChatRequest.Message> messages, ChatRequest.Message system) {
        List<ChatRequest.Message> out = new ArrayList<>(messages);
        int last = out.size() - 1;
        while (last > 0 && !out.get(last).role().equals("user")) last--;
        out.add(Math.max(last, 0), system);
        return out;
    }

    static String lastUserText(List<ChatRequest.Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--)
            if (messages.get(i).role().equals("user"))
                return messages.get(i).content().stream().filter(p -> p instanceof ChatRequest.Text).map(p -> ((ChatRequest.Text) p).text())
                        .collect(Collectors.joining("\n"));
        return "";
    }

    private static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) s += a[i] * b[i];
        return s;
    }
}
