package dev.muse.server;

import dev.muse.runtime.Engine;
import dev.muse.safety.GuardVerdict;
import dev.muse.server.store.Store;

/**
 * A server whose chat screening flags every answer of {@code flaggedLength} characters or more (S1, S10) and passes every
 * question, for the studio's browser test of a stopped answer: no trained guard model is reachable here and a random one
 * writes no verdict, so the verdicts come from this seam (in the server's package, as its own screening tests use it).
 */
public final class ScreenedServers {
    private ScreenedServers() {}

    public static MuseServer start(MuseServer.Config config, Engine engine, Store store, int flaggedLength) {
        Screening.Guard guard = (model, turns) -> GuardVerdict.parse(
                !turns.getLast().user() && turns.getLast().content().length() >= flaggedLength ? "unsafe\nS1,S10" : "safe", Double.NaN);
        return new MuseServer(config, engine, store, guard);
    }
}
