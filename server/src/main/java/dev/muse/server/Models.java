package dev.muse.server;

import dev.muse.runtime.LoadedModel;
import dev.muse.runtime.Residency;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The server's view of model residency: OpenAI errors for unknown models and a full memory budget. */
final class Models {
    private final Residency residency;

    Models(Residency residency) { this.residency = residency; }

    Residency residency() { return residency; }

    LoadedModel acquire(String id) {
        try {
            return residency.acquire(id);
        } catch (Residency.UnknownModelException e) {
            throw ApiException.modelNotFound(id);
        } catch (Residency.InsufficientMemoryException e) {
            throw ApiException.unavailable(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + id, e);
        }
    }
}
