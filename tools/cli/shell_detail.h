/* shell_detail: the shell's per-access line (on unless `detail off`): after each access, what the MMU did (a record of mmusim_mmu_set_access_log). */
#ifndef MMUSIM_CLI_SHELL_DETAIL_H
#define MMUSIM_CLI_SHELL_DETAIL_H

#include <stdio.h>

#include <mmusim.h>

/*
 * One line: "  mmu: walk of 1 read (pwc L2 hit), PTE L1 0x4008 from l1d, 7 cycles",
 * or "  mmu: hit in l1d (L1 TLB), 1 cycle"; a dirty or refused re-walk, the A/D
 * bits the walk set, a fault that stands and a fault the OS or demand paging
 * served are said too.
 */
void shell_detail_line(FILE *out, const mmusim_access_detail *d);

#endif
