/*
 * guest_mem: guest-physical memory, as a stage-1 walker or page table sees
 * it in a virtual machine.  Every access to a guest-physical address (GPA)
 * is first translated by the stage-2 walk (EPT, NPT, RISC-V G-stage, Arm
 * stage 2) of that GPA, an implicit access of the privilege stage 2 checks
 * (a read for a table read, a write for an A/D update), and then reaches
 * host memory.  A stage-2 walk that faults makes the access fail (MM_EBUS,
 * which ends a stage-1 walk in a bus-error fault) and is kept here, so that
 * the nested walk (nested_walk.c) can report the stage-2 fault instead.
 *
 * Every stage-2 walk is also handed to an optional observer: the nested
 * walk records them as the rows of its 2-D grid.
 */
#ifndef MMUSIM_SIM_GUEST_MEM_H
#define MMUSIM_SIM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "pt/pt_mem.h"
#include "pt/walk.h"
#include "sim/tlb.h"

struct physmem;

struct guest_mem {
	const struct walker *stage2;  /* the stage-2 format, its constants and control bits, host memory */
	uint64_t stage2_root;         /* host PA of the stage-2 root (EPTP, nCR3, hgatp, VTTBR) */
	uint16_t vmid;                /* the VM's: its nested TLB and stage-2 PWC entries are tagged with it */
	enum privilege priv;          /* of stage 2's implicit accesses: user for NPT and the G-stage */
	bool table_reads_write;       /* stage 2 checks a guest table read as a write (EPT with A/D, NPT) */
	bool no_ad_update;            /* inspect only: stage 2's own A/D bits stay as they are */
	/* The last stage-2 walk that faulted, and the GPA and access it was for. */
	bool faulted;
	uint64_t fault_gpa;
	enum access_kind fault_access;   /* the access stage 2 checked */
	bool fault_entry_write;          /* the guest was writing the entry (A/D), not reading it */
	unsigned fault_entry_size;       /* the bytes of that guest access (its PTE size) */
	struct walk_result fault;
	/*
	 * Called with every stage-2 walk, successful or not (NULL: none):
	 * entry_write says whether the guest wrote the entry (A/D), whatever
	 * access stage 2 checked.
	 */
	void (*observe)(void *arg, uint64_t gpa, bool entry_write, const struct walk_result *res);
	void *observe_arg;
	/*
	 * The guest's frame allocator over guest RAM (GPAs; its own bytes unused):
	 * the guest OS's page-table nodes come from it and are zeroed through
	 * stage 2, which must map them.  NULL: nodes cannot be allocated.
	 */
	struct physmem *frames;
	/* Optional: backs the GPA of a node being allocated when stage 2 does not map it yet. */
	int (*fill)(void *arg, uint64_t gpa, struct mm_error *err);
	void *fill_arg;
	/*
	 * Optional: the nested TLB (GPA -> host PA) a stage-2 walk looks up
	 * first while use_tlb is set (the MMU's walks; a plain translate
	 * involves no TLB).  A hit reads no entry: its row has no steps.
	 */
	struct tlb *tlb;
	bool use_tlb;
	/*
	 * Optional: stage-2 paging-structure caches keyed by GPA (pwc[level] caches
	 * the pointers of that stage-2 level), probed deepest first by the walks
	 * use_tlb allows; pwc_levels lists the levels that have one.
	 */
	struct tlb *pwc[PT_MAX_LEVELS + 1];
	unsigned pwc_levels[PT_MAX_LEVELS], nr_pwc;
};

/*
 * The (privilege, access) pairs stage 2 allows a translation res, as its walk
 * checks them: bit priv * ACCESS_KINDS + access (mmu.h's access_slot), for
 * the guest access's privilege where the format checks it
 * (pt_arch.stage2_checks_guest_priv), else every privilege as g->priv.
 */
uint8_t guest_mem_allowed(const struct guest_mem *g, const struct walk_result *res);

/* The privilege stage 2 checks the final GPA of a guest access of privilege priv at. */
enum privilege guest_mem_final_priv(const struct guest_mem *g, enum privilege priv);

/* The pt_mem whose PAs are g's GPAs (no direct description: every access is a call). */
struct pt_mem guest_mem_pt_mem(struct guest_mem *g);

/*
 * Translates the final GPA gpa of a guest access (`access` at `priv`)
 * through stage 2 into *res (the observer sees it too); on a fault records
 * it in g and returns false.
 */
bool guest_mem_translate(struct guest_mem *g, uint64_t gpa, enum access_kind access, enum privilege priv,
			 struct walk_result *res);

#endif
