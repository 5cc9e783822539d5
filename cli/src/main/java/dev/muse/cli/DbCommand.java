package dev.muse.cli;

import dev.muse.server.store.Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The database that holds conversations and keys ($MUSE_HOME/muse.db, or MUSE_DB_URL): check it, back it up. Both work
 * while the server runs.
 */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Check or back up the database of conversations and keys.",
        subcommands = {DbCommand.Check.class, DbCommand.Backup.class})
final class DbCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        throw new ParameterException(spec.commandLine(), "say what to do: muse db check | backup FILE");
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Run SQLite's full integrity check; exit 1 if anything is wrong.")
    static final class Check implements Callable<Integer> {
        @Override public Integer call() {
            try (Store store = Store.openFromEnvironment()) {
                String result = store.check();
                System.out.println(result.equals("ok") ? "the database is intact" : Printable.of(result));
                return result.equals("ok") ? 0 : 1;
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, description = "Copy the SQLite database, consistent while in use, into a new file.")
    static final class Backup implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "where the copy goes; must not exist")
        Path target;

        @Override public Integer call() {
            try (Store store = Store.openFromEnvironment()) {
                store.backup(target);
            }
            System.out.println("backed up to " + target);
            return 0;
        }
    }
}
