package dev.muse.safety;

/** The MLCommons hazard categories Llama Guard 3 classifies by (S1-S14; the 1B model knows S1-S13). */
public enum Hazard {
    S1("Violent Crimes"),
    S2("Non-Violent Crimes"),
    S3("Sex Crimes"),
    S4("Child Sexual Exploitation"),
    S5("Defamation"),
    S6("Specialized Advice"),
    S7("Privacy"),
    S8("Intellectual Property"),
    S9("Indiscriminate Weapons"),
    S10("Hate"),
    S11("Self-Harm"),
    S12("Sexual Content"),
    S13("Elections"),
    S14("Code Interpreter Abuse");

    public final String title;

    Hazard(String title) {
        this.title = title;
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
