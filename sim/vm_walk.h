/*
 * vm_walk: the two-stage walk as the MMU of a virtual machine uses it — one
 * combined translation (guest VA -> host PA) for the TLBs, the stage-2
 * rights and dirtiness that translation must respect, and the references
 * of the 2-D walk counted per dimension and level.
 */
#ifndef MMUSIM_SIM_VM_WALK_H
#define MMUSIM_SIM_VM_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "pt/walk.h"
#include "sim/nested_walk.h"

struct machine;

/*
 * The references of 2-D walks: reads[g][h] counts the stage-2 entries read at
 * host level h while translating the GPA of the guest entry at level g (g = 0:
 * the final GPA), and reads[g][0] the guest entries of level g themselves.
 */
struct nested_stats {
	uint64_t walks;
	uint64_t guest_reads;            /* stage-1 entries read */
	uint64_t host_reads;             /* stage-2 entries read */
	uint64_t reads[PT_MAX_LEVELS + 1][PT_MAX_LEVELS + 1];
	uint64_t guest_faults;           /* the guest's page faults (demand-paged ones included) */
	uint64_t host_faults;            /* stage-2 faults, on guest tables or final GPAs */
	uint64_t host_demand_paged;      /* stage-2 faults the host filled */
	uint64_t stage2_walks;           /* rows: stage-2 translations asked for (nested TLB lookups) */
};

/* What the combined translation carries beyond a walk result. */
struct vm_walk_info {
	enum nested_fault fault;
	uint64_t fault_gpa;
	uint8_t stage2_allow;            /* 1 << access_slot(priv, access) for each one stage 2 allows the final GPA */
	bool stage2_dirty;               /* stage 2's leaf is dirty (or needs no D) */
};

/*
 * Walks req through the current address space of VM m (req->root the guest
 * root's GPA) and fills *res with the combined translation: pa the host PA,
 * page_size the smaller page, the guest's leaf, level and rights; on a
 * stage-2 fault, the stage-2 walk's fault with code the report's (the
 * architecture's stage-2 code for the guest's access).  Counts into *st.
 * The 2-D walk itself is left in *n (its rows: the reads, nested_reads).
 */
void vm_walk(struct machine *m, const struct walk_request *req, struct walk_result *res,
	     struct vm_walk_info *info, struct nested_stats *st, struct nested_result *n);

#endif
