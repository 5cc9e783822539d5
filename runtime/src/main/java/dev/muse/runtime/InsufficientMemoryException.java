package dev.muse.runtime;

/** Loading a model would exceed the memory budget even after unloading every idle model. */
public final class InsufficientMemoryException extends RuntimeException {
    InsufficientMemoryException(String message) { super(message); }
}
