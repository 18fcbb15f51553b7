/*
 * page_table: map / unmap / protect / query over nodes in physical memory.
 *
 * All three edits share one recursion, range_node(): it visits the entries
 * of one node that a VA range [first, last] touches.  An entry the range
 * covers whole is rewritten in place (a leaf, or nothing); an entry it covers
 * in part is descended into, after creating the node below (map) or splitting
 * a huge leaf into the next level's leaves (any edit).  Ranges are inclusive
 * ([first, last]) so the last page of a 64-bit space does not overflow.
 *
 * Before writing, the same recursion runs in counting mode over the current
 * tree, with nodes that would be created treated as virtual (empty, or full
 * of the split leaf's pages), to learn how many nodes the edit needs; if
 * memory cannot supply them the call fails with nothing written.
 */
#include "page_table.h"

#include <stdlib.h>
#include <string.h>

#include "contiguous_runs.h"
#include "pt_arch.h"

struct page_table {
	struct pt_env env;
	struct pt_kind_config kind;
	uint64_t root;
	uint64_t nr_nodes;
	struct page_table *kernel;     /* the table whose top-level entries we share */
	struct page_table **sharers;   /* tables sharing ours (kernel side) */
	size_t nr_sharers, cap_sharers;
	bool attached;                 /* a view of nodes someone else owns */
};

/* OP_PRUNE: free the empty tables below the range, touching no entry that maps (pt_prune). */
enum op_kind { OP_MAP, OP_UNMAP, OP_PROTECT, OP_PRUNE };

struct range_op {
	enum op_kind kind;
	uint64_t va0, pa0;             /* map: pa = pa0 + (va - va0) */
	const struct page_prop *prop;
	unsigned max_level;            /* map: the highest level a leaf may take (0: highest_translation_level) */
	bool counting;                 /* dry run: count nodes, write nothing */
	bool keep_tables;              /* unmap: leave the tables it empties (pt_unmap_keep_tables) */
	uint64_t floor, ceiling;       /* prune: only tables whose whole span lies in [floor, ceiling] */
	uint64_t nodes_needed;
	struct mm_error *err;
};

/* What a node the counting pass has not created yet would contain. */
enum virt_node { VIRT_NONE, VIRT_EMPTY, VIRT_LEAVES };

static const struct paging_consts *PC(const struct page_table *pt)
{
	return pt->env.pc;
}

static uint64_t read_pte(const struct page_table *pt, uint64_t addr)
{
	uint64_t v = 0;
	/* Node frames always lie in memory; a failed read can only mean a corrupt table. */
	if (pt_mem_read(pt->env.mem, addr, PC(pt)->pte_size, &v) != MM_OK)
		return 0;
	return v;
}

static void write_pte(const struct page_table *pt, uint64_t addr, uint64_t v)
{
	pt_mem_write(pt->env.mem, addr, PC(pt)->pte_size, v);
}

static uint64_t slot_addr(const struct page_table *pt, uint64_t node, uint64_t va, unsigned level)
{
	return node + (uint64_t)pc_index(PC(pt), va, level) * PC(pt)->pte_size;
}

static int alloc_node(struct page_table *pt, uint64_t *pa, struct mm_error *err)
{
	int rc = pt->env.mem->ops->alloc_node(pt->env.mem->impl, pa, err);
	if (rc == MM_OK)
		pt->nr_nodes++;
	return rc;
}

static void free_node(struct page_table *pt, uint64_t pa)
{
	pt->env.mem->ops->free_node(pt->env.mem->impl, pa);
	pt->nr_nodes--;
}

/*
 * The root: one node, or for a wide top (RISC-V Sv39x4) its frames in one
 * aligned run.  nr_nodes counts node frames, so such a root counts as many.
 */
static int alloc_root(struct page_table *pt, struct mm_error *err)
{
	const struct pt_mem *mem = pt->env.mem;
	unsigned frames = pc_root_frames(PC(pt));
	int rc;

	if (frames == 1)
		return alloc_node(pt, &pt->root, err);
	if (!mem->ops->alloc_node_run)
		return mm_error_set(err, MM_ENOMEM, "this memory cannot allocate a root of %u frames", frames);
	rc = mem->ops->alloc_node_run(mem->impl, frames, &pt->root, err);
	if (rc == MM_OK)
		pt->nr_nodes += frames;
	return rc;
}

static void free_root(struct page_table *pt)
{
	for (unsigned i = 0; i < pc_root_frames(PC(pt)); i++)
		free_node(pt, pt->root + ((uint64_t)i << PC(pt)->page_shift));
}

/* Frees the node at `node` (of `level`) and every node below it. */
static void free_subtree(struct page_table *pt, uint64_t node, unsigned level)
{
	const struct pt_arch *arch = pt->env.arch;

	if (level > 1) {
		for (unsigned i = 0; i < PC(pt)->nr_entries; i++) {
			uint64_t pte = read_pte(pt, node + (uint64_t)i * PC(pt)->pte_size);
			if (arch->hooks->is_present(PC(pt), pte) && !arch->hooks->is_leaf(PC(pt), pt->env.ctl, pte, level))
				free_subtree(pt, arch->hooks->pte_addr(PC(pt), pt->env.ctl, pte, level), level - 1);
		}
	}
	free_node(pt, node);
}

static bool node_empty(const struct page_table *pt, uint64_t node)
{
	for (unsigned i = 0; i < PC(pt)->nr_entries; i++)
		if (pt->env.arch->hooks->is_present(PC(pt), read_pte(pt, node + (uint64_t)i * PC(pt)->pte_size)))
			return false;
	return true;
}

/* Writes a top-level entry, and into every table sharing ours when it is in our range. */
static void write_top(struct page_table *pt, uint64_t slot, uint64_t pte)
{
	write_pte(pt, slot, pte);
	for (size_t i = 0; i < pt->nr_sharers; i++)
		write_pte(pt, pt->sharers[i]->root + (slot - pt->root), pte);
}

static void write_entry(struct page_table *pt, uint64_t slot, unsigned level, uint64_t pte)
{
	if (level == PC(pt)->nr_levels)
		write_top(pt, slot, pte);
	else
		write_pte(pt, slot, pte);
}

/* A new node holding the leaf `pte` (at `level`) cut into next-level pages. */
static int split_leaf(struct page_table *pt, uint64_t pte, unsigned level, uint64_t *child,
		      struct mm_error *err)
{
	const struct pt_arch *arch = pt->env.arch;
	struct page_prop prop;
	uint64_t pa = arch->hooks->pte_addr(PC(pt), pt->env.ctl, pte, level);
	uint64_t sub = pc_page_size(PC(pt), level - 1);
	int rc = alloc_node(pt, child, err);

	if (rc)
		return rc;
	arch->leaf_prop(PC(pt), pte, level, &prop);
	for (unsigned i = 0; i < PC(pt)->nr_entries; i++)
		write_pte(pt, *child + (uint64_t)i * PC(pt)->pte_size,
			  arch->make_leaf(PC(pt), pa + i * sub, &prop, level - 1));
	return MM_OK;
}

/* The leaf an edit writes for the page at `va` of `level`, given the old leaf (or 0). */
static uint64_t new_leaf(const struct page_table *pt, const struct range_op *op, uint64_t va,
			 unsigned level, uint64_t old)
{
	const struct pt_arch *arch = pt->env.arch;
	struct page_prop prop = *op->prop;

	if (op->kind == OP_MAP)
		return arch->make_leaf(PC(pt), op->pa0 + (va - op->va0), &prop, level);
	/* protect keeps the frame, and the A/D bits the hardware already set */
	struct page_prop was;
	arch->leaf_prop(PC(pt), old, level, &was);
	prop.flags |= was.flags & (PROP_A | PROP_D);
	return arch->make_leaf(PC(pt), pt_arch_leaf_frame(arch, PC(pt), pt->env.ctl, old, level, va), &prop, level);
}

static int range_node(struct page_table *pt, struct range_op *op, uint64_t node,
		      enum virt_node virt, unsigned level, uint64_t first, uint64_t last);

/* Handles the part [s, e] of one entry (whose whole span is [base, base+size-1]). */
static int range_entry(struct page_table *pt, struct range_op *op, uint64_t node,
		       enum virt_node virt, unsigned level, uint64_t s, uint64_t e)
{
	const struct pt_arch *arch = pt->env.arch;
	const struct walk_hooks *hooks = arch->hooks;
	const struct paging_consts *pc = PC(pt);
	uint64_t size = pc_page_size(pc, level);
	uint64_t base = s & ~(size - 1);
	bool full = s == base && e == base + (size - 1);
	bool top_fixed = level == pc->nr_levels && !pt->kind.top_can_unmap;
	uint64_t slot = virt == VIRT_NONE ? slot_addr(pt, node, s, level) : 0;
	uint64_t pte = virt == VIRT_NONE ? read_pte(pt, slot) : 0;
	bool present = virt == VIRT_LEAVES || hooks->is_present(PC(pt), pte);
	bool leaf = virt == VIRT_LEAVES || (present && hooks->is_leaf(PC(pt), pt->env.ctl, pte, level));
	uint64_t child = 0;
	enum virt_node child_virt = VIRT_NONE;
	int rc;

	if (op->kind != OP_MAP && !present)
		return MM_OK;
	if (op->kind == OP_PRUNE && leaf)
		return MM_OK;
	if (full) {
		bool rewrite_here;
		switch (op->kind) {
		case OP_MAP:
			rewrite_here = level <= (op->max_level ? op->max_level : pc->highest_translation_level) &&
				       ((op->pa0 + (s - op->va0)) & (size - 1)) == 0;
			break;
		case OP_PROTECT:
			rewrite_here = leaf;
			break;
		case OP_PRUNE:
			rewrite_here = false;
			break;
		default: /* OP_UNMAP: clear it, unless the kernel must keep this top-level node */
			rewrite_here = leaf || !top_fixed;
			break;
		}
		if (rewrite_here) {
			if (op->counting)
				return MM_OK;
			if (present && !leaf)
				free_subtree(pt, hooks->pte_addr(pc, pt->env.ctl, pte, level), level - 1);
			write_entry(pt, slot, level,
				    op->kind == OP_UNMAP ? 0 : new_leaf(pt, op, s, level, pte));
			return MM_OK;
		}
	}
	/* Descend: find, create or split the node below. */
	if (!present) {
		if (op->counting) {
			op->nodes_needed++;
			child_virt = VIRT_EMPTY;
		} else {
			if ((rc = alloc_node(pt, &child, op->err)))
				return rc;
			write_entry(pt, slot, level, arch->make_table(pc, child));
		}
	} else if (leaf) {
		if (op->counting) {
			op->nodes_needed++;
			child_virt = VIRT_LEAVES;
		} else {
			if ((rc = split_leaf(pt, pte, level, &child, op->err)))
				return rc;
			write_entry(pt, slot, level, arch->make_table(pc, child));
		}
	} else {
		child = hooks->pte_addr(pc, pt->env.ctl, pte, level);
	}
	rc = range_node(pt, op, child, child_virt, level - 1, s, e);
	if (rc || op->counting)
		return rc;
	if (((op->kind == OP_UNMAP && !op->keep_tables) ||
	     (op->kind == OP_PRUNE && base >= op->floor && base + (size - 1) <= op->ceiling)) &&
	    !top_fixed && node_empty(pt, child)) {
		write_entry(pt, slot, level, 0);
		free_node(pt, child);
	}
	return MM_OK;
}

static int range_node(struct page_table *pt, struct range_op *op, uint64_t node,
		      enum virt_node virt, unsigned level, uint64_t first, uint64_t last)
{
	uint64_t size = pc_page_size(PC(pt), level);

	for (uint64_t s = first;;) {
		uint64_t entry_last = (s & ~(size - 1)) + (size - 1);
		uint64_t e = entry_last < last ? entry_last : last;
		uint64_t before = op->nodes_needed;
		int rc = range_entry(pt, op, node, virt, level, s, e);
		if (rc)
			return rc;
		if (e == last)
			return MM_OK;
		/*
		 * Counting under a node not made yet (empty, or a leaf to split), the
		 * full entries are all alike: the same PA alignment, nothing below
		 * them.  So the first one's count stands for the run, and a range of
		 * 2^35 pages is counted (and refused) in a few hundred steps, not
		 * one step per page.
		 */
		if (op->counting && virt != VIRT_NONE && s == e - (size - 1) && last - e >= size) {
			uint64_t run_last = (last & (size - 1)) == size - 1 ? last : (last & ~(size - 1)) - 1;
			op->nodes_needed += (op->nodes_needed - before) * ((run_last - e) / size);
			if (run_last == last)
				return MM_OK;
			e = run_last;
		}
		s = e + 1;
	}
}

static int check_range(const struct page_table *pt, uint64_t va, uint64_t len, uint64_t *last,
		       struct mm_error *err)
{
	const struct paging_consts *pc = PC(pt);
	uint64_t align = pc->base_page_size - 1;

	/* Written on every path: at -O3 GCC cannot see that callers read it only after MM_OK. */
	*last = va;
	if (len == 0)
		return mm_error_set(err, MM_EINVAL, "length is zero");
	if (va & align)
		return mm_error_set(err, MM_EUNALIGNED, "VA 0x%llx is not aligned to the %llu-byte page",
				    (unsigned long long)va, (unsigned long long)pc->base_page_size);
	if (len & align)
		return mm_error_set(err, MM_EUNALIGNED,
				    "length 0x%llx is not a multiple of the %llu-byte page",
				    (unsigned long long)len, (unsigned long long)pc->base_page_size);
	if (pt_arch_check_va_fits(pt->env.arch, va, err))
		return MM_ERANGE;
	if (!pc_va_canonical(pc, va))
		return mm_error_set(err, MM_ERANGE, "VA 0x%llx is not canonical for %u-bit addresses",
				    (unsigned long long)va, pc->address_width);
	*last = va + (len - 1);
	if (*last < va || !pc_va_canonical(pc, *last) || pc_index(pc, va, pc->nr_levels) >
	    pc_index(pc, *last, pc->nr_levels))
		return mm_error_set(err, MM_EOVERFLOW,
				    "VA range 0x%llx + 0x%llx leaves the %u-bit address space",
				    (unsigned long long)va, (unsigned long long)len, pc->address_width);
	if (!pt_owns_va(pt, va) || !pt_owns_va(pt, *last))
		return mm_error_set(err, MM_ERANGE,
				    "VA range [0x%llx, 0x%llx] is outside this table's top-level index range [%u, %u)",
				    (unsigned long long)va, (unsigned long long)*last,
				    pt->kind.top_start, pt->kind.top_end);
	return MM_OK;
}

/* map_base_page's answer when the page needs the general path. */
#define MAP_DECLINED (-1) /* no mm_status has this value */

/*
 * map of one base page, the commonest edit (every demand-paged or OS-layer
 * fault makes one): range_entry's path for it as one loop, tables created on
 * the way down.  A large leaf on the way needs splitting: MAP_DECLINED, before
 * anything was written (a node this loop creates is empty below), and the
 * general path runs instead.
 */
static int map_base_page(struct page_table *pt, const struct range_op *op, uint64_t va)
{
	const struct pt_arch *arch = pt->env.arch;
	const struct walk_hooks *hooks = arch->hooks;
	const struct paging_consts *pc = PC(pt);
	uint64_t node = pt->root;
	int rc;

	for (unsigned level = pc->nr_levels; level > 1; level--) {
		const uint64_t slot = slot_addr(pt, node, va, level), pte = read_pte(pt, slot);
		if (!hooks->is_present(pc, pte)) {
			if ((rc = alloc_node(pt, &node, op->err)))
				return rc;
			write_entry(pt, slot, level, arch->make_table(pc, node));
		} else if (hooks->is_leaf(pc, pt->env.ctl, pte, level)) {
			return MAP_DECLINED;
		} else {
			node = hooks->pte_addr(pc, pt->env.ctl, pte, level);
		}
	}
	write_entry(pt, slot_addr(pt, node, va, 1), 1, new_leaf(pt, op, va, 1, 0));
	return MM_OK;
}

static int run_op(struct page_table *pt, struct range_op *op, uint64_t first, uint64_t last)
{
	const struct pt_mem *mem = pt->env.mem;
	const uint64_t avail = mem->ops->nodes_available ? mem->ops->nodes_available(mem->impl) : UINT64_MAX;
	const uint64_t backable = mem->ops->nodes_backable ? mem->ops->nodes_backable(mem->impl) : UINT64_MAX;
	int rc;

	/*
	 * One base page (a demand map, an eviction) needs at most one new node
	 * per level below the root, creating or splitting: with that many free,
	 * the counting pass could not refuse, and it costs as much as the edit.
	 */
	if (last - first < PC(pt)->base_page_size && avail >= PC(pt)->nr_levels - 1 &&
	    backable >= PC(pt)->nr_levels - 1) {
		op->counting = false;
		rc = op->kind == OP_MAP ? map_base_page(pt, op, first) : MAP_DECLINED;
		if (rc == MAP_DECLINED)
			rc = range_node(pt, op, pt->root, VIRT_NONE, PC(pt)->nr_levels, first, last);
		if (rc == MM_OK)
			contiguous_runs_refresh(&pt->env, pt->root, first, last);
		return rc;
	}
	op->counting = true;
	op->nodes_needed = 0;
	rc = range_node(pt, op, pt->root, VIRT_NONE, PC(pt)->nr_levels, first, last);
	if (rc)
		return rc;
	if (op->nodes_needed > avail)
		return mm_error_set(op->err, MM_ENOMEM,
				    "out of physical memory: needs %llu page-table nodes, %llu frames free",
				    (unsigned long long)op->nodes_needed, (unsigned long long)avail);
	if (op->nodes_needed > backable)
		return mm_error_set(op->err, MM_ENOMEM,
				    "out of host memory: needs %llu page-table nodes, room for %llu more "
				    "(simulated memory may use " PT_MEM_MAX_HOST_TEXT " of the host's)",
				    (unsigned long long)op->nodes_needed, (unsigned long long)backable);
	op->counting = false;
	rc = range_node(pt, op, pt->root, VIRT_NONE, PC(pt)->nr_levels, first, last);
	if (rc == MM_OK)
		contiguous_runs_refresh(&pt->env, pt->root, first, last);
	return rc;
}

static int check_prop(const struct page_table *pt, const struct page_prop *in, struct page_prop *out,
		      struct mm_error *err)
{
	*out = *in;
	return pt_arch_fit_prop(pt->env.arch, out, pt->env.ctl, err);
}

int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t len,
	   const struct page_prop *prop, struct mm_error *err)
{
	return pt_map_sized(pt, va, pa, len, prop, 0, err);
}

int pt_map_sized(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t len,
		 const struct page_prop *prop, uint64_t max_page_size, struct mm_error *err)
{
	const struct paging_consts *pc = PC(pt);
	struct page_prop fitted;
	struct range_op op = { .kind = OP_MAP, .va0 = va, .pa0 = pa, .prop = &fitted, .err = err };

	for (unsigned level = 1; max_page_size && level <= pc->highest_translation_level; level++)
		if (pc_page_size(pc, level) <= max_page_size)
			op.max_level = level;
	uint64_t last;
	int rc;

	if ((rc = check_range(pt, va, len, &last, err)))
		return rc;
	if (pa & (pc->base_page_size - 1))
		return mm_error_set(err, MM_EUNALIGNED, "PA 0x%llx is not aligned to the %llu-byte page",
				    (unsigned long long)pa, (unsigned long long)pc->base_page_size);
	if (pa + (len - 1) < pa ||
	    (pc->phys_addr_width < 64 && (pa + (len - 1)) >> pc->phys_addr_width))
		return mm_error_set(err, MM_ERANGE,
				    "PA range 0x%llx + 0x%llx exceeds the %u-bit physical address space",
				    (unsigned long long)pa, (unsigned long long)len, pc->phys_addr_width);
	if (pt->env.arch->check_map && (rc = pt->env.arch->check_map(pc, va, pa, len, err)))
		return rc;
	if ((rc = check_prop(pt, prop, &fitted, err)))
		return rc;
	return run_op(pt, &op, va, last);
}

static int unmap_range(struct page_table *pt, uint64_t va, uint64_t len, bool keep_tables, struct mm_error *err)
{
	struct range_op op = { .kind = OP_UNMAP, .keep_tables = keep_tables, .err = err };
	uint64_t last;
	int rc;

	if ((rc = check_range(pt, va, len, &last, err)))
		return rc;
	return run_op(pt, &op, va, last);
}

int pt_unmap(struct page_table *pt, uint64_t va, uint64_t len, struct mm_error *err)
{
	return unmap_range(pt, va, len, false, err);
}

int pt_unmap_keep_tables(struct page_table *pt, uint64_t va, uint64_t len, struct mm_error *err)
{
	return unmap_range(pt, va, len, true, err);
}

int pt_prune(struct page_table *pt, uint64_t va, uint64_t len, uint64_t floor, uint64_t ceiling,
	     struct mm_error *err)
{
	struct range_op op = { .kind = OP_PRUNE, .floor = floor, .ceiling = ceiling, .err = err };
	uint64_t last;
	int rc;

	if ((rc = check_range(pt, va, len, &last, err)))
		return rc;
	return run_op(pt, &op, va, last);
}

int pt_protect(struct page_table *pt, uint64_t va, uint64_t len, const struct page_prop *prop,
	       struct mm_error *err)
{
	struct page_prop fitted;
	struct range_op op = { .kind = OP_PROTECT, .prop = &fitted, .err = err };
	uint64_t last;
	int rc;

	if ((rc = check_range(pt, va, len, &last, err)))
		return rc;
	if ((rc = check_prop(pt, prop, &fitted, err)))
		return rc;
	return run_op(pt, &op, va, last);
}

bool pt_owns_va(const struct page_table *pt, uint64_t va)
{
	unsigned top;

	if (!pc_va_canonical(PC(pt), va) || pc_va_upper(PC(pt), va) != pt->kind.upper_half)
		return false;
	top = pc_index(PC(pt), va, PC(pt)->nr_levels);
	return top >= pt->kind.top_start && top < pt->kind.top_end;
}

static int table_new(const struct pt_env *env, const struct pt_kind_config *kind,
		     struct page_table **out, struct mm_error *err)
{
	struct page_table *pt;
	unsigned entries = env->pc->top_entries;
	int rc;

	if (kind->top_start >= kind->top_end || kind->top_end > entries)
		return mm_error_set(err, MM_EINVAL, "top-level index range [%u, %u) is empty or exceeds %u",
				    kind->top_start, kind->top_end, entries);
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	pt->env = *env;
	pt->kind = *kind;
	if ((rc = alloc_root(pt, err))) {
		free(pt);
		return rc;
	}
	*out = pt;
	return MM_OK;
}

int pt_create(const struct pt_env *env, const struct pt_kind_config *kind,
	      struct page_table **out, struct mm_error *err)
{
	return table_new(env, kind, out, err);
}

int pt_create_shared(const struct pt_env *env, const struct pt_kind_config *kind,
		     struct page_table *kernel, struct page_table **out, struct mm_error *err)
{
	struct page_table *pt;
	int rc;

	if (kind->top_start < kernel->kind.top_end && kernel->kind.top_start < kind->top_end)
		return mm_error_set(err, MM_EINVAL, "the user and kernel index ranges overlap");
	if (kernel->nr_sharers == kernel->cap_sharers) {
		size_t cap = kernel->cap_sharers ? kernel->cap_sharers * 2 : 4;
		struct page_table **s = realloc(kernel->sharers, cap * sizeof(*s));
		if (!s)
			return mm_error_set(err, MM_ENOMEM, "out of host memory");
		kernel->sharers = s;
		kernel->cap_sharers = cap;
	}
	if ((rc = table_new(env, kind, &pt, err)))
		return rc;
	for (unsigned i = kernel->kind.top_start; i < kernel->kind.top_end; i++) {
		uint64_t off = (uint64_t)i * env->pc->pte_size;
		write_pte(pt, pt->root + off, read_pte(kernel, kernel->root + off));
	}
	pt->kernel = kernel;
	kernel->sharers[kernel->nr_sharers++] = pt;
	*out = pt;
	return MM_OK;
}

int pt_attach(const struct pt_env *env, uint64_t root, bool upper_half, struct page_table **out,
	      struct mm_error *err)
{
	struct page_table *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	pt->env = *env;
	pt->kind = (struct pt_kind_config){ 0, env->pc->top_entries, false, upper_half };
	pt->root = root;
	pt->attached = true;
	*out = pt;
	return MM_OK;
}

void pt_destroy(struct page_table *pt)
{
	const struct pt_arch *arch;

	if (!pt)
		return;
	if (pt->attached) {
		free(pt);
		return;
	}
	arch = pt->env.arch;
	if (pt->kernel) {
		struct page_table *k = pt->kernel;
		for (size_t i = 0; i < k->nr_sharers; i++) {
			if (k->sharers[i] == pt) {
				k->sharers[i] = k->sharers[--k->nr_sharers];
				break;
			}
		}
	}
	for (size_t i = 0; i < pt->nr_sharers; i++)
		pt->sharers[i]->kernel = NULL;
	/* Only our own range: the rest of the root points into the kernel's nodes. */
	for (unsigned i = pt->kind.top_start; i < pt->kind.top_end; i++) {
		unsigned top = PC(pt)->nr_levels;
		uint64_t pte = read_pte(pt, pt->root + (uint64_t)i * PC(pt)->pte_size);
		if (arch->hooks->is_present(PC(pt), pte) && !arch->hooks->is_leaf(PC(pt), pt->env.ctl, pte, top))
			free_subtree(pt, arch->hooks->pte_addr(PC(pt), pt->env.ctl, pte, top), top - 1);
	}
	free_root(pt);
	free(pt->sharers);
	free(pt);
}

uint64_t pt_root(const struct page_table *pt)
{
	return pt->root;
}

uint64_t pt_nr_nodes(const struct page_table *pt)
{
	return pt->nr_nodes;
}

bool pt_query(const struct page_table *pt, uint64_t va, struct pt_mapping *out)
{
	const struct pt_arch *arch = pt->env.arch;
	const struct paging_consts *pc = PC(pt);
	unsigned perms = arch->hooks->initial_perms();
	uint64_t node = pt->root;

	if (!pc_va_canonical(pc, va))
		return false;
	for (unsigned level = pc->nr_levels; level >= 1; level--) {
		uint64_t pte = read_pte(pt, slot_addr(pt, node, va, level));
		if (!arch->hooks->is_present(PC(pt), pte))
			return false;
		bool leaf = arch->hooks->is_leaf(PC(pt), pt->env.ctl, pte, level);
		perms = arch->entry_perms(PC(pt), pt->env.ctl, pte, level, leaf, perms);
		if (leaf) {
			uint64_t size = pc_page_size(pc, level);
			out->va = va & ~(size - 1);
			out->pa = pt_arch_leaf_frame(arch, pc, pt->env.ctl, pte, level, out->va);
			out->size = size;
			out->level = level;
			out->pte = pte;
			out->perms = perms;
			arch->leaf_prop(PC(pt), pte, level, &out->prop);
			return true;
		}
		if (level == 1)
			return false;
		node = arch->hooks->pte_addr(pc, pt->env.ctl, pte, level);
	}
	return false;
}

enum pt_slot_stop pt_entry_slot(const struct page_table *pt, uint64_t va, unsigned level, uint64_t *slot,
				uint64_t *pte, unsigned *stop_level)
{
	const struct pt_arch *arch = pt->env.arch;
	const struct paging_consts *pc = PC(pt);
	uint64_t node = pt->root;

	if (!pc_va_canonical(pc, va))
		return PT_SLOT_NON_CANONICAL;
	for (unsigned l = pc->nr_levels; l >= 1; l--) {
		*slot = slot_addr(pt, node, va, l);
		*stop_level = l + 1; /* the entry that led here (never the root: its node is in memory) */
		if (pt_mem_read(pt->env.mem, *slot, pc->pte_size, pte) != MM_OK)
			return PT_SLOT_OUTSIDE;
		*stop_level = l;
		if (l == level)
			return PT_SLOT_FOUND;
		if (!arch->hooks->is_present(pc, *pte))
			return PT_SLOT_NOT_PRESENT;
		if (arch->hooks->is_leaf(pc, pt->env.ctl, *pte, l))
			return PT_SLOT_LEAF;
		node = arch->hooks->pte_addr(pc, pt->env.ctl, *pte, l);
	}
	return PT_SLOT_NOT_PRESENT;
}

bool pt_test_and_clear_accessed(struct page_table *pt, uint64_t va)
{
	const struct pt_arch *arch = pt->env.arch;
	const struct paging_consts *pc = PC(pt);
	uint64_t node = pt->root;

	if (!pc_va_canonical(pc, va))
		return false;
	for (unsigned level = pc->nr_levels; level >= 1; level--) {
		uint64_t slot = slot_addr(pt, node, va, level);
		uint64_t pte = read_pte(pt, slot);
		if (!arch->hooks->is_present(pc, pte))
			return false;
		if (arch->hooks->is_leaf(pc, pt->env.ctl, pte, level)) {
			struct page_prop prop;
			arch->leaf_prop(pc, pte, level, &prop);
			if (!(prop.flags & PROP_A))
				return false;
			prop.flags &= ~(uint32_t)PROP_A;
			write_pte(pt, slot,
				  arch->make_leaf(pc, pt_arch_leaf_frame(arch, pc, pt->env.ctl, pte, level, va), &prop, level));
			return true;
		}
		if (level == 1)
			return false;
		node = arch->hooks->pte_addr(pc, pt->env.ctl, pte, level);
	}
	return false;
}

/*
 * A walk over every leaf, and the nodes it has entered.  Levels decrease on
 * the way down, so every walk ends; but a table whose entries lead back to
 * nodes already entered (an image can hold anything: a root whose 512
 * entries all point at itself) is a tree of nr_entries^levels nodes.  A few
 * re-entries are fine (a self-map entry, a test image with one loop); past
 * PT_FOR_EACH_MAX_REENTRIES the walk stops, so it costs at most the distinct
 * nodes plus that many.  A node reached again that is not an ancestor of the
 * entry (a node shared under several entries, not a loop) is counted apart,
 * against PT_FOR_EACH_MAX_SHARED: real kernels share nodes (Linux's espfix
 * maps one PMD page under 4 PUD entries and its PTE pages under all 512 PMD
 * entries, 2051 re-entries), and 64 stopped the walk of any x86-64 Linux
 * dump before its kernel text and fixmap.
 */
struct for_each_walk {
	int (*fn)(void *, const struct pt_mapping *);
	void *arg;
	uint64_t *seen;             /* open addressing; a slot holds node PA + 1, 0 = empty */
	size_t cap, nr_seen;        /* cap: a power of two */
	unsigned reentries, shared;  /* re-entries of an ancestor (a loop), of another node */
	uint64_t path[PT_MAX_LEVELS + 1]; /* the nodes above the one being walked, root first */
};

/* Records node; returns 1 if it was new, 0 if it was entered before, -1 out of host memory. */
static int walk_enter(struct for_each_walk *w, uint64_t node)
{
	if (2 * (w->nr_seen + 1) > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		uint64_t *seen = calloc(cap, sizeof(*seen));
		if (!seen)
			return -1;
		for (size_t i = 0; i < w->cap; i++) {
			size_t j = (size_t)(w->seen[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
			if (!w->seen[i])
				continue;
			while (seen[j])
				j = (j + 1) & (cap - 1);
			seen[j] = w->seen[i];
		}
		free(w->seen);
		w->seen = seen;
		w->cap = cap;
	}
	uint64_t key = node + 1;
	size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (w->cap - 1);
	for (; w->seen[j]; j = (j + 1) & (w->cap - 1))
		if (w->seen[j] == key)
			return 0;
	w->seen[j] = key;
	w->nr_seen++;
	return 1;
}

/*
 * Whether the hardware translates va through pt (walks that change nothing):
 * an entry that looks like a leaf but carries reserved bits, a misaligned
 * superpage, or sits under such an entry is no mapping.  Permission and A/D
 * faults still mean one.  RISC-V (and the toy format) check a leaf's
 * permissions before its alignment (priv. spec, steps 5 and 6), so a walk the
 * permissions refuse has not looked at the alignment yet: each privilege and
 * access is tried until one gets past the permissions (any leaf grants some
 * access to some privilege; one that grants none counts as a mapping).  Asked
 * of attached tables (an image holds anything) and of memory a raw edit wrote
 * (pt_mem.hand_written): pt_map writes no such entries, and a walk per leaf
 * would double the cost of listing a large table it built.
 */
static bool leaf_translates(const struct page_table *pt, uint64_t va)
{
	static const struct {
		enum privilege priv;
		enum access_kind access;
	} tries[] = {
		{ PRIV_SUPERVISOR, ACCESS_READ }, { PRIV_USER, ACCESS_READ },  { PRIV_SUPERVISOR, ACCESS_EXEC },
		{ PRIV_USER, ACCESS_EXEC },       { PRIV_SUPERVISOR, ACCESS_WRITE }, { PRIV_USER, ACCESS_WRITE },
	};
	struct walker w = { .arch = pt->env.arch, .pc = PC(pt), .ctl = pt->env.ctl, .mem = pt->env.mem,
			    .upper_root = pt->root };

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		struct walk_request req = { .root = pt->root, .va = va, .access = tries[i].access,
					    .priv = tries[i].priv, .no_ad_update = true, .no_steps = true };
		struct walk_result res;

		walk(&w, &req, &res);
		if (res.ok || res.fault.kind == FAULT_ACCESSED_DIRTY)
			return true;
		if (res.fault.kind != FAULT_PERMISSION)
			return false;
	}
	return true;
}

static int for_each_node(const struct page_table *pt, struct for_each_walk *w, uint64_t node, unsigned level,
			 uint64_t base, unsigned perms)
{
	const struct pt_arch *arch = pt->env.arch;
	const struct paging_consts *pc = PC(pt);
	uint64_t size = pc_page_size(pc, level);
	int entered = walk_enter(w, node);

	if (entered < 0)
		return PT_FOR_EACH_NO_MEMORY;
	if (!entered) {
		bool loop = false;
		for (unsigned l = PC(pt)->nr_levels; l > level; l--)
			loop |= w->path[l] == node;
		if (loop && ++w->reentries > PT_FOR_EACH_MAX_REENTRIES)
			return PT_FOR_EACH_LOOP;
		if (!loop && ++w->shared > PT_FOR_EACH_MAX_SHARED)
			return PT_FOR_EACH_SHARED;
	}
	w->path[level] = node;
	for (unsigned i = 0; i < pc_entries(pc, level); i++) {
		uint64_t pte = read_pte(pt, node + (uint64_t)i * pc->pte_size);
		uint64_t va = base + (uint64_t)i * size;
		int rc;

		if (!arch->hooks->is_present(PC(pt), pte))
			continue;
		bool leaf = arch->hooks->is_leaf(PC(pt), pt->env.ctl, pte, level);
		unsigned p = arch->entry_perms(PC(pt), pt->env.ctl, pte, level, leaf, perms);
		if (leaf) {
			struct pt_mapping m = {
				.va = pc_va_canonicalize(pc, va),
				.pa = pt_arch_leaf_frame(arch, pc, pt->env.ctl, pte, level, va),
				.size = size, .level = level, .pte = pte, .perms = p,
			};
			arch->leaf_prop(PC(pt), pte, level, &m.prop);
			bool checked = pt->attached || pt->env.mem->hand_written;
			rc = !checked || leaf_translates(pt, m.va) ? w->fn(w->arg, &m) : 0;
		} else if (level > 1) {
			rc = for_each_node(pt, w, arch->hooks->pte_addr(pc, pt->env.ctl, pte, level), level - 1, va, p);
		} else {
			rc = 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int pt_for_each(const struct page_table *pt, int (*fn)(void *arg, const struct pt_mapping *m),
		void *arg)
{
	struct for_each_walk w = { .fn = fn, .arg = arg };
	/* The upper half's table starts at 2^64 - 2^address_width (Arm TTBR1). */
	uint64_t base = pt->kind.upper_half ? ~0ull << PC(pt)->address_width : 0;
	int rc = for_each_node(pt, &w, pt->root, PC(pt)->nr_levels, base, pt->env.arch->hooks->initial_perms());

	free(w.seen);
	return rc;
}
