/*
 * walk_loop: the generic page-walk loop, written once and specialised per
 * architecture.
 *
 * walk.c runs it with the hooks and geometry of whatever pt_arch it is given.
 * A format's file may also instantiate it with its own (static const) hooks
 * and geometry, the very ones its descriptor points to (see x86_walk in
 * arch_x86_64.c): the loop is the same, but the compiler can then inline
 * every hook and fold the geometry into constants, which is what makes a
 * walk cheap enough to replay billions of accesses.  There is still exactly
 * one description of the walk.
 *
 *   VA:  | sign | idx L(n) | ... | idx L1 | page offset |
 *          PTE address at level L = table(L) + idx(L) * pte_size
 */
#ifndef MMUSIM_PT_WALK_LOOP_H
#define MMUSIM_PT_WALK_LOOP_H

#include "pt_arch.h"

/*
 * For the helpers of a format's hooks: the walk's per-level work, inlined
 * into the instantiated loop even where the compiler's heuristics would not
 * (flatten does not reach calls that only become direct after inlining).
 */
#define WALK_INLINE static inline __attribute__((always_inline))

/*
 * Memory for the loop: the direct description with the frame shift the loop
 * will use, or size 0 (nothing direct: every read goes through ops->read)
 * when there is none, it keeps no flat frame array, or its frames are not
 * the walker's page size.
 * A local copy, so that stores into res->steps cannot alias it.
 */
static inline __attribute__((always_inline)) struct pt_mem_direct
walk_direct_of(const struct pt_mem *mem, unsigned frame_shift)
{
	if (mem->direct && mem->direct->frames && mem->direct->frame_shift == frame_shift)
		return *mem->direct;
	return (struct pt_mem_direct){ .frame_shift = frame_shift };
}

/*
 * The loop keeps the paging constants and the memory description in locals:
 * stores into res->steps could alias them, and reloading them at every level
 * would cost more than the walk itself.
 */
static inline __attribute__((always_inline)) void
walk_loop_steps(const struct walker *w, const struct walk_request *req, struct walk_result *res,
		const struct walk_hooks *hooks, const struct pt_geometry *geom, const bool record)
{
	const struct paging_consts *pc = w->pc;
	const struct pt_mem *mem = w->mem;
	const unsigned pte_size = geom->pte_size ? geom->pte_size : pc->pte_size;
	const unsigned page_shift = geom->page_shift ? geom->page_shift : pc->page_shift;
	const unsigned index_bits = pt_geometry_index_bits(geom, pc);
	const uint64_t index_mask = (1ull << index_bits) - 1, va = req->va;
	/*
	 * A partial top level indexes only the VA bits below address_width (Arm's
	 * start level); a wide one (RISC-V Sv39x4) the bits of its several frames.
	 */
	const bool odd_top = geom->partial_top || geom->wide_top_bits;
	const uint64_t top_mask = odd_top ? pc->top_entries - 1 : index_mask;
	const struct pt_mem_direct d = walk_direct_of(mem, page_shift);
	struct walk_state ws = { .w = w, .req = req, .res = res,
				 .upper_perms = req->start_level ? req->start_perms : hooks->initial_perms() };
	/* With a root per half, the upper half's VAs walk from its own (TTBR1). */
	uint64_t table = req->start_level ? req->start_table
					  : geom->split_roots && (va >> 63) ? w->upper_root : req->root;
	unsigned top = req->start_level ? req->start_level : pc->nr_levels;

	/* Only the header: steps[] past nr_steps stay unwritten (this is the hot path). */
	res->ok = false;
	res->pa = res->page_size = res->leaf_pte = 0;
	res->level = res->perms = res->nr_steps = 0;
	res->set_accessed = res->set_dirty = false;
	res->fault = (struct walk_fault){ FAULT_NONE, REASON_NONE, 0, 0 };
	if (!pc_va_canonical(pc, va)) {
		hooks->bad_va(&ws);
		return;
	}
	if (hooks->walk_begin)
		hooks->walk_begin(&ws);
	/* nr_steps is written where the walk ends, not per level: the loop keeps one register less. */
	for (unsigned level = top, n = 1; level >= 1; level--, n++) {
		/* Without recording, the step lives in a dead local the compiler drops. */
		struct walk_step unrecorded, *step = record ? &res->steps[n - 1] : &unrecorded;
		unsigned index = (unsigned)((va >> (page_shift + (level - 1) * index_bits)) &
					    (odd_top && level == pc->nr_levels ? top_mask : index_mask));
		uint64_t pte_addr = table + (uint64_t)index * pte_size;
		const uint8_t *host = pt_mem_direct_pte(&d, pte_addr, pte_size, page_shift);
		uint64_t pte, next = 0;

		step->level = level;
		step->table = table;
		step->index = index;
		step->pte_addr = pte_addr;
		if (__builtin_expect(host != NULL, 1)) {
			pte = pt_mem_load_le(host, pte_size);
		} else if (mem->ops->read(mem->impl, pte_addr, pte_size, &pte) != MM_OK) {
			res->nr_steps = n;
			hooks->bus_error(&ws, level);
			return;
		}
		step->pte = pte;
		switch (hooks->walk_entry(&ws, pte, level, pte_addr, &next)) {
		case WALK_FAULT:
			res->nr_steps = n;
			return;
		case WALK_DESCEND:
			step->perms = ws.upper_perms;
			table = next;
			continue;
		case WALK_LEAF: {
			uint64_t page_mask;

			res->nr_steps = n;
			step->perms = ws.upper_perms;
			res->level = level;
			res->leaf_pte = pte;
			res->page_size = 1ull << (page_shift + (level - 1) * index_bits);
			if (!hooks->walk_leaf(&ws, pte_addr))
				return;
			/*
			 * Frame bits from the leaf, the bits below the page size from the
			 * VA; the page size is walk_leaf's (a RISC-V NAPOT leaf maps 64 KiB).
			 */
			page_mask = res->page_size - 1;
			res->pa = (hooks->pte_addr(pc, w->ctl, res->leaf_pte, level) & ~page_mask) | (va & page_mask);
			res->ok = true;
			return;
		}
		}
	}
	res->nr_steps = top;
	/* walk_entry faults a pointer at level 1 itself; reaching here is a format bug. */
	walk_set_fault(&ws, FAULT_NO_LEAF, REASON_NO_LEAF, 1, 0);
}

/*
 * The walk, in two copies: one that records every step (for --explain, the
 * views and the PWC fill) and one for callers that only count them.
 */
static inline __attribute__((always_inline)) void
walk_loop(const struct walker *w, const struct walk_request *req, struct walk_result *res,
	  const struct walk_hooks *hooks, const struct pt_geometry *geom)
{
	if (req->no_steps)
		walk_loop_steps(w, req, res, hooks, geom, false);
	else
		walk_loop_steps(w, req, res, hooks, geom, true);
}

/*
 * The walk's first steps without its effects: follow the pointers of va's
 * path as far as they lead, then prefetch the host line of the PTE where it
 * stops.  Replay calls this a few accesses ahead, so that the leaf PTE (the
 * read that misses the host caches) is loading while other walks run.  With
 * a memo, a VA whose region (the span of one leaf table) was seen before goes
 * straight to its leaf table: the levels above cost instructions, not misses.
 */
static inline __attribute__((always_inline)) void
walk_prefetch_loop(const struct walker *w, uint64_t root, uint64_t va, struct walk_prefetch_memo *memo,
		   const struct walk_hooks *hooks, const struct pt_geometry *geom)
{
	const struct paging_consts *pc = w->pc;
	const unsigned pte_size = geom->pte_size ? geom->pte_size : pc->pte_size;
	const unsigned page_shift = geom->page_shift ? geom->page_shift : pc->page_shift;
	const unsigned index_bits = pt_geometry_index_bits(geom, pc);
	const uint64_t index_mask = (1ull << index_bits) - 1, leaf_index = (va >> page_shift) & index_mask;
	const uint64_t region = va >> (page_shift + index_bits);
	struct walk_prefetch_slot *slot = NULL;
	/* With a root per half, the upper half's VAs walk from its own (TTBR1). */
	const uint64_t start = geom->split_roots && (va >> 63) ? w->upper_root : root;
	uint64_t table = start;

	/*
	 * No canonical check: a VA the walk will refuse only indexes the tables
	 * with its low bits, and a prefetch of the wrong line is harmless.
	 */
	if (memo) {
		slot = &memo->slot[region % WALK_PREFETCH_MEMO_SLOTS];
		if (slot->epoch == memo->epoch && slot->root == start && slot->region == region) {
			__builtin_prefetch(slot->leaf_table + leaf_index * pte_size);
			return;
		}
	}
	const struct pt_mem_direct d = walk_direct_of(w->mem, page_shift);
	for (unsigned level = pc->nr_levels; level >= 1; level--) {
		uint64_t index = (va >> (page_shift + (level - 1) * index_bits)) &
				 ((geom->partial_top || geom->wide_top_bits) && level == pc->nr_levels
					  ? pc->top_entries - 1 : index_mask);
		const uint8_t *host = pt_mem_direct_pte(&d, table + index * pte_size, pte_size, page_shift);
		uint64_t pte;

		if (!host)
			return;
		if (level == 1) {
			__builtin_prefetch(host);
			if (slot)
				*slot = (struct walk_prefetch_slot){ memo->epoch, start, region, host - index * pte_size };
			return;
		}
		pte = pt_mem_load_le(host, pte_size);
		if (!hooks->is_present(pc, pte) || hooks->is_leaf(pc, w->ctl, pte, level))
			return;
		table = hooks->pte_addr(pc, w->ctl, pte, level);
	}
}

#endif
