/*
 * machine_config: everything that describes one simulated machine — its
 * page-table format, paging constants, physical memory, page-table kinds, CPU
 * control bits, TLBs and paging-structure caches.  The machine (machine.c,
 * mmu.c) is built from one; formats/config.c fills one from YAML.
 */
#ifndef MMUSIM_SIM_MACHINE_CONFIG_H
#define MMUSIM_SIM_MACHINE_CONFIG_H

#include <stdint.h>

#include "pt/cpu_ctl.h"
#include "pt/page_table.h"
#include "pt/paging_consts.h"
#include "sim/cache_hierarchy.h"
#include "sim/tlb.h"

struct pt_arch;

#define CONFIG_MAX_TLBS 8

/*
 * A virtual machine's host side, the `stage2:` block: the stage-2 format
 * (EPT, NPT, RISC-V G-stage, Arm stage 2) with its own constants and control
 * bits, and host memory.  The rest of the config then describes the guest:
 * its format, and its `memory:` is guest-physical RAM.  arch is NULL in a
 * one-stage machine.
 */
struct stage2_config {
	const struct pt_arch *arch;
	struct paging_consts pc;        /* its address_width is the GPA width */
	struct cpu_ctl cpu;
	uint64_t mem_base;              /* host RAM */
	uint64_t mem_size;
	bool back_guest_memory;         /* map guest RAM at creation (default), so `map` alone works */
	uint64_t backing_page_size;     /* ... with stage-2 leaves of this size (default: the base page) */
	/* The nested TLB (GPA -> host PA, in front of every stage-2 walk of the MMU), when has_tlb. */
	bool has_tlb;
	struct tlb_config tlb;
	/* Stage-2 paging-structure caches, keyed by GPA, one per stage-2 level they cache. */
	struct tlb_config pwc[PT_MAX_LEVELS];
	unsigned nr_pwc;
};

/* The OS layer's defaults (`os:`), which replay options override; all zero: off. */
struct os_config {
	uint64_t resident_pages;    /* 0: no limit */
	const char *replacement;    /* a static policy name, or NULL */
	uint64_t seed;
	bool no_clock_flush;
};

struct machine_config {
	char name[64];
	const struct pt_arch *arch;     /* the `arch` key: the PTE format (pt_arch_find) */
	struct paging_consts pc;        /* validated and derived */
	uint64_t mem_base;
	uint64_t mem_size;
	struct pt_kind_config user;
	struct pt_kind_config kernel;
	struct cpu_ctl cpu;
	/* TLBs: the arrays of one level that serve one access kind hold disjoint page sizes. */
	struct tlb_config tlb[CONFIG_MAX_TLBS];
	unsigned nr_tlb;
	/* Paging-structure caches, one per PTE level they cache (2..nr_levels). */
	struct tlb_config pwc[PT_MAX_LEVELS];
	unsigned nr_pwc;
	unsigned memory_latency;        /* cycles per PTE read that reaches memory */
	struct cache_hierarchy_config caches;  /* the `caches:` block; off: every PTE read reaches memory */
	struct stage2_config stage2;
	struct os_config os;
};

#endif
