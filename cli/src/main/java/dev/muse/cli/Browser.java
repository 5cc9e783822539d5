package dev.muse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Opens a URL in the person's browser, when there is one to open: on Linux and the BSDs only with a
 * display ($DISPLAY or $WAYLAND_DISPLAY) and xdg-open, on macOS with open. Elsewhere (a server over SSH,
 * a container) the caller prints the URL instead.
 */
final class Browser {
    private Browser() {}

    /** Starts the browser and returns true, or returns false when there is none to start. */
    static boolean open(String url) {
        Optional<List<String>> command = command(System.getProperty("os.name", ""), System.getenv(), url);
        if (command.isEmpty()) return false;
        try {
            // The opener's chatter (GTK warnings and the like) would mix with Muse's own output.
            new ProcessBuilder(command.get()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The command that opens {@code url} on this system, if it can. */
    static Optional<List<String>> command(String osName, Map<String, String> env, String url) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) return Optional.of(List.of("open", url));
        if (os.startsWith("windows")) return Optional.empty();
        boolean display = !env.getOrDefault("DISPLAY", "").isBlank() || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
        return display && onPath("xdg-open", env.getOrDefault("PATH", "")) ? Optional.of(List.of("xdg-open", url)) : Optional.empty();
    }

    private static boolean onPath(String program, String path) {
        for (String dir : path.split(java.io.File.pathSeparator))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        return false;
    }
}
