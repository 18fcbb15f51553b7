/*
 * cpu_report: the per-CPU part of a replay's report — each CPU's accesses,
 * walks, PTE reads, faults and cycles, and its TLBs' and PWCs' hits and
 * misses.  Shown only when more than one CPU was selected, so that a
 * single-CPU replay reports exactly as it did before.
 */
#ifndef MMUSIM_TOOLS_CPU_REPORT_H
#define MMUSIM_TOOLS_CPU_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <mmusim.h>

/* Whether the report has a per-CPU part: more than one CPU was selected. */
bool cpu_report_wanted(const mmusim_mmu *mmu);
/* The table: a row per CPU. */
void cpu_report_text(FILE *out, const mmusim_mmu *mmu);
/* The JSON member ,"cpus":[...], an object per CPU. */
void cpu_report_json(FILE *out, const mmusim_mmu *mmu);

#endif
