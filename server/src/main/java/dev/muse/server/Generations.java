package dev.muse.server;

import dev.muse.runtime.Event;
import dev.muse.runtime.FinishReason;
import dev.muse.runtime.Event.TokenLogprob;
import dev.muse.runtime.Generation;
import dev.muse.server.openai.Answers;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.GenerationParams;
import dev.muse.server.openai.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Answers a chat or text completion from the runtime's event stream: one JSON object, or server-sent events
 * as the text grows. When the client goes away (mid-stream, or while a whole answer is made) the generation is
 * cancelled: every choice stops at the next token boundary.
 */
final class Generations {
    private static final Logger LOG = Logger.getLogger(Generations.class.getName());

    /**
     * What the caller may want to keep of a finished choice (the conversation store does): its text, and a reasoning
     * model's thought behind it (empty when none).
     */
    record Choice(int index, String text, String reasoning, Event.Done done, String refusal) {}

    /** Sees each choice's thought and text grow and then the finished choices (the conversation store saves both). */
    interface Observer {
        Observer NONE = new Observer() { };

        default void onText(int index, String reasoningSoFar, String textSoFar) { }

        /**
         * What the answer did before it answered, once it is done and before {@link #onFinished}: a contemplation's sub-agents'
         * work and the steps of Muse's own tools (each null when there was none).
         */
        default void onWork(com.fasterxml.jackson.databind.JsonNode contemplation, com.fasterxml.jackson.databind.JsonNode toolSteps) { }

        /** Called before the answer's last bytes go out, so a client that has the whole answer finds it stored. */
        default void onFinished(List<Choice> choices) { }
    }

    private final Metrics metrics;
    private final ClientWatch clients;

    Generations(Metrics metrics, ClientWatch clients) {
        this.metrics = metrics;
        this.clients = clients;
    }

    /**
     * Answers the request; returns the finished choices, or none when the client went away: a stream finds out when a
     * write fails, a whole answer from the {@link ClientWatch} (which cancels the generation, so it stops holding a
     * sequence slot and the key's permit). With a {@code screen}, the guard reads the answer as it grows and at its end: a
     * choice it flags stops (finish reason {@code content_filter}, its text cut back to what was found safe, the reason as
     * OpenAI's {@code refusal}). Muse's {@code extensions} to the answer (the passages it was given to cite,
     * {@code muse_citations}; what memory did, {@code muse_memory}) come first in a stream and beside the choices in a whole
     * answer.
     */
    List<Choice> run(ServerRequest req, ServerResponse res, Answers.Kind kind, Generation generation, GenerationParams p, Screening.Output screen,
                     Observer observer, ObjectNode extensions) throws InterruptedException {
        try (generation; ClientWatch.Watch watch = p.stream() ? null : clients.watch(req, generation::cancel)) {
            Answers answers = new Answers(kind, p.model(), generation.leftOutMessages());
            EventStream stream = p.stream() ? new EventStream(res) : null;
            if (stream != null && extensions != null && !stream.send(answers.extensionsChunk(extensions))) return List.of(); // client gone
            List<StringBuilder> texts = new ArrayList<>(), thoughts = new ArrayList<>();
            List<List<Event.ToolCall>> calls = new ArrayList<>();
            List<List<TokenLogprob>> logprobs = new ArrayList<>();
            Event.Done[] done = new Event.Done[p.n()];
            Answers.Contemplation agents = new Answers.Contemplation();
            com.fasterxml.jackson.databind.node.ArrayNode steps = Json.MAPPER.createArrayNode();
            for (int i = 0; i < p.n(); i++) {
                texts.add(new StringBuilder());
                thoughts.add(new StringBuilder());
                calls.add(new ArrayList<>());
                logprobs.add(new ArrayList<>());
            }
            while (true) {
                Event event = generation.next();
                switch (event) {
                    case Event.Reasoning r -> {
                        StringBuilder thought = thoughts.get(r.choice());
                        if (stream != null && !stream.send(answers.reasoningChunk(r, thought.length()))) return List.of(); // client gone
                        thought.append(r.text());
                        observer.onText(r.choice(), thought.toString(), texts.get(r.choice()).toString());
                    }
                    case Event.Token t -> {
                        if (screen != null && screen.refusal(t.choice()) != null) continue; // stopped: what is still queued is dropped
                        StringBuilder text = texts.get(t.choice());
                        boolean first = text.isEmpty() && thoughts.get(t.choice()).isEmpty();
                        if (stream != null) {
                            if (!stream.send(answers.chunk(t, text.length(), first))) return List.of(); // client gone
                        } else {
                            logprobs.get(t.choice()).addAll(t.logprobs());
                        }
                        text.append(t.text());
                        observer.onText(t.choice(), thoughts.get(t.choice()).toString(), text.toString());
                        if (screen != null && screen.flags(t.choice(), text.toString(), false)) generation.cancel();
                    }
                    case Event.ToolCall call -> {
                        boolean first = texts.get(call.choice()).isEmpty() && thoughts.get(call.choice()).isEmpty() && calls.get(call.choice()).isEmpty();
                        if (stream != null && !stream.send(answers.toolCallChunk(call, first))) return List.of(); // client gone
                        calls.get(call.choice()).add(call);
                    }
                    case Event.Contemplating _, Event.AgentText _, Event.AgentDone _ -> {
                        agents.add(event);
                        if (stream != null && !stream.send(answers.contemplationChunk(event))) return List.of(); // client gone
                    }
                    case Event.ToolStep step -> {
                        steps.add(Answers.toolStep(step));
                        if (stream != null && !stream.send(answers.toolStepChunk(step))) return List.of(); // client gone
                    }
                    case Event.Done d -> {
                        if (screen != null && screen.flags(d.choice(), texts.get(d.choice()).toString(), true)) {
                            d = new Event.Done(d.choice(), FinishReason.CONTENT_FILTER, d.promptTokens(), d.cachedPromptTokens(), d.completionTokens(),
                                    d.firstTokenNanos(), d.totalNanos());
                            texts.get(d.choice()).setLength(screen.safeLength(d.choice()));
                        }
                        done[d.choice()] = d;
                        metrics.generated(p.model(), d);
                    }
                    case Event.Usage usage -> {
                        List<Choice> choices = new ArrayList<>();
                        for (int i = 0; i < done.length; i++)
                            choices.add(new Choice(i, texts.get(i).toString(), thoughts.get(i).toString(), done[i], screen == null ? null : screen.refusal(i)));
                        if (watch != null && watch.clientGone()) {
                            LOG.info("the client left before its answer was ready; generation cancelled after "
                                    + choices.stream().mapToInt(c -> c.done().completionTokens()).sum() + " tokens ("
                                    + req.prologue().method().text() + " " + req.path().path() + ")");
                            return List.of();
                        }
                        if (agents.any() || !steps.isEmpty()) observer.onWork(agents.any() ? agents.json() : null, steps.isEmpty() ? null : steps);
                        observer.onFinished(choices);
                        if (stream != null) {
                            for (Choice c : choices) stream.send(answers.finish(c.index(), c.done().reason(), c.refusal()));
                            if (p.includeUsage()) stream.send(answers.usage(usage));
                            stream.done();
                        } else {
                            List<Answers.Choice> whole = choices.stream()
                                    .map(c -> new Answers.Choice(c.index(), c.text(), c.reasoning(), calls.get(c.index()), logprobs.get(c.index()),
                                            c.done().reason(), c.refusal())).toList();
                            ObjectNode body = answers.whole(whole, usage, agents, steps);
                            if (extensions != null) body.setAll(extensions);
                            Json.send(res, 200, body);
                        }
                        return choices;
                    }
                    case Event.Error e -> {
                        if (stream == null || !stream.started()) throw e.error();
                        // too late for a status code: say it in the stream
                        stream.send(Json.error(e.error() instanceof ApiException api ? api : ApiException.unavailable(e.error().getMessage())));
                        stream.done();
                        return List.of();
                    }
                    case Event.Progress progress -> { } // transcriptions' events: a generation has none
                    case Event.Segment seg -> { }
                    case Event.Transcribed x -> { }
                    case Event.Audio x -> { } // speech's events
                    case Event.Spoken x -> { }
                    case Event.PartialImage x -> { }
                    case Event.Image x -> { } // drawings' events
                    case Event.Drawn x -> { }
                }
            }
        }
    }
}
