package dev.muse.cli;

import dev.muse.safety.SafetyPolicy;
import dev.muse.server.store.ApiKey;
import dev.muse.server.store.CreatedKey;
import dev.muse.server.store.Store;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * API keys, which the server requires when it listens beyond localhost. The keys live in the same
 * database the server uses ($MUSE_HOME/muse.db, or MUSE_DB_URL), so this works while it runs.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list and revoke the API keys the server asks for when it listens beyond localhost.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        throw new ParameterException(spec.commandLine(), "say what to do: muse keys create | list | revoke ID");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a key and print its secret, once (--admin: one that may also unload models).")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", description = "what the key is for, shown in `muse keys list`")
        String name;

        @Option(names = "--admin", description = "may also act on the whole server (unload a model), not only on its own data")
        boolean admin;

        @Option(names = "--tools", description = "its chats have Muse's own tools (calculator, drawing, speech) unless a request sends muse_tools: false")
        boolean tools;

        @Option(names = "--safety-policy", paramLabel = "S6=flag,S13=off,...",
                description = "what the safety screening does with each hazard (S1-S14) for this key: block (every one's default), flag (let through, recorded) "
                        + "or off; images=blur (the default) or images=block for a picture Muse made that is blocked")
        String safetyPolicy;

        @Option(names = "--text-watermark", description = "the text it generates carries this installation's text watermark (muse verify --text detects it)")
        boolean textWatermark;

        @Override public Integer call() {
            try (Store store = Store.openFromEnvironment()) {
                String policy = safetyPolicy == null ? null : SafetyPolicy.parse(safetyPolicy).toString(); // checked, and written as Muse writes it
                CreatedKey created = store.keys().create(name, admin, tools, textWatermark, policy == null || policy.isEmpty() ? null : policy);
                // The secret alone on stdout, so `muse keys create > file` captures just the key; the rest is for people.
                System.out.println(created.secret());
                System.err.println("Created " + (admin ? "admin " : "") + "API key " + (tools ? "with Muse's tools " : "")
                        + (textWatermark ? "whose text is watermarked " : "") + (created.key().safetyPolicy() != null ? "(safety policy " + created.key().safetyPolicy() + ") " : "")
                        + created.key().id() + " (" + created.key().name() + ").");
                System.err.println("Copy the secret above now: Muse keeps only its hash, so it cannot be shown again.");
                System.err.println("Clients send it as the header  Authorization: Bearer <secret>");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

        @Override public Integer call() {
            List<ApiKey> keys;
            try (Store store = Store.openFromEnvironment()) {
                keys = store.keys().list();
            }
            PrintStream out = System.out;
            if (keys.isEmpty()) {
                out.println("No API keys. Make one with: muse keys create --name NAME");
                return 0;
            }
            String format = "%-26s  %-13s  %-20s  %-5s  %-5s  %-9s  %-16s  %-16s  %s%n";
            out.printf(format, "ID", "PREFIX", "NAME", "ADMIN", "TOOLS", "TEXT MARK", "CREATED", "LAST USED", "STATUS");
            for (ApiKey key : keys) {
                out.printf(format, key.id(), key.prefix(), Printable.of(key.name()), key.admin() ? "yes" : "no", key.museTools() ? "yes" : "no",
                        key.textWatermark() ? "yes" : "no", time(key.createdAt()),
                        time(key.lastUsedAt()), key.revoked() ? "revoked " + time(key.revokedAt()) : "active");
            }
            return 0;
        }

        static String time(Instant instant) { return instant == null ? "never" : TIME.format(instant); }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: requests with it fail from now on.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "the key's id (key_...) or prefix (muse-...), as `muse keys list` shows them")
        String idOrPrefix;

        @Override public Integer call() {
            try (Store store = Store.openFromEnvironment()) {
                ApiKey key = store.keys().revoke(idOrPrefix);
                System.out.println("Revoked " + key.id() + " (" + key.name() + ", " + key.prefix() + "), "
                        + ListKeys.time(key.revokedAt()) + ".");
            }
            return 0;
        }
    }
}
