/*
 * test_pte_x86_64: the x86-64 PTE format (pt_arch_x86_64's encode/decode hooks)
 * against the Intel SDM vol. 3 ch. 4.
 *
 * Expected bit patterns are computed by hand from tables 4-14 .. 4-20:
 *   bit 0 P, 1 R/W, 2 U/S, 3 PWT, 4 PCD, 5 A, 6 D, 7 PS (PDPTE/PDE) or PAT
 *   (PTE), 8 G, 11:9 ignored (AVL), 12 PAT in a 2M/1G leaf, (M-1):12 address,
 *   58:52 ignored, 62:59 protection key, 63 XD;
 * and from the cache-policy contract: Linux's PAT layout (PAT0 WB, PAT1 WC,
 * PAT3 UC, PAT5 WP, PAT7 WT), index = PAT:PCD:PWT (SDM 11.12.3), so
 *   wb = 0, wc = PWT, uc = PCD|PWT, wp = PAT|PWT, wt = PAT|PCD|PWT.
 * Software bits: PROP_AVAIL1 = bit 9, PROP_AVAIL2 = bit 10.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "x86_fixture.h"

#define A pt_arch_x86_64

#define PA4K 0x0000000123456000ull
#define PA2M 0x0000000123400000ull
#define PA1G 0x0000000140000000ull

#define F_ALL (PROP_R | PROP_W | PROP_X | PROP_U | PROP_G | PROP_A | PROP_D | \
	       PROP_AVAIL1 | PROP_AVAIL2)

static struct paging_consts consts(unsigned levels, unsigned maxphy)
{
	struct paging_consts pc = {
		.base_page_size = 4096,
		.nr_levels = levels,
		.pte_size = 8,
		.address_width = levels == 5 ? 57 : 48,
		.va_sign_ext = true,
		.highest_translation_level = 3,
		.phys_addr_width = maxphy,
	};
	struct mm_error err = { 0 };

	cr_assert_eq(paging_consts_derive(&pc, &err), MM_OK, "%s", err.msg);
	return pc;
}

static const char *cache_str(enum cache_policy c)
{
	return cache_policy_name(c);
}

/* ------------------------------------------------------------------------- */
/* make_leaf: one flag or one cache policy at a time, levels 1, 2 and 3.     */
/* ------------------------------------------------------------------------- */
struct leaf_vec {
	char name[48];
	uint32_t flags;
	enum cache_policy cache;
	unsigned level;
	uint64_t pa;
	uint64_t pte;   /* expected encoding */
};

static struct leaf_vec leaf_vectors[] = {
	/* P always; XD (bit 63) because X is absent; R is implicit on x86. */
	{ "4k r", PROP_R, CACHE_WB, 1, PA4K, 0x8000000123456001ull },
	{ "4k no flags", 0, CACHE_WB, 1, PA4K, 0x8000000123456001ull },
	{ "4k w", PROP_R | PROP_W, CACHE_WB, 1, PA4K, 0x8000000123456003ull },
	{ "4k w without r", PROP_W, CACHE_WB, 1, PA4K, 0x8000000123456003ull },
	{ "4k u", PROP_R | PROP_U, CACHE_WB, 1, PA4K, 0x8000000123456005ull },
	{ "4k x clears XD", PROP_R | PROP_X, CACHE_WB, 1, PA4K, 0x0000000123456001ull },
	{ "4k a (bit 5)", PROP_R | PROP_A, CACHE_WB, 1, PA4K, 0x8000000123456021ull },
	{ "4k d (bit 6)", PROP_R | PROP_D, CACHE_WB, 1, PA4K, 0x8000000123456041ull },
	{ "4k g (bit 8)", PROP_R | PROP_G, CACHE_WB, 1, PA4K, 0x8000000123456101ull },
	{ "4k avail1 (bit 9)", PROP_R | PROP_AVAIL1, CACHE_WB, 1, PA4K, 0x8000000123456201ull },
	{ "4k avail2 (bit 10)", PROP_R | PROP_AVAIL2, CACHE_WB, 1, PA4K, 0x8000000123456401ull },
	{ "4k everything", F_ALL, CACHE_WB, 1, PA4K, 0x0000000123456767ull },
	{ "4k frame bit 51", PROP_R | PROP_W | PROP_X, CACHE_WB, 1, 0x0008000000001000ull,
	  0x0008000000001003ull },
	/* 4K: PAT is bit 7. */
	{ "4k wb", PROP_R | PROP_W | PROP_X, CACHE_WB, 1, PA4K, 0x0000000123456003ull },
	{ "4k wc = PWT", PROP_R | PROP_W | PROP_X, CACHE_WC, 1, PA4K, 0x000000012345600bull },
	{ "4k uc = PCD|PWT", PROP_R | PROP_W | PROP_X, CACHE_UC, 1, PA4K, 0x000000012345601bull },
	{ "4k wp = PAT|PWT", PROP_R | PROP_W | PROP_X, CACHE_WP, 1, PA4K, 0x000000012345608bull },
	{ "4k wt = PAT|PCD|PWT", PROP_R | PROP_W | PROP_X, CACHE_WT, 1, PA4K,
	  0x000000012345609bull },
	/* 2M: PS (bit 7) always, PAT is bit 12. */
	{ "2m r", PROP_R, CACHE_WB, 2, PA2M, 0x8000000123400081ull },
	{ "2m w", PROP_R | PROP_W, CACHE_WB, 2, PA2M, 0x8000000123400083ull },
	{ "2m u", PROP_R | PROP_U, CACHE_WB, 2, PA2M, 0x8000000123400085ull },
	{ "2m x", PROP_R | PROP_X, CACHE_WB, 2, PA2M, 0x0000000123400081ull },
	{ "2m a", PROP_R | PROP_A, CACHE_WB, 2, PA2M, 0x80000001234000a1ull },
	{ "2m d", PROP_R | PROP_D, CACHE_WB, 2, PA2M, 0x80000001234000c1ull },
	{ "2m g", PROP_R | PROP_G, CACHE_WB, 2, PA2M, 0x8000000123400181ull },
	{ "2m avail1", PROP_R | PROP_AVAIL1, CACHE_WB, 2, PA2M, 0x8000000123400281ull },
	{ "2m avail2", PROP_R | PROP_AVAIL2, CACHE_WB, 2, PA2M, 0x8000000123400481ull },
	{ "2m everything", F_ALL, CACHE_WB, 2, PA2M, 0x00000001234007e7ull },
	{ "2m wc", PROP_R | PROP_W | PROP_X, CACHE_WC, 2, PA2M, 0x000000012340008bull },
	{ "2m uc", PROP_R | PROP_W | PROP_X, CACHE_UC, 2, PA2M, 0x000000012340009bull },
	{ "2m wp = PAT(12)|PWT", PROP_R | PROP_W | PROP_X, CACHE_WP, 2, PA2M,
	  0x000000012340108bull },
	{ "2m wt = PAT(12)|PCD|PWT", PROP_R | PROP_W | PROP_X, CACHE_WT, 2, PA2M,
	  0x000000012340109bull },
	/* 1G: PS always, PAT is bit 12. */
	{ "1g r", PROP_R, CACHE_WB, 3, PA1G, 0x8000000140000081ull },
	{ "1g w x", PROP_R | PROP_W | PROP_X, CACHE_WB, 3, PA1G, 0x0000000140000083ull },
	{ "1g u g a d", PROP_R | PROP_U | PROP_G | PROP_A | PROP_D, CACHE_WB, 3, PA1G,
	  0x80000001400001e5ull },
	{ "1g avail1 avail2", PROP_R | PROP_AVAIL1 | PROP_AVAIL2, CACHE_WB, 3, PA1G,
	  0x8000000140000681ull },
	{ "1g wc", PROP_R | PROP_W | PROP_X, CACHE_WC, 3, PA1G, 0x000000014000008bull },
	{ "1g uc", PROP_R | PROP_W | PROP_X, CACHE_UC, 3, PA1G, 0x000000014000009bull },
	{ "1g wp", PROP_R | PROP_W | PROP_X, CACHE_WP, 3, PA1G, 0x000000014000108bull },
	{ "1g wt", PROP_R | PROP_W | PROP_X, CACHE_WT, 3, PA1G, 0x000000014000109bull },
};

ParameterizedTestParameters(pte_x86_64, make_leaf)
{
	return cr_make_param_array(struct leaf_vec, leaf_vectors,
				   sizeof(leaf_vectors) / sizeof(leaf_vectors[0]));
}

ParameterizedTest(const struct leaf_vec *v, pte_x86_64, make_leaf)
{
	struct paging_consts pc = consts(4, 52);
	struct page_prop p = { .flags = v->flags, .cache = v->cache };
	uint64_t got = A.make_leaf(&pc, v->pa, &p, v->level);

	cr_expect_eq(got, v->pte, "%s: make_leaf = 0x%016llx, expected 0x%016llx", v->name,
		     (unsigned long long)got, (unsigned long long)v->pte);
}

/* Decoding what was encoded gives the same properties back (R always set). */
ParameterizedTestParameters(pte_x86_64, leaf_prop_of_vector)
{
	return cr_make_param_array(struct leaf_vec, leaf_vectors,
				   sizeof(leaf_vectors) / sizeof(leaf_vectors[0]));
}

ParameterizedTest(const struct leaf_vec *v, pte_x86_64, leaf_prop_of_vector)
{
	struct page_prop out;

	memset(&out, 0xff, sizeof(out));
	A.leaf_prop(NULL, v->pte, v->level, &out);
	cr_expect_eq(out.flags, v->flags | PROP_R, "%s: flags 0x%x, expected 0x%x", v->name,
		     out.flags, v->flags | PROP_R);
	cr_expect_eq(out.cache, v->cache, "%s: cache %s, expected %s", v->name,
		     cache_str(out.cache), cache_str(v->cache));
}

/* Every flag combination, every policy, every leaf level round-trips. */
Test(pte_x86_64, leaf_round_trip_exhaustive)
{
	static const enum cache_policy caches[] = { CACHE_WB, CACHE_WT, CACHE_UC, CACHE_WC,
						    CACHE_WP };
	static const uint64_t pas[] = { 0, PA4K, PA2M, PA1G };
	struct paging_consts pc = consts(4, 52);
	unsigned failures = 0;

	for (unsigned level = 1; level <= 3; level++)
		for (unsigned c = 0; c < 5; c++)
			for (uint32_t f = 0; f <= F_ALL && failures < 10; f++) {
				struct page_prop in = { .flags = f, .cache = caches[c] };
				struct page_prop out;
				uint64_t pte = A.make_leaf(&pc, pas[level], &in, level);

				memset(&out, 0, sizeof(out));
				A.leaf_prop(NULL, pte, level, &out);
				if (out.flags != (f | PROP_R) || out.cache != in.cache) {
					failures++;
					cr_expect_fail("level %u flags 0x%x cache %s: pte 0x%016llx "
						       "decodes to flags 0x%x cache %s",
						       level, f, cache_str(in.cache),
						       (unsigned long long)pte, out.flags,
						       cache_str(out.cache));
				}
				if (A.hooks->pte_addr(&pc, NULL, pte, level) != pas[level]) {
					failures++;
					cr_expect_fail("level %u flags 0x%x cache %s: pte_addr of "
						       "0x%016llx is 0x%llx", level, f,
						       cache_str(in.cache), (unsigned long long)pte,
						       (unsigned long long)A.hooks->pte_addr(&pc, NULL, pte, level));
				}
				if (!A.hooks->is_present(NULL, pte) || !A.hooks->is_leaf(NULL, NULL, pte, level)) {
					failures++;
					cr_expect_fail("level %u: 0x%016llx not a present leaf", level,
						       (unsigned long long)pte);
				}
			}
}

/* ------------------------------------------------------------------------- */
/* leaf_prop on raw PTEs written by hand.                                    */
/* ------------------------------------------------------------------------- */
struct raw_vec {
	char name[56];
	uint64_t pte;
	unsigned level;
	uint32_t flags;
	enum cache_policy cache;
};

static struct raw_vec raw_vectors[] = {
	{ "P only: r and x (XD=0)", 0x0000000123456001ull, 1, PROP_R | PROP_X, CACHE_WB },
	{ "P XD: r", 0x8000000123456001ull, 1, PROP_R, CACHE_WB },
	{ "P RW US A D G", 0x0000000123456167ull, 1,
	  PROP_R | PROP_W | PROP_X | PROP_U | PROP_A | PROP_D | PROP_G, CACHE_WB },
	{ "AVL bits 9 and 10", 0x8000000123456601ull, 1, PROP_R | PROP_AVAIL1 | PROP_AVAIL2,
	  CACHE_WB },
	{ "bit 11 is not a prop", 0x8000000123456801ull, 1, PROP_R, CACHE_WB },
	{ "bits 62:52 are not props", 0x7ff0000123456001ull, 1, PROP_R | PROP_X, CACHE_WB },
	{ "4k PWT: wc", 0x0000000123456009ull, 1, PROP_R | PROP_X, CACHE_WC },
	{ "4k PCD PWT: uc", 0x0000000123456019ull, 1, PROP_R | PROP_X, CACHE_UC },
	{ "4k PAT(7) PWT: wp", 0x0000000123456089ull, 1, PROP_R | PROP_X, CACHE_WP },
	{ "4k PAT(7) PCD PWT: wt", 0x0000000123456099ull, 1, PROP_R | PROP_X, CACHE_WT },
	{ "4k bit 12 is an address bit, not PAT", 0x0000000123457001ull, 1, PROP_R | PROP_X,
	  CACHE_WB },
	{ "2m bit 7 is PS, not PAT", 0x0000000123400081ull, 2, PROP_R | PROP_X, CACHE_WB },
	{ "2m PAT(12) PWT: wp", 0x0000000123401089ull, 2, PROP_R | PROP_X, CACHE_WP },
	{ "2m PAT(12) PCD PWT: wt", 0x0000000123401099ull, 2, PROP_R | PROP_X, CACHE_WT },
	{ "2m PCD PWT: uc", 0x0000000123400099ull, 2, PROP_R | PROP_X, CACHE_UC },
	{ "1g PAT(12) PCD PWT: wt", 0x8000000140001099ull, 3, PROP_R, CACHE_WT },
	{ "1g PWT: wc", 0x8000000140000089ull, 3, PROP_R, CACHE_WC },
	{ "1g U G A D", 0x80000001400001e5ull, 3,
	  PROP_R | PROP_U | PROP_G | PROP_A | PROP_D, CACHE_WB },
};

ParameterizedTestParameters(pte_x86_64, leaf_prop_raw)
{
	return cr_make_param_array(struct raw_vec, raw_vectors,
				   sizeof(raw_vectors) / sizeof(raw_vectors[0]));
}

ParameterizedTest(const struct raw_vec *v, pte_x86_64, leaf_prop_raw)
{
	struct page_prop out;

	memset(&out, 0xff, sizeof(out));
	A.leaf_prop(NULL, v->pte, v->level, &out);
	cr_expect_eq(out.flags, v->flags, "%s: flags 0x%x, expected 0x%x", v->name, out.flags,
		     v->flags);
	cr_expect_eq(out.cache, v->cache, "%s: cache %s, expected %s", v->name,
		     cache_str(out.cache), cache_str(v->cache));
}

/* ------------------------------------------------------------------------- */
/* Pointers, presence, leaves, addresses.                                    */
/* ------------------------------------------------------------------------- */

/* make_table: P|R/W|U/S, nothing else (tables 4-15, 4-17, 4-19). */
Test(pte_x86_64, make_table_most_permissive)
{
	struct paging_consts pc = consts(4, 52);

	cr_expect_eq(A.make_table(&pc, 0x5000), 0x5007ull);
	cr_expect_eq(A.make_table(&pc, 0x000ffffffffff000ull), 0x000ffffffffff007ull);
	cr_expect_eq(A.make_table(&pc, PA4K), PA4K | 7);
	/* A pointer is not a leaf at any level that could hold one. */
	for (unsigned l = 2; l <= 4; l++)
		cr_expect(!A.hooks->is_leaf(NULL, NULL, A.make_table(&pc, PA4K), l), "level %u", l);
	cr_expect(A.hooks->is_present(NULL, A.make_table(&pc, PA4K)));
	cr_expect_eq(A.hooks->pte_addr(&pc, NULL, A.make_table(&pc, PA4K), 2), PA4K);
}

Test(pte_x86_64, is_present_is_bit_0)
{
	cr_expect(!A.hooks->is_present(NULL, 0));
	cr_expect(A.hooks->is_present(NULL, 1));
	cr_expect(A.hooks->is_present(NULL, T_P | T_XD));
	cr_expect(!A.hooks->is_present(NULL, 0xfffffffffffffffeull));
	cr_expect(!A.hooks->is_present(NULL, PA4K | T_RW | T_US | T_A | T_D | T_PS));
}

struct leafq {
	uint64_t pte;
	unsigned level;
	bool leaf;
};

/* Level 1 is always a leaf (bit 7 is PAT there); above, PS decides. */
Test(pte_x86_64, is_leaf)
{
	static const struct leafq q[] = {
		{ PA4K | T_P, 1, true },
		{ PA4K | T_P | T_PAT4K, 1, true },
		{ PA4K | T_P | T_RW | T_US, 2, false },
		{ PA2M | T_P | T_PS, 2, true },
		{ PA1G | T_P | T_PS, 3, true },
		{ PA4K | T_P | T_RW | T_US, 3, false },
		{ PA4K | T_P | T_RW | T_US | T_PATL, 3, false }, /* bit 12: address */
		{ PA4K | T_P | T_RW | T_US, 4, false },
		{ PA1G | T_P | T_PS, 4, true }, /* reserved, rejected by the walk */
	};

	for (unsigned i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		cr_expect_eq(A.hooks->is_leaf(NULL, NULL, q[i].pte, q[i].level), q[i].leaf,
			     "is_leaf(0x%016llx, %u) should be %d", (unsigned long long)q[i].pte,
			     q[i].level, q[i].leaf);
}

struct addrq {
	uint64_t pte;
	unsigned level;
	uint64_t pa;
};

/* Address bits (M-1):12; for a 2M/1G leaf bit 12 is PAT (tables 4-16, 4-18). */
Test(pte_x86_64, pte_addr)
{
	static const struct addrq q[] = {
		{ 0x8000000123456fffull, 1, PA4K },               /* flags, AVL, XD */
		{ 0xfff0000123456fffull, 1, PA4K },               /* 62:52 ignored / key */
		{ 0x000ffffffffff007ull, 1, 0x000ffffffffff000ull },
		{ 0x0000000123457007ull, 2, 0x0000000123457000ull }, /* pointer: bit 12 addr */
		{ 0x0000000123457007ull, 3, 0x0000000123457000ull },
		{ 0x0000000123457007ull, 4, 0x0000000123457000ull },
		{ 0x800000012340108bull, 2, PA2M },               /* 2m leaf, PAT set */
		{ 0x7ff000012340109bull, 2, PA2M },
		{ 0x000000014000108bull, 3, PA1G },               /* 1g leaf, PAT set */
		{ 0x000fffffc0001083ull, 3, 0x000fffffc0000000ull },
	};
	struct paging_consts pc = consts(4, 52);

	for (unsigned i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t got = A.hooks->pte_addr(&pc, NULL, q[i].pte, q[i].level);

		cr_expect_eq(got, q[i].pa, "pte_addr(0x%016llx, %u) = 0x%llx, expected 0x%llx",
			     (unsigned long long)q[i].pte, q[i].level, (unsigned long long)got,
			     (unsigned long long)q[i].pa);
	}
}

/* ------------------------------------------------------------------------- */
/* Format-level checks.                                                      */
/* ------------------------------------------------------------------------- */
Test(pte_x86_64, identity)
{
	cr_expect_str_eq(A.name, "x86_64");
	cr_expect_str_eq(A.root_register, "cr3");
	cr_expect_eq(pt_arch_find("x86_64"), &pt_arch_x86_64);
}

Test(pte_x86_64, check_consts_accepts_4_and_5_level)
{
	struct paging_consts pc4 = consts(4, 52), pc5 = consts(5, 52), pc46 = consts(4, 46);
	struct mm_error err = { 0 };

	cr_expect_eq(pt_arch_check_consts(&A, &pc4, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(pt_arch_check_consts(&A, &pc5, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(pt_arch_check_consts(&A, &pc46, &err), MM_OK, "%s", err.msg);
}

/* Constants the 64-bit format cannot express. */
Test(pte_x86_64, check_consts_rejects)
{
	struct mm_error err;
	struct paging_consts pc;

	/* MAXPHYADDR is at most 52: bits 62:52 are ignored / key, 63 is XD. */
	pc = consts(4, 52);
	pc.phys_addr_width = 53;
	memset(&err, 0, sizeof(err));
	cr_expect_neq(pt_arch_check_consts(&A, &pc, &err), MM_OK, "phys_addr_width 53 accepted");

	/* PS of a PML4E is reserved: no 512 GiB pages. */
	pc = consts(4, 52);
	pc.highest_translation_level = 4;
	memset(&err, 0, sizeof(err));
	cr_expect_neq(pt_arch_check_consts(&A, &pc, &err), MM_OK, "highest_translation_level 4 accepted");

	/* 4-byte entries are 32-bit paging, not this format. */
	pc = (struct paging_consts){ .base_page_size = 4096, .nr_levels = 2, .pte_size = 4,
				     .address_width = 32, .va_sign_ext = false,
				     .highest_translation_level = 2, .phys_addr_width = 32 };
	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	memset(&err, 0, sizeof(err));
	cr_expect_neq(pt_arch_check_consts(&A, &pc, &err), MM_OK, "pte_size 4 accepted");

	/* IA-32e paging has 4 or 5 levels (4.1.1): a 3-level, 39-bit table is not x86. */
	pc = (struct paging_consts){ .base_page_size = 4096, .nr_levels = 3, .pte_size = 8,
				     .address_width = 39, .va_sign_ext = true,
				     .highest_translation_level = 3, .phys_addr_width = 52 };
	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	memset(&err, 0, sizeof(err));
	cr_expect_neq(pt_arch_check_consts(&A, &pc, &err), MM_OK, "3 levels accepted");

	/* Paging-structure nodes are 4 KiB of 512 entries: no 16 KiB base pages. */
	pc = (struct paging_consts){ .base_page_size = 16384, .nr_levels = 4, .pte_size = 8,
				     .address_width = 58, .va_sign_ext = true,
				     .highest_translation_level = 3, .phys_addr_width = 52 };
	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	memset(&err, 0, sizeof(err));
	cr_expect_neq(pt_arch_check_consts(&A, &pc, &err), MM_OK, "16 KiB base pages accepted");
}

/* x86 can encode every set of flags that includes R, with X, and with NXE=1
 * also without X. */
Test(pte_x86_64, check_prop_accepts_encodable)
{
	static const enum cache_policy caches[] = { CACHE_WB, CACHE_WT, CACHE_UC, CACHE_WC,
						    CACHE_WP };
	struct cpu_ctl ctl = { .wp = true, .nxe = true };

	for (unsigned c = 0; c < 5; c++)
		for (uint32_t f = 0; f <= F_ALL; f++) {
			struct page_prop p = { .flags = f | PROP_R, .cache = caches[c] };
			struct mm_error err = { 0 };

			if (pt_arch_fit_prop(&A, &p, &ctl, &err) != MM_OK) {
				cr_expect_fail("flags 0x%x cache %s rejected: %s", p.flags,
					cache_str(p.cache), err.msg);
			}
		}
}

/* describe_pte names the set bits and never writes past `len`. */
Test(pte_x86_64, describe_pte)
{
	uint64_t pte = PA2M | T_P | T_RW | T_US | T_A | T_PS | T_XD | T_PK(3);
	struct paging_consts pc = consts(4, 52);
	char buf[256];
	char small[16];

	memset(buf, 0, sizeof(buf));
	A.describe_pte(&pc, NULL, pte, 2, buf, sizeof(buf));
	cr_expect(strstr(buf, "PS") != NULL, "\"%s\" lacks PS", buf);
	cr_expect(strstr(buf, "XD") != NULL, "\"%s\" lacks XD", buf);
	cr_expect(strstr(buf, "RW") != NULL, "\"%s\" lacks RW", buf);
	cr_expect(strstr(buf, "US") != NULL, "\"%s\" lacks US", buf);

	memset(small, 'Z', sizeof(small));
	A.describe_pte(&pc, NULL, pte, 2, small, 4);
	cr_expect(memchr(small, '\0', 4) != NULL, "not NUL-terminated within len");
	for (unsigned i = 4; i < sizeof(small); i++)
		cr_expect_eq(small[i], 'Z', "wrote past len at %u", i);
}
