package dev.muse.server;

import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.Engine;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.server.openai.ApiException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What people send is screened by the guard model before a chat answers it (the operator's {@link MuseServer.Safety}):
 * the last user turn's text goes to Llama Guard, and a turn it flags (or answers unreadably: screening fails closed) is
 * refused with OpenAI's {@code content_policy_violation} before anything is generated or stored. With safety {@code on}
 * the server does not start without a guard model; {@code auto} screens whenever one is on offer; {@code off} never does.
 */
final class Screening {
    private final Engine engine;
    private final MuseServer.Safety safety;

    Screening(Engine engine, MuseServer.Safety safety) {
        this.engine = engine;
        this.safety = safety;
        if (safety == MuseServer.Safety.ON && engine.guardModels().isEmpty())
            throw new IllegalStateException("safety is on and no guard model is installed: put a Llama Guard 3 GGUF in the model cache, "
                    + "or start with --safety off to serve unscreened");
    }

    /** The guard model that screens chats now, or null. */
    String guard() {
        return safety == MuseServer.Safety.OFF ? null : firstGuard();
    }

    private String firstGuard() {
        return engine.guardModels().stream().findFirst().orElse(null);
    }

    MuseServer.Safety safety() { return safety; }

    /** Refuses the request when the guard flags the last user turn's text. */
    void checkInput(List<ChatRequest.Message> messages) throws InterruptedException {
        String guard = guard();
        if (guard == null) return;
        ChatRequest.Message last = null;
        for (ChatRequest.Message m : messages) if (m.role().equals("user")) last = m;
        if (last == null) return;
        String text = last.content().stream().filter(p -> p instanceof ChatRequest.Text).map(p -> ((ChatRequest.Text) p).text())
                .collect(Collectors.joining("\n")).strip();
        if (text.isEmpty()) return;
        GuardVerdict verdict = engine.moderate(guard, List.of(new GuardPrompt.Turn(true, text)));
        if (verdict.safe()) return;
        String why = verdict.readable()
                ? verdict.hazards().isEmpty() ? "unsafe content" : verdict.hazards().stream().sorted().map(h -> h.name() + " " + h.title).collect(Collectors.joining(", "))
                : "the guard model's verdict could not be read";
        throw new ApiException(400, "invalid_request_error", "messages", "content_policy_violation",
                "Your message was refused by this server's safety screening (" + guard + ": " + why + ")");
    }

    /** What /health says of it. */
    String describe() {
        String guard = guard();
        return switch (safety) {
            case OFF -> "off: chats are not screened (the operator's choice)" + (firstGuard() == null ? "" : "; " + firstGuard() + " answers /v1/moderations");
            case ON, AUTO -> guard == null ? "auto: no guard model is installed (put a Llama Guard 3 GGUF in the model cache), so chats are not screened "
                    + "and /v1/moderations is unavailable" : safety.name().toLowerCase(java.util.Locale.ROOT) + ": " + guard + " screens what people send";
        };
    }
}
