package dev.muse.hub;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.testkit.FakeHub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelPuller} against a local {@link FakeHub}: never the network. */
class ModelPullerTest {
    static final String REPO = "test-org/tiny-models";
    static final String PATH = "weights/tiny.gguf";
    static final byte[] CONTENT = FakeHub.randomBytes(3 * 1024 * 1024 + 12_345, 42); // several 1 MiB buffers, and a ragged end
    static final Patience QUICK = new Patience(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10), 3, Duration.ofMillis(10));
    static final Patience ONE_TRY = new Patience(QUICK.connect(), QUICK.answer(), QUICK.stall(), 1, QUICK.retryDelay());

    @TempDir Path cache;
    FakeHub hub;
    final List<String> notes = new ArrayList<>();

    @BeforeEach
    void startHub() throws IOException { hub = FakeHub.start().serve(REPO, PATH, CONTENT); }

    @AfterEach
    void stopHub() { hub.close(); }

    ModelPuller puller(Patience patience) { return puller(new HubSettings(hub.endpoint(), Optional.empty()), patience); }

    ModelPuller puller(HubSettings settings, Patience patience) {
        DownloadProgress recordNotes = new DownloadProgress() {
            @Override public void start(String name, long total, long from) {}
            @Override public void advance(long done) {}
            @Override public void finish() {}
            @Override public void note(String message) { notes.add(message); }
        };
        return new ModelPuller(settings, cache, recordNotes, patience);
    }

    ModelPuller.Result pull() throws IOException { return puller(QUICK).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT); }

    Path part() { return cache.resolve("tiny.gguf.part"); }

    @Test
    void downloadsThroughTheCdnRedirectVerifiesAndRecords() throws IOException {
        ModelPuller.Result r = pull();
        assertTrue(r.downloaded());
        assertEquals(cache.resolve("tiny.gguf"), r.file(), "named after the path, never after Content-Disposition");
        assertArrayEquals(CONTENT, Files.readAllBytes(r.file()));
        assertFalse(Files.exists(part()));
        assertFalse(Files.exists(cache.resolve("evil.gguf")) || Files.exists(cache.getParent().resolve("etc")));

        PullRecord record = PullRecord.read(cache, "tiny.gguf").orElseThrow();
        assertEquals(FakeHub.sha256(CONTENT), record.sha256());
        assertEquals(CONTENT.length, record.size());
        assertEquals("hf:" + REPO + "/" + PATH, record.origin());
        assertEquals(hub.endpoint() + "/" + REPO + "/resolve/main/" + PATH, record.url());
        assertTrue(record.verified());

        List<FakeHub.Request> requests = hub.requests();
        assertEquals(2, requests.size(), requests.toString());
        assertEquals("/" + REPO + "/resolve/main/" + PATH, requests.get(0).path());
        assertTrue(requests.get(1).path().startsWith("/cdn/"), requests.toString());
        assertNull(requests.get(0).range());
    }

    @Test
    void pullingAgainIsANoOpAndSomethingElseUnderTheSameNameNeedsForce() throws IOException {
        pull();
        int before = hub.requests().size();
        ModelPuller.Result again = pull();
        assertFalse(again.downloaded());
        assertEquals(before, hub.requests().size(), "nothing asked of the hub");

        hub.serve("other-org/other", "tiny.gguf", new byte[] {1, 2, 3});
        var e = assertThrows(PullException.class,
                () -> puller(QUICK).pull(new ModelSource("other-org/other", "tiny.gguf"), ModelPuller.Options.DEFAULT));
        assertTrue(e.getMessage().contains("--force") && e.getMessage().contains("from hf:" + REPO), e.getMessage());
        ModelPuller.Result replaced = puller(QUICK).pull(new ModelSource("other-org/other", "tiny.gguf"), new ModelPuller.Options(null, true, false));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(replaced.file()));
        ModelPuller.Result renamed = puller(QUICK).pull(new ModelSource(REPO, PATH), new ModelPuller.Options("tiny-copy.gguf", false, false));
        assertArrayEquals(CONTENT, Files.readAllBytes(renamed.file()));
    }

    @Test
    void aPartPlantedAsASymlinkIsRefusedAndItsTargetLeftAlone(@TempDir Path elsewhere) throws IOException {
        Path outside = Files.writeString(elsewhere.resolve("outside.txt"), "keep me");
        Files.createSymbolicLink(part(), outside);
        var e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals("keep me", Files.readString(outside));
    }

    @Test
    void aDigestMismatchIsRefusedAndLeavesNothingInTheCache() throws IOException {
        hub.announcing("0".repeat(64));
        var e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("SHA-256 mismatch") && e.getMessage().contains(FakeHub.sha256(CONTENT)), e.getMessage());
        try (var files = Files.list(cache)) {
            assertEquals(List.of(), files.toList(), "no model, no part, no record");
        }
    }

    @Test
    void aPinnedDigestTheHubContradictsIsRefusedBeforeDownloading() {
        hub.announcing("1".repeat(64));
        ModelSource pinned = new ModelSource(REPO, PATH).pinned(FakeHub.sha256(CONTENT));
        var e = assertThrows(PullException.class, () -> puller(QUICK).pull(pinned, ModelPuller.Options.DEFAULT));
        assertTrue(e.getMessage().contains("is pinned"), e.getMessage());
        assertFalse(Files.exists(part()), "not a byte of it was written");
    }

    @Test
    void aFileNobodyVouchesForNeedsNoVerifyOrAPin() throws IOException {
        hub.withoutDigest();
        var e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("--allow-unverified") && e.getMessage().contains("--sha256"), e.getMessage());
        assertFalse(Files.exists(part()));

        ModelPuller.Result pinned = puller(QUICK).pull(new ModelSource(REPO, PATH).pinned(FakeHub.sha256(CONTENT)), ModelPuller.Options.DEFAULT);
        assertTrue(pinned.record().verified());
        Files.delete(pinned.file());

        ModelPuller.Result unverified = puller(QUICK).pull(new ModelSource(REPO, PATH), new ModelPuller.Options(null, true, true));
        assertFalse(unverified.record().verified());
        assertEquals(FakeHub.sha256(CONTENT), unverified.record().sha256(), "recorded even when not checked");
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("NOT verified")), notes.toString());
    }

    @Test
    void anInterruptedDownloadResumesWithRangeOnTheNextRun() throws IOException {
        int cut = 1024 * 1024 + 77;
        hub.cuttingAfter(cut, 1);
        var e = assertThrows(PullException.class, () -> puller(ONE_TRY).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT));
        assertTrue(e.getMessage().contains("run the same command again to resume"), e.getMessage());
        long kept = Files.size(part()); // what reached the client before the connection dropped
        assertTrue(kept > 0 && kept <= cut, "kept " + kept);
        assertFalse(Files.exists(cache.resolve("tiny.gguf")));

        ModelPuller.Result r = puller(ONE_TRY).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT);
        assertArrayEquals(CONTENT, Files.readAllBytes(r.file()));
        assertTrue(r.record().verified());
        List<FakeHub.Request> cdn = hub.requests().stream().filter(q -> q.path().startsWith("/cdn/")).toList();
        assertEquals("bytes=" + kept + "-", cdn.getLast().range(), "the redirect kept the Range header");
    }

    @Test
    void oneCommandResumesABrokenTransferOnItsOwn() throws IOException {
        hub.cuttingAfter(700_000, 2);
        ModelPuller.Result r = pull();
        assertArrayEquals(CONTENT, Files.readAllBytes(r.file()));
        List<String> ranges = hub.requests().stream().filter(q -> q.path().startsWith("/cdn/")).map(FakeHub.Request::range).toList();
        assertEquals(3, ranges.size(), ranges.toString());
        assertNull(ranges.get(0));
        long first = rangeStart(ranges.get(1)), second = rangeStart(ranges.get(2));
        assertTrue(0 < first && first <= 700_000 && first < second && second <= first + 700_000, ranges.toString());
        assertTrue(notes.stream().anyMatch(n -> n.contains("resuming tiny.gguf") && n.contains("attempt 2 of 3")), notes.toString());
    }

    static long rangeStart(String range) {
        assertTrue(range.startsWith("bytes=") && range.endsWith("-"), range);
        return Long.parseLong(range.substring(6, range.length() - 1));
    }

    @Test
    void aServerIgnoringRangeMeansStartingOverCleanly() throws IOException {
        hub.cuttingAfter(500_000, 1);
        assertThrows(PullException.class, () -> puller(ONE_TRY).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT));
        assertTrue(Files.size(part()) > 0);
        hub.ignoringRange();
        ModelPuller.Result r = puller(ONE_TRY).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT);
        assertArrayEquals(CONTENT, Files.readAllBytes(r.file()), "the 200 body replaced the part instead of being appended to it");
        assertTrue(notes.stream().anyMatch(n -> n.contains("starting tiny.gguf over")), notes.toString());
    }

    @Test
    void aStalePartWithWrongBytesFailsVerificationAndIsDeleted() throws IOException {
        Files.write(part(), new byte[1000]); // e.g. left by an older revision of the file
        var e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
        assertFalse(Files.exists(part()));
        assertArrayEquals(CONTENT, Files.readAllBytes(pull().file()), "the next run starts clean");
    }

    @Test
    void aCompletePartLeftBehindIsVerifiedWithoutDownloadingAgain() throws IOException {
        Files.write(part(), CONTENT); // a run that died between the last byte and the move
        ModelPuller.Result r = pull();
        assertArrayEquals(CONTENT, Files.readAllBytes(r.file()));
        assertEquals("bytes=" + CONTENT.length + "-", hub.requests().getLast().range(), "answered 416: nothing more to send");
    }

    @Test
    void aStalledConnectionIsDroppedAndReportedNotWaitedOnForever() throws IOException {
        hub.stallingAfter(100_000, Duration.ofSeconds(20));
        Patience impatient = new Patience(QUICK.connect(), QUICK.answer(), Duration.ofMillis(400), 1, QUICK.retryDelay());
        long t0 = System.nanoTime();
        var e = assertThrows(PullException.class, () -> puller(impatient).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT));
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "gave up on the silence quickly");
        assertTrue(e.getMessage().contains("no data for"), e.getMessage());
        assertEquals(100_000, Files.size(part()));
    }

    @Test
    void aRenamedRepositoryIsFollowedThroughItsRelativeRedirect() throws IOException {
        hub.renamed("old-org/tiny-models", REPO);
        ModelPuller.Result r = puller(QUICK).pull(new ModelSource("old-org/tiny-models", PATH), ModelPuller.Options.DEFAULT);
        assertArrayEquals(CONTENT, Files.readAllBytes(r.file()));
        assertEquals(3, hub.requests().size(), "307 rename, 302 to the CDN, the file");
    }

    @Test
    void redirectsGoOnlyToHttpAndOnlyAFewTimes() throws IOException {
        hub.redirectingTo("file:///etc/passwd");
        var e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("only http(s) is followed"), e.getMessage());
        hub.redirectingTo(hub.endpoint() + "/" + REPO + "/resolve/main/" + PATH); // a loop
        e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("redirects"), e.getMessage());
        assertEquals(1 + 1 + HubClient.MAX_REDIRECTS, hub.requests().size());
    }

    @Test
    void theTokenGoesToTheHubButNotToAnotherHostItRedirectsTo() throws IOException {
        String sha = FakeHub.sha256(CONTENT);
        hub.redirectingTo("http://localhost:" + hub.endpoint().getPort() + "/cdn/" + sha);
        puller(new HubSettings(hub.endpoint(), Optional.of("hf_secret")), QUICK).pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT);
        List<FakeHub.Request> requests = hub.requests();
        assertEquals("Bearer hf_secret", requests.get(0).authorization());
        assertNull(requests.get(1).authorization(), "the CDN never sees the token");
    }

    @Test
    void refusalsSayWhatToDo() {
        hub.refusingWith(401);
        var e = assertThrows(PullException.class, this::pull);
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("HF_TOKEN") && e.getMessage().contains("restricted"), e.getMessage());
        hub.refusingWith(0);
        e = assertThrows(PullException.class, () -> puller(QUICK).pull(new ModelSource(REPO, "missing.gguf"), ModelPuller.Options.DEFAULT));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("Entry not found"), e.getMessage());
    }

    @Test
    void unsafeCacheNamesAreRefused() {
        for (String name : List.of("../evil.gguf", "/tmp/evil.gguf", "a\\b.gguf", ".hidden", "x.gguf.part", ""))
            assertThrows(PullException.class, () -> puller(QUICK).pull(new ModelSource(REPO, PATH), new ModelPuller.Options(name, false, false)), name);
        assertTrue(hub.requests().isEmpty());
    }

    @Test
    void aSecondPullOfTheSamePartWaitsItsTurn() throws IOException {
        Files.createDirectories(cache);
        try (FileChannel other = FileChannel.open(part(), StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = other.lock()) {
            var e = assertThrows(PullException.class, this::pull);
            assertTrue(e.getMessage().contains("another muse pull"), e.getMessage());
        }
    }

    @Test
    void anUnreachableHubFailsFastWithOneClearLine() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        for (URI endpoint : List.of(URI.create("http://127.0.0.1:" + closedPort), URI.create("https://hub.muse-test.invalid"))) {
            long t0 = System.nanoTime();
            var e = assertThrows(PullException.Unreachable.class, () -> puller(new HubSettings(endpoint, Optional.empty()), Patience.DEFAULT)
                    .pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 5, endpoint + " took " + seconds + " s");
            assertTrue(e.getMessage().startsWith("cannot reach " + endpoint), e.getMessage());
            assertTrue(e.getMessage().contains("offline") && e.getMessage().contains("MUSE_OFFLINE_MODELS")
                    && e.getMessage().contains(cache.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertFalse(Files.exists(part()), "no empty part left behind");
        }
    }

    @Test
    void aHubThatNeverAcceptsTheConnectionFailsAtTheConnectTimeout() throws IOException {
        // A listening socket whose accept queue is full drops further SYNs: connecting hangs, as to a black hole.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                        queued.add(s);
                    } catch (SocketTimeoutException e) {
                        s.close();
                        break;
                    }
                }
                Patience oneSecond = new Patience(Duration.ofSeconds(1), QUICK.answer(), QUICK.stall(), 1, QUICK.retryDelay());
                URI endpoint = URI.create("http://127.0.0.1:" + full.getLocalPort());
                long t0 = System.nanoTime();
                var e = assertThrows(PullException.Unreachable.class, () -> puller(new HubSettings(endpoint, Optional.empty()), oneSecond)
                        .pull(new ModelSource(REPO, PATH), ModelPuller.Options.DEFAULT));
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(seconds >= 0.9 && seconds < 5, "took " + seconds + " s");
                assertTrue(e.getMessage().contains("no connection within 1 s"), e.getMessage());
            } finally {
                for (Socket s : queued) s.close();
            }
        }
    }

    /**
     * A pipeline's files land in a folder of the cache at their paths in the repository: the weights verified by the
     * SHA-256 the hub announces, the small files kept in git by their git blob id (the hub's ETag).
     */
    @Test
    void aFolderModelLandsFileByFileEachVerified() throws IOException {
        byte[] index = "{\"_class_name\": \"StableDiffusionPipeline\"}".getBytes(StandardCharsets.UTF_8), config = "{}".getBytes(StandardCharsets.UTF_8);
        hub.serveRegular("org/pipe", "model_index.json", index).serveRegular("org/pipe", "unet/config.json", config)
                .serve("org/pipe", "unet/diffusion_pytorch_model.fp16.safetensors", CONTENT);
        var alias = new ModelAliases.Alias("pipe", new ModelSource("org/pipe", "model_index.json"), null,
                List.of("model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors"), "a pipeline");
        List<ModelPuller.Result> results = puller(QUICK).pull(alias, ModelPuller.Options.DEFAULT);
        assertEquals(3, results.size());
        assertArrayEquals(index, Files.readAllBytes(cache.resolve("pipe/model_index.json")));
        assertArrayEquals(config, Files.readAllBytes(cache.resolve("pipe/unet/config.json")));
        assertArrayEquals(CONTENT, Files.readAllBytes(cache.resolve("pipe/unet/diffusion_pytorch_model.fp16.safetensors")));
        assertTrue(results.stream().allMatch(r -> r.record().verified()), "every file verified");
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("verified config.json: git blob SHA-1 " + FakeHub.blobSha1(config))), notes.toString());
        assertTrue(ModelFiles.isPipeline(cache.resolve("pipe")));
        // again: nothing to do
        assertTrue(puller(QUICK).pull(alias, ModelPuller.Options.DEFAULT).stream().noneMatch(ModelPuller.Result::downloaded));
    }

    @Test
    void aSmallFileThatIsNotWhatTheHubSaysIsRefused() throws IOException {
        hub.serveRegular("org/pipe", "model_index.json", "{}".getBytes(StandardCharsets.UTF_8)).announcingBlob("0".repeat(40));
        var alias = new ModelAliases.Alias("pipe", new ModelSource("org/pipe", "model_index.json"), null, List.of("model_index.json"), "a pipeline");
        PullException e = assertThrows(PullException.class, () -> puller(QUICK).pull(alias, ModelPuller.Options.DEFAULT));
        assertTrue(e.getMessage().contains("git blob SHA-1 mismatch"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("pipe/model_index.json")));
        assertFalse(Files.exists(cache.resolve("pipe/model_index.json.part")));
        assertThrows(IllegalArgumentException.class, () -> new ModelAliases.Alias("bad", new ModelSource("org/pipe", "model_index.json"), null,
                List.of("../escape.json"), "a folder that reaches out"));
    }

    /**
     * A folder model with files from elsewhere (Kokoro with misaki's dictionaries from GitHub): the hub's files at their
     * paths, then the GitHub file beside them under its own name, read raw at its commit, verified against its pinned
     * SHA-256 (GitHub announces none), with no token sent there; a wrong one is refused and leaves nothing.
     */
    @Test
    void aFolderModelTakesFilesFromGitHubBesideTheHubs() throws IOException {
        byte[] config = "{\"n_token\": 178}".getBytes(StandardCharsets.UTF_8), voice = FakeHub.randomBytes(1000, 7), lexicon = FakeHub.randomBytes(5000, 8);
        String commit = "fba1236595f2d2bf21d414ba6e57d25256afada3";
        hub.serveRegular("hexgrad/Kokoro-82M", "config.json", config).serve("hexgrad/Kokoro-82M", "voices/af_test.pt", voice)
                .serveRaw("hexgrad/misaki", commit, "misaki/data/us_gold.json", lexicon);
        ModelSource fromGitHub = ModelSource.github("hexgrad/misaki", "misaki/data/us_gold.json", commit, FakeHub.sha256(lexicon), lexicon.length);
        ModelAliases.Alias alias = new ModelAliases.Alias("voice", new ModelSource("hexgrad/Kokoro-82M", "config.json"), null,
                List.of("config.json", "voices/af_test.pt"), List.of(fromGitHub), "a test voice model");
        assertEquals("us_gold.json", alias.lastFile());
        assertEquals("github:hexgrad/misaki/misaki/data/us_gold.json@" + commit, fromGitHub.spec());
        System.setProperty("muse.github.endpoint", hub.endpoint().toString());
        try {
            HubSettings withToken = new HubSettings(URI.create("http://localhost:" + hub.endpoint().getPort()), Optional.of("hf_secret"));
            List<ModelPuller.Result> pulled = puller(withToken, QUICK).pull(alias, ModelPuller.Options.DEFAULT);
            assertEquals(3, pulled.size());
            assertArrayEquals(voice, Files.readAllBytes(cache.resolve("voice/voices/af_test.pt")));
            assertArrayEquals(lexicon, Files.readAllBytes(cache.resolve("voice/us_gold.json")));
            assertTrue(pulled.getLast().record().verified());
            FakeHub.Request raw = hub.requests().stream().filter(r -> r.path().startsWith("/hexgrad/misaki/")).findFirst().orElseThrow();
            assertEquals("/hexgrad/misaki/" + commit + "/misaki/data/us_gold.json", raw.path());
            assertNull(raw.authorization(), "the hub's token is never sent to GitHub");

            ModelSource wrong = ModelSource.github("hexgrad/misaki", "misaki/data/us_gold.json", commit, "0".repeat(64), lexicon.length);
            var refused = assertThrows(PullException.class, () -> puller(QUICK).pull(wrong, new ModelPuller.Options("other.json", false, false)));
            assertTrue(refused.getMessage().contains("SHA-256"), refused.getMessage());
            assertFalse(Files.exists(cache.resolve("other.json")) || Files.exists(cache.resolve("other.json.part")));
        } finally {
            System.clearProperty("muse.github.endpoint");
        }
        assertThrows(IllegalArgumentException.class, () -> ModelSource.github("hexgrad/misaki", "x.json", "main", FakeHub.sha256(lexicon), 1),
                "a GitHub file is pinned to a commit");
    }

    /**
     * A model made only of files of an npm package (nsfwjs' classifiers): each read from jsDelivr's npm mirror at the
     * pinned version, verified against its pinned SHA-256, into a folder named after the alias; a package name or version
     * that is not exact is refused.
     */
    @Test
    void aModelOfNpmFilesIsPulledIntoItsFolder() throws IOException {
        byte[] model = "!function(){}".getBytes(StandardCharsets.UTF_8), shard = FakeHub.randomBytes(4000, 9);
        hub.serveRaw("npm", "nsfwjs@4.3.0", "dist/models/mobilenet_v2/model.min.js", model)
                .serveRaw("npm", "nsfwjs@4.3.0", "dist/models/mobilenet_v2/group1-shard1of1.min.js", shard);
        List<ModelSource> files = List.of(
                ModelSource.npm("nsfwjs", "4.3.0", "dist/models/mobilenet_v2/model.min.js", FakeHub.sha256(model), model.length),
                ModelSource.npm("nsfwjs", "4.3.0", "dist/models/mobilenet_v2/group1-shard1of1.min.js", FakeHub.sha256(shard), shard.length));
        ModelAliases.Alias alias = new ModelAliases.Alias("classifier", files.getFirst(), null, List.of(), files, "a test classifier");
        assertTrue(alias.isFolder());
        assertEquals("classifier", alias.cacheName());
        assertEquals("npm:nsfwjs@4.3.0/dist/models/mobilenet_v2/model.min.js", files.getFirst().spec());
        System.setProperty("muse.npm.endpoint", hub.endpoint().toString());
        try {
            List<ModelPuller.Result> pulled = puller(QUICK).pull(alias, ModelPuller.Options.DEFAULT);
            assertEquals(2, pulled.size());
            assertArrayEquals(model, Files.readAllBytes(cache.resolve("classifier/model.min.js")));
            assertArrayEquals(shard, Files.readAllBytes(cache.resolve("classifier/group1-shard1of1.min.js")));
            assertTrue(pulled.stream().allMatch(r -> r.record().verified()));
            assertTrue(hub.requests().stream().anyMatch(r -> r.path().equals("/npm/nsfwjs@4.3.0/dist/models/mobilenet_v2/model.min.js")));
        } finally {
            System.clearProperty("muse.npm.endpoint");
        }
        assertThrows(IllegalArgumentException.class, () -> ModelSource.npm("nsfwjs", "^4.3.0", "x.js", FakeHub.sha256(model), 1), "an exact version");
        assertThrows(IllegalArgumentException.class, () -> ModelSource.npm("../nsfwjs", "4.3.0", "x.js", FakeHub.sha256(model), 1));
        assertThrows(IllegalArgumentException.class, () -> ModelSource.npm("nsfwjs", "4.3.0", "../x.js", FakeHub.sha256(model), 1));
        assertThrows(IllegalArgumentException.class, () -> ModelSource.npm("nsfwjs", "4.3.0", "x.js", null, 1), "a pinned SHA-256");
        assertEquals("nsfw-mobilenet-v2", ModelAliases.find("nsfw-mobilenet-v2").orElseThrow().cacheName());
        assertEquals("group1-shard1of1.min.js", ModelAliases.find("nsfw-mobilenet-v2").orElseThrow().lastFile());
    }
}
