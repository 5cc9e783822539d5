package dev.muse.runtime;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Muse's own tools, which the engine runs itself when a chat opts in (unlike a client's functions, whose calls go back
 * to the client): {@code calculator} always, {@code generate_image} when an image model is on offer, {@code speak} when a
 * speech synthesis model is. A tool whose model is absent is not offered. Each returns what the model reads back (text)
 * and what it made for the person ({@link Event.ToolStep#outputs()}: a PNG, an MP3).
 */
final class OwnTools {
    /** Every tool Muse has, by name, as the model is told of it. */
    static final Map<String, Tools.Function> ALL = Map.of(
            "calculator", new Tools.Function("calculator", "Evaluates an arithmetic expression exactly, such as (12.5 * 4 + 3) / 7 or sqrt(2) ^ 3. "
                    + "Knows + - * / % ^, parentheses, pi, e, sqrt, abs, ln, log, log2, exp, sin, cos, tan, asin, acos, atan, floor, ceil, round, "
                    + "min, max and pow.", schema(Map.of("expression", Map.of("type", "string", "maxLength", 200)), "expression")),
            "generate_image", new Tools.Function("generate_image", "Draws a picture from a written description and shows it to the person.",
                    schema(Map.of("prompt", Map.of("type", "string", "maxLength", 300),
                            "negative_prompt", Map.of("type", "string", "maxLength", 300)), "prompt")),
            "speak", new Tools.Function("speak", "Says a text aloud to the person in a natural voice.",
                    schema(Map.of("text", Map.of("type", "string", "maxLength", 2000)), "text")));

    /** What a tool gave back: text for the model, files for the person. */
    record Result(String text, List<Event.ToolStep.Output> outputs) {}

    private final Engine engine;

    OwnTools(Engine engine) { this.engine = engine; }

    /** The tools among {@code asked} that can run now, in {@link ChatRequest#OWN_TOOLS}' order. */
    List<Tools.Function> available(List<String> asked) {
        List<Tools.Function> out = new ArrayList<>();
        for (String name : ChatRequest.OWN_TOOLS) if (asked.contains(name) && modelFor(name) != null) out.add(ALL.get(name));
        return out;
    }

    /** The model a tool runs on ("" for none needed); null when none is on offer. */
    private String modelFor(String tool) {
        ModelInfo.Modality made = switch (tool) {
            case "generate_image" -> ModelInfo.Modality.IMAGE;
            case "speak" -> ModelInfo.Modality.AUDIO;
            default -> null;
        };
        if (made == null) return "";
        return engine.models().stream().filter(m -> m.outputs().contains(made)).map(ModelInfo::id).findFirst().orElse(null);
    }

    /**
     * Runs one call. A call the tool cannot carry out (arguments that are not what it takes, an expression it cannot read,
     * a model that fails) gives back the reason as its text, so the model can say so or try again.
     */
    Result run(String name, String arguments, ImageScreen screen, Supplier<Boolean> cancelled) throws InterruptedException {
        Map<?, ?> args;
        try {
            args = JsonValues.parse(arguments, "the arguments") instanceof Map<?, ?> m ? m : Map.of();
        } catch (FormatException e) {
            return new Result("error: the arguments are not JSON: " + e.getMessage(), List.of());
        }
        try {
            return switch (name) {
                case "calculator" -> new Result(Calculator.format(Calculator.evaluate(text(args, "expression"))), List.of());
                case "generate_image" -> draw(text(args, "prompt"), args.get("negative_prompt") instanceof String n ? n : null, screen, cancelled);
                case "speak" -> speak(text(args, "text"), cancelled);
                default -> throw new IllegalArgumentException("no tool '" + name + "'");
            };
        } catch (IllegalArgumentException | IllegalStateException | CapabilityException e) {
            return new Result("error: " + e.getMessage(), List.of());
        }
    }

    /** A picture drawn, screened as {@code screen} says: one withheld is reported to the model as such; one blurred is shown blurred. */
    private Result draw(String prompt, String negative, ImageScreen screen, Supplier<Boolean> cancelled) throws InterruptedException {
        String model = modelFor("generate_image");
        DrawRequest request = new DrawRequest(model, prompt, negative, null, null, null, null, null, 1, null, null, 0);
        try (Drawing drawing = engine.draw(request, screen)) {
            while (true) {
                if (cancelled.get()) drawing.cancel();
                switch (drawing.next()) {
                    case Event.Image image -> {
                        return new Result(String.format(Locale.ROOT, "Drew a %dx%d picture of \"%s\" (seed %d); the person sees it now%s.",
                                image.width(), image.height(), prompt, image.seed(), image.blurred() ? ", blurred by the safety screening" : ""),
                                List.of(new Event.ToolStep.Output("image/" + image.format(), image.file())));
                    }
                    case Event.Error e when e.error() instanceof ContentPolicyException withheld -> throw new IllegalStateException(withheld.getMessage(), withheld);
                    case Event.Error e -> throw new IllegalStateException("the drawing failed: " + e.error().getMessage(), e.error());
                    default -> { }
                }
            }
        }
    }

    private Result speak(String text, Supplier<Boolean> cancelled) throws InterruptedException {
        String model = modelFor("speak");
        java.io.ByteArrayOutputStream mp3 = new java.io.ByteArrayOutputStream();
        try (Speaking speaking = engine.speak(SpeechRequest.of(model, text))) {
            SpeechAudio audio = speaking.file(SpeechAudio.Format.MP3);
            Event.Spoken spoken = speaking.follow(piece -> {
                mp3.writeBytes(audio.add(piece));
                return !cancelled.get();
            }, fraction -> { });
            mp3.writeBytes(audio.finish());
            return new Result(String.format(Locale.ROOT, "Said it aloud: %.1f s of speech in the voice %s; the person hears it now.", spoken.seconds(),
                    spoken.voice()), List.of(new Event.ToolStep.Output(SpeechAudio.Format.MP3.contentType, mp3.toByteArray())));
        } catch (java.util.concurrent.CancellationException e) {
            throw new IllegalStateException("the speech was cancelled", e);
        }
    }

    private static String text(Map<?, ?> args, String key) {
        if (!(args.get(key) instanceof String s) || s.isBlank()) throw new IllegalArgumentException("'" + key + "' must be a non-empty string");
        return s;
    }

    private static Map<String, Object> schema(Map<String, Object> properties, String required) {
        return Map.of("type", "object", "properties", new java.util.TreeMap<>(properties), "required", List.of(required), "additionalProperties", false);
    }
}
