package dev.muse.documents;

/** A document Muse cannot read, and why: its kind, a cap it passes, encryption, damage. */
public final class DocumentException extends RuntimeException {
    public DocumentException(String message) {
        super(message);
    }
}
