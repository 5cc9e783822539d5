package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.models.Decoder;
import dev.muse.models.Model;
import dev.muse.models.Models;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.diffusion.StableDiffusion;
import java.io.IOException;

/**
 * A model resident in memory. A language model has its text model (weights, tokenizer, template), its vision
 * projector when it has one, and the scheduler that runs it; a speech recognition model has its {@link SpeechModel}
 * instead, an image generation model (a diffusers pipeline folder) its {@link ImageModel}, a speech synthesis model (a
 * Kokoro folder) its {@link VoiceModel} (and the others null).
 */
record LoadedModel(ModelPaths paths, TextModel text, ImageInput images, Scheduler scheduler, SpeechModel speech, ImageModel drawing, VoiceModel voice)
        implements AutoCloseable {
    /**
     * Opens every file of {@code paths} for the backend {@code ops}; a language model's scheduler starts with
     * {@code defaults}, its context window cut to the model's own.
     */
    static LoadedModel open(ModelPaths paths, Ops ops, Scheduler.Options defaults) throws IOException {
        if (StableDiffusion.isPipeline(paths.model()))
            return new LoadedModel(paths, null, null, null, null, new ImageModel(StableDiffusion.load(paths.model(), ops), ModelFiles.bytes(paths.model())), null);
        if (ModelFiles.isVoiceFolder(paths.model())) return new LoadedModel(paths, null, null, null, null, null, VoiceModel.open(paths.model(), ops));
        TensorSource file = WeightFiles.open(paths.model());
        Model model;
        try {
            model = Models.load(file, ops);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        if (model instanceof SpeechRecognizer speech) return new LoadedModel(paths, null, null, null, new SpeechModel(file, speech), null, null);
        if (!(model instanceof Decoder decoder)) {
            file.close();
            throw new FormatException("a '" + model.architecture() + "' model neither generates text nor hears speech");
        }
        TextModel text = TextModel.of(file, ops, decoder);
        ImageInput images = null;
        try {
            if (paths.projector() != null) images = text.openProjector(paths.projector());
            int context = Math.max(2, Math.min(defaults.contextLength(), text.model().contextLength()));
            Scheduler scheduler = new Scheduler(text.model(), new Scheduler.Options(defaults.maxSequences(), context, defaults.maxBatchTokens()), paths.id());
            return new LoadedModel(paths, text, images, scheduler, null, null, null);
        } catch (IOException | RuntimeException e) {
            if (images != null) images.close();
            text.close();
            throw e;
        }
    }

    String id() { return paths.id(); }

    boolean seesImages() { return images != null; }

    boolean hearsSpeech() { return speech != null; }

    boolean draws() { return drawing != null; }

    boolean speaks() { return voice != null; }

    /** This model's text side, or a CapabilityException when it is a speech model that cannot {@code what}. */
    TextModel requireText(String what) {
        if (text == null)
            throw new CapabilityException("The model '" + id() + "' is " + (drawing != null ? "an image generation model: it draws pictures"
                    : voice != null ? "a speech synthesis model: it says text aloud" : "a speech recognition model: it transcribes audio")
                    + " and cannot " + what, CapabilityException.Capability.TEXT_GENERATION, -1);
        return text;
    }

    /** Whether requests run or wait on it: such a model is not unloaded to make room. */
    boolean busy() { return speech != null ? speech.busy() : drawing != null ? drawing.busy() : voice != null ? voice.busy() : scheduler.busy(); }

    /** Bytes of its mapped files: the weights and the vision projector. */
    long fileBytes() {
        if (speech != null) return speech.fileBytes();
        if (drawing != null) return drawing.fileBytes();
        if (voice != null) return voice.fileBytes();
        return text.file().size() + (images != null ? images.fileBytes() : 0);
    }

    /** Bytes this model holds: its mapped files plus its KV caches as they are now. */
    long residentBytes() {
        return fileBytes() + (scheduler != null ? scheduler.stats().kvBytes() : 0);
    }

    int contextLength() {
        requireText("generate text");
        return scheduler.options().contextLength();
    }

    /** Stops the thread that reads the weights, then unmaps them. */
    @Override public void close() {
        if (speech != null) {
            speech.close();
            return;
        }
        if (drawing != null) {
            drawing.close();
            return;
        }
        if (voice != null) {
            voice.close();
            return;
        }
        scheduler.close();
        if (images != null) images.close();
        text.close();
    }
}
