package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.models.ContextOverflowException;
import dev.muse.runtime.Completion;
import dev.muse.runtime.LoadedModel;
import dev.muse.runtime.Prompt;
import dev.muse.runtime.Sequence;
import dev.muse.server.openai.GenerationParams;
import dev.muse.server.openai.Wire;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the n choices of a chat or text completion on the scheduler and answers with one JSON object or
 * a server-sent event stream. Choices run side by side (each on its own virtual thread, all in the same
 * batch); when the client goes away every choice is cancelled at the next token boundary.
 */
final class Generations {
    enum Kind { CHAT, TEXT }

    /** What the caller may want to keep of a finished generation (the conversation store does). */
    record Choice(int index, String text, Completion.Outcome outcome) {}

    /** Sees each choice's text grow and then the finished choices (the conversation store saves both). */
    interface Observer {
        Observer NONE = new Observer() { };

        default void onText(int index, String textSoFar) { }

        /** Called before the answer's last bytes go out, so a client that has the whole answer finds it stored. */
        default void onFinished(List<Choice> choices) { }
    }

    private final Metrics metrics;

    Generations(Metrics metrics) { this.metrics = metrics; }

    List<Choice> run(ServerResponse res, Kind kind, LoadedModel model, Prompt prompt, GenerationParams p) throws InterruptedException {
        return run(res, kind, model, prompt, p, Observer.NONE);
    }

    /** Answers the request; returns the finished choices, or none when the client went away mid-stream. */
    List<Choice> run(ServerResponse res, Kind kind, LoadedModel model, Prompt prompt, GenerationParams p, Observer observer)
            throws InterruptedException {
        int context = model.scheduler().options().contextLength();
        if (prompt.length() >= context)
            throw contextExceeded(context, prompt.length(), p.maxTokens());
        if (p.maxTokens() != null && prompt.length() + p.maxTokens() > context)
            throw contextExceeded(context, prompt.length(), p.maxTokens());
        int maxTokens = p.maxTokens() != null ? p.maxTokens() : context - prompt.length();
        String id = (kind == Kind.CHAT ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Stream stream = p.stream() ? new Stream(res) : null;
        List<StringBuilder> texts = new ArrayList<>();
        List<List<Sequence.Token>> tokens = new ArrayList<>();
        List<Future<Completion.Outcome>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < p.n(); i++) {
                int index = i;
                StringBuilder text = new StringBuilder();
                List<Sequence.Token> kept = new ArrayList<>();
                texts.add(text);
                tokens.add(kept);
                // Each choice samples with its own seed: n identical choices would be pointless.
                Sequence.Request request = new Sequence.Request(prompt, maxTokens, p.sampling().withSeed(p.sampling().seed() + i),
                        model.text().tokenizer()::isEndOfGeneration, p.topLogprobs());
                futures.add(threads.submit(() -> Completion.run(model.scheduler(), request, model.text().tokenizer(), p.stop(), (piece, pieceTokens) -> {
                    if (stream != null) {
                        if (!stream.send(delta(kind, id, created, p.model(), index, piece, pieceTokens, model, text.length())))
                            throw new IOException("the client closed the stream");
                    } else {
                        if (p.topLogprobs() >= 0) kept.addAll(pieceTokens);
                    }
                    text.append(piece);
                    observer.onText(index, text.toString());
                })));
            }
            List<Choice> choices = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                Completion.Outcome outcome;
                try {
                    outcome = futures.get(i).get();
                } catch (ExecutionException e) {
                    for (Future<?> f : futures) f.cancel(true);
                    if (stream != null && e.getCause() instanceof IOException) return List.of(); // client gone: nothing to answer
                    RuntimeException error = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    if (stream != null && stream.started()) { // too late for a status code: say it in the stream
                        stream.send(Json.error(error instanceof ApiException api ? api : ApiException.unavailable(error.getMessage())));
                        stream.done();
                        return List.of();
                    }
                    throw error;
                }
                metrics.generated(model.id(), outcome);
                choices.add(new Choice(i, texts.get(i).toString(), outcome));
            }
            observer.onFinished(choices);
            int promptTokens = choices.getFirst().outcome().promptTokens(), cached = 0, completion = 0;
            for (Choice c : choices) {
                completion += c.outcome().completionTokens();
                cached += c.outcome().cachedPromptTokens();
            }
            ObjectNode usage = Wire.usage(promptTokens, completion, Math.min(cached, promptTokens));
            if (stream != null) {
                for (Choice c : choices) stream.send(finish(kind, id, created, p.model(), c));
                if (p.includeUsage()) {
                    ObjectNode last = Wire.head(id, kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion", created, p.model());
                    last.putArray("choices");
                    last.set("usage", usage);
                    stream.send(last);
                }
                stream.done();
            } else {
                ObjectNode body = Wire.head(id, kind == Kind.CHAT ? "chat.completion" : "text_completion", created, p.model());
                ArrayNode array = body.putArray("choices");
                for (Choice c : choices) array.add(whole(kind, c, tokens.get(c.index()), model));
                body.set("usage", usage);
                Json.send(res, 200, body);
            }
            return choices;
        }
    }

    static ApiException contextExceeded(int context, int prompt, Integer completion) {
        String message = "This model's maximum context length is " + context + " tokens. However, you requested "
                + (prompt + (completion != null ? completion : 1)) + " tokens (" + prompt + " in the messages, "
                + (completion != null ? completion : 1) + " in the completion). Please reduce the length of the messages or completion.";
        return ApiException.invalid("messages", "context_length_exceeded", message);
    }

    static ApiException contextExceeded(ContextOverflowException e) {
        return ApiException.invalid("messages", "context_length_exceeded", e.getMessage());
    }

    private static ObjectNode delta(Kind kind, String id, long created, String model, int index, String piece, List<Sequence.Token> tokens,
                                    LoadedModel m, int offset) {
        ObjectNode chunk = Wire.head(id, kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion", created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        boolean logprobs = !tokens.isEmpty() && tokens.getFirst().logprob() != null;
        if (kind == Kind.CHAT) {
            ObjectNode delta = choice.putObject("delta");
            if (offset == 0) delta.put("role", "assistant");
            delta.put("content", piece);
            choice.set("logprobs", logprobs ? Wire.chatLogprobs(tokens, m.text().tokenizer()) : null);
        } else {
            choice.put("text", piece);
            choice.set("logprobs", logprobs ? Wire.textLogprobs(tokens, m.text().tokenizer(), offset) : null);
        }
        choice.putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode finish(Kind kind, String id, long created, String model, Choice c) {
        ObjectNode chunk = Wire.head(id, kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion", created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", c.index());
        if (kind == Kind.CHAT) choice.putObject("delta");
        else choice.put("text", "");
        choice.putNull("logprobs");
        choice.put("finish_reason", Wire.finishReason(c.outcome().reason()));
        return chunk;
    }

    private static ObjectNode whole(Kind kind, Choice c, List<Sequence.Token> tokens, LoadedModel m) {
        ObjectNode choice = Json.object();
        choice.put("index", c.index());
        boolean logprobs = !tokens.isEmpty();
        if (kind == Kind.CHAT) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text());
            message.putNull("refusal");
            choice.set("logprobs", logprobs ? Wire.chatLogprobs(tokens, m.text().tokenizer()) : null);
        } else {
            choice.put("text", c.text());
            choice.set("logprobs", logprobs ? Wire.textLogprobs(tokens, m.text().tokenizer(), 0) : null);
        }
        choice.put("finish_reason", Wire.finishReason(c.outcome().reason()));
        return choice;
    }

    /** A server-sent event stream; sends fail quietly (returning false) once the client has gone. */
    private static final class Stream {
        private final ServerResponse res;
        private OutputStream out;
        private boolean broken;

        Stream(ServerResponse res) { this.res = res; }

        synchronized boolean started() { return out != null; }

        synchronized boolean send(JsonNode event) {
            return write("data: " + new String(Json.bytes(event), StandardCharsets.UTF_8) + "\n\n");
        }

        synchronized void done() {
            write("data: [DONE]\n\n");
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
}
