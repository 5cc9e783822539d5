package dev.muse.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.media.ImageDecoder;
import dev.muse.media.ImageFormat;
import dev.muse.media.Picture;
import dev.muse.provenance.watermark.AudioWatermark;
import dev.muse.provenance.watermark.ImageWatermark;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * Checks the content credentials in a file as a C2PA validator does, for the manifest that is active (the store's last):
 * the claim's signature against the signing certificate, the chain up to a trust anchor, every hashed assertion, and
 * the data hash over the file. It reads what Muse writes and what other C2PA signers write in the formats Muse signs.
 * A picture or a sound is also searched for Muse's invisible watermark, which outlives credentials that were stripped.
 */
public final class Verifier {
    private final List<X509Certificate> anchors;

    /** A verifier that trusts chains ending at one of {@code anchors}. */
    public Verifier(List<X509Certificate> anchors) {
        this.anchors = List.copyOf(anchors);
    }

    /** The file's content credentials, checked, and what the watermark detectors find in it (a picture's, a sound's). */
    public Verification verify(byte[] media) {
        Map<String, Long> bound = new HashMap<>();
        Verification credentials = credentials(media, bound);
        List<Verification.Mark> marks = new ArrayList<>();
        Picture picture = picture(media);
        if (picture != null) {
            ImageWatermark.Detection d = ImageWatermark.detect(picture);
            marks.add(mark("image", ImageWatermark.ALGORITHM, d.found(), d.payload(), d.syncZ(), bound));
        } else {
            Audio sound = sound(media);
            if (sound != null) {
                AudioWatermark.Detection d = AudioWatermark.detect(sound.samples(), sound.sampleRate());
                marks.add(mark("audio", AudioWatermark.ALGORITHM, d.found(), d.payload(), d.syncZ(), bound));
            }
        }
        return credentials.withWatermarks(marks);
    }

    private static Verification.Mark mark(String kind, String algorithm, boolean found, long payload, double z, Map<String, Long> bound) {
        Long recorded = bound.get(algorithm);
        return new Verification.Mark(kind, found, found ? new ContentCredentials.Watermark(algorithm, payload).hex() : null, z,
                recorded == null ? null : new ContentCredentials.Watermark(algorithm, recorded).hex(), recorded == null ? null : found && payload == recorded);
    }

    /** The sound in {@code media}, or null when it is not one Muse decodes. */
    private static Audio sound(byte[] media) {
        try {
            return new AudioDecoder().decode(media);
        } catch (RuntimeException e) { // MediaException and whatever a malformed file makes a decoder throw
            return null;
        }
    }

    /** The picture in {@code media}, or null when it is not one Muse decodes. */
    private static Picture picture(byte[] media) {
        try {
            return ImageFormat.detect(media) == null ? null : new ImageDecoder().decode(media);
        } catch (RuntimeException e) { // MediaException and whatever a malformed file makes a decoder throw
            return null;
        }
    }

    /** The credentials checked; {@code bound} gets the watermark payloads they record, by algorithm. */
    private Verification credentials(byte[] media, Map<String, Long> bound) {
        Container container = Container.of(media);
        if (container == null) return Verification.none();
        Container.Span span;
        Jumbf.Superbox manifest;
        try {
            span = container.find(media);
            if (span == null) return Verification.none();
            Jumbf.Superbox store = Jumbf.parse(span.jumbf());
            if (!store.uuid().equals(Jumbf.STORE) || store.children().isEmpty()) return Verification.invalid("the manifest store holds no manifest");
            manifest = store.children().getLast();
        } catch (IllegalArgumentException e) {
            return Verification.invalid(e.getMessage());
        }
        try {
            return check(media, span, manifest, bound);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Verification.invalid("malformed manifest: " + e.getMessage());
        }
    }

    private Verification check(byte[] media, Container.Span span, Jumbf.Superbox manifest, Map<String, Long> bound) {
        Jumbf.Superbox claimBox = manifest.children().stream().filter(c -> c.uuid().equals(Jumbf.CLAIM)).findFirst().orElse(null);
        Jumbf.Superbox signatureBox = manifest.child("c2pa.signature"), assertions = manifest.child("c2pa.assertions");
        if (claimBox == null || signatureBox == null || assertions == null || claimBox.content() == null || signatureBox.content() == null)
            return Verification.invalid("the manifest lacks its claim, signature or assertions");
        byte[] claimBytes = claimBox.content();
        JsonNode claim = Cbor.decode(claimBytes);
        Cose.Sign1 sign1 = Cose.parse(signatureBox.content());
        X509Certificate leaf = sign1.chain().getFirst();
        String signer = name(leaf.getSubjectX500Principal()), issuer = name(leaf.getIssuerX500Principal());
        String generator = generator(claim);
        List<Verification.Action> actions = new ArrayList<>();
        String format = null;
        JsonNode actionsNode = assertion(assertions, "c2pa.actions.v2", "c2pa.actions");
        if (actionsNode != null) for (JsonNode a : actionsNode.path("actions")) {
            actions.add(new Verification.Action(a.path("action").asText(null), a.path("digitalSourceType").asText(null),
                    a.path("softwareAgent").isObject() ? a.path("softwareAgent").path("name").asText(null) : a.path("softwareAgent").asText(null),
                    a.path("parameters").path("model").asText(null)));
            if (format == null) format = a.path("parameters").path("format").asText(null);
        }
        if (!sign1.verifies(claimBytes))
            return new Verification(Verification.Status.INVALID, false, signer, issuer, generator, format, actions, List.of("the claim's signature does not verify"), List.of());
        JsonNode soft = assertion(assertions, ContentCredentials.SOFT_BINDING);
        if (soft != null) {
            byte[] value = java.util.Base64.getDecoder().decode(soft.path("blocks").path(0).path("value").asText(""));
            if (value.length == 6) bound.put(soft.path("alg").asText(), new java.math.BigInteger(1, value).longValue());
        }
        List<String> problems = new ArrayList<>();
        try {
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            problems.add("the signing certificate is not valid now: " + e.getMessage());
        }
        for (String list : List.of("created_assertions", "gathered_assertions", "assertions"))
            for (JsonNode ref : claim.path(list)) checkReference(assertions, ref, problems);
        checkDataHash(media, span, assertions, problems);
        Verification.Status status = problems.isEmpty() ? Verification.Status.VALID : Verification.Status.TAMPERED;
        return new Verification(status, anchored(sign1.chain()), signer, issuer, generator, format, List.copyOf(actions), List.copyOf(problems), List.of());
    }

    /** Whether the hashed URI {@code ref} names an assertion whose bytes still hash to what the claim says. */
    private static void checkReference(Jumbf.Superbox assertions, JsonNode ref, List<String> problems) throws IllegalArgumentException {
        String url = ref.path("url").asText("");
        String label = url.substring(url.lastIndexOf('/') + 1);
        Jumbf.Superbox box = assertions.child(label);
        if (box == null) problems.add("the claim names an assertion that is not there: " + label);
        else if (!Arrays.equals(ContentCredentials.sha256(box.body()), binary(ref.path("hash")))) problems.add("the assertion " + label + " was changed");
    }

    private static void checkDataHash(byte[] media, Container.Span span, Jumbf.Superbox assertions, List<String> problems) {
        JsonNode hash = assertion(assertions, ContentCredentials.HASH_DATA);
        if (hash == null) {
            problems.add("no data hash binds the manifest to this file");
            return;
        }
        JsonNode exclusions = hash.path("exclusions");
        // Muse's files and c2pa-rs's for these formats leave out exactly the manifest's own bytes; anything else could hide content.
        if (exclusions.size() != 1 || exclusions.get(0).path("start").asLong() != span.start() || exclusions.get(0).path("length").asLong() != span.length())
            problems.add("the data hash leaves out more than the manifest");
        else if (!Arrays.equals(ContentCredentials.dataHash(media, span), binary(hash.path("hash"))))
            problems.add("the file's bytes are not the ones signed");
    }

    private static JsonNode assertion(Jumbf.Superbox assertions, String... labels) {
        for (String label : labels) {
            Jumbf.Superbox box = assertions.child(label);
            if (box != null && "cbor".equals(box.contentType())) return Cbor.decode(box.content());
        }
        return null;
    }

    /** Whether each certificate is signed by the next and the last is, or is signed by, a trust anchor. */
    private boolean anchored(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) if (!signedBy(chain.get(i), chain.get(i + 1))) return false;
        X509Certificate top = chain.getLast();
        for (X509Certificate anchor : anchors) if (anchor.equals(top) || signedBy(top, anchor)) return true;
        return false;
    }

    private static boolean signedBy(X509Certificate child, X509Certificate parent) {
        try {
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) return false;
            child.verify(parent.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String generator(JsonNode claim) {
        JsonNode info = claim.path("claim_generator_info");
        if (info.isArray()) info = info.path(0);
        if (info.isObject()) return (info.path("name").asText("") + " " + info.path("version").asText("")).strip();
        return claim.path("claim_generator").asText(null);
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.isBinary() ? node.binaryValue() : new byte[0];
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    /** A certificate name as people read it: its CN, with its O when there is one. */
    private static String name(X500Principal principal) {
        String cn = null, o = null;
        for (String part : principal.getName(X500Principal.RFC2253).split(",(?=[A-Za-z]+=)")) {
            if (part.startsWith("CN=")) cn = part.substring(3);
            else if (part.startsWith("O=")) o = part.substring(2);
        }
        return cn == null ? principal.getName() : o == null ? cn : cn + " (" + o + ")";
    }
}
