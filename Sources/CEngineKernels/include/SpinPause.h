#ifndef PARAMSHARE_SPIN_PAUSE_H
#define PARAMSHARE_SPIN_PAUSE_H

// A hint to the CPU that the calling thread is spinning on a value another thread will write:
// on x86 `pause`, which stops the spin from starving a hyperthread sibling and from ending in a
// memory-order mis-speculation when the value changes; `yield` on Arm.
static inline __attribute__((always_inline)) void paramshare_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
