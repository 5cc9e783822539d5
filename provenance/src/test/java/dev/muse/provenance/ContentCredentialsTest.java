package dev.muse.provenance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.media.Audio;
import dev.muse.media.AudioEncoder;
import dev.muse.media.JpegWriter;
import dev.muse.media.Picture;
import dev.muse.media.PngWriter;
import dev.muse.media.WavWriter;
import dev.muse.media.WebpWriter;
import dev.muse.testkit.C2paVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format Muse signs, checked by the reference verifier (c2pa-rs) and by Muse's own {@link Verifier}. */
class ContentCredentialsTest {
    static final Credentials SIGNER = Credentials.generate("Muse test signer");
    static final ContentCredentials CREDENTIALS = new ContentCredentials(SIGNER, "Muse", "0.1.0-test");
    static final Verifier MUSE = new Verifier(java.util.List.of(SIGNER.root()));
    @TempDir static Path dir;
    static Path anchors;

    @BeforeAll
    static void trustList() throws Exception {
        anchors = Files.writeString(dir.resolve("anchors.pem"), Credentials.pem(SIGNER.root()));
    }

    static Picture picture() {
        Random r = new Random(7);
        byte[] rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i % 3 == 0 ? i / 7 : r.nextInt(256));
        return new Picture(40, 30, rgb);
    }

    static byte[] wav() {
        float[] s = new float[4000];
        for (int i = 0; i < s.length; i++) s[i] = (float) (0.3 * Math.sin(i * 0.05));
        return WavWriter.pcm16(new Audio(s, 24_000));
    }

    static byte[] mp3() {
        float[] s = new float[6000];
        for (int i = 0; i < s.length; i++) s[i] = (float) (0.3 * Math.sin(i * 0.07));
        AudioEncoder lame = AudioEncoder.mp3(24_000, 64);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(lame.add(s));
        out.writeBytes(lame.finish());
        return out.toByteArray();
    }

    static Map<String, byte[]> files() {
        return Map.of("png", PngWriter.encode(picture(), Map.of("parameters", "a cat")), "jpg", JpegWriter.encode(picture(), 90, "a cat"),
                "webp", WebpWriter.encode(picture(), "a cat"), "wav", wav(), "mp3", mp3());
    }

    @Test
    void everyFormatIsTrustedByTheReferenceVerifierAndByMuse() throws Exception {
        for (var e : files().entrySet()) {
            byte[] signed = CREDENTIALS.sign(e.getValue(), ContentCredentials.Made.created("sd-turbo"));
            Path file = Files.write(dir.resolve("signed." + e.getKey()), signed);
            JsonNode store = C2paVerifier.read(file, anchors);
            assertEquals("Trusted", store.path("validation_state").asText(), e.getKey() + ": " + store);
            assertEquals(java.util.List.of(), C2paVerifier.failures(store), e.getKey());
            JsonNode manifest = store.path("manifests").path(store.path("active_manifest").asText());
            assertEquals(2, manifest.path("claim_version").asInt(), e.getKey());
            JsonNode action = manifest.path("assertions").get(0).path("data").path("actions").get(0);
            assertEquals("c2pa.created", action.path("action").asText(), e.getKey() + ": " + manifest);
            assertEquals(ContentCredentials.TRAINED_ALGORITHMIC_MEDIA, action.path("digitalSourceType").asText());
            assertEquals("sd-turbo", action.path("parameters").path("model").asText());
            assertEquals("Muse test signer", manifest.path("signature_info").path("common_name").asText());

            Verification mine = MUSE.verify(signed);
            assertEquals(Verification.Status.VALID, mine.status(), e.getKey() + ": " + mine);
            assertTrue(mine.trusted() && mine.aiGenerated(), mine.summary());
            assertEquals("Muse test signer (Muse)", mine.signer());
            assertEquals("sd-turbo", mine.actions().getFirst().model());
        }
    }

    @Test
    void aOneByteChangeToTheContentIsReportedAsTamperedByBoth() throws Exception {
        for (var e : files().entrySet()) {
            byte[] signed = CREDENTIALS.sign(e.getValue(), ContentCredentials.Made.created("sd-turbo"));
            byte[] changed = signed.clone();
            Container.Span span = Container.of(signed).find(signed);
            boolean manifestLast = span.start() + span.length() >= signed.length - 20; // RIFF files keep it at the end
            changed[manifestLast ? span.start() - 10 : signed.length - 20] ^= 0x01; // a byte of the pixels or samples
            Path file = Files.write(dir.resolve("changed." + e.getKey()), changed);
            JsonNode store = C2paVerifier.read(file, anchors);
            assertTrue(C2paVerifier.failures(store).contains("assertion.dataHash.mismatch"), e.getKey() + ": " + store.path("validation_results"));
            Verification mine = MUSE.verify(changed);
            assertEquals(Verification.Status.TAMPERED, mine.status(), e.getKey() + ": " + mine);
            assertTrue(mine.summary().contains("changed after signing"), mine.summary());
        }
    }

    @Test
    void anEditNamesItsInputAsTheParentIngredient() throws Exception {
        byte[] input = CREDENTIALS.sign(PngWriter.encode(picture(), Map.of()), ContentCredentials.Made.created("sd-turbo"));
        byte[] edited = CREDENTIALS.sign(JpegWriter.encode(picture(), 85, null), ContentCredentials.Made.edited("sd-turbo", input));
        JsonNode store = C2paVerifier.read(Files.write(dir.resolve("edited.jpg"), edited), anchors);
        assertEquals("Trusted", store.path("validation_state").asText(), store.toString());
        JsonNode manifest = store.path("manifests").path(store.path("active_manifest").asText());
        assertEquals("parentOf", manifest.path("ingredients").get(0).path("relationship").asText(), manifest.toString());
        Verification mine = MUSE.verify(edited);
        assertEquals(java.util.List.of("c2pa.opened", "c2pa.edited"), mine.actions().stream().map(Verification.Action::action).toList());
        assertEquals(Verification.Status.VALID, mine.status());
    }

    @Test
    void aWatermarkedPictureRecordsItsMarkAsASoftBindingThatTheDetectorMatches() throws Exception {
        Picture scene = dev.muse.testkit.Scenes.landscape(4);
        long payload = 0x1234_89AB_CDEFL;
        byte[] png = PngWriter.encode(dev.muse.provenance.watermark.ImageWatermark.embed(scene, payload), Map.of());
        var mark = new ContentCredentials.Watermark(dev.muse.provenance.watermark.ImageWatermark.ALGORITHM, payload);
        byte[] signed = CREDENTIALS.sign(png, ContentCredentials.Made.created("sd-turbo").watermarked(mark));
        JsonNode store = C2paVerifier.read(Files.write(dir.resolve("marked.png"), signed), anchors);
        assertEquals("Trusted", store.path("validation_state").asText(), store.toString());
        JsonNode manifest = store.path("manifests").path(store.path("active_manifest").asText());
        assertTrue(manifest.toString().contains("\"alg\":\"dev.muse.watermark.image.v1\"") && manifest.toString().contains("c2pa.watermarked"), manifest.toString());

        Verification v = MUSE.verify(signed);
        assertEquals(1, v.watermarks().size());
        Verification.Mark found = v.watermarks().getFirst();
        assertTrue(found.found() && found.matchesCredentials(), found.toString());
        assertEquals("123489abcdef", found.payload());
        // credentials stripped, the mark stays: the file still says who made it
        Verification stripped = MUSE.verify(PngWriter.encode(new dev.muse.media.ImageDecoder().decode(signed), Map.of()));
        assertEquals(Verification.Status.NONE, stripped.status());
        assertEquals("no content credentials; an invisible image watermark of Muse (123489abcdef)", stripped.summary());
        assertNull(stripped.watermarks().getFirst().matchesCredentials());
    }

    @Test
    void aWatermarkedSoundRecordsItsMarkToo() throws Exception {
        float[] speech = java.util.Arrays.copyOf(dev.muse.provenance.watermark.AudioWatermarkTest.speech(), 3 * 24_000);
        long payload = 0x0102_0304_0506L;
        byte[] wav = WavWriter.pcm16(new Audio(dev.muse.provenance.watermark.AudioWatermark.embed(speech, 24_000, payload, 0), 24_000));
        var mark = new ContentCredentials.Watermark(dev.muse.provenance.watermark.AudioWatermark.ALGORITHM, payload);
        byte[] signed = CREDENTIALS.sign(wav, ContentCredentials.Made.created("kokoro").watermarked(mark));
        JsonNode store = C2paVerifier.read(Files.write(dir.resolve("marked.wav"), signed), anchors);
        assertEquals("Trusted", store.path("validation_state").asText(), store.toString());
        Verification.Mark found = MUSE.verify(signed).watermarks().getFirst();
        assertEquals("audio", found.kind());
        assertTrue(found.found() && found.matchesCredentials(), found.toString());
        assertEquals("010203040506", found.payload());
    }

    @Test
    void signingAgainReplacesTheOldManifestAndAnotherSignerIsNotTrusted() throws Exception {
        byte[] once = CREDENTIALS.sign(wav(), ContentCredentials.Made.created("kokoro"));
        byte[] twice = CREDENTIALS.sign(once, ContentCredentials.Made.created("kokoro"));
        assertEquals(once.length, twice.length, "one manifest, not two");
        assertEquals(Verification.Status.VALID, MUSE.verify(twice).status());
        ContentCredentials stranger = new ContentCredentials(Credentials.generate("someone else"), "Muse", "0.1.0-test");
        byte[] theirs = stranger.sign(wav(), ContentCredentials.Made.created("kokoro"));
        Verification mine = MUSE.verify(theirs);
        assertEquals(Verification.Status.VALID, mine.status());
        assertFalse(mine.trusted(), "a chain that does not end at a trust anchor is valid but not trusted");
        JsonNode store = C2paVerifier.read(Files.write(dir.resolve("stranger.wav"), theirs), anchors);
        assertTrue(C2paVerifier.failures(store).contains("signingCredential.untrusted"), store.path("validation_results").toString());
    }

    @Test
    void aFileWithoutCredentialsSaysSo() {
        for (byte[] plain : files().values()) assertEquals(Verification.Status.NONE, MUSE.verify(plain).status());
        assertEquals(Verification.Status.NONE, MUSE.verify("just text".getBytes()).status());
        assertEquals("no content credentials", MUSE.verify(new byte[0]).summary());
    }

    @Test
    void mutatedFilesAreReportedNeverThrown() {
        Random r = new Random(11);
        for (var e : files().entrySet()) {
            byte[] signed = CREDENTIALS.sign(e.getValue(), ContentCredentials.Made.created("m"));
            for (int round = 0; round < 60; round++) {
                byte[] m = signed.clone();
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                if (r.nextInt(5) == 0) m = java.util.Arrays.copyOf(m, r.nextInt(m.length));
                Verification v = MUSE.verify(m);
                assertNotNull(v.summary());
                // Bytes no hash covers (a box's label, COSE's unprotected header) may change; the content may not.
                if (v.status() == Verification.Status.VALID)
                    assertArrayEquals(outsideTheManifest(signed), outsideTheManifest(m), e.getKey() + " round " + round + " passed with changed content");
            }
        }
    }

    private static byte[] outsideTheManifest(byte[] media) {
        Container.Span span = Container.of(media).find(media);
        byte[] out = new byte[media.length - span.length()];
        System.arraycopy(media, 0, out, 0, span.start());
        System.arraycopy(media, span.start() + span.length(), out, span.start(), media.length - span.start() - span.length());
        return out;
    }

    @Test
    void anInstallationMakesItsCredentialsOnceAndKeepsTheKeyPrivate(@TempDir Path home) throws Exception {
        Path folder = home.resolve("credentials");
        Credentials first = Credentials.installation(folder, "Muse on test");
        Credentials again = Credentials.installation(folder, "Muse on test");
        assertEquals(first.root(), again.root());
        assertEquals(2, first.chain().size());
        if (Files.getFileStore(folder).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(Credentials.KEY_FILE))));
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        }
        byte[] signed = new ContentCredentials(again, "Muse", "t").sign(wav(), ContentCredentials.Made.created("k"));
        assertTrue(new Verifier(java.util.List.of(first.root())).verify(signed).trusted());
    }
}
