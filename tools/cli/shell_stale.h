/*
 * shell_stale: an access the shell made through a TLB entry the page table no
 * longer agrees with (--no-auto-flush leaves such entries behind): the answer
 * the TLB gave, and with --check-stale what the table says instead.
 */
#ifndef MMUSIM_CLI_SHELL_STALE_H
#define MMUSIM_CLI_SHELL_STALE_H

#include <stdio.h>

#include <mmusim.h>

/*
 * The level and perms of the current CPU's TLB entry that translates va in
 * the current address space, into shown (the table's walk cannot give them
 * when it disagrees); shown is left alone when no entry covers va.
 */
void shell_stale_cached(const mmusim_mmu *mmu, const mmusim_config *cfg, uint64_t va, mmusim_translation *shown);
/* "  stale: ...; the page table says: ANSWER", table being the walk of the page table. */
void shell_stale_line(FILE *out, const mmusim_config *cfg, uint64_t va, const mmusim_translation *table);

#endif
