package dev.muse.safety;

import java.util.List;
import java.util.Set;

/**
 * Llama Guard 3's prompt as Meta's prompt format gives it (the model card and llama-recipes' prompt_format_utils; the
 * model files' own Jinja template could not be compared here): the task for the role checked (the last message's:
 * 'User' for a person's turn, 'Agent' for the assistant's), the hazard categories it is asked about, the conversation
 * (User and Agent turns, each stripped), and the instructions, up to the assistant header after which the model
 * writes its verdict. It is Muse's own text, rendered by no template engine.
 */
public final class GuardPrompt {
    /** One turn: {@code user} true for the person's, false for the assistant's. */
    public record Turn(boolean user, String content) {}

    private GuardPrompt() {}

    /** The prompt checking the last of {@code turns} (which alternate, starting with the person) for {@code hazards}. */
    public static String of(List<Turn> turns, Set<Hazard> hazards) {
        if (turns.isEmpty()) throw new IllegalArgumentException("nothing to check");
        for (int i = 0; i < turns.size(); i++)
            if (turns.get(i).user() != (i % 2 == 0)) throw new IllegalArgumentException("a guarded conversation alternates person and assistant, the person first");
        String role = turns.getLast().user() ? "User" : "Agent";
        StringBuilder p = new StringBuilder("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nTask: Check if there is unsafe content in '")
                .append(role).append("' messages in conversations according our safety policy with the below categories.\n\n<BEGIN UNSAFE CONTENT CATEGORIES>\n");
        for (Hazard h : Hazard.values()) if (hazards.contains(h)) p.append(h.name()).append(": ").append(h.promptName()).append(".\n");
        p.append("<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n");
        for (Turn t : turns) p.append(t.user() ? "User" : "Agent").append(": ").append(t.content().strip()).append("\n\n");
        p.append("<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST ").append(role)
                .append(" message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n"
                        + " - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
        return p.toString();
    }
}
