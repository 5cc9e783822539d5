package dev.muse.provenance;

import java.util.List;

/**
 * What a file's content credentials say, checked: {@link Status#NONE} when it carries none; {@link Status#INVALID} when
 * they cannot be read or their signature does not verify; {@link Status#TAMPERED} when the signature holds but the file
 * (or an assertion) is no longer what was signed; {@link Status#VALID} otherwise. {@code trusted} says whether the
 * signer's chain ends at one of the verifier's trust anchors; the rest is what the manifest claims (null or empty when
 * there is none).
 *
 * @param problems why a file is INVALID or TAMPERED, one line each
 */
public record Verification(Status status, boolean trusted, String signer, String issuer, String generator, String format,
                           List<Action> actions, List<String> problems) {
    public enum Status { NONE, VALID, TAMPERED, INVALID }

    /** One action the manifest records: what was done, by what kind of source, with which software and model. */
    public record Action(String action, String digitalSourceType, String softwareAgent, String model) {}

    static Verification none() {
        return new Verification(Status.NONE, false, null, null, null, null, List.of(), List.of());
    }

    static Verification invalid(String problem) {
        return new Verification(Status.INVALID, false, null, null, null, null, List.of(), List.of(problem));
    }

    /** Whether an AI model made or edited it, as the manifest says. */
    public boolean aiGenerated() {
        return actions.stream().anyMatch(a -> ContentCredentials.TRAINED_ALGORITHMIC_MEDIA.equals(a.digitalSourceType()));
    }

    /** One line for people: what the file carries and whether it holds. */
    public String summary() {
        return switch (status) {
            case NONE -> "no content credentials";
            case INVALID -> "content credentials that do not verify: " + String.join("; ", problems);
            case TAMPERED -> "content credentials signed by " + signer + ", but the file was changed after signing: " + String.join("; ", problems);
            case VALID -> "content credentials signed by " + signer + (trusted ? " (trusted)" : " (signer not in the trust list)")
                    + (aiGenerated() ? "; made with AI" : "");
        };
    }
}
