package dev.muse.hub;

import java.io.IOException;

/** A transfer broke in a way worth retrying (connection lost, stalled, server error): the partial file stays. */
final class TransferInterrupted extends IOException {
    TransferInterrupted(String message, Throwable cause) { super(message, cause); }

    TransferInterrupted(String message) { super(message); }
}
