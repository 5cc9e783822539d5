package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's connection table read right, and a client that closes its connection noticed (issue 14, item 4). */
class ClientWatchTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    @TempDir Path dir;

    @Test
    void addressesAreReadInTheMachinesByteOrder() throws Exception {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "these samples are from a little-endian machine");
        assertEquals(InetAddress.getByName("127.0.0.1"), ClientWatch.address("0100007F:1F90"));
        assertEquals(InetAddress.getByName("192.168.1.20"), ClientWatch.address("1401A8C0:0050"));
        assertEquals(InetAddress.getByName("::1"), ClientWatch.address("00000000000000000000000001000000:1F90"));
        assertEquals(InetAddress.getByName("127.0.0.1"), ClientWatch.address("0000000000000000FFFF00000100007F:1F90"), "IPv4-mapped");
    }

    @Test
    void aConnectionTurningToCloseWaitIsAClientThatLeft() throws Exception {
        Path tcp = dir.resolve("tcp");
        Files.writeString(tcp, HEADER + "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000 0 1\n");
        ClientWatch watch = new ClientWatch(dir);
        CountDownLatch gone = new CountDownLatch(1);
        try (ClientWatch.Watch w = watch.watch(new ClientWatch.Connection(8080, InetAddress.getByName("127.0.0.1"), 50000), gone::countDown)) {
            assertFalse(gone.await(3 * ClientWatch.PERIOD_MILLIS, TimeUnit.MILLISECONDS), "established: still there");
            Files.writeString(tcp, HEADER + "   0: 0100007F:1F90 0100007F:C350 08 00000000:00000000 00:00000000 00000000  1000 0 1\n");
            assertTrue(gone.await(5, TimeUnit.SECONDS), "CLOSE_WAIT: the client closed its side");
            assertTrue(w.clientGone());
        }
    }

    @Test
    void aRealLoopbackClientThatClosesIsNoticedAndOneThatStaysIsNot() throws Exception {
        ClientWatch watch = new ClientWatch();
        assertTrue(watch.works(), "/proc/net/tcp is readable on Linux");
        try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             Socket staying = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket stayingAccepted = listener.accept();
             Socket leaving = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket leavingAccepted = listener.accept()) {
            CountDownLatch stayed = new CountDownLatch(1), left = new CountDownLatch(1);
            try (ClientWatch.Watch a = watch.watch(connection(stayingAccepted), stayed::countDown);
                 ClientWatch.Watch b = watch.watch(connection(leavingAccepted), left::countDown)) {
                Thread.sleep(3 * ClientWatch.PERIOD_MILLIS);
                assertEquals(1, left.getCount(), "not gone while connected");
                leaving.close();
                assertTrue(left.await(5, TimeUnit.SECONDS), "the closed client is noticed");
                assertFalse(a.clientGone(), "the other one is still there");
                assertEquals(1, stayed.getCount());
            }
        }
    }

    private static ClientWatch.Connection connection(Socket accepted) {
        return new ClientWatch.Connection(accepted.getLocalPort(), accepted.getInetAddress(), accepted.getPort());
    }
}
