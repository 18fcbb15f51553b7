/*
 * tree: reads a page table node by node for show and report.  Nothing here
 * knows an architecture: entries are classified by the arch hooks and
 * addressed with the paging constants, the VA of an entry is its parent's VA
 * plus index << index_shift, made canonical at the end.  Levels strictly
 * decrease on the way down, so even a garbage image cannot loop; the row cap
 * bounds what a hostile one can make us print.
 */
#include "tree.h"

#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"

uint64_t tree_addr_mask(const struct walker *w, uint64_t pte, unsigned level)
{
	uint64_t base = w->arch->pte_addr(w->pc, pte, level), mask = 0;

	/* Only the PTE's own bits: a 4-byte entry has no bit 32 to flip. */
	for (unsigned bit = 0; bit < 8 * w->pc->pte_size && bit < 64; bit++) {
		uint64_t flipped = pte ^ (1ull << bit);
		/* Only bits that keep the entry what it is (present, same kind) can be address bits. */
		if (!w->arch->is_present(w->pc, flipped) ||
		    w->arch->is_leaf(w->pc, flipped, level) != w->arch->is_leaf(w->pc, pte, level))
			continue;
		if (w->arch->pte_addr(w->pc, flipped, level) != base)
			mask |= 1ull << bit;
	}
	return mask;
}

static int add_row(struct tree *t, const struct tree_row *row, struct mm_error *err)
{
	if (t->nr_rows == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 64;
		struct tree_row *rows;
		if (t->nr_rows >= TREE_MAX_ROWS)
			return mm_error_set(err, MM_EINVAL, "the page table has more than %u present entries to show: "
					    "narrow it with --depth or --range", TREE_MAX_ROWS);
		if (!(rows = realloc(t->rows, cap * sizeof(*rows))))
			return mm_error_set(err, MM_ENOMEM, "out of memory");
		t->rows = rows;
		t->cap = cap;
	}
	t->rows[t->nr_rows++] = *row;
	return MM_OK;
}

/* True when `pte` at `index` continues the leaf run `r`: same bits but the address, next frame. */
static bool continues_run(const struct tree *t, const struct tree_row *r, unsigned index, uint64_t pte)
{
	const struct walker *w = t->w;
	uint64_t mask;

	if (!r->leaf || r->index + r->count != index)
		return false;
	if (!w->arch->is_leaf(w->pc, pte, r->level) && r->level != 1)
		return false;
	mask = tree_addr_mask(w, r->pte, r->level);
	if ((r->pte & ~mask) != (pte & ~mask))
		return false;
	return w->arch->pte_addr(w->pc, pte, r->level) == r->addr + (uint64_t)r->count * r->page_size;
}

static int visit(struct tree *t, const struct tree_options *opt, uint64_t table, unsigned level,
		 uint64_t va_prefix, int parent, struct mm_error *err)
{
	const struct walker *w = t->w;
	const struct paging_consts *pc = w->pc;
	uint64_t size = pc_page_size(pc, level);
	int last_leaf = -1;
	int rc;

	for (unsigned i = 0; i < pc->nr_entries; i++) {
		uint64_t pte, addr = table + (uint64_t)i * pc->pte_size;
		uint64_t raw_va = va_prefix | ((uint64_t)i << pc_index_shift(pc, level));
		uint64_t va = pc_va_canonicalize(pc, raw_va);

		/* The caller decides: the root must be readable, a bad pointer below is only marked. */
		if (pt_mem_read(w->mem, addr, pc->pte_size, &pte) != MM_OK)
			return MM_EBUS;
		if (!w->arch->is_present(w->pc, pte)) {
			last_leaf = -1;
			continue;
		}
		if (va > opt->to || va + (size - 1) < opt->from) {
			last_leaf = -1;
			continue;
		}
		bool leaf = level == 1 || w->arch->is_leaf(w->pc, pte, level);
		if (leaf && last_leaf >= 0 && continues_run(t, &t->rows[last_leaf], i, pte)) {
			t->rows[last_leaf].count++;
			t->rows[last_leaf].va_last = va + (size - 1);
			continue;
		}
		/* Everything present at level 1 is drawn as a leaf (a RISC-V pointer there faults no-leaf). */
		bool pointer = !leaf;
		struct tree_row row = {
			.level = level, .table = table, .index = i, .count = 1, .pte = pte, .va = va,
			.va_last = va + (size - 1), .addr = w->arch->pte_addr(pc, pte, level), .page_size = size,
			.leaf = leaf, .parent = parent,
			.expanded = pointer && pc->nr_levels - level + 1 < opt->depth,
		};
		if ((rc = add_row(t, &row, err)))
			return rc;
		int self = (int)t->nr_rows - 1;
		last_leaf = leaf ? self : -1;
		if (row.expanded && (rc = visit(t, opt, row.addr, level - 1, raw_va, self, err))) {
			if (rc != MM_EBUS)
				return rc;
			t->rows[self].unreadable = true;
		}
	}
	return MM_OK;
}

int tree_build(struct tree *t, const struct walker *w, uint64_t root, const struct tree_options *opt,
	       struct mm_error *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->w = w;
	t->root = root;
	if ((rc = visit(t, opt, root, w->pc->nr_levels, 0, -1, err)) == MM_EBUS)
		rc = mm_error_set(err, MM_EINVAL, "cannot read the root table at 0x%llx: outside physical memory",
				  (unsigned long long)root);
	if (rc)
		tree_free(t);
	return rc;
}

void tree_free(struct tree *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nr_rows = t->cap = 0;
}

void tree_mark_walk(struct tree *t, const struct walk_result *res, unsigned walk_bit)
{
	for (unsigned s = 0; s < res->nr_steps; s++) {
		const struct walk_step *st = &res->steps[s];
		for (unsigned i = 0; i < t->nr_rows; i++) {
			struct tree_row *r = &t->rows[i];
			if (r->level == st->level && r->table == st->table && st->index >= r->index &&
			    st->index < r->index + r->count)
				r->walks |= 1u << walk_bit;
		}
	}
}
