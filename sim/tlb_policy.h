/*
 * tlb_policy: replacement state that is not a stamp in the entry — tree-PLRU
 * and SRRIP — kept beside a cache's entries, one byte per way, indexed like
 * the entries (set-major: way w of set s is s * ways + w).
 *
 * Tree-PLRU (what real L1 TLBs use): ways - 1 bits per set forming a binary
 * tree over the ways (ways a power of two).  Each node points to the half
 * holding the pseudo-least-recently used way; an access turns every node on
 * its way's path to point away from it; the victim is found by following the
 * pointers from the root.  Node n (1 = root) has children 2n and 2n + 1,
 * way w is leaf ways + w; a node's bit 0 points left (lower ways), 1 right.
 * Byte n of the set's row holds node n (byte 0 is unused).
 *
 * SRRIP (Jaleel, Theobald, Steely, Emer, "High Performance Cache
 * Replacement Using Re-Reference Interval Prediction (RRIP)", ISCA 2010),
 * hit-priority variant with 2-bit re-reference prediction values: a fill
 * inserts at 2 (a "long" re-reference interval), a hit sets 0, the victim is
 * the first way (lowest number) at 3; while there is none every way of the
 * set ages by one.
 */
#ifndef MMUSIM_SIM_TLB_POLICY_H
#define MMUSIM_SIM_TLB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/tlb.h"

/* The state of one cache; NULL bytes for the stamp policies (LRU, FIFO, random). */
struct tlb_policy {
	enum tlb_replacement repl;
	unsigned ways;
	uint8_t *bytes;              /* sets * ways: PLRU tree nodes, or SRRIP RRPVs */
};

enum { SRRIP_MAX_RRPV = 3, SRRIP_INSERT_RRPV = 2 };

/* Whether repl keeps its state here (tlb_policy_init allocates it). */
static inline bool tlb_policy_has_state(enum tlb_replacement repl)
{
	return repl == REPL_PLRU || repl == REPL_SRRIP;
}

/* Allocates the state of sets x ways; MM_ENOMEM, else MM_OK.  Every PLRU node 0, every RRPV the maximum. */
int tlb_policy_init(struct tlb_policy *p, enum tlb_replacement repl, unsigned sets, unsigned ways);
void tlb_policy_fini(struct tlb_policy *p);

/* A hit on entry index i (set * ways + way). */
void tlb_policy_hit(struct tlb_policy *p, size_t i);
/* A fill into entry index i. */
void tlb_policy_fill(struct tlb_policy *p, size_t i);
/* The way of set (all of its ways valid) to evict; SRRIP ages the set while it looks. */
unsigned tlb_policy_victim(struct tlb_policy *p, size_t set);

#endif
