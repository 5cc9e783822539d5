package dev.muse.runtime;

/** A request refused, or a picture withheld, because the safety screening found content the policy blocks. */
public final class ContentPolicyException extends RuntimeException {
    public ContentPolicyException(String message) {
        super(message);
    }
}
