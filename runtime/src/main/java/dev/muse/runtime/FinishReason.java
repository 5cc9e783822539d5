package dev.muse.runtime;

/** Why a generated answer ended: one meaning everywhere (scheduler, engine events, the API's finish_reason). */
public enum FinishReason {
    /** The model ended its turn (an end-of-generation token) or a stop string appeared. */
    STOP,
    /** The token budget or the context window ran out. */
    LENGTH,
    /** The caller cancelled it (a client that went away, Stop in the studio). */
    CANCELLED,
    /** The model called functions ({@link Event.ToolCall}s) and waits for their results. */
    TOOL_CALLS,
    /** A safety screening stopped it: a guard model flagged the answer. */
    CONTENT_FILTER
}
