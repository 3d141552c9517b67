/*
 * tools/vector-rate.c: how fast this CPU runs the instructions of the AVX-512
 * NSEC3 kernel (src/denial/hash/avx512.rs), for reading issue 5's NSEC3 targets
 * on a VM that gives perf no cycle counter.
 *
 *   gcc -O2 tools/vector-rate.c -o target/vector-rate && target/vector-rate
 *
 * Prints, five times each, in billions a second: the clock, from a chain of
 * dependent register adds (one cycle each; an add of an immediate is not used,
 * as Golden Cove folds those at rename); the clock under 512-bit work, from a
 * chain of dependent vpaddd zmm; and how many independent vpaddd zmm and vprold
 * zmm run. A round of SHA-1 in the kernel is about ten 512-bit instructions
 * (three of them rotates), so 80 rounds for sixteen lanes take about 800 of
 * them: at the printed rate, the time of one sixteen-lane compression if the
 * kernel runs as fast as the vector ports let it. x86-64 with AVX-512F only.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Instructions per loop: eight in a row, N in all. */
#define N 2000000000ULL

static void dependent_adds(void) {
    uint64_t n = N, x = 0, y = 3;
    __asm__ volatile("1:\n\t"
                     "add %2, %0\n\t add %2, %0\n\t add %2, %0\n\t add %2, %0\n\t"
                     "add %2, %0\n\t add %2, %0\n\t add %2, %0\n\t add %2, %0\n\t"
                     "sub $8, %1\n\t jnz 1b\n\t"
                     : "+r"(x), "+r"(n)
                     : "r"(y));
}

static void dependent_zmm_adds(void) {
    uint64_t n = N;
    __asm__ volatile("vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
                     "vpternlogd $0xff, %%zmm1, %%zmm1, %%zmm1\n\t"
                     "1:\n\t"
                     "vpaddd %%zmm1, %%zmm0, %%zmm0\n\t vpaddd %%zmm1, %%zmm0, %%zmm0\n\t"
                     "vpaddd %%zmm1, %%zmm0, %%zmm0\n\t vpaddd %%zmm1, %%zmm0, %%zmm0\n\t"
                     "vpaddd %%zmm1, %%zmm0, %%zmm0\n\t vpaddd %%zmm1, %%zmm0, %%zmm0\n\t"
                     "vpaddd %%zmm1, %%zmm0, %%zmm0\n\t vpaddd %%zmm1, %%zmm0, %%zmm0\n\t"
                     "sub $8, %0\n\t jnz 1b\n\t"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1");
}

static void independent_zmm_adds(void) {
    uint64_t n = N;
    __asm__ volatile("1:\n\t"
                     "vpaddd %%zmm9, %%zmm0, %%zmm0\n\t vpaddd %%zmm9, %%zmm1, %%zmm1\n\t"
                     "vpaddd %%zmm9, %%zmm2, %%zmm2\n\t vpaddd %%zmm9, %%zmm3, %%zmm3\n\t"
                     "vpaddd %%zmm9, %%zmm4, %%zmm4\n\t vpaddd %%zmm9, %%zmm5, %%zmm5\n\t"
                     "vpaddd %%zmm9, %%zmm6, %%zmm6\n\t vpaddd %%zmm9, %%zmm7, %%zmm7\n\t"
                     "sub $8, %0\n\t jnz 1b\n\t"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm9");
}

static void independent_zmm_rotates(void) {
    uint64_t n = N;
    __asm__ volatile("1:\n\t"
                     "vprold $5, %%zmm0, %%zmm0\n\t vprold $5, %%zmm1, %%zmm1\n\t"
                     "vprold $5, %%zmm2, %%zmm2\n\t vprold $5, %%zmm3, %%zmm3\n\t"
                     "vprold $5, %%zmm4, %%zmm4\n\t vprold $5, %%zmm5, %%zmm5\n\t"
                     "vprold $5, %%zmm6, %%zmm6\n\t vprold $5, %%zmm7, %%zmm7\n\t"
                     "sub $8, %0\n\t jnz 1b\n\t"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
}

/* Billions of the loop's instructions a second, five times. */
static void report(const char *what, void (*loop)(void)) {
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        loop();
        double rate = N / (now() - t0);
        printf("%-28s %.2f G/s (800 of them: %.0f ns)\n", what, rate / 1e9, 800 / rate * 1e9);
    }
}

int main(void) {
    report("clock, dependent adds:", dependent_adds);
    report("clock, dependent zmm adds:", dependent_zmm_adds);
    report("independent vpaddd zmm:", independent_zmm_adds);
    report("independent vprold zmm:", independent_zmm_rotates);
    return 0;
}
