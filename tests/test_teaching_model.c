/*
 * test_teaching_model: page_table and the walker on the teaching presets
 * (sv32, x86_32, toy: 4- and 2-byte PTEs), against a reference model.
 *
 * Random map / unmap / protect operations inside a window of the user half
 * (huge-page aligned ranges included, so huge pages are made, split and
 * rebuilt); after each, sampled pages of the window are walked for every
 * access and privilege and compared with the model: mapped or not, the PA,
 * and the permissions each format's rules grant (sv32: U pages for U-mode
 * only, SUM=0; x86_32: reads always, no XD, CR0.WP=1; toy: one bit per
 * permission, supervisor unrestricted).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"
#include "formats/config.h"
#include "sim/machine.h"

enum rules { RULES_SV32, RULES_X86_32, RULES_TOY };

struct model_case {
	char preset[16];
	int rules;
	uint64_t window;    /* first VA */
	unsigned pages;     /* window size in base pages */
	uint64_t seed;
};

static struct model_case cases[] = {
	{ "sv32", RULES_SV32, 0x400000, 4096, 0x7ea0001 },
	{ "x86_32", RULES_X86_32, 0x400000, 4096, 0x7ea0002 },
	{ "toy", RULES_TOY, 0x0, 512, 0x7ea0003 },
};

struct page {
	bool mapped;
	uint64_t pa;
	uint32_t flags;
};

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool allowed(int rules, uint32_t f, enum access_kind a, enum privilege p)
{
	bool user = p == PRIV_USER, u = f & PROP_U;

	switch (rules) {
	case RULES_SV32:
		if (user != u)
			return false;
		return a == ACCESS_READ ? (f & PROP_R) : a == ACCESS_WRITE ? (f & PROP_W) : (f & PROP_X);
	case RULES_X86_32:
		if (user && !u)
			return false;
		return a != ACCESS_WRITE || (f & PROP_W);
	default:
		if (user && !u)
			return false;
		return a == ACCESS_READ ? (f & PROP_R) : a == ACCESS_WRITE ? (f & PROP_W) : (f & PROP_X);
	}
}

ParameterizedTestParameters(teaching_model, random_ops)
{
	return cr_make_param_array(struct model_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct model_case *c, teaching_model, random_ops)
{
	static const char *const flag_sets[] = { "r", "rw", "rx", "rwx" };
	struct machine_config cfg;
	struct machine *m;
	struct mm_error err = { 0 };
	struct page *model = calloc(c->pages, sizeof(*model));
	uint64_t rng = c->seed, page, huge;
	unsigned per_huge, huge_hits = 0, base_hits = 0;

	cr_assert(model);
	cr_assert_eq(config_load_preset(c->preset, &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	page = cfg.pc.base_page_size;
	huge = pc_page_size(&cfg.pc, 2);
	per_huge = (unsigned)(huge / page);
	for (unsigned step = 0; step < 300; step++) {
		unsigned kind = (unsigned)(next(&rng) % 3), first, count;
		bool big = next(&rng) % 3 == 0;
		struct page_prop prop = { 0, CACHE_WB };
		const char *fs = flag_sets[next(&rng) % 4];
		uint64_t va, pa;
		int rc;

		if (big) {
			first = (unsigned)(next(&rng) % (c->pages / per_huge)) * per_huge;
			count = per_huge * (1 + (unsigned)(next(&rng) % 2));
		} else {
			first = (unsigned)(next(&rng) % c->pages);
			count = 1 + (unsigned)(next(&rng) % 40);
		}
		if (first + count > c->pages)
			count = c->pages - first;
		for (const char *f = fs; *f; f++)
			prop.flags |= *f == 'r' ? PROP_R : *f == 'w' ? PROP_W : PROP_X;
		if (next(&rng) % 2)
			prop.flags |= PROP_U;
		if (c->rules == RULES_X86_32)
			prop.flags |= PROP_R | PROP_X;  /* always readable, no XD */
		va = c->window + first * page;
		/* PAs inside memory, huge-aligned when the VA is (so huge leaves appear). */
		pa = cfg.mem_base + (next(&rng) % (cfg.mem_size / huge / 2)) * huge + (va & (huge - 1));
		if (kind == 0)
			rc = machine_map(m, va, pa, count * page, &prop, &err);
		else if (kind == 1)
			rc = machine_unmap(m, va, count * page, &err);
		else
			rc = machine_protect(m, va, count * page, &prop, &err);
		cr_assert_eq(rc, MM_OK, "%s step %u: %s", c->preset, step, err.msg);
		for (unsigned i = first; i < first + count; i++) {
			if (kind == 0)
				model[i] = (struct page){ true, pa + (uint64_t)(i - first) * page, prop.flags };
			else if (kind == 1)
				model[i].mapped = false;
			else if (model[i].mapped)
				model[i].flags = prop.flags;
		}
		/* The op's edges, and a sample of the window. */
		for (unsigned k = 0; k < 48; k++) {
			unsigned i = k == 0 ? first : k == 1 ? first + count - 1 : k == 2 && first ? first - 1
				   : (unsigned)(next(&rng) % c->pages);
			uint64_t pva = c->window + i * page + next(&rng) % page;

			for (unsigned p = 0; p < 2; p++) {
				for (unsigned a = 0; a < 3; a++) {
					struct walk_request req = {
						.root = machine_root(m), .va = pva, .access = (enum access_kind)a,
						.priv = (enum privilege)p, .no_ad_update = true,
					};
					struct walk_result res;
					bool want = model[i].mapped && allowed(c->rules, model[i].flags, req.access, req.priv);

					walk(&m->walker, &req, &res);
					cr_assert_eq(res.ok, want, "%s step %u page %u %s %s: walk %d (fault %s), model %d",
						     c->preset, step, i, privilege_name(req.priv),
						     access_kind_name(req.access), res.ok,
						     fault_kind_name(res.fault.kind), want);
					if (res.ok) {
						huge_hits += res.page_size == huge;
						base_hits += res.page_size == page;
					}
					if (res.ok)
						cr_assert_eq(res.pa, model[i].pa + (pva & (page - 1)),
							     "%s step %u page %u: PA %#" PRIx64, c->preset, step, i,
							     res.pa);
					if (!model[i].mapped)
						cr_assert_eq(res.fault.kind, FAULT_NOT_PRESENT);
				}
			}
		}
	}
	cr_expect_gt(huge_hits, 100, "%s: huge pages were walked %u times", c->preset, huge_hits);
	cr_expect_gt(base_hits, 100, "%s: base pages were walked %u times", c->preset, base_hits);
	machine_destroy(m);
	free(model);
}
