package dev.muse.formats.pytorch;

import dev.muse.formats.FormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A pickle reader that executes nothing: the opcodes of protocols 2 to 5 that build dicts, lists, tuples, strings,
 * numbers, booleans and None, and a short list of globals, each mapped to a Java function of its arguments (a
 * checkpoint's tensors and ordered dicts). Any other global is refused by name before anything is built, so a file that
 * would run code under Python's pickle (os.system, eval, builtins, ...) is an error here. Persistent ids (PyTorch's
 * storages) go to a caller's function. Every length is checked against the bytes left before it is allocated, and the
 * stack and memo are bounded, so a hostile file cannot make it allocate more than its own size allows.
 */
final class Unpickler {
    /** A Python tuple: kept apart from lists so that calls can tell their arguments. */
    record Tuple(List<Object> items) {}

    /** A whitelisted global: what REDUCE with a tuple of arguments makes. */
    record Global(String module, String name, Function<List<Object>, Object> call) {}

    private static final Object MARK = new Object();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int MAX_STACK = 1 << 20, MAX_MEMO = 1 << 22;

    private final String where;
    private final MemorySegment data;
    private final Map<String, Global> globals;
    private final Function<Object, Object> persistent;
    private long at;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    Unpickler(String where, MemorySegment data, Map<String, Global> globals, Function<Object, Object> persistent) {
        this.where = where;
        this.data = data;
        this.globals = globals;
        this.persistent = persistent;
    }

    /** The object the pickle builds. */
    Object load() {
        while (true) {
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol < 2 || protocol > 5) throw bad("pickle protocol " + protocol);
                }
                case 0x95 -> bytes(8) /* FRAME: a length hint, nothing to build */;
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) throw bad("the pickle ends with " + stack.size() + " values on its stack");
                    return stack.getFirst();
                }
                case '(' -> {
                    if (marks.size() >= MAX_STACK) throw bad("more than " + MAX_STACK + " marks");
                    marks.add(stack.size());
                }
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) data.get(INT, take(4)));
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | u8() << 8));
                case 0x8a -> push(long1(u8()));
                case 'G' -> push(data.get(DOUBLE, take(8)));
                case 'X' -> push(text(u32()));
                case 0x8c -> push(text(u8()));
                case 0x8d -> push(text(u64()));
                case 'B' -> push(bytes(u32()));
                case 'C' -> push(bytes(u8()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(pop(1)));
                case 0x86 -> push(new Tuple(pop(2)));
                case 0x87 -> push(new Tuple(pop(3)));
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> items = popMark();
                    push(dict(items));
                }
                case 'a' -> {
                    Object item = pop(1).getFirst();
                    list(top()).add(item);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(top()).addAll(items);
                }
                case 's' -> {
                    List<Object> kv = pop(2);
                    map(top()).put(key(kv.get(0)), kv.get(1));
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    map(top()).putAll(dict(items));
                }
                case 'q' -> remember((long) u8());
                case 'r' -> remember(u32());
                case 0x94 -> remember((long) memo.size());
                case 'h' -> push(memo((long) u8()));
                case 'j' -> push(memo(u32()));
                case 'c' -> push(global(line(), line()));
                case 0x93 -> {
                    List<Object> names = pop(2);
                    if (!(names.get(0) instanceof String module) || !(names.get(1) instanceof String name)) throw bad("STACK_GLOBAL needs two strings");
                    push(global(module, name));
                }
                case 'R' -> { // REDUCE: a whitelisted global called with a tuple
                    List<Object> fa = pop(2);
                    if (!(fa.get(0) instanceof Global g)) throw bad("REDUCE on " + describe(fa.get(0)) + ", not a known function");
                    if (!(fa.get(1) instanceof Tuple args)) throw bad("REDUCE of " + g.module() + "." + g.name() + " without a tuple of arguments");
                    push(g.call().apply(args.items()));
                }
                case 'b' -> { // BUILD: an object's state; only an ordered dict's attributes (state_dict's _metadata) come here
                    Object state = pop(1).getFirst();
                    if (!(top() instanceof Map<?, ?>) || !(state instanceof Map<?, ?> || state == null)) throw bad("BUILD on " + describe(top()));
                }
                case 'Q' -> push(persistent.apply(pop(1).getFirst()));
                case '0' -> pop(1);
                default -> throw bad(String.format("pickle opcode 0x%02x is not one a checkpoint needs", op));
            }
        }
    }

    private Object global(String module, String name) {
        Global g = globals.get(module + "." + name);
        if (g == null) throw bad("refuses the global " + module + "." + name + ": a checkpoint is read as data, nothing in it runs");
        return g;
    }

    private Map<Object, Object> dict(List<Object> items) {
        if (items.size() % 2 != 0) throw bad("a dict with an odd number of items");
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) map.put(key(items.get(i)), items.get(i + 1));
        return map;
    }

    /** A dict key: a string, number, boolean, None, or a tuple of those (nothing that could hold itself). */
    private Object key(Object k) {
        if (k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean || k == null) return k;
        if (k instanceof Tuple t && t.items().stream().allMatch(i -> i instanceof String || i instanceof Long || i instanceof Boolean || i == null))
            return t;
        throw bad("a dict key of " + describe(k));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw bad("SETITEM on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw bad("APPEND on " + describe(o));
    }

    private void remember(long key) {
        if (memo.size() >= MAX_MEMO) throw bad("more than " + MAX_MEMO + " memo entries");
        memo.put(key, top());
    }

    private Object memo(long key) {
        if (!memo.containsKey(key)) throw bad("memo " + key + " is read before it is written");
        return memo.get(key);
    }

    private void push(Object o) {
        if (stack.size() >= MAX_STACK) throw bad("more than " + MAX_STACK + " values on the stack");
        stack.add(o);
    }

    private Object top() {
        if (stack.isEmpty() || !marks.isEmpty() && marks.getLast() == stack.size()) throw bad("an empty stack");
        return stack.getLast();
    }

    private List<Object> pop(int n) {
        int floor = marks.isEmpty() ? 0 : marks.getLast();
        if (stack.size() - floor < n) throw bad("the stack holds fewer than " + n + " values");
        List<Object> out = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw bad("no MARK to pop to");
        int mark = marks.removeLast();
        List<Object> out = new ArrayList<>(stack.subList(mark, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return out;
    }

    private long take(long n) {
        if (n < 0 || n > data.byteSize() - at) throw bad(n + " bytes at offset " + at + " run past the pickle's " + data.byteSize());
        long start = at;
        at += n;
        return start;
    }

    private int u8() { return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, take(1))); }

    private long u32() { return Integer.toUnsignedLong(data.get(INT, take(4))); }

    private long u64() { return data.get(LONG, take(8)); }

    private byte[] bytes(long n) {
        if (n > Integer.MAX_VALUE - 8) throw bad("a string of " + n + " bytes");
        return data.asSlice(take(n), n).toArray(ValueLayout.JAVA_BYTE);
    }

    private String text(long n) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes(n))).toString();
        } catch (CharacterCodingException e) {
            throw bad("a string that is not UTF-8");
        }
    }

    /** A text-protocol line (GLOBAL's module and name), at most 256 bytes. */
    private String line() {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = u8()) != '\n'; ) {
            if (sb.length() >= 256) throw bad("a GLOBAL name longer than 256 bytes");
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** LONG1: a little-endian two's complement integer of n bytes, which must fit a long. */
    private long long1(int n) {
        if (n > 8) throw bad("an integer of " + n + " bytes");
        byte[] le = bytes(n);
        byte[] be = new byte[Math.max(1, n)];
        for (int i = 0; i < n; i++) be[n - 1 - i] = le[i];
        return n == 0 ? 0 : new BigInteger(be).longValue();
    }

    static String describe(Object o) {
        return o == null ? "None" : o instanceof Global g ? g.module() + "." + g.name() : o.getClass().getSimpleName();
    }

    private FormatException bad(String why) {
        return new FormatException(where + ": " + why);
    }
}
