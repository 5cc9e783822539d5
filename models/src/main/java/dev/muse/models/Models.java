package dev.muse.models;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import dev.muse.text.Tokenizer;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Finds the registered architecture for a weight file or a projector file. */
public final class Models {
    /** The metadata keys that name a projector's type in an mmproj file: the shared one, then the vision encoder's own (as llama.cpp reads them). */
    private static final String[] PROJECTOR_TYPE = {"clip.projector_type", "clip.vision.projector_type"};

    private Models() {}

    /** The model in {@code source}, by its general.architecture, computing with {@code ops}. */
    public static Model load(TensorSource source, Ops ops) {
        String arch = source.metadata().requireString("general.architecture");
        return find(ModelArchitecture.class, ModelArchitecture::names, arch, "architecture").load(source, ops);
    }

    /** The model in {@code source} on the CPU. */
    public static Model load(TensorSource source) {
        return load(source, Ops.cpu());
    }

    /** The model in {@code source}, which must be a decoder, computing with {@code ops}. */
    public static Decoder decoder(TensorSource source, Ops ops) {
        Model model = load(source, ops);
        return model.as(Decoder.class).orElseThrow(() ->
                new FormatException("a '" + model.architecture() + "' model is not a decoder: it cannot generate text"));
    }

    /** The decoder in {@code source} on the CPU. */
    public static Decoder decoder(TensorSource source) {
        return decoder(source, Ops.cpu());
    }

    /** The media encoder in {@code mmproj}, by its clip.projector_type, working for {@code decoder} and computing with {@code ops}. */
    public static ImageEncoder projector(TensorSource mmproj, Decoder decoder, Tokenizer tokenizer, Ops ops) {
        String type = "";
        for (String key : PROJECTOR_TYPE) if (type.isEmpty()) type = mmproj.metadata().getString(key, "");
        if (type.isEmpty())
            throw new FormatException("not an mmproj file: it names no " + PROJECTOR_TYPE[0] + " (general.architecture is '"
                    + mmproj.metadata().getString("general.architecture", "") + "')");
        return find(ProjectorArchitecture.class, ProjectorArchitecture::names, type, "vision projector type").load(mmproj, decoder, tokenizer, ops);
    }

    private static <A> A find(Class<A> kind, Function<A, Set<String>> names, String name, String what) {
        TreeSet<String> known = new TreeSet<>();
        for (A a : ServiceLoader.load(kind)) {
            if (names.apply(a).contains(name)) return a;
            known.addAll(names.apply(a));
        }
        throw new FormatException(what + " '" + name + "' is not supported (supported: " + String.join(", ", known) + ")");
    }
}
