/*
 * tree: reads a page table node by node for show and report.  Nothing here
 * knows an architecture: entries are classified by the API's PTE helpers and
 * addressed with the config's layout, the VA of an entry is its parent's VA
 * plus index << index_shift, made canonical at the end.  Levels strictly
 * decrease on the way down, so even a garbage image cannot loop; the row cap
 * bounds what a hostile one can make us print.
 */
#include "tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_va.h"
#include "cli_errors.h"
#include "root_halves.h"

static int add_row(struct tree *t, const struct tree_row *row, mmusim_error *err)
{
	if (t->nr_rows == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 64;
		struct tree_row *rows;
		if (t->nr_rows >= TREE_MAX_ROWS)
			return cli_set_error(err, MMUSIM_EINVAL, "the page table has more than %u present entries to show: "
					    "narrow it with --depth or --range", TREE_MAX_ROWS);
		if (!(rows = realloc(t->rows, cap * sizeof(*rows))))
			return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
		t->rows = rows;
		t->cap = cap;
	}
	t->rows[t->nr_rows++] = *row;
	return MMUSIM_OK;
}

/*
 * The frame a leaf maps at va: its address without the bits below the page
 * size, which the VA supplies (an AArch64 block's OA bits below its size are
 * RES0, and the walk ignores them; a RISC-V NAPOT entry names its 64 KiB page).
 */
static uint64_t leaf_frame(const mmusim_config *cfg, uint64_t pte, unsigned level, uint64_t va)
{
	return mmusim_pte_leaf_frame(cfg, pte, level, va);
}

/* True when `pte` at `index` continues the leaf run `r`: same bits but the address, next frame. */
static bool continues_run(const struct tree *t, const struct tree_row *r, unsigned index, uint64_t pte)
{
	uint64_t mask;

	if (!r->leaf || r->index + r->count != index)
		return false;
	if (!mmusim_pte_leaf(t->cfg, pte, r->level) && r->level != 1)
		return false;
	mask = mmusim_pte_address_mask(t->cfg, r->pte, r->level);
	if ((r->pte & ~mask) != (pte & ~mask))
		return false;
	return leaf_frame(t->cfg, pte, r->level, r->va + (uint64_t)r->count * r->page_size) ==
	       r->addr + (uint64_t)r->count * r->page_size;
}

unsigned tree_node_entries(const mmusim_config *cfg, bool upper, unsigned level)
{
	return level == mmusim_config_half_levels(cfg, upper) ? mmusim_config_half_top_entries(cfg, upper)
							       : mmusim_config_entries_per_node(cfg);
}

unsigned tree_root_levels(const struct tree *t, unsigned half)
{
	return mmusim_config_half_levels(t->cfg, t->roots[half].upper);
}

static int visit(struct tree *t, const struct tree_options *opt, uint64_t table, unsigned level,
		 uint64_t va_prefix, int parent, unsigned half, mmusim_error *err)
{
	const mmusim_config *cfg = t->cfg;
	bool upper = t->roots[half].upper;
	unsigned shift = mmusim_config_index_shift(cfg, level), pte_size = mmusim_config_pte_size(cfg);
	unsigned entries = tree_node_entries(cfg, upper, level), levels = tree_root_levels(t, half);
	uint64_t size = 1ull << shift;
	int last_leaf = -1;
	int rc;

	for (unsigned i = 0; i < entries; i++) {
		uint64_t pte, addr = table + (uint64_t)i * pte_size;
		uint64_t raw_va = va_prefix | ((uint64_t)i << shift);
		uint64_t va = canonical_va_in_half(cfg, raw_va, upper);

		/* The caller decides: the root must be readable, a bad pointer below is only marked. */
		if (t->read(t->ctx, addr, pte_size, &pte) != MMUSIM_OK)
			return MMUSIM_EBUS;
		if (!mmusim_pte_present(cfg, pte)) {
			last_leaf = -1;
			continue;
		}
		if (va > opt->to || va + (size - 1) < opt->from) {
			last_leaf = -1;
			continue;
		}
		bool leaf = level == 1 || mmusim_pte_leaf(cfg, pte, level);
		if (leaf && last_leaf >= 0 && continues_run(t, &t->rows[last_leaf], i, pte)) {
			t->rows[last_leaf].count++;
			t->rows[last_leaf].va_last = va + (size - 1);
			continue;
		}
		/* Everything present at level 1 is drawn as a leaf (a RISC-V pointer there faults no-leaf). */
		bool pointer = !leaf;
		struct tree_row row = {
			.level = level, .table = table, .index = i, .count = 1, .pte = pte, .va = va,
			.va_last = va + (size - 1),
			.addr = leaf ? leaf_frame(cfg, pte, level, va) : mmusim_pte_address(cfg, pte, level), .page_size = size,
			.leaf = leaf, .parent = parent, .half = half,
			.expanded = pointer && levels - level + 1 < opt->depth,
		};
		if ((rc = add_row(t, &row, err)))
			return rc;
		int self = (int)t->nr_rows - 1;
		last_leaf = leaf ? self : -1;
		if (row.expanded && (rc = visit(t, opt, row.addr, level - 1, raw_va, self, half, err))) {
			if (rc != MMUSIM_EBUS)
				return rc;
			t->rows[self].unreadable = true;
		}
	}
	return MMUSIM_OK;
}

int tree_build(struct tree *t, const mmusim_config *cfg, tree_read_fn *read, void *ctx, uint64_t root,
	       uint64_t upper_root, const struct tree_options *opt, mmusim_error *err)
{
	int rc = MMUSIM_OK;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->read = read;
	t->ctx = ctx;
	t->roots[t->nr_roots++] = (struct tree_root){ .table = root };
	if (mmusim_config_split_roots(cfg) && upper_root)
		t->roots[t->nr_roots++] = (struct tree_root){ .table = upper_root, .upper = true };
	for (unsigned h = 0; h < t->nr_roots && !rc; h++)
		if ((rc = visit(t, opt, t->roots[h].table, tree_root_levels(t, h), 0, -1, h, err)) == MMUSIM_EBUS)
			rc = cli_set_error(err, MMUSIM_EINVAL, "cannot read the root table at 0x%llx: outside physical memory",
					   (unsigned long long)t->roots[h].table);
	if (rc)
		tree_free(t);
	return rc;
}

const char *tree_root_label(const struct tree *t, unsigned half)
{
	return mmusim_config_split_roots(t->cfg) ? root_half_label(t->roots[half].upper) : NULL;
}

void tree_free(struct tree *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nr_rows = t->cap = 0;
}

static int read_machine(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
	return mmusim_mem_read(ctx, pa, size, val);
}

/*
 * The walk of req through this table alone: in a virtual machine the guest's
 * stage (a stage-2 fault is the host table's, not this tree's: no fault).
 */
static void walk_this_table(mmusim_machine *m, const mmusim_request *req, mmusim_translation *res)
{
	mmusim_nested_translation nested;

	if (!mmusim_machine_is_vm(m)) {
		mmusim_translate(m, req, res);
		return;
	}
	mmusim_translate_nested(m, req, &nested);
	*res = nested.guest;
	if (nested.fault_stage != MMUSIM_STAGE_GUEST)
		res->ok = true;
}

/*
 * An inspecting walk of va that gets past the permissions if any privilege and
 * access can: RISC-V and the toy format check a leaf's permissions before its
 * alignment (priv. spec, steps 5 and 6), so a supervisor read refused by U=1
 * has not yet found the superpage misaligned.  The first answer that is not a
 * permission fault stands (the structural faults do not depend on the access);
 * a leaf no access gets past stays a permission fault, a mapping.
 */
static void inspect_walk(mmusim_machine *m, uint64_t va, mmusim_translation *res)
{
	static const mmusim_request tries[] = {
		{ .access = MMUSIM_READ, .priv = MMUSIM_SUPERVISOR }, { .access = MMUSIM_READ, .priv = MMUSIM_USER },
		{ .access = MMUSIM_EXEC, .priv = MMUSIM_SUPERVISOR }, { .access = MMUSIM_EXEC, .priv = MMUSIM_USER },
		{ .access = MMUSIM_WRITE, .priv = MMUSIM_SUPERVISOR }, { .access = MMUSIM_WRITE, .priv = MMUSIM_USER },
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		mmusim_request req = tries[i];

		req.va = va;
		req.no_ad_update = true;
		walk_this_table(m, &req, res);
		if (res->ok || res->fault_kind != MMUSIM_FAULT_PERMISSION)
			return;
	}
}

/*
 * Marks the leaves whose VA the hardware does not translate, and the pointers it
 * refuses to follow (reserved bits in the entry itself): an inspecting supervisor
 * read of each.  A pointer is marked only by a fault at its own level: one further
 * down belongs to the entries below.
 */
static void mark_refused_entries(struct tree *t, mmusim_machine *m)
{
	for (unsigned i = 0; i < t->nr_rows; i++) {
		struct tree_row *r = &t->rows[i];
		mmusim_translation res;

		inspect_walk(m, r->va, &res);
		if (res.ok || res.fault_kind == MMUSIM_FAULT_PERMISSION || res.fault_kind == MMUSIM_FAULT_ACCESSED_DIRTY)
			continue;
		if (!r->leaf && (res.fault_level != r->level || res.fault_kind == MMUSIM_FAULT_BUS_ERROR))
			continue;
		r->fault_kind = res.fault_kind;
		r->fault_level = res.fault_level;
	}
}

void tree_pointer_note(const struct tree_row *r, char *buf, size_t len)
{
	if (r->fault_kind)
		snprintf(buf, len, "not followed: the walk faults %s at level %u", mmusim_fault_kind_name(r->fault_kind),
			 r->fault_level);
	else
		snprintf(buf, len, "%s", r->unreadable ? "outside physical memory" : r->expanded ? "" : "not expanded");
}

int tree_build_machine(struct tree *t, mmusim_machine *m, const struct tree_options *opt, mmusim_error *err)
{
	int rc = tree_build(t, mmusim_machine_config(m), read_machine, m, mmusim_root(m), mmusim_upper_root(m), opt, err);

	if (!rc) {
		t->asid = mmusim_current_asid(m);
		mark_refused_entries(t, m);
	}
	return rc;
}

void tree_mark_walk(struct tree *t, const mmusim_translation *res, unsigned walk_bit)
{
	for (unsigned s = 0; s < res->nr_steps; s++) {
		const mmusim_walk_step *st = &res->steps[s];
		for (unsigned i = 0; i < t->nr_rows; i++) {
			struct tree_row *r = &t->rows[i];
			if (r->level == st->level && r->table == st->table && st->index >= r->index &&
			    st->index < r->index + r->count)
				r->walks |= 1u << walk_bit;
		}
	}
}

uint64_t tree_root_register_value(const struct tree *t, unsigned half)
{
	return mmusim_config_root_register_value(t->cfg, t->roots[half].table, t->roots[half].upper ? 0 : t->asid);
}
