package dev.muse.provenance;

import java.util.List;

/**
 * What a file's content credentials say, checked: {@link Status#NONE} when it carries none; {@link Status#INVALID} when
 * they cannot be read or their signature does not verify; {@link Status#TAMPERED} when the signature holds but the file
 * (or an assertion) is no longer what was signed; {@link Status#VALID} otherwise. {@code trusted} says whether the
 * signer's chain ends at one of the verifier's trust anchors; the rest is what the manifest claims (null or empty when
 * there is none).
 *
 * @param problems   why a file is INVALID or TAMPERED, one line each
 * @param watermarks what the watermark detectors found in the file (an image's, a sound's), credentials or not
 */
public record Verification(Status status, boolean trusted, String signer, String issuer, String generator, String format,
                           List<Action> actions, List<String> problems, List<Mark> watermarks) {
    public enum Status { NONE, VALID, TAMPERED, INVALID }

    /** One action the manifest records: what was done, by what kind of source, with which software and model. */
    public record Action(String action, String digitalSourceType, String softwareAgent, String model) {}

    /**
     * One watermark detector's finding: which mark ({@code image} or {@code audio}), whether it is there, its payload
     * (12 hex digits) when it is, how strongly it showed (the detector's z-score), the payload the file's credentials
     * record for such a mark (null when they record none), and whether the two are the same (null without a record).
     */
    public record Mark(String kind, boolean found, String payload, double confidence, String recorded, Boolean matchesCredentials) {}

    static Verification none() {
        return new Verification(Status.NONE, false, null, null, null, null, List.of(), List.of(), List.of());
    }

    static Verification invalid(String problem) {
        return new Verification(Status.INVALID, false, null, null, null, null, List.of(), List.of(problem), List.of());
    }

    Verification withWatermarks(List<Mark> marks) {
        return new Verification(status, trusted, signer, issuer, generator, format, actions, problems, List.copyOf(marks));
    }

    /** Whether an AI model made or edited it, as the manifest says. */
    public boolean aiGenerated() {
        return actions.stream().anyMatch(a -> ContentCredentials.TRAINED_ALGORITHMIC_MEDIA.equals(a.digitalSourceType()));
    }

    /** One line for people: what the file carries and whether it holds, and a watermark found without credentials. */
    public String summary() {
        String marked = watermarks.stream().filter(Mark::found).map(m -> "; " + (m.kind().equals("audio") ? "an inaudible " : "an invisible ") + m.kind() + " watermark of Muse (" + m.payload() + ")")
                .findFirst().orElse("");
        return credentials() + marked;
    }

    private String credentials() {
        return switch (status) {
            case NONE -> "no content credentials";
            case INVALID -> "content credentials that do not verify: " + String.join("; ", problems);
            case TAMPERED -> "content credentials signed by " + signer + ", but the file was changed after signing: " + String.join("; ", problems);
            case VALID -> "content credentials signed by " + signer + (trusted ? " (trusted)" : " (signer not in the trust list)")
                    + (aiGenerated() ? "; made with AI" : "");
        };
    }
}
