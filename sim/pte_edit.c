/* pte_edit: poke, set-pte, pte and map size= (see pte_edit.h). */
#include "pte_edit.h"

#include <inttypes.h>
#include <stdio.h>

#include "pt/pt_arch.h"
#include "pt/pte_fields.h"
#include "sim/size_name.h"

static int poke(struct machine *m, const struct trace_event *ev, struct mm_error *err)
{
	const unsigned size = ev->size ? ev->size : m->cfg.pc.pte_size;
	const uint64_t pa = ev->pa, end = m->cfg.mem_base + m->cfg.mem_size;

	if (!m->pm)
		return mm_error_set(err, MM_EINVAL, "poke: an image's memory is read-only");
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return mm_error_set(err, MM_EINVAL, "poke: bad size %u (expected 1, 2, 4 or 8 bytes)", size);
	if (pa & (size - 1))
		return mm_error_set(err, MM_EUNALIGNED, "poke: PA 0x%" PRIx64 " is not aligned to %u bytes", pa, size);
	if (pa < m->cfg.mem_base || pa >= end || end - pa < size)
		return mm_error_set(err, MM_ERANGE, "poke: PA 0x%" PRIx64 " is outside memory [0x%" PRIx64 ", 0x%" PRIx64 ")",
				    pa, m->cfg.mem_base, end);
	if (size < 8 && ev->len >> (8 * size))
		return mm_error_set(err, MM_EINVAL, "poke: value 0x%" PRIx64 " does not fit in %u byte%s", ev->len, size,
				    size == 1 ? "" : "s");
	if (pt_mem_write(&m->mem, pa, size, ev->len) != MM_OK)
		return mm_error_set(err, MM_EBUS, "poke: PA 0x%" PRIx64 " cannot be written", pa);
	m->mem.hand_written = true;
	return MM_OK;
}

/* set-pte and pte: the entry the walk of ev->va reads at level ev->n, replaced or edited. */
static int edit_entry(struct machine *m, struct page_table *user, const struct trace_event *ev, struct mm_error *err)
{
	const struct paging_consts *pc = &m->cfg.pc;
	const char *cmd = ev->op == TRACE_SET_PTE ? "set-pte" : "pte";
	const unsigned level = ev->n;
	struct page_table *pt;
	uint64_t slot = 0, pte = 0;
	unsigned stop = 0;
	char size[32];
	int rc;

	if (!m->pm)
		return mm_error_set(err, MM_EINVAL, "%s: an image's page tables are read-only", cmd);
	if (level < 1 || level > pc->nr_levels)
		return mm_error_set(err, MM_ERANGE, "%s: level %u is out of range (%s has levels 1, the leaf, to %u, the root)",
				    cmd, level, m->cfg.name, pc->nr_levels);
	if ((rc = machine_route(m, user, ev->va, &pt, err))) {
		mm_error_prefix(err, "%s", cmd);
		return rc;
	}
	switch (pt_entry_slot(pt, ev->va, level, &slot, &pte, &stop)) {
	case PT_SLOT_FOUND:
		break;
	case PT_SLOT_NOT_PRESENT:
		return mm_error_set(err, MM_EINVAL,
				    "%s 0x%" PRIx64 " %u: the walk of 0x%" PRIx64 " stops at level %u (entry not present), "
				    "there is no level-%u table to write", cmd, ev->va, level, ev->va, stop, level);
	case PT_SLOT_LEAF:
		/* x86 PS in a PML4E: the entry reads as a leaf, but no page of that size exists. */
		if (stop > pt_arch_leaf_top(m->cfg.arch, pc))
			return mm_error_set(err, MM_EINVAL,
					    "%s 0x%" PRIx64 " %u: the walk of 0x%" PRIx64 " stops at level %u (a leaf where "
					    "%s maps no pages), there is no level-%u table to write", cmd, ev->va, level,
					    ev->va, stop, m->cfg.name, level);
		size_name(pc_page_size(pc, stop), size, sizeof(size));
		return mm_error_set(err, MM_EINVAL,
				    "%s 0x%" PRIx64 " %u: the walk of 0x%" PRIx64 " stops at level %u (a %s page), "
				    "there is no level-%u table to write", cmd, ev->va, level, ev->va, stop, size, level);
	case PT_SLOT_OUTSIDE:
		return mm_error_set(err, MM_EINVAL,
				    "%s 0x%" PRIx64 " %u: the walk of 0x%" PRIx64 " stops at level %u (it points outside memory, "
				    "at 0x%" PRIx64 "), there is no level-%u table to write", cmd, ev->va, level, ev->va, stop,
				    slot, level);
	case PT_SLOT_NON_CANONICAL:
		return mm_error_set(err, MM_ERANGE, "%s: VA 0x%" PRIx64 " is not canonical", cmd, ev->va);
	}
	if (ev->op == TRACE_SET_PTE) {
		if (pc->pte_size < 8 && ev->len >> (8 * pc->pte_size))
			return mm_error_set(err, MM_EINVAL, "set-pte: value 0x%" PRIx64 " does not fit in a %u-byte entry",
					    ev->len, pc->pte_size);
		pte = ev->len;
	} else if ((rc = pte_field_set(m->cfg.arch, pc, level, &pte, ev->pa, ev->len, err))) {
		mm_error_prefix(err, "pte");
		return rc;
	} else if (pc->pte_size < 8 && pte >> (8 * pc->pte_size)) {
		return mm_error_set(err, MM_EINVAL, "pte: the entry 0x%" PRIx64 " does not fit in %u bytes", pte,
				    pc->pte_size);
	}
	if (pt_mem_write(&m->mem, slot, pc->pte_size, pte) != MM_OK)
		return mm_error_set(err, MM_EBUS, "%s: the entry at 0x%" PRIx64 " cannot be written", cmd, slot);
	m->mem.hand_written = true;
	return MM_OK;
}

int pte_edit(struct machine *m, struct page_table *user, const struct trace_event *ev, struct mm_error *err)
{
	return ev->op == TRACE_POKE ? poke(m, ev, err) : edit_entry(m, user, ev, err);
}

int pte_edit_map(struct machine *m, struct page_table *pt, const struct trace_event *ev, struct mm_error *err)
{
	const struct paging_consts *pc = &m->cfg.pc;
	const uint64_t size = ev->size < 64 ? 1ull << ev->size : 0;
	char text[32], sizes[128];
	size_t n = 0;

	sizes[0] = '\0';
	for (unsigned level = 1; level <= pc->highest_translation_level; level++) {
		size_name(pc_page_size(pc, level), text, sizeof(text));
		n += (size_t)snprintf(sizes + n, n < sizeof(sizes) ? sizeof(sizes) - n : 0, "%s%s", level > 1 ? ", " : "", text);
		if (pc_page_size(pc, level) == size) {
			if ((ev->va | ev->pa | ev->len) & (size - 1))
				return mm_error_set(err, MM_EUNALIGNED,
						    "map size=%s: VA 0x%" PRIx64 ", PA 0x%" PRIx64 " and length 0x%" PRIx64
						    " must be multiples of the page size", text, ev->va, ev->pa, ev->len);
			return pt_map_sized(pt, ev->va, ev->pa, ev->len, &ev->prop, size, err);
		}
	}
	size_name(size, text, sizeof(text));
	return mm_error_set(err, MM_EINVAL, "map size=%s: not a page size of %s (%s)", text, m->cfg.name, sizes);
}
