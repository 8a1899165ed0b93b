package dev.mondrian.runner.model;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What a prompt's intermediates leave in the C heap, given back. glibc's malloc serves blocks up to the largest one
 * freed so far (up to 32 MiB) from its arenas, and freed blocks that lie below one still in use stay resident there:
 * after a prompt, tens of megabytes the next prompt may not find room in. On a BF16 Qwen2.5-0.5B, giving them back
 * after each prompt lowers the peak by 60 MB (docs/BENCHMARKS.md, issue 21). Nothing happens where the C library is
 * not glibc.
 */
final class NativeHeap {
    /** glibc's malloc_trim; null elsewhere (gnu_get_libc_version is glibc's alone). */
    private static final MethodHandle MALLOC_TRIM = glibc("malloc_trim",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));

    private NativeHeap() {}

    /** Gives the free memory inside the arenas back to the system: a millisecond or two after a prompt. */
    static void trim() {
        if (MALLOC_TRIM != null) {
            try {
                int ignored = (int) MALLOC_TRIM.invokeExact(0L);
            } catch (Throwable e) {
                throw new IllegalStateException("malloc_trim failed", e);
            }
        }
    }

    /** Whether {@link #trim()} does anything here. */
    static boolean trims() {
        return MALLOC_TRIM != null;
    }

    private static MethodHandle glibc(String function, FunctionDescriptor descriptor) {
        SymbolLookup libc = Linker.nativeLinker().defaultLookup();
        if (libc.find("gnu_get_libc_version").isEmpty()) {
            return null;
        }
        return libc.find(function).map(symbol -> Linker.nativeLinker().downcallHandle(symbol, descriptor)).orElse(null);
    }
}
