/* bench_tlb_policy: TLB replacement policies and prefetchers side by side (mmusim-bench --only tlbpolicy). */
#ifndef MMUSIM_BENCH_TLB_POLICY_H
#define MMUSIM_BENCH_TLB_POLICY_H

#include <stdint.h>

/* Prints, per workload and variant, the STLB miss rate, walks, prefetch accuracy and accesses/s (best of repeat). */
void bench_tlb_policy(unsigned repeat, uint64_t accesses);

#endif
