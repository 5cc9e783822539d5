package dev.muse.runtime;

import dev.muse.text.Tokenizer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Contemplating: several sub-agents think about the same conversation at once, then one answer is written from their
 * conclusions. The sub-agents are the choices of one {@link Choices}: one prompt, whose keys and values the scheduler
 * computes once and lends to all of them, each choice starting from an opening of its own (a perspective to think from)
 * with its own seed, all stepping in one batch, so each weight is read once per step for all of them. When the last
 * one ends, the synthesis reads the conversation again with their conclusions after its last message and answers
 * without a thought of its own (its prompt starts as theirs did, so the conversation's keys and values are reused
 * again); that answer is this generation's choice 0.
 *
 * <p>Events: {@link Event.Contemplating}, the sub-agents' {@link Event.AgentText}s and {@link Event.AgentDone}s, then
 * the answer's own events, its {@link Event.Usage} counting every token of the sub-agents too.
 */
final class Contemplation extends Generation {
    /** Where each sub-agent starts its thought from; more sub-agents than these take them again, with other seeds. */
    static final List<String> PERSPECTIVES = List.of(
            "Let me work through this carefully, step by step.",
            "Let me question the obvious reading first and look at this from another angle.",
            "Let me start from concrete examples and check each one.",
            "Let me think about what could go wrong here, and which answer holds up best.");

    /**
     * Tokens of each conclusion the synthesis reads, at least and at most: its share is the answer's budget within these
     * bounds, so N conclusions stay a small prompt beside the conversation.
     */
    static final int MIN_GIST_TOKENS = 32, MAX_GIST_TOKENS = 256;

    /** What one sub-agent thought and concluded. */
    record Conclusion(String perspective, String thought, String answer, FinishReason reason) {
        /**
         * What the synthesis reads of it, at most {@code maxTokens} tokens: its answer (a long one's start and end), else
         * (cut off while thinking) the end of its thought.
         */
        String gist(Tokenizer tokenizer, int maxTokens) {
            boolean answered = !answer.isBlank();
            String text = (answered ? answer : thought).strip();
            int[] tokens = tokenizer.encodeText(text, false);
            if (tokens.length <= maxTokens) return text;
            String end = tokenizer.decode(Arrays.copyOfRange(tokens, tokens.length - (answered ? maxTokens / 2 : maxTokens), tokens.length)).strip();
            if (!answered) return "... " + end;
            return tokenizer.decode(Arrays.copyOf(tokens, maxTokens / 2)).strip() + " [...] " + end;
        }
    }

    private final Choices agents;
    private final Function<List<Conclusion>, Generation> synthesis;
    private final List<String> perspectives;
    private final StringBuilder[] thoughts, answers;
    private final FinishReason[] reasons;
    private final Deque<Event> ready = new ArrayDeque<>();
    private final long start = System.nanoTime();
    private volatile Generation answer;
    private volatile boolean cancelled;
    private Event.Usage agentsUsage;
    private boolean started, ended;

    /** Starts with the sub-agents running; {@code synthesis} starts the answer from their conclusions. */
    Contemplation(Choices agents, List<String> perspectives, Function<List<Conclusion>, Generation> synthesis) {
        this.agents = agents;
        this.perspectives = List.copyOf(perspectives);
        this.synthesis = synthesis;
        int n = perspectives.size();
        thoughts = new StringBuilder[n];
        answers = new StringBuilder[n];
        reasons = new FinishReason[n];
        for (int i = 0; i < n; i++) {
            thoughts[i] = new StringBuilder();
            answers[i] = new StringBuilder();
        }
    }

    /** The perspective sub-agent {@code i} thinks from. */
    static String perspective(int i) { return PERSPECTIVES.get(i % PERSPECTIVES.size()); }

    /**
     * The conversation the synthesis answers: the sub-agents' conclusions after its last message (in it, when that is the
     * user's), and a request for one answer that keeps what they got right.
     */
    static List<ChatRequest.Message> synthesisMessages(List<ChatRequest.Message> messages, List<Conclusion> conclusions, Tokenizer tokenizer,
                                                       int gistTokens) {
        StringBuilder block = new StringBuilder("\n\n---\nBefore answering, ").append(conclusions.size())
                .append(conclusions.size() == 1 ? " line of thought" : " independent lines of thought").append(" worked on this. What each concluded:\n");
        for (int i = 0; i < conclusions.size(); i++)
            block.append("\n[").append(i + 1).append("] ").append(conclusions.get(i).gist(tokenizer, gistTokens)).append('\n');
        block.append("\nNow write the single best reply to the message above: keep what they got right, correct what they got wrong, "
                + "and do not mention them.");
        List<ChatRequest.Message> out = new ArrayList<>(messages);
        ChatRequest.Message last = out.getLast();
        if (last.role().equals("user")) {
            List<ChatRequest.Part> parts = new ArrayList<>(last.content());
            parts.add(new ChatRequest.Text(block.toString()));
            out.set(out.size() - 1, new ChatRequest.Message("user", parts, last.toolCalls(), last.toolCallId()));
        } else {
            out.add(ChatRequest.Message.of("user", block.toString().strip()));
        }
        return out;
    }

    @Override public Event next() throws InterruptedException {
        if (ended && ready.isEmpty()) throw new IllegalStateException("the generation has ended");
        Event e = ready.isEmpty() ? produce() : ready.poll();
        if (e.last()) ended = true;
        return e;
    }

    private Event produce() throws InterruptedException {
        if (!started) {
            started = true;
            return new Event.Contemplating(perspectives);
        }
        if (answer != null) {
            Event e = answer.next();
            return e instanceof Event.Usage u ? new Event.Usage(u.promptTokens() + agentsUsage.promptTokens(),
                    u.completionTokens() + agentsUsage.completionTokens(), u.cachedPromptTokens() + agentsUsage.cachedPromptTokens()) : e;
        }
        Event e = agents.next();
        return switch (e) {
            case Event.Reasoning r -> {
                thoughts[r.choice()].append(r.text());
                yield new Event.AgentText(r.choice(), r.text(), true);
            }
            case Event.Token t -> {
                answers[t.choice()].append(t.text());
                yield new Event.AgentText(t.choice(), t.text(), false);
            }
            case Event.Done d -> {
                reasons[d.choice()] = d.reason();
                yield new Event.AgentDone(d.choice(), d.reason(), d.completionTokens());
            }
            case Event.Usage u -> {
                agentsUsage = u;
                yield synthesize();
            }
            default -> e; // an error ends the stream; sub-agents call no functions
        };
    }

    /** Starts the answer from the sub-agents' conclusions and reports its first event; a cancelled contemplation ends here. */
    private Event synthesize() throws InterruptedException {
        if (cancelled) {
            long nanos = System.nanoTime() - start;
            ready.add(agentsUsage);
            return new Event.Done(0, FinishReason.CANCELLED, agents.promptTokens(), 0, 0, nanos, nanos);
        }
        List<Conclusion> conclusions = new ArrayList<>();
        for (int i = 0; i < perspectives.size(); i++)
            conclusions.add(new Conclusion(perspectives.get(i), thoughts[i].toString(), answers[i].toString(), reasons[i]));
        try {
            answer = synthesis.apply(conclusions);
        } catch (RuntimeException e) { // the conclusions leave no room in the context, say
            return new Event.Error(e);
        }
        if (cancelled) answer.cancel(); // cancelled while it started
        return produce();
    }

    @Override public void cancel() {
        cancelled = true;
        agents.cancel();
        Generation a = answer;
        if (a != null) a.cancel();
    }

    /** Tokens of the conversation, counted once, and of the sub-agents' openings. */
    @Override public int promptTokens() { return agents.promptTokens(); }

    @Override public int leftOutMessages() { return agents.leftOutMessages(); }
}
