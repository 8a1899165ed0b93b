package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Freed blocks below one still in use stay resident in glibc's arenas until a trim gives them back. */
class NativeHeapTest {
    private static final long MIB = 1 << 20;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(LIBC.find("malloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LIBC.find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    @Test
    void aTrimGivesBackTheFreedBlocksBelowOneInUse() throws Throwable {
        assumeTrue(NativeHeap.trims(), "glibc's malloc");
        NativeHeap.trim();
        long before = resident();
        List<MemorySegment> blocks = new ArrayList<>();
        for (int i = 0; i < 480; i++) {
            blocks.add(touched(100 * 1024)); // under glibc's smallest mmap threshold: from an arena
        }
        MemorySegment pin = touched(100 * 1024);
        blocks.forEach(NativeHeapTest::free);
        long freed = resident();
        NativeHeap.trim();
        long trimmed = resident();
        free(pin);
        assertThat(freed - before).as("resident once freed").isGreaterThan(40 * MIB);
        assertThat(trimmed - before).as("resident after the trim").isLessThan(12 * MIB);
    }

    /**
     * Resident bytes counted over the page tables: VmRSS is counted as pages fault in and may lag by dozens of
     * faults.
     */
    private static long resident() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
            if (line.startsWith("Rss:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no Rss in smaps_rollup");
    }

    private static MemorySegment touched(long bytes) throws Throwable {
        MemorySegment block = ((MemorySegment) MALLOC.invokeExact(bytes)).reinterpret(bytes);
        block.fill((byte) 1);
        return block;
    }

    private static void free(MemorySegment block) {
        try {
            FREE.invokeExact(block);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
