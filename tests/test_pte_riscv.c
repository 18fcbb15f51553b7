/*
 * test_pte_riscv: the RISC-V Sv39/Sv48/Sv57 PTE format as pt_arch_riscv64
 * encodes and decodes it.
 *
 * Expected bit patterns are computed by hand from the privileged spec's
 * "Sv39 page table entry" figure (Sv48/Sv57: "bits 63-54 and 9-0 have the same
 * meaning as for Sv39"):
 *
 *   63 | 62..61 | 60..54   | 53..10 | 9..8 | 7 | 6 | 5 | 4 | 3 | 2 | 1 | 0
 *    N |  PBMT  | reserved |  PPN   | RSW  | D | A | G | U | X | W | R | V
 *
 * and the Svpbmt table (0 = PMA, 1 = NC, 2 = IO, 3 = reserved).  The project
 * maps cache policies wb -> PMA (0), wc -> NC (1), uc -> IO (2); wt and wp have
 * no RISC-V encoding.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "rv_fixture.h"

static struct paging_consts consts(unsigned levels)
{
	struct paging_consts pc = {
		.base_page_size = 4096, .nr_levels = levels, .pte_size = 8,
		.address_width = 12 + 9 * levels, .va_sign_ext = true,
		.highest_translation_level = levels, .phys_addr_width = 56,
	};
	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	return pc;
}

static const struct pt_arch *const A = &pt_arch_riscv64;

/* ---- identity ---- */

Test(pte_riscv, arch_identity)
{
	cr_assert_eq(pt_arch_find("riscv64"), &pt_arch_riscv64);
	cr_assert_str_eq(pt_arch_riscv64.name, "riscv64");
	cr_assert_str_eq(pt_arch_riscv64.root_register, "satp");
}

Test(pte_riscv, check_consts_accepts_sv39_sv48_sv57)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct paging_consts pc = consts(levels);
		struct mm_error err = {0};
		cr_expect_eq(pt_arch_check_consts(A, &pc, &err), MM_OK, "%s rejected: %s",
			     rv_mode_name(levels), err.msg);
	}
}

/* ---- make_leaf: one flag at a time ---- */

struct flag_vec {
	uint32_t flags;
	uint64_t bits; /* expected bits 9..0 */
};

ParameterizedTestParameters(pte_riscv, make_leaf_flags)
{
	static struct flag_vec v[] = {
		{PROP_R, T_V | T_R},                                      /* 0x003 */
		{PROP_R | PROP_W, T_V | T_R | T_W},                       /* 0x007 */
		{PROP_X, T_V | T_X},                                      /* 0x009: execute-only */
		{PROP_R | PROP_X, T_V | T_R | T_X},                       /* 0x00b */
		{PROP_R | PROP_W | PROP_X, T_V | T_R | T_W | T_X},        /* 0x00f */
		{PROP_R | PROP_U, T_V | T_R | T_U},                       /* 0x013 */
		{PROP_R | PROP_G, T_V | T_R | T_G},                       /* 0x023 */
		{PROP_R | PROP_A, T_V | T_R | T_A},                       /* 0x043 */
		{PROP_R | PROP_D, T_V | T_R | T_D},                       /* 0x083 */
		{PROP_R | PROP_AVAIL1, T_V | T_R | T_RSW0},               /* 0x103: RSW bit 8 */
		{PROP_R | PROP_AVAIL2, T_V | T_R | T_RSW1},               /* 0x203: RSW bit 9 */
		{PROP_X | PROP_U, T_V | T_X | T_U},                       /* 0x019 */
		{PROP_R | PROP_W | PROP_X | PROP_U | PROP_G | PROP_A | PROP_D |
			 PROP_AVAIL1 | PROP_AVAIL2, 0x3ff},
	};
	return cr_make_param_array(struct flag_vec, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct flag_vec *p, pte_riscv, make_leaf_flags)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct paging_consts pc = consts(levels);
		struct page_prop prop = {.flags = p->flags, .cache = CACHE_WB};
		/* PA 0x80345000: PPN 0x80345 at bits 53:10 = 0x200d1400. */
		uint64_t pte = A->make_leaf(&pc, 0x80345000, &prop, 1);
		cr_expect_eq(pte, 0x200d1400ull | p->bits,
			     "%s flags %#x: got %#llx want %#llx", rv_mode_name(levels), p->flags,
			     (unsigned long long)pte, (unsigned long long)(0x200d1400ull | p->bits));
	}
}

/* ---- make_leaf: PPN placement, per level ---- */

struct ppn_vec {
	unsigned levels;
	uint64_t pa;
	unsigned level;
	uint64_t ppn_bits; /* expected PTE bits 53:10 */
};

ParameterizedTestParameters(pte_riscv, make_leaf_ppn)
{
	static struct ppn_vec v[] = {
		{3, 0x0, 1, 0x0},
		{3, 0x80345000, 1, 0x200d1400},                  /* 0x80345 << 10 */
		{3, 0x80200000, 2, 0x20080000},                  /* 2 MiB: 0x80200 << 10 */
		{3, 0x40000000, 3, 0x10000000},                  /* 1 GiB: 0x40000 << 10 */
		{4, 0x8000000000, 4, 0x2000000000},              /* 512 GiB: 0x8000000 << 10 */
		{5, 0x1000000000000, 5, 0x400000000000},         /* 256 TiB: 0x1000000000 << 10 */
		{3, 0x00fffffffffff000, 1, 0x003ffffffffffc00},  /* 44-bit PPN all ones, none in 54+ */
		{5, 0x00ffffffffe00000, 2, 0x003ffffffff80000},
	};
	return cr_make_param_array(struct ppn_vec, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct ppn_vec *p, pte_riscv, make_leaf_ppn)
{
	struct paging_consts pc = consts(p->levels);
	struct page_prop prop = {.flags = PROP_R | PROP_W, .cache = CACHE_WB};
	uint64_t pte = A->make_leaf(&pc, p->pa, &prop, p->level);
	uint64_t want = p->ppn_bits | T_V | T_R | T_W;

	cr_expect_eq(pte, want, "pa %#llx level %u: got %#llx want %#llx",
		     (unsigned long long)p->pa, p->level, (unsigned long long)pte,
		     (unsigned long long)want);
	/* pte_addr is the inverse: PPN x PAGESIZE. */
	cr_expect_eq(A->hooks->pte_addr(&pc, NULL, pte, p->level), p->pa);
}

/* ---- make_leaf: PBMT (Svpbmt bits 62:61) ---- */

struct pbmt_vec {
	enum cache_policy cache;
	uint64_t bits;
};

ParameterizedTestParameters(pte_riscv, make_leaf_pbmt)
{
	static struct pbmt_vec v[] = {
		{CACHE_WB, 0},                       /* PMA */
		{CACHE_WC, 0x2000000000000000ull},   /* NC = 1 << 61 */
		{CACHE_UC, 0x4000000000000000ull},   /* IO = 2 << 61 */
	};
	return cr_make_param_array(struct pbmt_vec, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct pbmt_vec *p, pte_riscv, make_leaf_pbmt)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct paging_consts pc = consts(levels);
		for (unsigned level = 1; level <= 3; level++) {
			struct page_prop prop = {.flags = PROP_R | PROP_W | PROP_A | PROP_D,
						 .cache = p->cache};
			uint64_t pte = A->make_leaf(&pc, 0x40000000, &prop, level);
			uint64_t want = p->bits | 0x10000000 | T_V | T_R | T_W | T_A | T_D;
			cr_expect_eq(pte, want, "%s level %u %s: got %#llx want %#llx",
				     rv_mode_name(levels), level, cache_policy_name(p->cache),
				     (unsigned long long)pte, (unsigned long long)want);
			/* Never N, never the reserved bits 60:54. */
			cr_expect_eq(pte & (T_N | (0x7full << 54)), 0);
		}
	}
}

/* ---- make_table: V + PPN only ---- */

Test(pte_riscv, make_table_is_v_and_ppn)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct paging_consts pc = consts(levels);
		/* 0x80002000 -> PPN 0x80002 << 10 = 0x20000800, plus V. */
		cr_expect_eq(A->make_table(&pc, 0x80002000), 0x20000801ull, "%s", rv_mode_name(levels));
		cr_expect_eq(A->make_table(&pc, 0x00fffffffffff000), 0x003ffffffffffc01ull);
		uint64_t t = A->make_table(&pc, 0x80002000);
		/* A pointer: R=W=X=0 (step 4), and D, A, U, N, PBMT are reserved on it. */
		cr_expect_eq(t & (T_R | T_W | T_X | T_U | T_A | T_D | T_N | T_PBMT(3)), 0);
		cr_expect(A->hooks->is_present(NULL, t));
		cr_expect_not(A->hooks->is_leaf(NULL, NULL, t, 2));
		cr_expect_eq(A->hooks->pte_addr(&pc, NULL, t, 2), 0x80002000);
	}
}

/* ---- is_present / is_leaf ---- */

struct class_vec {
	uint64_t pte;
	bool present;
	bool leaf;
};

ParameterizedTestParameters(pte_riscv, classify)
{
	static struct class_vec v[] = {
		{0, false, false},
		{T_V, true, false},                       /* pointer */
		{T_V | T_G, true, false},                 /* global pointer */
		{T_V | T_R, true, true},
		{T_V | T_X, true, true},                  /* "pte.r = 1 or pte.x = 1" (step 4) */
		{T_V | T_R | T_W | T_X, true, true},
		{T_V | T_W, true, false},                 /* reserved, but neither R nor X */
		{T_R | T_W | T_X | T_A | T_D, false, true},
		{~T_V, false, true},
		{0x200d1400ull | T_V, true, false},
	};
	return cr_make_param_array(struct class_vec, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct class_vec *p, pte_riscv, classify)
{
	cr_expect_eq(A->hooks->is_present(NULL, p->pte), p->present, "is_present(%#llx)",
		     (unsigned long long)p->pte);
	if (p->present) {
		for (unsigned level = 1; level <= 3; level++)
			cr_expect_eq(A->hooks->is_leaf(NULL, NULL, p->pte, level), p->leaf, "is_leaf(%#llx, %u)",
				     (unsigned long long)p->pte, level);
	}
}

/* ---- pte_addr ignores everything outside PPN ---- */

Test(pte_riscv, pte_addr_masks_non_ppn_bits)
{
	struct paging_consts pc = consts(3);
	/* N, PBMT, reserved 60:54, RSW and flags around PPN 0x80200. */
	uint64_t pte = T_N | T_PBMT(3) | (0x7full << 54) | 0x20080000ull | 0x3ff;
	cr_expect_eq(A->hooks->pte_addr(&pc, NULL, pte, 2), 0x80200000ull);
	cr_expect_eq(A->hooks->pte_addr(&pc, NULL, 0xffffffffffffffffull, 1), 0x00fffffffffff000ull);
}

/* ---- leaf_prop decodes raw PTEs ---- */

struct decode_vec {
	uint64_t pte;
	uint32_t flags;
	enum cache_policy cache;
};

ParameterizedTestParameters(pte_riscv, leaf_prop_decode)
{
	static struct decode_vec v[] = {
		{0x200d1400ull | T_V | T_R, PROP_R, CACHE_WB},
		{0x200d1400ull | T_V | T_X, PROP_X, CACHE_WB},
		{0x200d1400ull | T_V | T_R | T_W | T_U, PROP_R | PROP_W | PROP_U, CACHE_WB},
		{0x200d1400ull | T_V | T_R | T_G | T_A | T_D, PROP_R | PROP_G | PROP_A | PROP_D,
		 CACHE_WB},
		{0x200d1400ull | T_V | T_R | T_RSW0, PROP_R | PROP_AVAIL1, CACHE_WB},
		{0x200d1400ull | T_V | T_R | T_RSW1, PROP_R | PROP_AVAIL2, CACHE_WB},
		{0x200d1400ull | T_V | T_R | T_PBMT(1), PROP_R, CACHE_WC},
		{0x200d1400ull | T_V | T_R | T_W | T_PBMT(2), PROP_R | PROP_W, CACHE_UC},
		{0x200d1400ull | 0x3ff, PROP_R | PROP_W | PROP_X | PROP_U | PROP_G | PROP_A | PROP_D |
					     PROP_AVAIL1 | PROP_AVAIL2, CACHE_WB},
	};
	return cr_make_param_array(struct decode_vec, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct decode_vec *p, pte_riscv, leaf_prop_decode)
{
	struct page_prop out;
	memset(&out, 0xa5, sizeof(out));
	A->leaf_prop(NULL, p->pte, 1, &out);
	cr_expect_eq(out.flags, p->flags, "pte %#llx: flags %#x want %#x",
		     (unsigned long long)p->pte, out.flags, p->flags);
	cr_expect_eq(out.cache, p->cache, "pte %#llx: cache %s want %s",
		     (unsigned long long)p->pte, cache_policy_name(out.cache),
		     cache_policy_name(p->cache));
}

/* ---- round trip: leaf_prop(make_leaf(prop)) == prop, for every encodable prop ---- */

Test(pte_riscv, leaf_prop_round_trip)
{
	static const enum cache_policy caches[] = {CACHE_WB, CACHE_WC, CACHE_UC};
	static const uint32_t perms[] = {
		PROP_R, PROP_R | PROP_W, PROP_X, PROP_R | PROP_X, PROP_R | PROP_W | PROP_X,
	};
	const uint32_t extra_all = PROP_U | PROP_G | PROP_A | PROP_D | PROP_AVAIL1 | PROP_AVAIL2;

	for (unsigned levels = 3; levels <= 5; levels++) {
		struct paging_consts pc = consts(levels);
		for (unsigned c = 0; c < 3; c++)
			for (unsigned pi = 0; pi < 5; pi++)
				for (uint32_t extra = 0; extra <= extra_all; extra++) {
					if (extra & ~extra_all)
						continue;
					struct page_prop in = {.flags = perms[pi] | extra,
							       .cache = caches[c]};
					struct page_prop out = {0};
					for (unsigned level = 1; level <= 3; level++) {
						uint64_t pte = A->make_leaf(&pc, 0x40000000, &in, level);
						A->leaf_prop(NULL, pte, level, &out);
						cr_assert_eq(out.flags, in.flags,
							     "flags %#x level %u -> %#llx -> %#x",
							     in.flags, level, (unsigned long long)pte,
							     out.flags);
						cr_assert_eq(out.cache, in.cache);
						cr_assert(A->hooks->is_leaf(NULL, NULL, pte, level));
						cr_assert(A->hooks->is_present(NULL, pte));
						cr_assert_eq(A->hooks->pte_addr(&pc, NULL, pte, level), 0x40000000);
					}
				}
	}
}

/* ---- check_prop ---- */

struct prop_vec {
	uint32_t flags;
	enum cache_policy cache;
	bool svpbmt;
	bool ok;
};

ParameterizedTestParameters(pte_riscv, check_prop)
{
	static struct prop_vec v[] = {
		/* encodable permission combinations (spec table "Encoding of PTE R/W/X fields") */
		{PROP_R, CACHE_WB, true, true},
		{PROP_R | PROP_W, CACHE_WB, true, true},
		{PROP_X, CACHE_WB, true, true},
		{PROP_R | PROP_X, CACHE_WB, true, true},
		{PROP_R | PROP_W | PROP_X, CACHE_WB, true, true},
		{PROP_R | PROP_U | PROP_G | PROP_A | PROP_D | PROP_AVAIL1 | PROP_AVAIL2, CACHE_WB,
		 true, true},
		/* R=0 W=1: "reserved for future use" */
		{PROP_W, CACHE_WB, true, false},
		{PROP_W | PROP_X, CACHE_WB, true, false},
		{PROP_W | PROP_U, CACHE_WB, true, false},
		/* R=W=X=0 is a pointer, not a leaf */
		{0, CACHE_WB, true, false},
		{PROP_U | PROP_A | PROP_D, CACHE_WB, true, false},
		/* Svpbmt: NC and IO only; WT/WP have no encoding */
		{PROP_R, CACHE_WC, true, true},
		{PROP_R, CACHE_UC, true, true},
		{PROP_R, CACHE_WT, true, false},
		{PROP_R, CACHE_WP, true, false},
		/* without Svpbmt only PMA (wb) */
		{PROP_R, CACHE_WB, false, true},
		{PROP_R, CACHE_WC, false, false},
		{PROP_R, CACHE_UC, false, false},
		{PROP_R, CACHE_WT, false, false},
	};
	return cr_make_param_array(struct prop_vec, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct prop_vec *p, pte_riscv, check_prop)
{
	struct cpu_ctl ctl = {.ad = AD_SVADU, .svpbmt = p->svpbmt, .svnapot = true};
	struct page_prop prop = {.flags = p->flags, .cache = p->cache};
	struct mm_error err = {0};
	int rc = pt_arch_fit_prop(A, &prop, &ctl, &err);

	if (p->ok) {
		cr_expect_eq(rc, MM_OK, "flags %#x cache %s svpbmt %d rejected: %s", p->flags,
			     cache_policy_name(p->cache), p->svpbmt, err.msg);
	} else {
		cr_expect_neq(rc, MM_OK, "flags %#x cache %s svpbmt %d accepted", p->flags,
			      cache_policy_name(p->cache), p->svpbmt);
		cr_expect_neq(err.msg[0], '\0', "rejection without a message");
	}
	/* NULL err is allowed */
	cr_expect_eq(pt_arch_fit_prop(A, &prop, &ctl, NULL) == MM_OK, p->ok);
}

/* ---- describe_pte stays within its buffer ---- */

Test(pte_riscv, describe_pte_bounded)
{
	char big[256];
	char small[8];
	uint64_t pte = 0xffffffffffffffffull;

	memset(small, 'Z', sizeof(small));
	A->describe_pte(NULL, NULL, pte, 1, big, sizeof(big));
	cr_expect(memchr(big, '\0', sizeof(big)) != NULL);
	cr_expect_gt(strlen(big), 0);
	A->describe_pte(NULL, NULL, pte, 1, small, sizeof(small));
	cr_expect(memchr(small, '\0', sizeof(small)) != NULL);
}
