/*
 * pt_model: page_table checked against a reference model, on every preset.
 *
 * A seeded random sequence of pt_map / pt_unmap / pt_protect runs on the user
 * table and (for kernel-half VAs) the kernel table of a fresh machine.  The
 * model is the plain meaning of those calls (page_table.h): a sorted array of
 * disjoint VA ranges {va, last, pa, flags}; map cuts [first, last] out of
 * every range and inserts the new one, unmap cuts it out, protect replaces
 * the flags of the overlapping parts (keeping A/D) and leaves holes alone.
 * Ranges are inclusive so the last page of the 64-bit space fits.
 *
 * After every step a handful of VAs (the edges of the step's range, pages in
 * and just outside modelled ranges, random VAs near the hot spots) are checked
 * through pt_query and the hardware walk (all three accesses, both privilege
 * levels, no A/D update).  Every CHECK_EVERY steps pt_for_each must report
 * the model's ranges exactly (after merging neighbours contiguous in VA and PA
 * with equal flags), and the nodes reachable from the roots must be what
 * pt_nr_nodes and physmem_stats count, with no empty node left behind.  At
 * the end everything is unmapped and no node may leak.
 *
 * Most ranges fall near a few hot spots (1 GiB boundaries at both ends of each
 * half) so small edits land inside 2 MiB / 1 GiB / 512 GiB pages and split
 * them.  A failure prints the preset, seed and step; PT_MODEL_TRACE=1 in the
 * environment prints every operation to stderr to replay a sequence.
 *
 * AArch64 (Arm ARM D8): the upper half is a table of its own (TTBR1), walked
 * from the user table's root by VA bit 55; sizes follow the granule (16K:
 * 16K pages, 32M blocks; 64K: 64K pages, 512M blocks).  Every valid page is
 * readable at EL1; the model's rights are those of the preset's CPU bits
 * (PAN=0, WXN=0, HA=1, HD=1) over the encoding README gives: u sets AP[1]
 * (EL0 access), w sets DBM with AP[2]=0 only when d (writable-clean under
 * HD is still writable, and d without w has no encoding), x clears UXN on a
 * u page and PXN on a kernel one.  The OS side sets the Contiguous bit on
 * whole aligned runs (D8.7), so a walk may report the run's span: its ends
 * must then be mapped alike in the model.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/page_table.h"
#include "pt/pt_arch.h"
#include "pt/walk.h"
#include "formats/config.h"
#include "sim/machine.h"
#include "sim/physmem.h"
#include "time_limit.h"

/* The x86-64 / RISC-V 4 KiB-granule sizes; a run uses its format's own (struct run: page .. giant). */
#define G1 (1ull << 30)

#define CHECK_EVERY 50
#define AD_FLAGS (PROP_A | PROP_D)

/* ---- the model ---- */

struct range {
	uint64_t va, last; /* inclusive */
	uint64_t pa;       /* PA of va */
	uint32_t flags;    /* PROP_* exactly as pt_query decodes them */
};

struct model {
	struct range *r;
	size_t n, cap;
};

static void model_push(struct model *m, struct range r)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->r = realloc(m->r, m->cap * sizeof(*m->r));
		cr_assert_not_null(m->r);
	}
	m->r[m->n++] = r;
}

enum op_kind { OP_MAP, OP_UNMAP, OP_PROTECT };

static const char *const op_names[] = { "map", "unmap", "protect" };

/* Applies one operation on [first, last] to the model. */
static void model_apply(struct model *m, enum op_kind kind, uint64_t first, uint64_t last,
			uint64_t pa, uint32_t flags)
{
	struct model out = { 0 };
	struct range fresh = { first, last, pa, flags };
	bool inserted = kind != OP_MAP;

	for (size_t i = 0; i < m->n; i++) {
		struct range r = m->r[i];

		if (r.last < first) {
			model_push(&out, r);
			continue;
		}
		if (r.va > last) {
			if (!inserted) {
				model_push(&out, fresh);
				inserted = true;
			}
			model_push(&out, r);
			continue;
		}
		if (r.va < first)
			model_push(&out, (struct range){ r.va, first - 1, r.pa, r.flags });
		if (kind == OP_PROTECT) {
			uint64_t lo = r.va > first ? r.va : first;
			uint64_t hi = r.last < last ? r.last : last;
			model_push(&out, (struct range){ lo, hi, r.pa + (lo - r.va),
							 flags | (r.flags & AD_FLAGS) });
		} else if (!inserted) {
			model_push(&out, fresh);
			inserted = true;
		}
		if (r.last > last)
			model_push(&out, (struct range){ last + 1, r.last, r.pa + (last + 1 - r.va), r.flags });
	}
	if (!inserted)
		model_push(&out, fresh);
	free(m->r);
	*m = out;
}

/* The range holding va, or NULL. */
static const struct range *model_find(const struct model *m, uint64_t va)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->r[mid].last < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->r[lo].va <= va ? &m->r[lo] : NULL;
}

/* Appends r to m, merging it into the last range when VA and PA continue with equal flags. */
static void merged_push(struct model *m, struct range r)
{
	struct range *t = m->n ? &m->r[m->n - 1] : NULL;

	if (t && t->last + 1 == r.va && t->pa + (t->last - t->va) + 1 == r.pa && t->flags == r.flags)
		t->last = r.last;
	else
		model_push(m, r);
}

/* ---- one run ---- */

struct run {
	char preset[32];
	uint64_t seed;
	unsigned step;
	char op[200];
	bool trace;

	struct machine *m;
	const struct paging_consts *pc;
	bool x86;
	bool arm;             /* AArch64 rights (D8.4) */
	bool split;           /* a root per half: the kernel table is TTBR1's, shares nothing */
	uint64_t rng;
	struct model model;

	uint64_t user_last;   /* last VA of the user half */
	uint64_t kbase;       /* first VA of the kernel half */
	const struct paging_consts *kpc; /* the kernel table's constants (its own VA size on Arm) */
	uint64_t hot[8];      /* hot spots: 4 GiB windows that stay inside one half */
	unsigned nr_hot;
	bool big_pages;       /* 512 GiB leaves exist (highest_translation_level >= 4) */
	/*
	 * The sizes operations are cut to: the base page, the level-2 and level-3
	 * leaves (4K granule: 4K, 2M, 1G; Arm 16K: 16K, 32M and 8 x 32M, 64K:
	 * 64K, 512M and 8 x 512M, those granules having no level-3 leaf) and the
	 * level-4 one where big_pages.
	 */
	uint64_t page, mid, big, giant;
	uint64_t fresh_node_frames;
	unsigned long nr_checks;
	unsigned long leaves[PT_MAX_LEVELS + 1]; /* leaves seen at checkpoints, by level */
};

#define CHECK(r, cond, fmt, ...)                                                                 \
	cr_assert(cond, "%s seed=%#" PRIx64 " step=%u after [%s]: " fmt, (r)->preset, (r)->seed, \
		  (r)->step, (r)->op, __VA_ARGS__)

static uint64_t rnd(struct run *r)
{
	/* splitmix64 */
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(struct run *r, uint64_t n)
{
	return rnd(r) % n;
}

static bool chance(struct run *r, unsigned percent)
{
	return below(r, 100) < percent;
}

static bool is_kernel_va(const struct run *r, uint64_t va)
{
	return va >= r->kbase;
}

static bool is_canonical(const struct run *r, uint64_t va)
{
	return va <= r->user_last || va >= r->kbase;
}

/* Random flags the architecture accepts; x86 decodes every present page as readable. */
static uint32_t random_flags(struct run *r, bool kernel)
{
	uint32_t f;

	if (r->x86 || r->arm) {
		f = PROP_R;
		if (chance(r, 50)) f |= PROP_W;
		if (chance(r, 50)) f |= PROP_X;
	} else {
		static const uint32_t rv[] = { PROP_R, PROP_R | PROP_X, PROP_R | PROP_W,
					       PROP_R | PROP_W | PROP_X };
		f = rv[below(r, 4)];
	}
	if (chance(r, kernel ? 10 : 80)) f |= PROP_U;
	if (chance(r, kernel ? 60 : 10)) f |= PROP_G;
	if (chance(r, 20)) f |= PROP_A;
	if (chance(r, 20)) f |= PROP_D;
	if (chance(r, 10)) f |= PROP_AVAIL1;
	if (chance(r, 10)) f |= PROP_AVAIL2;
	return f;
}

/* The flags a leaf keeps of f: Arm has no dirty state for a page that is not writable. */
static uint32_t kept_flags(const struct run *r, uint32_t f)
{
	if (r->arm && !(f & PROP_W))
		f &= ~PROP_D;
	return f;
}

/* PERM_* the leaf grants (every pointer entry is fully permissive). */
static unsigned expected_perms(const struct run *r, uint32_t f)
{
	unsigned p = 0;

	if (f & PROP_R) p |= PERM_R;
	if (f & PROP_W) p |= PERM_W;
	if (f & PROP_X) p |= PERM_X;
	if (f & PROP_U) p |= PERM_U;
	if (f & PROP_G) p |= PERM_G;
	(void)r;
	return p;
}

/*
 * Whether the walk grants the access, for the presets' CPU bits: x86 WP=1
 * NXE=1 SMEP=SMAP=PKE=0; RISC-V SUM=MXR=0 with Svadu.
 */
static bool expected_allowed(const struct run *r, uint32_t f, enum access_kind a, enum privilege p)
{
	bool user_page = f & PROP_U;

	if (r->arm) {
		/* EL0 needs AP[1]; EL1 reads everything; a fetch needs the XN bit of its EL clear. */
		switch (a) {
		case ACCESS_READ: return p == PRIV_SUPERVISOR || user_page;
		case ACCESS_WRITE: return (f & PROP_W) && (p == PRIV_SUPERVISOR || user_page);
		default: return (f & PROP_X) && user_page == (p == PRIV_USER);
		}
	}
	if (r->x86) {
		if (p == PRIV_USER && !user_page)
			return false;
	} else if ((p == PRIV_USER) != user_page) {
		return false;
	}
	switch (a) {
	case ACCESS_READ: return f & PROP_R;
	case ACCESS_WRITE: return f & PROP_W;
	default: return f & PROP_X;
	}
}

static const char *flags_text(uint32_t f, char buf[16])
{
	static const char names[] = "rwxugad12";
	size_t n = 0;

	for (unsigned i = 0; i < 9; i++)
		if (f & (1u << i))
			buf[n++] = names[i];
	buf[n] = '\0';
	return buf;
}

/* ---- checks ---- */

/*
 * The span a contiguous leaf of `leaf_size` belongs to (Arm ARM D8.7, the
 * Contiguous bit): 16 entries with 4K granules, 128 pages or 32 blocks with
 * 16K, 32 entries with 64K.
 */
static uint64_t arm_contiguous_span(const struct run *r, uint64_t leaf_size)
{
	if (r->page == 1ull << 12)
		return 16 * leaf_size;
	if (r->page == 1ull << 14)
		return (leaf_size == r->page ? 128 : 32) * leaf_size;
	return 32 * leaf_size;
}

/*
 * The walk maps va with a leaf of leaf_size, or on Arm a contiguous run of
 * them (the OS side marks whole aligned runs): the run's span, and the model
 * must map its first and last bytes with the same flags, the PA continuing.
 * The entries of a run may differ in AF and dirty state (the hardware
 * updates the one it used, D8.7), so A and D are left out.
 */
static void check_page_size(struct run *r, uint64_t va, const struct range *mr, const struct walk_result *res,
			    uint64_t leaf_size)
{
	if (res->page_size == leaf_size)
		return;
	CHECK(r, r->arm && res->page_size == arm_contiguous_span(r, leaf_size),
	      "walk of VA %#" PRIx64 ": page size %#" PRIx64 ", query %#" PRIx64, va, res->page_size, leaf_size);
	uint64_t first = va & ~(res->page_size - 1), ends[2] = { first, first + (res->page_size - 1) };
	for (unsigned e = 0; e < 2; e++) {
		const struct range *er = model_find(&r->model, ends[e]);
		CHECK(r, er && (er->flags & ~AD_FLAGS) == (mr->flags & ~AD_FLAGS) && er->pa + (ends[e] - er->va) == res->pa - (va - ends[e]),
		      "walk of VA %#" PRIx64 ": a contiguous run of %#" PRIx64 " from VA %#" PRIx64
		      " that the model does not map whole", va, res->page_size, first);
	}
}

static void check_walk(struct run *r, uint64_t root, uint64_t va, const struct range *mr,
		       uint64_t leaf_size)
{
	static const enum access_kind acc[] = { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };
	static const enum privilege priv[] = { PRIV_USER, PRIV_SUPERVISOR };

	for (unsigned p = 0; p < 2; p++) {
		for (unsigned a = 0; a < 3; a++) {
			struct walk_request req = { .root = root, .va = va, .access = acc[a],
						    .priv = priv[p], .no_ad_update = true };
			struct walk_result res;
			bool allowed = mr && expected_allowed(r, mr->flags, acc[a], priv[p]);

			walk(&r->m->walker, &req, &res);
			r->nr_checks++;
			CHECK(r, res.ok == allowed,
			      "walk %s %s of VA %#" PRIx64 " (root %#" PRIx64 "): ok=%d, model says %d (fault %s)",
			      privilege_name(priv[p]), access_kind_name(acc[a]), va, root, res.ok, allowed,
			      fault_kind_name(res.fault.kind));
			if (res.ok) {
				CHECK(r, res.pa == mr->pa + (va - mr->va),
				      "walk of VA %#" PRIx64 ": PA %#" PRIx64 ", model %#" PRIx64, va, res.pa,
				      mr->pa + (va - mr->va));
				check_page_size(r, va, mr, &res, leaf_size);
			} else {
				enum fault_kind want = mr ? FAULT_PERMISSION : FAULT_NOT_PRESENT;
				CHECK(r, res.fault.kind == want,
				      "walk %s %s of VA %#" PRIx64 ": fault %s, expected %s",
				      privilege_name(priv[p]), access_kind_name(acc[a]), va,
				      fault_kind_name(res.fault.kind), fault_kind_name(want));
			}
		}
	}
}

static void check_query(struct run *r, struct page_table *pt, const char *which, uint64_t va,
			const struct range *mr, struct pt_mapping *q)
{
	bool got = pt_query(pt, va, q);
	char fb[16], mb[16];

	r->nr_checks++;
	CHECK(r, got == (mr != NULL), "pt_query(%s, %#" PRIx64 ") says %s, model says %s", which, va,
	      got ? "mapped" : "unmapped", mr ? "mapped" : "unmapped");
	if (!mr)
		return;
	CHECK(r, q->va <= va && va - q->va < q->size && (q->va & (q->size - 1)) == 0 &&
		 (q->pa & (q->size - 1)) == 0,
	      "pt_query(%s, %#" PRIx64 "): leaf va %#" PRIx64 " pa %#" PRIx64 " size %#" PRIx64, which,
	      va, q->va, q->pa, q->size);
	CHECK(r, q->pa + (va - q->va) == mr->pa + (va - mr->va),
	      "pt_query(%s, %#" PRIx64 "): PA %#" PRIx64 ", model %#" PRIx64, which, va,
	      q->pa + (va - q->va), mr->pa + (va - mr->va));
	CHECK(r, q->va >= mr->va && q->va + (q->size - 1) <= mr->last,
	      "pt_query(%s, %#" PRIx64 "): leaf [%#" PRIx64 ", +%#" PRIx64 ") leaves model range [%#" PRIx64
	      ", %#" PRIx64 "]", which, va, q->va, q->size, mr->va, mr->last);
	CHECK(r, q->prop.flags == mr->flags && q->prop.cache == CACHE_WB,
	      "pt_query(%s, %#" PRIx64 "): flags %s cache %d, model %s wb", which, va,
	      flags_text(q->prop.flags, fb), q->prop.cache, flags_text(mr->flags, mb));
	/* Arm keeps its EL0/EL1 execute rights in bits of its own beside rwxug. */
	unsigned perms = q->perms & (r->arm ? PERM_R | PERM_W | PERM_X | PERM_U | PERM_G : ~0u);
	CHECK(r, perms == expected_perms(r, mr->flags),
	      "pt_query(%s, %#" PRIx64 "): perms %#x, expected %#x", which, va, perms,
	      expected_perms(r, mr->flags));
}

static void check_va(struct run *r, uint64_t va)
{
	const struct range *mr;
	struct pt_mapping q, kq;

	if (!is_canonical(r, va))
		return;
	va = (va & ~(r->page - 1)) | (below(r, r->page) & ~7ull);
	mr = model_find(&r->model, va);
	if (r->split && is_kernel_va(r, va)) {
		/* Only TTBR1's table maps the upper half; the walk from TTBR0's root must find it there. */
		check_query(r, r->m->kernel, "kernel", va, mr, &kq);
		check_walk(r, pt_root(r->m->user), va, mr, mr ? kq.size : 0);
		return;
	}
	check_query(r, r->m->user, "user", va, mr, &q);
	check_walk(r, pt_root(r->m->user), va, mr, mr ? q.size : 0);
	if (is_kernel_va(r, va)) {
		check_query(r, r->m->kernel, "kernel", va, mr, &kq);
		if (mr)
			CHECK(r, kq.pte == q.pte && kq.va == q.va,
			      "VA %#" PRIx64 ": the kernel table's leaf %#" PRIx64 " differs from the user table's %#" PRIx64,
			      va, kq.pte, q.pte);
		check_walk(r, pt_root(r->m->kernel), va, mr, mr ? kq.size : 0);
	}
}

static void check_points(struct run *r, uint64_t first, uint64_t last)
{
	check_va(r, first);
	check_va(r, last);
	check_va(r, first - r->page);
	check_va(r, last + 1);
	check_va(r, first + below(r, (last - first) / r->page + 1) * r->page);
	for (unsigned i = 0; i < 3 && r->model.n; i++) {
		const struct range mr = r->model.r[below(r, r->model.n)];
		check_va(r, mr.va + below(r, (mr.last - mr.va) / r->page + 1) * r->page);
		check_va(r, mr.va - r->page);
		check_va(r, mr.last + 1);
	}
	check_va(r, r->hot[below(r, r->nr_hot)] + below(r, 4 * r->big));
}

struct leaf_walk {
	struct run *r;
	struct model seen;
};

static int collect_leaf(void *arg, const struct pt_mapping *m)
{
	struct leaf_walk *lw = arg;
	struct run *r = lw->r;

	CHECK(r, (m->va & (m->size - 1)) == 0 && (m->pa & (m->size - 1)) == 0 &&
		 m->size == pc_page_size(r->pc, m->level),
	      "pt_for_each: leaf va %#" PRIx64 " pa %#" PRIx64 " size %#" PRIx64 " level %u misaligned",
	      m->va, m->pa, m->size, m->level);
	CHECK(r, m->prop.cache == CACHE_WB, "pt_for_each: leaf va %#" PRIx64 " cache %d", m->va,
	      m->prop.cache);
	CHECK(r, !lw->seen.n || lw->seen.r[lw->seen.n - 1].last < m->va,
	      "pt_for_each: leaf va %#" PRIx64 " out of order", m->va);
	r->leaves[m->level]++;
	merged_push(&lw->seen, (struct range){ m->va, m->va + (m->size - 1), m->pa, m->prop.flags });
	return 0;
}

static uint64_t read_entry(struct run *r, uint64_t addr)
{
	uint64_t v = 0;
	CHECK(r, physmem_read(r->m->pm, addr, 8, &v) == MM_OK, "cannot read PTE at %#" PRIx64, addr);
	return v;
}

/* Nodes in the subtree at node (of level), which must not be empty unless may_be_empty. */
static uint64_t subtree_nodes(struct run *r, uint64_t node, unsigned level, bool may_be_empty)
{
	const struct pt_arch *arch = r->m->cfg.arch;
	uint64_t n = 1;
	bool empty = true;

	for (unsigned i = 0; i < r->pc->nr_entries; i++) {
		uint64_t pte = read_entry(r, node + (uint64_t)i * 8);
		if (!arch->hooks->is_present(r->pc, pte))
			continue;
		empty = false;
		if (level > 1 && !arch->hooks->is_leaf(r->pc, &r->m->cfg.cpu, pte, level))
			n += subtree_nodes(r, arch->hooks->pte_addr(r->pc, &r->m->cfg.cpu, pte, level), level - 1, false);
	}
	CHECK(r, !empty || may_be_empty, "an empty level-%u node at %#" PRIx64 " is still linked", level,
	      node);
	return n;
}

/* Nodes below the root's entries [lo, hi), root excluded. */
static uint64_t table_nodes(struct run *r, uint64_t root, unsigned lo, unsigned hi, bool kernel,
			    unsigned *nr_top)
{
	const struct pt_arch *arch = r->m->cfg.arch;
	/* The kernel's table on a split-root format may have levels of its own (Arm T1SZ != T0SZ). */
	unsigned top = (kernel ? r->kpc : r->pc)->nr_levels;
	uint64_t n = 0;

	*nr_top = 0;
	for (unsigned i = lo; i < hi; i++) {
		uint64_t pte = read_entry(r, root + (uint64_t)i * 8);
		if (arch->hooks->is_present(r->pc, pte) && !arch->hooks->is_leaf(r->pc, &r->m->cfg.cpu, pte, top)) {
			(*nr_top)++;
			/* The kernel keeps its top-level entries (top_level_can_unmap: false). */
			n += subtree_nodes(r, arch->hooks->pte_addr(r->pc, &r->m->cfg.cpu, pte, top), top - 1, kernel);
		}
	}
	return n;
}

static void check_structure(struct run *r)
{
	const struct machine_config *cfg = &r->m->cfg;
	uint64_t uroot = pt_root(r->m->user), kroot = pt_root(r->m->kernel);
	struct physmem_stats st;
	unsigned ntop;
	uint64_t un = 1 + table_nodes(r, uroot, cfg->user.top_start, cfg->user.top_end, false, &ntop);
	uint64_t kn = 1 + table_nodes(r, kroot, cfg->kernel.top_start, cfg->kernel.top_end, true, &ntop);

	CHECK(r, pt_nr_nodes(r->m->user) == un, "user table counts %" PRIu64 " nodes, %" PRIu64 " reachable",
	      pt_nr_nodes(r->m->user), un);
	CHECK(r, pt_nr_nodes(r->m->kernel) == kn,
	      "kernel table counts %" PRIu64 " nodes, %" PRIu64 " reachable", pt_nr_nodes(r->m->kernel), kn);
	physmem_stats(r->m->pm, &st);
	CHECK(r, st.node_frames == r->fresh_node_frames - 2 + un + kn,
	      "physmem holds %" PRIu64 " node frames, tables reach %" PRIu64, st.node_frames,
	      r->fresh_node_frames - 2 + un + kn);
	for (unsigned i = cfg->kernel.top_start; i < cfg->kernel.top_end && !r->split; i++)
		CHECK(r, read_entry(r, uroot + i * 8ull) == read_entry(r, kroot + i * 8ull),
		      "top-level entry %u differs between the user and kernel roots", i);
}

static void check_for_each(struct run *r)
{
	struct leaf_walk lw = { .r = r };
	struct model want = { 0 };
	char a[16], b[16];

	pt_for_each(r->m->user, collect_leaf, &lw);
	/* With split roots the user table is the lower half only: the kernel's follows it in VA order. */
	if (r->split)
		pt_for_each(r->m->kernel, collect_leaf, &lw);
	for (size_t i = 0; i < r->model.n; i++)
		merged_push(&want, r->model.r[i]);
	r->nr_checks++;
	for (size_t i = 0; i < want.n || i < lw.seen.n; i++) {
		CHECK(r, i < want.n && i < lw.seen.n,
		      "pt_for_each reports %zu merged ranges, the model %zu; first extra: [%#" PRIx64
		      ", %#" PRIx64 "]", lw.seen.n, want.n,
		      i < want.n ? want.r[i].va : lw.seen.r[i].va,
		      i < want.n ? want.r[i].last : lw.seen.r[i].last);
		const struct range *g = &lw.seen.r[i], *w = &want.r[i];
		CHECK(r, g->va == w->va && g->last == w->last && g->pa == w->pa && g->flags == w->flags,
		      "range %zu: table [%#" PRIx64 ", %#" PRIx64 "] pa %#" PRIx64 " %s, model [%#" PRIx64
		      ", %#" PRIx64 "] pa %#" PRIx64 " %s", i, g->va, g->last, g->pa, flags_text(g->flags, a),
		      w->va, w->last, w->pa, flags_text(w->flags, b));
	}
	free(lw.seen.r);
	free(want.r);
	check_structure(r);
}

/* ---- operations ---- */

struct op {
	enum op_kind kind;
	bool kernel;
	uint64_t va, len, pa;
	uint32_t flags;
};

/* A random operation, mostly near the hot spots of one half. */
static struct op random_op(struct run *r)
{
	struct op op = { 0 };
	uint64_t align, lo, hi, h, top;
	int64_t off;
	unsigned cls = (unsigned)below(r, 100);

	op.kernel = chance(r, 25);
	op.kind = chance(r, 50) ? OP_MAP : chance(r, 50) ? OP_UNMAP : OP_PROTECT;
	lo = op.kernel ? r->kbase : 0;
	hi = op.kernel ? UINT64_MAX : r->user_last;
	/* hot[] holds the user spots first, then the kernel ones (half each). */
	h = r->hot[(op.kernel ? r->nr_hot / 2 : 0) + below(r, r->nr_hot / 2)];

	if (cls < 72) {                 /* 1-64 pages around a hot spot */
		align = r->page;
		op.len = (1 + below(r, 64)) * r->page;
		off = (int64_t)(below(r, 2048) * r->page + below(r, 4) * r->big) - (int64_t)(512 * r->page);
	} else if (cls < 90) {          /* 1-16 x 2 MiB, sometimes a page off */
		align = r->mid;
		op.len = (1 + below(r, 16)) * r->mid;
		off = (int64_t)(below(r, 40) * r->mid + below(r, 4) * r->big) - (int64_t)(8 * r->mid);
		if (chance(r, 25)) {
			off += (int64_t)(r->page * (below(r, 3) + 1));
			align = r->page;
		}
	} else if (cls < 99 || !r->big_pages) { /* 1-2 GiB */
		align = r->big;
		op.len = (1 + below(r, 2)) * r->big;
		off = (int64_t)(below(r, 4) * r->big) - (int64_t)r->big;
	} else {                        /* a 512 GiB page (Sv48, Sv57) */
		align = r->giant;
		op.len = r->giant;
		off = 0;
	}
	/* Stay inside the half [lo, hi]: clamp to whichever end the offset ran past. */
	op.va = (h + (uint64_t)off) & ~(align - 1);
	top = (hi - (op.len - 1)) & ~(align - 1);
	if (op.va < lo || op.va > top)
		op.va = off < 0 ? lo : top;
	if (op.kind != OP_UNMAP)
		op.flags = random_flags(r, op.kernel);
	if (op.kind == OP_MAP) {
		/* PA congruent to the VA modulo a random alignment, so large pages happen. */
		const uint64_t aligns[] = { r->page, r->mid, r->big, r->big, r->big, r->giant };
		uint64_t pa_align = aligns[below(r, 6)];
		/* A whole GiB of 4 KiB pages is slow to build: rare; 512 GiB of them cannot fit. */
		if (op.len >= r->big && pa_align < r->mid && !chance(r, 5))
			pa_align = r->mid;
		if (op.len >= r->giant && pa_align < r->big)
			pa_align = r->big;
		op.pa = below(r, (1ull << 44) / pa_align) * pa_align + (op.va & (pa_align - 1));
	}
	return op;
}

static void run_op(struct run *r, const struct op *op)
{
	struct page_table *pt = op->kernel ? r->m->kernel : r->m->user;
	struct page_prop prop = { op->flags, CACHE_WB };
	struct mm_error err = { 0 };
	char fb[16];
	int rc;

	snprintf(r->op, sizeof(r->op), "%s %s va=%#" PRIx64 " len=%#" PRIx64 " pa=%#" PRIx64 " flags=%s",
		 op_names[op->kind], op->kernel ? "kernel" : "user", op->va, op->len, op->pa,
		 flags_text(op->flags, fb));
	if (r->trace)
		fprintf(stderr, "%s step %u: %s\n", r->preset, r->step, r->op);
	switch (op->kind) {
	case OP_MAP: rc = pt_map(pt, op->va, op->pa, op->len, &prop, &err); break;
	case OP_UNMAP: rc = pt_unmap(pt, op->va, op->len, &err); break;
	default: rc = pt_protect(pt, op->va, op->len, &prop, &err); break;
	}
	CHECK(r, rc == MM_OK, "returned %d: %s", rc, err.msg);
	model_apply(&r->model, op->kind, op->va, op->va + (op->len - 1), op->pa,
		    kept_flags(r, op->flags | (r->x86 ? PROP_R : 0)));
	if (op->kind == OP_PROTECT)
		for (size_t i = 0; i < r->model.n; i++)
			r->model.r[i].flags = kept_flags(r, r->model.r[i].flags);
}

/* ---- the test ---- */

struct model_case {
	char preset[32];
	uint64_t seed;
	unsigned steps;
	unsigned upper_width;  /* the kernel half's VA size when it has its own (upper_address_width); 0: none */
};

static const struct model_case model_cases[] = {
	{ "x86_64", 0x5eed0001ull, 4000, 0 },
	{ "x86_64_la57", 0x5eed0002ull, 4000, 0 },
	{ "sv39", 0x5eed0003ull, 4000, 0 },
	{ "sv48", 0x5eed0004ull, 4000, 0 },
	{ "sv57", 0x5eed0005ull, 4000, 0 },
	{ "aarch64", 0x5eed0006ull, 4000, 0 },
	{ "aarch64_16k", 0x5eed0007ull, 4000, 0 },
	{ "aarch64_64k", 0x5eed0008ull, 4000, 0 },
	{ "aarch64_52", 0x5eed0009ull, 4000, 0 },
	/* Halves of different sizes: a 3-level TTBR1 under a 4-level TTBR0, a deeper TTBR1, a wider top. */
	{ "aarch64", 0x5eed000aull, 4000, 39 },
	{ "aarch64_64k", 0x5eed000bull, 4000, 42 },
	{ "aarch64_16k", 0x5eed000cull, 4000, 47 },
};

ParameterizedTestParameters(pt_model, random_ops)
{
	return cr_make_param_array(struct model_case, model_cases,
				   sizeof(model_cases) / sizeof(model_cases[0]));
}

static void run_setup(struct run *r, const struct model_case *c)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	struct physmem_stats st;
	unsigned aw;
	const char *seed_env = getenv("PT_MODEL_SEED");

	memset(r, 0, sizeof(*r));
	snprintf(r->preset, sizeof(r->preset), "%s", c->preset);
	r->seed = seed_env ? strtoull(seed_env, NULL, 0) : c->seed;
	r->rng = r->seed;
	r->trace = getenv("PT_MODEL_TRACE") != NULL;
	snprintf(r->op, sizeof(r->op), "setup");
	cr_assert_eq(config_load_preset(c->preset, &cfg, &err), MM_OK, "%s: %s", c->preset, err.msg);
	cfg.mem_size = G1; /* nodes only: data frames are never allocated here */
	if (c->upper_width) {
		cfg.pc.upper_address_width = c->upper_width;
		cr_assert_eq(paging_consts_derive(&cfg.pc, &err), MM_OK, "%s/%u: %s", c->preset, c->upper_width,
			     err.msg);
		cfg.kernel.top_end = cfg.pc.upper_top_entries;
		snprintf(r->preset, sizeof(r->preset), "%.20s/%u", c->preset, c->upper_width % 100);
	}
	cr_assert_eq(machine_create(&cfg, &r->m, &err), MM_OK, "%s: %s", c->preset, err.msg);
	r->pc = &r->m->cfg.pc;
	r->x86 = r->m->cfg.arch == &pt_arch_x86_64;
	r->arm = r->m->cfg.arch == &pt_arch_aarch64;
	aw = r->pc->address_width;
	/* Split roots (Arm TTBR0/TTBR1): each half is address_width bits, not half of them. */
	r->split = r->pc->split_halves;
	r->user_last = (1ull << (aw - !r->split)) - 1;
	r->kpc = &r->m->upper_pc;
	r->kbase = ~0ull << (r->split ? r->kpc->address_width : aw - 1);
	r->big_pages = r->pc->highest_translation_level >= 4;
	r->page = r->pc->base_page_size;
	r->mid = pc_page_size(r->pc, 2);
	r->big = r->pc->highest_translation_level >= 3 ? pc_page_size(r->pc, 3) : 8 * r->mid;
	r->giant = r->big_pages ? pc_page_size(r->pc, 4) : r->big;
	/* User spots, then kernel spots: both ends of each half, and a 512 GiB boundary. */
	r->hot[r->nr_hot++] = 0;
	r->hot[r->nr_hot++] = r->big_pages ? r->giant : 8 * r->big;
	r->hot[r->nr_hot++] = r->user_last + 1 - 4 * r->big;
	r->hot[r->nr_hot++] = r->kbase;
	r->hot[r->nr_hot++] = r->kbase + (r->big_pages ? r->giant : 8 * r->big);
	r->hot[r->nr_hot++] = 0 - 4 * r->big;
	/* keep halves balanced: 3 user, 3 kernel */
	physmem_stats(r->m->pm, &st);
	r->fresh_node_frames = st.node_frames;
	cr_assert_eq(pt_nr_nodes(r->m->user), 1);
	cr_assert_eq(pt_nr_nodes(r->m->kernel), 1);
	cr_assert_eq(st.node_frames, 2);
}

ParameterizedTest(const struct model_case *c, pt_model, random_ops, .init = time_limit_120s)
{
	struct run *r = calloc(1, sizeof(*r));
	unsigned kept_top;
	struct physmem_stats st;
	uint64_t kn;

	cr_assert_not_null(r);
	run_setup(r, c);
	for (r->step = 1; r->step <= c->steps; r->step++) {
		struct op op = random_op(r);
		run_op(r, &op);
		check_points(r, op.va, op.va + (op.len - 1));
		if (r->step % CHECK_EVERY == 0)
			check_for_each(r);
	}
	check_for_each(r);

	/* Unmap both halves whole: every node must come back but the kernel's kept ones. */
	snprintf(r->op, sizeof(r->op), "unmap everything");
	if (r->arm) {
		/*
		 * Range by range: an AArch64 unmap costs time in proportion to its
		 * length, mapped or not (~0.6 s per TiB, reported), too long for a
		 * whole 2^48-byte half here.
		 */
		for (size_t i = 0; i < r->model.n; i++)
			cr_assert_eq(pt_unmap(is_kernel_va(r, r->model.r[i].va) ? r->m->kernel : r->m->user,
					      r->model.r[i].va, r->model.r[i].last - r->model.r[i].va + 1, NULL), MM_OK);
	} else {
		cr_assert_eq(pt_unmap(r->m->user, 0, r->user_last + 1, NULL), MM_OK);
		cr_assert_eq(pt_unmap(r->m->kernel, r->kbase, 0 - r->kbase, NULL), MM_OK);
	}
	model_apply(&r->model, OP_UNMAP, 0, UINT64_MAX, 0, 0);
	cr_assert_eq(r->model.n, 0);
	check_for_each(r);
	check_points(r, 0, r->user_last);
	check_points(r, r->kbase, UINT64_MAX);
	CHECK(r, pt_nr_nodes(r->m->user) == 1, "user table keeps %" PRIu64 " nodes",
	      pt_nr_nodes(r->m->user));
	kn = 1 + table_nodes(r, pt_root(r->m->kernel), r->m->cfg.kernel.top_start,
			     r->m->cfg.kernel.top_end, true, &kept_top);
	/* What the kernel keeps: its root and one empty node per top-level entry it ever used. */
	CHECK(r, pt_nr_nodes(r->m->kernel) == 1 + kept_top && kn == 1 + kept_top,
	      "kernel table keeps %" PRIu64 " nodes (%" PRIu64 " reachable), expected root + %u top-level nodes",
	      pt_nr_nodes(r->m->kernel), kn, kept_top);
	physmem_stats(r->m->pm, &st);
	CHECK(r, st.node_frames == r->fresh_node_frames + kept_top,
	      "%" PRIu64 " node frames allocated, a fresh machine has %" PRIu64 " (+%u kept kernel nodes)",
	      st.node_frames, r->fresh_node_frames, kept_top);
	cr_log_info("%s seed=%#" PRIx64 ": %u operations, %lu checks, %u kernel top-level nodes kept; "
		    "leaves seen by level 1..5: %lu %lu %lu %lu %lu",
		    r->preset, r->seed, c->steps, r->nr_checks, kept_top, r->leaves[1], r->leaves[2],
		    r->leaves[3], r->leaves[4], r->leaves[5]);
	machine_destroy(r->m);
	free(r->model.r);
	free(r);
}
