package dev.muse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `muse` command line. Each subcommand is one small class. */
@Command(name = "muse", mixinStandardHelpOptions = true, version = "Muse 0.1.0",
        description = "Self-hosted multimodal AI assistant and creative studio: a pure-Java inference engine.",
        subcommands = {StudioCommand.class, ServeCommand.class, RunCommand.class, PullCommand.class, ModelsCommand.class, KeysCommand.class,
                ConvertCommand.class, InspectCommand.class, BenchCommand.class, DbCommand.class, TranscribeCommand.class, DrawCommand.class, SayCommand.class, VerifyCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Bad input (a corrupt file, a missing model) is one clear line, not a stack trace, and a message that quotes
        // the file cannot send control codes to the terminal.
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("muse: " + Printable.of(e.getMessage() != null ? e.getMessage() : e.toString()));
            if (Boolean.getBoolean("muse.debug")) e.printStackTrace(command.getErr());
            return 1;
        });
        return cli;
    }
}
