package dev.muse.cli;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.DownloadProgress;
import dev.muse.hub.HubSettings;
import dev.muse.hub.ModelAliases;
import dev.muse.hub.ModelPuller;
import dev.muse.hub.ModelSource;
import dev.muse.hub.ProgressBar;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `muse pull`: a model from Hugging Face into the model cache (a file, or a pipeline's folder). Prints the cached paths on stdout. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model from Hugging Face into the model cache: resumable, SHA-256 verified.",
                "Hub: $MUSE_HF_ENDPOINT (default https://huggingface.co); $HF_TOKEN is sent to it for gated repositories."})
final class PullCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "hf:ORG/REPO/PATH/FILE.gguf (the first two segments are the repository), "
            + "or an alias: " + "stories260k, smollm2-135m-instruct, llama3.2-1b-instruct, smolvlm-256m-instruct, whisper-base, sd-turbo, taesd, ... "
            + "(muse models lists them)")
    String model;

    @Option(names = "--revision", paramLabel = "REV", description = "branch, tag or commit of an hf: model (default: main)")
    String revision;

    @Option(names = "--name", paramLabel = "NAME", description = "file name in the cache (default: the file's own name)")
    String name;

    @Option(names = "--sha256", paramLabel = "HEX", description = "the SHA-256 the file must have; it must also agree with the hub's")
    String sha256;

    @Option(names = "--allow-unverified", description = "accept a file no SHA-256 is known for (recorded, not checked); a known one is always checked")
    boolean allowUnverified;

    @Option(names = "--force", description = "download again, replacing the file in the cache")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar and no notes (errors still print)")
    boolean quiet;

    @Option(names = "--mmproj", paramLabel = "hf:ORG/REPO/FILE.gguf", description = "the model's vision projector, pulled beside it as "
            + "mmproj-<model file> (where muse run and serve look for it); an alias of a vision model brings its own")
    String mmproj;

    @Override public Integer call() throws Exception {
        var folder = ModelAliases.find(model).filter(ModelAliases.Alias::isFolder);
        if (folder.isPresent()) return pullFolder(folder.get());
        ModelSource source = ModelSource.parse(model);
        boolean alias = ModelAliases.find(model).isPresent();
        if (revision != null) {
            if (alias) throw new IllegalArgumentException("--revision is for hf: models; the alias " + model + " is pinned to " + source.spec());
            source = source.atRevision(revision);
        }
        if (sha256 != null) {
            String pin = sha256.strip().toLowerCase(Locale.ROOT);
            if (source.sha256() != null && !source.sha256().equals(pin))
                throw new IllegalArgumentException("--sha256 " + pin + " contradicts the SHA-256 pinned for " + model + ": " + source.sha256());
            source = source.pinned(pin);
        }
        HubSettings hub = HubSettings.fromEnvironment();
        DownloadProgress progress = quiet ? DownloadProgress.silent() : ProgressBar.onStandardError();
        ModelPuller puller = new ModelPuller(hub, ModelFiles.cache(), progress);
        if (mmproj != null && !mmproj.regionMatches(true, 0, ModelSource.PREFIX, 0, ModelSource.PREFIX.length()))
            throw new IllegalArgumentException("--mmproj takes an hf:ORG/REPO/FILE.gguf file, not " + mmproj);
        ModelSource projector = mmproj != null ? ModelSource.parse(mmproj) : ModelAliases.find(model).map(ModelAliases.Alias::projector).orElse(null);
        for (ModelPuller.Result pulled : puller.pull(source, projector, new ModelPuller.Options(name, force, allowUnverified)))
            System.out.println(pulled.file());
        return 0;
    }

    /** An alias of a model in several files (a diffusers pipeline): each file verified into a folder of the cache. */
    private int pullFolder(ModelAliases.Alias alias) throws Exception {
        if (revision != null || sha256 != null || mmproj != null)
            throw new IllegalArgumentException("--revision, --sha256 and --mmproj are for hf: files; " + alias.name() + " is pinned to its files in "
                    + alias.source().repo());
        DownloadProgress progress = quiet ? DownloadProgress.silent() : ProgressBar.onStandardError();
        ModelPuller puller = new ModelPuller(HubSettings.fromEnvironment(), ModelFiles.cache(), progress);
        var pulled = puller.pull(alias, new ModelPuller.Options(name, force, allowUnverified));
        System.out.println(ModelFiles.cache().resolve(name != null ? name : alias.name()));
        return pulled.isEmpty() ? 1 : 0;
    }
}
