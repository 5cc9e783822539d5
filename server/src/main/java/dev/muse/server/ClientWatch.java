package dev.muse.server;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Notices a client that closed its connection while the server works on a request that writes nothing until it is done
 * (a non-streaming answer), so the work can be cancelled: a stream finds out when a write fails, but Helidon 4.5
 * gives a handler that has not written yet no way to see its client leave. The kernel does: on Linux the connection's
 * state in {@code /proc/net/tcp} and {@code tcp6} turns to CLOSE_WAIT when the client closes it (CLOSE after a reset),
 * and the entry goes when it is gone. While anything is watched, one thread reads those tables every
 * {@link #PERIOD_MILLIS}, and a client found gone in {@link #READS_TO_BE_SURE} reads in a row is gone. Where they cannot be read (not Linux) nothing is noticed: such requests run to their end,
 * as before. A client that half-closes (shuts down its sending side but still reads) counts as gone; HTTP clients
 * do not do that.
 */
final class ClientWatch {
    private static final Logger LOG = Logger.getLogger(ClientWatch.class.getName());
    static final long PERIOD_MILLIS = 250;
    /** Reads in a row that must find a client gone before it counts as gone. */
    static final int READS_TO_BE_SURE = 2;
    /** TCP states of /proc/net/tcp: the client has closed or reset the connection. */
    private static final Set<String> CLIENT_CLOSED = Set.of("07" /* CLOSE */, "08" /* CLOSE_WAIT */, "09" /* LAST_ACK */);
    private static final String ESTABLISHED = "01";

    /** One connection, as the kernel's table names it: this server's port and the client's address and port. */
    record Connection(int localPort, InetAddress remoteAddress, int remotePort) {}

    /** A watched connection; closing it stops the watch. */
    final class Watch implements AutoCloseable {
        private final Connection connection;
        private final Runnable onGone;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile boolean gone;
        private int absent; // consecutive reads that found the client closed or missing

        private Watch(Connection connection, Runnable onGone) {
            this.connection = connection;
            this.onGone = onGone;
        }

        /** Whether the client went away while watched. */
        boolean clientGone() { return gone; }

        private void fire() {
            if (!over.compareAndSet(false, true)) return;
            gone = true;
            watches.remove(this);
            onGone.run();
        }

        @Override public void close() {
            over.set(true);
            watches.remove(this);
        }
    }

    private final List<Path> tables;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private Thread poller;

    /** Reads {@code /proc/net/tcp} and {@code tcp6}. */
    ClientWatch() { this(Path.of("/proc/net")); }

    ClientWatch(Path procNet) {
        this.tables = List.of(procNet.resolve("tcp"), procNet.resolve("tcp6")).stream().filter(Files::isReadable).toList();
    }

    /** Whether this system lets the watch see connections at all. */
    boolean works() { return !tables.isEmpty(); }

    /** Calls {@code onGone} once (from the watch's thread) if the client of {@code req} closes its connection before the watch is closed. */
    Watch watch(ServerRequest req, Runnable onGone) {
        InetSocketAddress remote = (InetSocketAddress) req.remotePeer().address();
        return watch(new Connection(req.localPeer().port(), remote.getAddress(), remote.getPort()), onGone);
    }

    Watch watch(Connection connection, Runnable onGone) {
        Watch w = new Watch(connection, onGone);
        if (!works()) return w;
        watches.add(w);
        synchronized (this) {
            if (poller == null || !poller.isAlive()) poller = Thread.ofVirtual().name("muse-client-watch").start(this::poll);
        }
        return w;
    }

    private void poll() {
        while (true) {
            synchronized (this) {
                if (watches.isEmpty()) {
                    poller = null;
                    return;
                }
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
                Map<Connection, String> states = states();
                for (Watch w : watches) {
                    String state = states.get(w.connection);
                    // Twice in a row: the kernel writes these tables a page at a time, so a read while connections come and
                    // go can miss a live one (seen with two test JVMs opening connections side by side).
                    w.absent = state == null || CLIENT_CLOSED.contains(state) ? w.absent + 1 : 0;
                    if (w.absent >= READS_TO_BE_SURE) w.fire();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warning("cannot read the connection table (" + e + "); clients that leave are not noticed until a write fails");
                watches.clear();
            }
        }
    }

    /** Every TCP connection of this machine and its state (hex, as the kernel writes it). */
    Map<Connection, String> states() throws IOException {
        Map<Connection, String> states = new HashMap<>();
        for (Path table : tables) {
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) { // the first line is a header
                String[] f = line.trim().split("\\s+");
                if (f.length < 4) continue;
                int localPort = port(f[1]);
                // an old entry of the same ports (TIME_WAIT, say) must not hide an established one
                states.merge(new Connection(localPort, address(f[2]), port(f[2])), f[3], (a, b) -> a.equals(ESTABLISHED) ? a : b);
            }
        }
        return states;
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1), 16);
    }

    /**
     * The address of {@code HEX:PORT}: 4 or 16 bytes written as 32-bit words in the machine's byte order. An
     * IPv4-mapped IPv6 address comes back as the IPv4 address, as Java reports such a client.
     */
    static InetAddress address(String endpoint) {
        String hex = endpoint.substring(0, endpoint.indexOf(':'));
        byte[] bytes = new byte[hex.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < bytes.length / 4; word++)
            for (int b = 0; b < 4; b++) {
                int at = word * 4 + (little ? 3 - b : b);
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex, 2 * at, 2 * at + 2, 16);
            }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + hex, e);
        }
    }
}
