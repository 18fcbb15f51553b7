/*
 * mmu: the CPU side of translation — per-CPU TLBs and paging-structure caches
 * in front of the hardware walk, with the statistics a replay reports.
 *
 * A translation looks up the level-1 TLB arrays that serve the access kind,
 * then the level-2 ones; on a miss it probes the paging-structure caches from the
 * deepest level up and walks from the deepest hit (or the root), fills the
 * caches on the way back, and fills the TLBs with the largest size each holds
 * that fits the page (a 2M page in a 4K-only TLB is held as its 4K piece);
 * among the arrays of one level, the fill goes to the array holding the
 * largest such size.
 *
 * Counting with several arrays per level: a lookup of the level is one hit
 * or one miss.  The hit counts in the array that hit; the miss counts in one
 * array only, the one the translation is then filled into (from the walk or
 * the level-2 hit), or the level's first array when nothing is filled (a
 * fault, or no array holds a fitting size).  So the arrays' hits and misses
 * add up to the level's lookups, and each array's are those of its own page
 * sizes.  A demand-paged access moves its miss to the array its retry fills.
 * A hit still checks permissions against the current privilege and control
 * bits; a refused hit faults and drops the entry (as a #PF does on x86).  A
 * write that hits an entry whose D bit was clear walks again so the walk can
 * set D (or, under Svade, fault).
 */
#ifndef MMUSIM_SIM_MMU_H
#define MMUSIM_SIM_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "pt/walk.h"
#include "sim/access_detail.h"
#include "sim/cache_hierarchy.h"
#include "sim/machine.h"
#include "sim/tlb.h"
#include "sim/trace_event.h"
#include "sim/vm_walk.h"

/* CPUs are numbered 0 .. MMU_MAX_CPUS - 1 (the trace formats check the same bound). */
#define MMU_MAX_CPUS 1024
/* Host memory all CPUs' TLBs, PWCs and private data caches (L1D, L2) together may take. */
#define MMU_MAX_CACHE_BYTES (4ull << 30)

enum { ACCESS_KINDS = ACCESS_EXEC + 1, PRIVILEGES = PRIV_SUPERVISOR + 1 };

/*
 * The bit of tlb_entry.allow that says whether `access` at `priv` is allowed:
 * one bit per (privilege, access) pair, decided at fill time so that a hit
 * tests one bit.
 */
enum { ACCESS_SLOTS = PRIVILEGES * ACCESS_KINDS };
_Static_assert(ACCESS_SLOTS <= 8 * sizeof(((struct tlb_entry *)0)->allow),
	       "tlb_entry.allow has a bit for every (privilege, access) pair");

static inline unsigned access_slot(enum privilege priv, enum access_kind access)
{
	return (unsigned)priv * ACCESS_KINDS + (unsigned)access;
}

/*
 * Each CPU has separate TLB arrays for data lookups (reads and writes) and
 * instruction lookups (fetches); a unified TLB serves both.
 */
enum lookup_kind { LOOKUP_DATA, LOOKUP_INSTRUCTION, LOOKUP_KINDS };

static inline enum lookup_kind lookup_kind_of(enum access_kind access)
{
	return access == ACCESS_EXEC ? LOOKUP_INSTRUCTION : LOOKUP_DATA;
}

static inline bool tlb_serves(enum tlb_kind kind, enum lookup_kind lookup)
{
	return kind == TLB_UNIFIED || kind == (lookup == LOOKUP_INSTRUCTION ? TLB_INSTRUCTION : TLB_DATA);
}

/*
 * The TLB arrays of one level that serve one access kind (Skylake's L1 DTLB:
 * a 4K, a 2M and a 1G array).  Their page sizes are disjoint (the config
 * checks); they are probed in parallel, so a lookup of the level costs the
 * slowest array's latency, once.
 */
struct tlb_level {
	struct tlb *arr[CONFIG_MAX_TLBS];     /* arr[0] holds the smallest size: probed first */
	unsigned nr;
	unsigned latency;                     /* the largest of the arrays' latencies */
	/* By a page's log2 size: the index in arr of the array it fills (-1: none) and the size it fills as. */
	int8_t home[64];
	int8_t home_shift[64];
};

/*
 * The counters of struct mmu_stats each CPU has its own share of
 * (mmu_cpu_stats.h): the scalar ones.  Walks by page size and a VM's 2-D
 * walk grid stay machine-wide, so that a CPU switch charges a few counters.
 */
struct mmu_cpu_counters {
	uint64_t accesses[ACCESS_KINDS];
	uint64_t walks;
	uint64_t pte_reads;
	uint64_t prefetch_walks;
	uint64_t prefetch_pte_reads;
	uint64_t faults[FAULT_KIND_COUNT];
	uint64_t demand_paged;
	uint64_t shootdowns;
	uint64_t stale_hits;
	uint64_t dirty_rewalks;
	uint64_t cycles;
};

struct mmu_cpu {
	struct tlb *tlb[CONFIG_MAX_TLBS];
	/* The hit path's two fields of l1[k], copied where k indexes them by a scaled load. */
	struct tlb *l1_first[LOOKUP_KINDS];   /* l1[k].arr[0] */
	unsigned l1_latency[LOOKUP_KINDS];    /* l1[k].latency */
	struct tlb_level l1[LOOKUP_KINDS], l2[LOOKUP_KINDS]; /* by enum lookup_kind */
	/* The levels whose miss in the last translation ended in a fault: charged to
	 * their first array until mmu_refill learns the page's size. */
	const struct tlb_level *unplaced_miss[2];
	struct tlb *pwc[PT_MAX_LEVELS + 1];   /* by the PTE level it caches */
	unsigned pwc_levels[PT_MAX_LEVELS];   /* the levels that have one, ascending */
	unsigned nr_pwc;
	bool walk_steps;                      /* walks record their steps: for the PWC fill or the data caches */
	uint16_t asid;
	uint16_t vmid;                        /* the virtual machine it runs (0 on a native machine) */
	uint32_t space;                       /* tlb_space(vmid, asid): what its TLB and PWC entries are tagged with */
	enum privilege priv;
	struct page_table *pt;                /* the address space of asid */
	uint64_t root;                        /* pt_root(pt), at hand for every walk */
	struct cache_cpu *dcache;             /* its L1D and L2 (the `caches:` block), or NULL when off */
	struct mmu_tlb_prefetch *prefetch;        /* TLB prefetching (mmu_tlb_prefetch.h), NULL when no TLB prefetches */
	struct mmu_cpu_counters charged;      /* its share of the statistics up to its last switch-out (mmu_cpu_stats.h) */
};

struct mmu_stats {
	uint64_t accesses[ACCESS_KINDS];      /* by enum access_kind */
	uint64_t walks;
	uint64_t walks_by_shift[64];          /* successful walks by page size */
	uint64_t pte_reads;
	uint64_t prefetch_walks;              /* TLB prefetches' walks and PTE reads, not in walks / pte_reads */
	uint64_t prefetch_pte_reads;
	uint64_t faults[FAULT_KIND_COUNT];    /* not counting those demand paging resolved */
	uint64_t demand_paged;
	uint64_t shootdowns;
	uint64_t stale_hits;                  /* with check_stale: hits that disagree with memory */
	uint64_t dirty_rewalks;
	uint64_t cycles;
	struct nested_stats nested;           /* a virtual machine's 2-D walks */
};

struct mmu {
	struct machine *m;
	struct mmu_cpu *cpus[MMU_MAX_CPUS];
	unsigned nr_cpus;                     /* highest CPU number used + 1 */
	struct mmu_cpu *cur;
	bool check_stale;
	/* The format's untag when the config turns VA tags on (Arm TBI), else NULL: TLBs see untagged VAs. */
	uint64_t (*untag)(const struct cpu_ctl *ctl, uint64_t va);
	struct mmu_stats stats;
	struct mmu_cpu_counters at_select;    /* stats' counters when the current CPU was selected (mmu_cpu_stats.h) */
	/* The data caches PTE reads go through (cache_hierarchy.h), or NULL: each read costs memory_latency. */
	struct cache_hierarchy *caches;
	/* Where translations note what they did (access_detail.h), or NULL: off, and the hit path never looks. */
	struct access_detail *detail;
};

/* The VA the MMU translates for va: its tag replaced where tags are ignored. */
static inline uint64_t mmu_va(const struct mmu *mmu, uint64_t va)
{
	return __builtin_expect(mmu->untag != NULL, 0) ? mmu->untag(&mmu->m->cfg.cpu, va) : va;
}

struct mmu_result {
	bool ok;
	/* log2 of the page's size (mmu_result_page_size): a TLB hit copies one byte, not a 64-bit size. */
	uint8_t page_shift;
	uint64_t pa;
	struct walk_fault fault;
	/* In a virtual machine: which stage faulted (NESTED_OK: the guest's own, or a native walk's). */
	uint8_t fault_stage;
	uint64_t fault_gpa;
};

/* The size of the page an ok translation went through. */
static inline uint64_t mmu_result_page_size(const struct mmu_result *r)
{
	return 1ull << r->page_shift;
}

/* Whether a failed translation faulted at stage 2 (a VM's host side), not in the guest's or a native walk. */
static inline bool mmu_fault_is_stage2(const struct mmu_result *r)
{
	return r->fault_stage == NESTED_FAULT_STAGE2_TABLE || r->fault_stage == NESTED_FAULT_STAGE2_FINAL;
}

/* An MMU over machine m with CPU 0 current, in ASID 0, user mode. */
int mmu_init(struct mmu *mmu, struct machine *m, struct mm_error *err);
void mmu_fini(struct mmu *mmu);

/*
 * Translates va for the current CPU, address space and privilege; counts the
 * access, lookups and walk (faults are counted by whoever handles them).  va
 * is untagged already (mmu_va): the hit path stays free of the check.
 */
void mmu_translate(struct mmu *mmu, uint64_t va, enum access_kind access, struct mmu_result *out);

/*
 * A hint that va will be translated soon: starts loading the PTEs its walk
 * would read into the host's caches.  Changes no simulated state and no
 * statistic; memo (may be NULL) remembers where recent paths went.
 */
static inline void mmu_prefetch(const struct mmu *mmu, uint64_t va, struct walk_prefetch_memo *memo)
{
	walk_prefetch(&mmu->m->walker, mmu->cur->root, va, memo);
}

/*
 * Retries an access after the OS fixed its fault (demand paging): walks from
 * the root and fills the caches, counting nothing — the access was counted once.
 */
void mmu_refill(struct mmu *mmu, uint64_t va, enum access_kind access, struct mmu_result *out);

/*
 * Whether the translation of va that just succeeded is global (serves every
 * ASID of its VM): the entry the current CPU's TLBs hold for it, else the
 * leaf in the tables.  Counts nothing (mrc's page keys).
 */
bool mmu_translation_global(const struct mmu *mmu, uint64_t va, enum access_kind access);

int mmu_select_cpu(struct mmu *mmu, unsigned cpu, struct mm_error *err);
int mmu_switch_asid(struct mmu *mmu, uint16_t asid, struct mm_error *err);
/* Makes the machine run the current CPU's VM again (before an edit: a library caller may have switched it). */
void mmu_run_cpu_vm(struct mmu *mmu);
/*
 * Runs virtual machine vmid on the current CPU (created on first use, see
 * machine_switch_vm), in that VM's address space of the CPU's ASID.  Cached
 * entries stay: they are tagged with their VMID.
 */
int mmu_switch_vm(struct mmu *mmu, unsigned vmid, struct mm_error *err);
void mmu_set_priv(struct mmu *mmu, enum privilege priv);

/*
 * One of the trace's loads or stores at physical address pa, through the
 * current CPU's data caches (the `caches:` block with `data: true`): counted
 * in the caches and in the data cycles, apart from the translation's cycles.
 */
void mmu_data_access(struct mmu *mmu, uint64_t pa);

/* Whether the trace's own loads and stores go through the data caches (mmu_data_access). */
static inline bool mmu_caches_data(const struct mmu *mmu)
{
	return mmu->caches && mmu->m->cfg.caches.data;
}

/*
 * A stage-2 change: drops the combined entries of VM vmid (all_vms: of
 * every VM) on every CPU, since no cache can find them by GPA, and counts
 * one shootdown per other CPU.
 */
void mmu_flush_vm(struct mmu *mmu, uint16_t vmid, bool all_vms);

/*
 * Zeroes the statistics: the counters of struct mmu_stats and every TLB's and
 * PWC's hits, misses and evictions on every CPU.  What the caches hold, the
 * current CPU, ASID and privilege stay: a reset after a warm-up.
 */
void mmu_stats_reset(struct mmu *mmu);

/*
 * A flush instruction (sfence.vma / INVLPG / INVPCID / Arm TLBI): scope is an
 * enum flush_scope with enum flush_modifier bits.  It drops the entries of
 * va's base page (a larger entry that covers it too) and/or of asid as the
 * scope says, on the current CPU or, with FLUSH_ALL_CPUS, on every CPU, from
 * the TLBs and, unless FLUSH_LAST_LEVEL, the paging-structure caches.  In a
 * virtual machine it is the guest's (HFENCE.VVMA, INVVPID, TLBI ...E1): the
 * current VM's entries only.
 */
void mmu_flush(struct mmu *mmu, unsigned scope, uint64_t va, uint16_t asid);

/*
 * After a page-table edit of [va, va+len) in address space asid of the
 * current VM (or in the kernel range, all its address spaces): drops the
 * affected TLB and PWC entries on every CPU and counts one shootdown per
 * other CPU.
 */
void mmu_shootdown(struct mmu *mmu, uint64_t va, uint64_t len, bool kernel_range, uint16_t asid);

#endif
