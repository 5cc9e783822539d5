package dev.muse.server.store;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The child process of {@link KillDuringStreamingTest}: chats into one conversation until it is killed,
 * printing a line for each write as soon as the store call that made it returned (that is, once the
 * write is acknowledged). Arguments: JDBC URL, user, password (empty for none), conversation id.
 */
final class StreamingWriter {
    static final String OWNER = "key_writer";

    public static void main(String[] args) {
        StoreConfig config = new StoreConfig(args[0], args[1].isEmpty() ? null : args[1], args[2].isEmpty() ? null : args[2]);
        String conversation = args[3];
        try (Store store = Store.open(config)) {
            Messages messages = store.messages();
            for (int turn = 0; ; turn++) {
                acknowledge("message " + messages.append(OWNER, conversation, Role.USER, TextNode.valueOf("question " + turn)).id());
                Message reply = messages.beginReply(OWNER, conversation);
                acknowledge("message " + reply.id());
                StringBuilder text = new StringBuilder();
                for (int token = 0; token < 4; token++) {
                    text.append("token").append(token).append(' ');
                    messages.updateReply(OWNER, reply.id(), TextNode.valueOf(text.toString()), null);
                    acknowledge("saved " + reply.id() + " " + text.length());
                }
                messages.finishReply(OWNER, reply.id(), TextNode.valueOf(text + "end."), null, new TokenUsage(turn, 4));
                acknowledge("finished " + reply.id());
            }
        }
    }

    private static void acknowledge(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
