// CLONED_FOR_AVX2 before a function compiles it twice on x86-64, for the baseline (SSE2) and
// for x86-64-v3 (AVX2, FMA), and has the dynamic loader pick one for the CPU the program runs
// on (an ifunc): the package cannot set a target CPU for all of its code, since one binary must
// run on every x86-64 CPU. Elsewhere, one plain compilation.

#ifndef PARAMSHARE_CLONING_FOR_AVX2_H
#define PARAMSHARE_CLONING_FOR_AVX2_H

#if defined(__x86_64__) && defined(__clang__)
#define CLONED_FOR_AVX2 __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CLONED_FOR_AVX2
#endif

#endif
