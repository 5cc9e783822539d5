package dev.muse.safety;

import java.util.List;

/**
 * The MLCommons hazard categories Llama Guard 3 classifies by (S1-S14; the 1B model knows S1-S13), each with the
 * OpenAI moderation categories it stands for (none, for the ones OpenAI's taxonomy lacks: specialized advice, privacy,
 * intellectual property, elections).
 */
public enum Hazard {
    S1("Violent Crimes", "violence", "illicit/violent"),
    S2("Non-Violent Crimes", "illicit"),
    S3("Sex Crimes", "sexual", "illicit/violent"),
    S4("Child Sexual Exploitation", "sexual/minors"),
    S5("Defamation", "harassment"),
    S6("Specialized Advice"),
    S7("Privacy"),
    S8("Intellectual Property"),
    S9("Indiscriminate Weapons", "violence", "illicit/violent"),
    S10("Hate", "hate"),
    S11("Self-Harm", "self-harm"),
    S12("Sexual Content", "sexual"),
    S13("Elections"),
    S14("Code Interpreter Abuse", "illicit");

    /** OpenAI's moderation categories, in the order its API lists them. */
    public static final List<String> OPENAI_CATEGORIES = List.of("harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
            "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic");

    public final String title;
    public final List<String> openAi;

    Hazard(String title, String... openAi) {
        this.title = title;
        this.openAi = List.of(openAi);
    }

    /** The name Llama Guard 3's prompt gives it ("Child Exploitation" for S4, as the model was trained with). */
    String promptName() {
        return this == S4 ? "Child Exploitation" : title;
    }

    /** The hazard a code names ("S10"), or null. */
    public static Hazard of(String code) {
        for (Hazard h : values()) if (h.name().equalsIgnoreCase(code.strip())) return h;
        return null;
    }
}
