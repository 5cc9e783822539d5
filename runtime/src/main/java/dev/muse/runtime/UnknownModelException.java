package dev.muse.runtime;

/** No model of that id is named or in the model cache. */
public final class UnknownModelException extends RuntimeException {
    private final String model;

    UnknownModelException(String model) {
        super("The model '" + model + "' does not exist");
        this.model = model;
    }

    public String model() { return model; }
}
