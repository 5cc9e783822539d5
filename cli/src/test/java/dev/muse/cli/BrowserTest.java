package dev.muse.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `muse studio` opens a browser only where one can open: a display and xdg-open on Linux, open on macOS. */
class BrowserTest {
    @TempDir Path bin;

    @Test
    void linuxNeedsADisplayAndXdgOpen() throws Exception {
        String url = "http://127.0.0.1:8080/";
        assertEquals(Optional.empty(), Browser.command("Linux", Map.of("PATH", bin.toString()), url), "no display: print the URL");
        assertEquals(Optional.empty(), Browser.command("Linux", Map.of("PATH", bin.toString(), "DISPLAY", ":0"), url), "no xdg-open on the PATH");
        Files.createFile(bin.resolve("xdg-open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(Optional.of(List.of("xdg-open", url)), Browser.command("Linux", Map.of("PATH", bin.toString(), "DISPLAY", ":0"), url));
        assertEquals(Optional.of(List.of("xdg-open", url)), Browser.command("FreeBSD", Map.of("PATH", "/nowhere:" + bin, "WAYLAND_DISPLAY", "wayland-0"), url));
        assertEquals(Optional.empty(), Browser.command("Linux", Map.of("PATH", bin.toString(), "DISPLAY", " "), url), "a blank DISPLAY is no display");
        assertEquals(Optional.of(List.of("open", url)), Browser.command("Mac OS X", Map.of(), url));
    }
}
