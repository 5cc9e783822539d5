package dev.muse.server;

import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.ImageScreen;
import dev.muse.runtime.ImageVerdict;
import dev.muse.runtime.ModelInfo;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.safety.SafetyPolicy;
import dev.muse.server.openai.ApiException;
import dev.muse.server.store.ModerationAudit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Chats screened as the operator chose ({@link MuseServer.Safety}): the last user turn's text goes to Llama Guard and its
 * pictures to the image safety classifier before anything is generated, and a turn either flags (or the guard answers
 * unreadably: screening fails closed) is refused with OpenAI's {@code content_policy_violation} before anything is
 * stored; the answer is read as it streams ({@link Output}); pictures Muse draws are screened as they are made
 * ({@link #forDrawing}). With safety {@code on} the server does not start without a guard model and an image classifier;
 * {@code auto} screens with whichever is on offer; {@code off} never does. Every block goes into the key's audit trail
 * ({@link ModerationAudit}: when, what stage, which hazards; not the content).
 */
final class Screening {
    /** What answers a verdict: the engine running a guard model ({@link Engine#moderate}). */
    interface Guard {
        GuardVerdict moderate(String model, List<GuardPrompt.Turn> turns) throws InterruptedException;
    }

    private final Engine engine;
    private final Guard guard;
    private final MuseServer.Safety safety;
    private final ModerationAudit audit;

    /** With verdicts from {@code guard}: the engine's, but for tests of the screening itself, which flag what they choose. */
    Screening(Engine engine, MuseServer.Safety safety, Guard guard, ModerationAudit audit) {
        this.engine = engine;
        this.guard = guard;
        this.safety = safety;
        this.audit = audit;
        if (safety == MuseServer.Safety.ON && engine.guardModels().isEmpty())
            throw new IllegalStateException("safety is on and no guard model is installed: muse pull llama-guard3-1b (or put a Llama Guard 3 GGUF in the model cache), "
                    + "or start with --safety off to serve unscreened");
        if (safety == MuseServer.Safety.ON && engine.imageGuardModel().isEmpty())
            throw new IllegalStateException("safety is on and no image safety classifier is installed: muse pull nsfw-mobilenet-v2-mid, "
                    + "or start with --safety off to serve unscreened");
    }

    /** The image safety classifier that screens pictures now (sent in chats, and made), or null. */
    String imageGuard() {
        return safety == MuseServer.Safety.OFF ? null : engine.imageGuardModel().orElse(null);
    }

    /**
     * How a drawing for {@code owner} is screened under the key's {@code policy}, or null when nothing screens: what the
     * classifier flags goes into the audit trail, with what was done (blurred, withheld, or let through flagged).
     */
    ImageScreen forDrawing(String owner, SafetyPolicy policy) {
        if (imageGuard() == null) return null;
        return new ImageScreen(policy, (verdict, action) -> audit.record(owner, "image-output",
                action == SafetyPolicy.Action.FLAG ? "flagged" : policy.blursImages() ? "blurred" : "withheld", verdict.model(), codes(verdict.verdict()), null));
    }

    /** The refusal a withheld picture comes to, in OpenAI's shape. */
    static ApiException refused(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "content_policy_violation", message);
    }

    /** The guard model that screens chats now, or null. */
    String guard() {
        return safety == MuseServer.Safety.OFF ? null : firstGuard();
    }

    private String firstGuard() {
        return engine.guardModels().stream().findFirst().orElse(null);
    }

    /**
     * Refuses the request when the guard flags the last user turn's text and the key's {@code policy} blocks what it found
     * (a flag it lets through is only recorded); either goes into {@code owner}'s audit trail.
     */
    void checkInput(String model, List<ChatRequest.Message> messages, String owner, String conversationId, SafetyPolicy policy) throws InterruptedException {
        // pictures are judged where the model will see them: a text-only model refuses them itself, unread
        if (engine.model(model).map(m -> m.inputs().contains(ModelInfo.Modality.IMAGE)).orElse(false)) checkImages(messages, owner, conversationId, policy);
        String guard = guard(), text = lastUserText(messages);
        if (guard == null || text.isEmpty()) return;
        GuardVerdict verdict = this.guard.moderate(guard, List.of(new GuardPrompt.Turn(true, text)));
        SafetyPolicy.Action action = policy.decide(verdict);
        if (action == SafetyPolicy.Action.ALLOW) return;
        audit.record(owner, "input", action == SafetyPolicy.Action.BLOCK ? "blocked" : "flagged", guard, codes(verdict), conversationId);
        if (action == SafetyPolicy.Action.BLOCK) throw refused("messages", "Your message was refused by this server's safety screening (" + reasons(guard, verdict) + ")");
    }

    /**
     * The image safety classifier's judgement of each picture in the last user turn: one the policy blocks refuses the
     * request, one it flags is recorded. A file that is not a picture is left for the chat to refuse as it does.
     */
    private void checkImages(List<ChatRequest.Message> messages, String owner, String conversationId, SafetyPolicy policy) {
        String classifier = imageGuard();
        ChatRequest.Message last = lastUser(messages);
        if (classifier == null || last == null) return;
        for (ChatRequest.Part part : last.content()) {
            if (!(part instanceof ChatRequest.Image image)) continue;
            ImageVerdict verdict;
            try {
                verdict = engine.moderateImage(image.bytes().get());
            } catch (IllegalArgumentException e) {
                continue;
            }
            SafetyPolicy.Action action = policy.decide(verdict.verdict());
            if (action == SafetyPolicy.Action.ALLOW) continue;
            audit.record(owner, "image-input", action == SafetyPolicy.Action.BLOCK ? "blocked" : "flagged", verdict.model(), codes(verdict.verdict()), conversationId);
            if (action == SafetyPolicy.Action.BLOCK)
                throw refused("messages", "An attached image was refused by this server's safety screening (" + reasons(verdict.model(), verdict.verdict()) + ")");
        }
    }

    private static String codes(GuardVerdict verdict) {
        return verdict.hazards().stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    /**
     * The screen of a chat's answer, or null when nothing screens: the guard reads the last user turn and the answer so
     * far every {@value Output#WINDOW} characters while it streams ({@code whileStreaming}), and the whole answer at its end.
     */
    Output forOutput(List<ChatRequest.Message> messages, boolean whileStreaming, String owner, String conversationId, SafetyPolicy policy) {
        String guard = guard();
        if (guard == null) return null;
        String asked = lastUserText(messages);
        return asked.isEmpty() ? null : new Output(guard, asked, whileStreaming, owner, conversationId, policy);
    }

    private static ChatRequest.Message lastUser(List<ChatRequest.Message> messages) {
        ChatRequest.Message last = null;
        for (ChatRequest.Message m : messages) if (m.role().equals("user")) last = m;
        return last;
    }

    private static String lastUserText(List<ChatRequest.Message> messages) {
        ChatRequest.Message last = lastUser(messages);
        if (last == null) return "";
        return last.content().stream().filter(p -> p instanceof ChatRequest.Text).map(p -> ((ChatRequest.Text) p).text())
                .collect(Collectors.joining("\n")).strip();
    }

    private static String reasons(String guard, GuardVerdict verdict) {
        String why = verdict.readable()
                ? verdict.hazards().isEmpty() ? "unsafe content" : verdict.hazards().stream().sorted().map(h -> h.name() + " " + h.title).collect(Collectors.joining(", "))
                : "the guard model's verdict could not be read";
        return guard + ": " + why;
    }

    /** One answer's screen: where each choice's text was last found safe, and the refusal once the guard flags it. */
    final class Output {
        static final int WINDOW = 512;
        private final String guard, asked, owner, conversationId;
        private final boolean whileStreaming;
        private final SafetyPolicy policy;
        private final java.util.Set<Integer> flagged = new java.util.HashSet<>();
        private final java.util.Map<Integer, Integer> checked = new java.util.HashMap<>(), safe = new java.util.HashMap<>();
        private final java.util.Map<Integer, String> refusals = new java.util.HashMap<>();

        private Output(String guard, String asked, boolean whileStreaming, String owner, String conversationId, SafetyPolicy policy) {
            this.policy = policy;
            this.guard = guard;
            this.asked = asked;
            this.whileStreaming = whileStreaming;
            this.owner = owner;
            this.conversationId = conversationId;
        }

        /**
         * Checks choice {@code index}'s text when a window has grown since the last check (or at its {@code end}); true
         * when the guard flags it, after which {@link #refusal} says why and {@link #safeLength} how much was found safe.
         */
        boolean flags(int index, String text, boolean end) throws InterruptedException {
            if (refusals.containsKey(index)) return true;
            int last = checked.getOrDefault(index, 0);
            if (text.isBlank() || text.length() == last || !end && (!whileStreaming || text.length() - last < WINDOW)) return false;
            checked.put(index, text.length());
            GuardVerdict verdict = Screening.this.guard.moderate(guard, List.of(new GuardPrompt.Turn(true, asked), new GuardPrompt.Turn(false, text)));
            SafetyPolicy.Action action = policy.decide(verdict);
            if (action != SafetyPolicy.Action.BLOCK) {
                if (action == SafetyPolicy.Action.FLAG && flagged.add(index)) // recorded once per answer, let through
                    audit.record(owner, "output", "flagged", guard, codes(verdict), conversationId);
                safe.put(index, text.length());
                return false;
            }
            refusals.put(index, "The answer was stopped by this server's safety screening (" + reasons(guard, verdict) + ")");
            audit.record(owner, "output", "blocked", guard, codes(verdict), conversationId);
            return true;
        }

        String refusal(int index) { return refusals.get(index); }

        int safeLength(int index) { return safe.getOrDefault(index, 0); }
    }

    /** What /health says of the screening of pictures. */
    String describeImages() {
        String classifier = imageGuard();
        if (safety == MuseServer.Safety.OFF) return "off: pictures are not screened (the operator's choice)";
        return classifier == null ? "auto: no image safety classifier is installed (muse pull nsfw-mobilenet-v2-mid), so pictures are not screened"
                : safety.name().toLowerCase(java.util.Locale.ROOT) + ": " + classifier + " screens the pictures people send and the pictures Muse makes";
    }

    /** What /health says of it. */
    String describe() {
        String guard = guard();
        return switch (safety) {
            case OFF -> "off: chats are not screened (the operator's choice)" + (firstGuard() == null ? "" : "; " + firstGuard() + " answers /v1/moderations");
            case ON, AUTO -> guard == null ? "auto: no guard model is installed (muse pull llama-guard3-1b), so chats are not screened "
                    + "and /v1/moderations is unavailable" : safety.name().toLowerCase(java.util.Locale.ROOT) + ": " + guard + " screens what people send";
        };
    }
}
