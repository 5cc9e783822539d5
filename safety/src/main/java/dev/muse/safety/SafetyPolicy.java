package dev.muse.safety;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What to do with each hazard a guard finds, per API key: {@code block} (the default for every category), {@code flag}
 * (let it through and record it in the audit trail) or {@code off}. Written as {@code S6=flag,S13=off}; a verdict the
 * guard did not write readably, or "unsafe" without categories, is always blocked. A picture Muse made that is to be
 * blocked is blurred past recognition by default ({@code images=blur}) or withheld ({@code images=block}); an uploaded
 * one is refused either way.
 */
public final class SafetyPolicy {
    public enum Action { ALLOW, FLAG, BLOCK }

    /** Block every category; blur pictures Muse made. */
    public static final SafetyPolicy DEFAULT = new SafetyPolicy(Map.of(), true);

    private final Map<Hazard, Action> actions;
    private final boolean blurImages;

    private SafetyPolicy(Map<Hazard, Action> actions, boolean blurImages) {
        this.actions = Map.copyOf(actions);
        this.blurImages = blurImages;
    }

    /** Whether a made picture that is to be blocked is blurred (true) or withheld (false). */
    public boolean blursImages() { return blurImages; }

    /** Reads {@code S6=flag,S13=off} (null or blank: the default); a clear IllegalArgumentException for anything else. */
    public static SafetyPolicy parse(String text) {
        if (text == null || text.isBlank()) return DEFAULT;
        Map<Hazard, Action> actions = new EnumMap<>(Hazard.class);
        boolean blur = true;
        for (String item : text.split(",")) {
            String[] kv = item.strip().split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("images")) {
                blur = switch (kv[1].strip().toLowerCase(Locale.ROOT)) {
                    case "blur" -> true;
                    case "block" -> false;
                    default -> throw new IllegalArgumentException("images=blur or images=block, not '" + item.strip() + "'");
                };
                continue;
            }
            Hazard h = kv.length == 2 ? Hazard.of(kv[0]) : null;
            if (h == null) throw new IllegalArgumentException("a safety policy is CATEGORY=ACTION, ... (S1-S14 = block, flag or off; images = blur or block), not '" + item.strip() + "'");
            actions.put(h, switch (kv[1].strip().toLowerCase(Locale.ROOT)) {
                case "block" -> Action.BLOCK;
                case "flag" -> Action.FLAG;
                case "off" -> Action.ALLOW;
                default -> throw new IllegalArgumentException("a safety policy's action is block, flag or off, not '" + kv[1].strip() + "'");
            });
        }
        return new SafetyPolicy(actions, blur);
    }

    /** What a verdict comes to under this policy: the strongest action among its hazards. */
    public Action decide(GuardVerdict verdict) {
        if (verdict.safe()) return Action.ALLOW;
        if (!verdict.readable() || verdict.hazards().isEmpty()) return Action.BLOCK;
        Action strongest = Action.ALLOW;
        for (Hazard h : verdict.hazards()) {
            Action a = actions.getOrDefault(h, Action.BLOCK);
            if (a.compareTo(strongest) > 0) strongest = a;
        }
        return strongest;
    }

    /** The policy as it is written ({@code S6=flag,S13=off,images=block}); empty for the default. */
    @Override public String toString() {
        StringBuilder out = new StringBuilder();
        for (Hazard h : Hazard.values()) {
            Action a = actions.get(h);
            if (a == null || a == Action.BLOCK) continue;
            if (!out.isEmpty()) out.append(',');
            out.append(h.name()).append('=').append(a == Action.FLAG ? "flag" : "off");
        }
        if (!blurImages) out.append(out.isEmpty() ? "" : ",").append("images=block");
        return out.toString();
    }
}
