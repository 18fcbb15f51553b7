/*
 * test_walk_x86_64: the x86-64 hardware walk against the Intel SDM vol. 3 ch. 4.
 *
 * Every expected value below was worked out by hand from the SDM, never taken
 * from the implementation's output:
 *   4.5   4-level and 5-level paging: index fields, entry formats (tables
 *         4-14 .. 4-20), PS, PAT at bit 12 of 2M/1G leaves, reserved bits
 *         (51:MAXPHYADDR, PS in PML5E/PML4E, 20:13 of a 2M leaf, 29:13 of a 1G
 *         leaf, XD while EFER.NXE=0), ignored bits (11:8, 58:52, 62:52);
 *   4.6   access rights: U/S and R/W accumulate over every level, CR0.WP, XD,
 *         SMEP, SMAP with EFLAGS.AC, protection keys and PKRU;
 *   4.7   the #PF error code: P W/R U/S RSVD I/D PK;
 *   4.8   accessed and dirty flags;
 *   4.1.1 / 3.3.7.1 canonical addresses (#GP, no walk).
 * Where the SDM leaves an ordering open, QEMU's target/i386 mmu_translate is
 * the tie-breaker (it walks to the leaf before checking rights, checks
 * protection keys before the other rights).
 *
 * Layout (x86_fixture.h): node of level L at L * 0x10000; the root is the node
 * of level nr_levels.  VA1 = 0x00007fabcdef1234 selects PML4 255, PDPT 175,
 * PD 111, PT 241, offsets 0x234 (4K), 0xf1234 (2M), 0xdef1234 (1G).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "x86_fixture.h"

#define NODE(l) ((uint64_t)(l) << 16)
/* A pointer at level l to the node of level l-1, with flags f. */
#define TBF(l, f) (NODE((l) - 1) | (f))
#define TB(l)     TBF(l, T_TBL)

/* Page frames (aligned to their size) and the VAs used by most vectors. */
#define PA4K 0x0000000123456000ull
#define PA2M 0x0000000123400000ull
#define PA1G 0x0000000140000000ull
#define LEAF4K(f) (PA4K | T_P | (f))
#define LEAF2M(f) (PA2M | T_P | T_PS | (f))
#define LEAF1G(f) (PA1G | T_P | T_PS | (f))

#define VA1  0x00007fabcdef1234ull /* PML4 255, PDPT 175, PD 111, PT 241 */
#define VA1_4K 0x0000000123456234ull /* PA4K | 0x234 */
#define VA1_2M 0x00000001234f1234ull /* PA2M | 0xf1234 */
#define VA1_1G 0x000000014def1234ull /* PA1G | 0xdef1234 */
#define VA4H 0xffff800012345678ull /* PML4 256, PDPT 0, PD 145, PT 325 */
#define VA5  0x00abcdef12345678ull /* PML5 171, PML4 411, PDPT 444, PD 145, PT 325 */
#define VA5H 0xffabcdef12345678ull /* PML5 427, then as VA5 */

/* pte[L] is written at the slot the VA selects at level L. */
#define L4(p4, p3, p2, p1) { 0, (p1), (p2), (p3), (p4), 0 }
#define L5(p5, p4, p3, p2, p1) { 0, (p1), (p2), (p3), (p4), (p5) }
#define PATH4K(f) L4(TB(4), TB(3), TB(2), LEAF4K(f))
#define PATH2M(f) L4(TB(4), TB(3), LEAF2M(f), 0)
#define PATH1G(f) L4(TB(4), LEAF1G(f), 0, 0)

#define R_ ACCESS_READ
#define W_ ACCESS_WRITE
#define X_ ACCESS_EXEC
#define U_ PRIV_USER
#define S_ PRIV_SUPERVISOR

#define P_RWXU  (PERM_R | PERM_W | PERM_X | PERM_U)
#define P_RWX   (PERM_R | PERM_W | PERM_X)
#define P_RWU   (PERM_R | PERM_W | PERM_U)
#define P_RXU   (PERM_R | PERM_X | PERM_U)
#define P_RX    (PERM_R | PERM_X)

/* Control bits that differ from the default WP=1 NXE=1 SMEP=SMAP=PKE=0. */
enum {
	C_NOWP = 1 << 0,
	C_NONXE = 1 << 1,
	C_SMEP = 1 << 2,
	C_SMAP = 1 << 3,
	C_PKE = 1 << 4,
};

struct wv {
	char name[64];
	/* machine */
	unsigned levels;    /* 0: 4 */
	unsigned maxphy;    /* 0: 52 */
	unsigned htl;       /* 0: 3 */
	unsigned ctl;       /* C_* */
	uint32_t pkru;
	/* access */
	uint64_t va;
	enum access_kind access;
	enum privilege priv;
	bool ac;
	uint64_t pte[6];
	/* expected */
	bool ok;
	uint64_t pa;
	unsigned level;     /* leaf level (ok) */
	unsigned perms;
	enum fault_kind kind;
	enum fault_reason reason;
	bool any_reason;    /* the SDM does not single out one rule */
	unsigned flevel;    /* fault level */
	unsigned deny;      /* the level whose entry refused, when not flevel (rights combined, SDM 4.6) */
	uint64_t code;
	unsigned steps;     /* PTEs read */
};

static struct x86fx fx;

static void fx_fini(void)
{
	x86fx_teardown(&fx);
}

static uint64_t size_of_level(unsigned level)
{
	static const uint64_t sz[] = { 0, SZ_4K, SZ_2M, SZ_1G };

	return level < 4 ? sz[level] : 0;
}

static void run_vector(const struct wv *v)
{
	unsigned levels = v->levels ? v->levels : 4;
	struct walk_result res;
	struct walk_request req;
	char got[6], want[6];

	x86fx_setup(&fx, levels, v->maxphy, v->htl);
	fx.ctl.wp = !(v->ctl & C_NOWP);
	fx.ctl.nxe = !(v->ctl & C_NONXE);
	fx.ctl.smep = v->ctl & C_SMEP;
	fx.ctl.smap = v->ctl & C_SMAP;
	fx.ctl.pke = v->ctl & C_PKE;
	fx.ctl.pkru = v->pkru;
	x86fx_path(&fx, v->va, v->pte);

	req = (struct walk_request){
		.root = NODE(levels), .va = v->va, .access = v->access, .priv = v->priv,
		.smap_ac = v->ac,
	};
	memset(&res, 0, sizeof(res));
	walk(&fx.w, &req, &res);

	if (v->ok) {
		cr_assert(res.ok, "%s: expected a translation, got fault kind %d reason %d level %u "
			  "code 0x%llx", v->name, res.fault.kind, res.fault.reason, res.fault.level,
			  (unsigned long long)res.fault.code);
		cr_expect_eq(res.pa, v->pa, "%s: pa 0x%llx, expected 0x%llx", v->name,
			     (unsigned long long)res.pa, (unsigned long long)v->pa);
		cr_expect_eq(res.level, v->level, "%s: level %u, expected %u", v->name, res.level,
			     v->level);
		cr_expect_eq(res.page_size, size_of_level(v->level),
			     "%s: page_size 0x%llx, expected 0x%llx", v->name,
			     (unsigned long long)res.page_size,
			     (unsigned long long)size_of_level(v->level));
		perms_format(res.perms, got);
		perms_format(v->perms, want);
		cr_expect_eq(res.perms, v->perms, "%s: perms %s, expected %s", v->name, got, want);
	} else {
		cr_assert(!res.ok, "%s: expected fault kind %d, got a translation to 0x%llx",
			  v->name, v->kind, (unsigned long long)res.pa);
		cr_expect_eq(res.fault.kind, v->kind, "%s: fault kind %s, expected %s", v->name,
			     fault_kind_name(res.fault.kind), fault_kind_name(v->kind));
		if (!v->any_reason)
			cr_expect_eq(res.fault.reason, v->reason, "%s: reason %d (%s), expected %d (%s)",
				     v->name, res.fault.reason, walk_reason_text(res.fault.reason),
				     v->reason, walk_reason_text(v->reason));
		cr_expect_eq(res.fault.level, v->flevel, "%s: fault level %u, expected %u",
			     v->name, res.fault.level, v->flevel);
		cr_expect_eq(res.fault.code, v->code, "%s: error code 0x%llx, expected 0x%llx",
			     v->name, (unsigned long long)res.fault.code,
			     (unsigned long long)v->code);
		/* The entry that refused: .deny, else the one where the walk stopped; none for a bad VA. */
		int refused = walk_refusing_step(&res);
		if (v->kind == FAULT_NON_CANONICAL) {
			cr_expect_eq(refused, -1, "%s: no entry read, none refused", v->name);
		} else {
			unsigned want_level = v->deny ? v->deny : v->flevel;
			cr_assert(refused >= 0, "%s: no refusing entry", v->name);
			cr_expect_eq(res.steps[refused].level, want_level, "%s: refused at level %u, expected %u",
				     v->name, res.steps[refused].level, want_level);
			cr_expect_eq(res.steps[refused].pte_addr, x86fx_slot(v->va, want_level),
				     "%s: refusing entry at 0x%llx", v->name,
				     (unsigned long long)res.steps[refused].pte_addr);
		}
	}

	/* The PTEs read, top level first: table + index * 8, values as written. */
	cr_expect_eq(res.nr_steps, v->steps, "%s: %u PTEs read, expected %u", v->name,
		     res.nr_steps, v->steps);
	for (unsigned i = 0; i < res.nr_steps && i < v->steps; i++) {
		unsigned l = levels - i;

		cr_expect_eq(res.steps[i].level, l, "%s: step %u level %u, expected %u", v->name, i,
			     res.steps[i].level, l);
		cr_expect_eq(res.steps[i].table, NODE(l), "%s: step %u table 0x%llx", v->name, i,
			     (unsigned long long)res.steps[i].table);
		cr_expect_eq(res.steps[i].index, x86fx_idx(v->va, l), "%s: step %u index %u",
			     v->name, i, res.steps[i].index);
		cr_expect_eq(res.steps[i].pte_addr, x86fx_slot(v->va, l),
			     "%s: step %u pte_addr 0x%llx, expected 0x%llx", v->name, i,
			     (unsigned long long)res.steps[i].pte_addr,
			     (unsigned long long)x86fx_slot(v->va, l));
		cr_expect_eq(res.steps[i].pte, v->pte[l], "%s: step %u pte 0x%llx, expected 0x%llx",
			     v->name, i, (unsigned long long)res.steps[i].pte,
			     (unsigned long long)v->pte[l]);
	}
}

#define OK(pa_, lvl_, perms_, steps_) \
	.ok = true, .pa = (pa_), .level = (lvl_), .perms = (perms_), .steps = (steps_)
#define FAULT(kind_, reason_, lvl_, code_, steps_) \
	.kind = (kind_), .reason = (reason_), .flevel = (lvl_), .code = (code_), .steps = (steps_)
#define NP(lvl_, code_, steps_) FAULT(FAULT_NOT_PRESENT, REASON_NOT_PRESENT, lvl_, code_, steps_)
#define RSVD(reason_, lvl_, code_, steps_) FAULT(FAULT_RESERVED_BIT, reason_, lvl_, code_, steps_)
#define PERM(reason_, lvl_, code_, steps_) FAULT(FAULT_PERMISSION, reason_, lvl_, code_, steps_)
#define NONCANON(lvl_) FAULT(FAULT_NON_CANONICAL, REASON_NON_CANONICAL, lvl_, 0, 0)

/*
 * The level a permission fault names when the bit that denies the access sits
 * in a pointer above the leaf.  The SDM has no notion of a fault level; x86
 * checks the rights combined over all levels once the walk has reached the
 * leaf, so mmusim reports the level where the walk stopped (DESIGN.md): the
 * leaf.  `.deny` names the entry whose bit denied the access, the one
 * walk_refusing_step must find (the highest such level).
 */

/*
 * One Criterion test, and so one process, per vector; built with
 * MMUSIM_ONE_TEST_PER_TABLE (the per-table copy of this suite that
 * tests/valgrind.sh runs), one test per table that runs every vector in turn,
 * so that memcheck pays its start-up once per table instead of once per
 * vector.  There a failed cr_assert ends the rest of its table; the suite
 * fails either way.
 */
#ifdef MMUSIM_ONE_TEST_PER_TABLE
#define VECTOR_SUITE(suite, array)                                                   \
	Test(walk_x86_64, suite, .fini = fx_fini)                                    \
	{                                                                            \
		for (size_t i = 0; i < sizeof(array) / sizeof(array[0]); i++) {      \
			run_vector(&array[i]);                                       \
			fx_fini();                                                   \
		}                                                                    \
	}
#else
#define VECTOR_SUITE(suite, array)                                                   \
	ParameterizedTestParameters(walk_x86_64, suite)                              \
	{                                                                            \
		return cr_make_param_array(struct wv, array, sizeof(array) / sizeof(array[0])); \
	}                                                                            \
	ParameterizedTest(const struct wv *v, walk_x86_64, suite, .fini = fx_fini)   \
	{                                                                            \
		run_vector(v);                                                       \
	}
#endif

/* ------------------------------------------------------------------------- */
/* Successful translations: PA assembly (4.5), accumulated rights (4.6).     */
/* ------------------------------------------------------------------------- */
static struct wv translate_vectors[] = {
	/* 4.5 table 4-20: PTE bits M-1:12 give the frame, VA bits 11:0 the offset. */
	{ "4k user read", .va = VA1, .access = R_, .priv = U_, .pte = PATH4K(T_RW | T_US),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	{ "4k user write", .va = VA1, .access = W_, .priv = U_, .pte = PATH4K(T_RW | T_US),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	{ "4k user fetch", .va = VA1, .access = X_, .priv = U_, .pte = PATH4K(T_RW | T_US),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	{ "4k supervisor read of supervisor page", .va = VA1, .access = R_, .priv = S_,
	  .pte = PATH4K(T_RW), OK(VA1_4K, 1, P_RWX, 4) },
	/* Table 4-18: PDE with PS=1 maps 2 MiB, frame bits M-1:21, offset VA 20:0. */
	{ "2m user read", .va = VA1, .access = R_, .priv = U_, .pte = PATH2M(T_RW | T_US),
	  OK(VA1_2M, 2, P_RWXU, 3) },
	/* Table 4-16: PDPTE with PS=1 maps 1 GiB, frame bits M-1:30, offset VA 29:0. */
	{ "1g user read", .va = VA1, .access = R_, .priv = U_, .pte = PATH1G(T_RW | T_US),
	  OK(VA1_1G, 3, P_RWXU, 2) },
	/* Bit 12 of a 2M/1G leaf is PAT, not an address bit (tables 4-16, 4-18). */
	{ "2m leaf PAT bit 12 is not an address bit", .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH2M(T_RW | T_US | T_PATL | T_PWT), OK(VA1_2M, 2, P_RWXU, 3) },
	{ "1g leaf PAT bit 12 is not an address bit", .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH1G(T_RW | T_US | T_PATL | T_PCD), OK(VA1_1G, 3, P_RWXU, 2) },
	/* Bit 7 of a PTE is PAT (table 4-20), never PS: still a 4K leaf. */
	{ "4k PTE bit 7 is PAT", .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US | T_PAT4K | T_PCD | T_PWT), OK(VA1_4K, 1, P_RWXU, 4) },
	/* Table 4-20: 11:9 and 58:52 ignored, 62:59 ignored while CR4.PKE=0. */
	{ "4k leaf ignored bits do not reach the PA", .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US | T_AVL9 | T_AVL10 | T_AVL11 | (0x7full << 52) | T_PK(15)),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	/* Tables 4-15, 4-17, 4-19: bits 6, 11:8 and 62:52 of pointers are ignored. */
	{ "pointer ignored bits 6 8-11 52-62", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_D | T_G | T_AVL9 | T_AVL10 | T_AVL11 | (0x7ffull << 52)),
		    TBF(3, T_TBL | T_D | T_G | T_AVL9 | T_AVL11 | (0x7ffull << 52)),
		    TBF(2, T_TBL | T_D | T_G | T_AVL10 | (0x7ffull << 52)),
		    LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	/* G is reported from the leaf (table 4-20 bit 8)... */
	{ "global leaf", .va = VA1, .access = R_, .priv = U_, .pte = PATH4K(T_RW | T_US | T_G),
	  OK(VA1_4K, 1, P_RWXU | PERM_G, 4) },
	{ "global 2m leaf", .va = VA1, .access = R_, .priv = S_, .pte = PATH2M(T_RW | T_G),
	  OK(VA1_2M, 2, P_RWX | PERM_G, 3) },
	/* ...and bit 8 of a pointer is ignored. */
	{ "G in pointers is ignored", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_G), TBF(3, T_TBL | T_G), TBF(2, T_TBL | T_G),
		    LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	/* 4.6.1: XD=1 in any entry forbids fetches (NXE=1); reads still fine. */
	{ "XD leaf: read ok, no x", .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US | T_XD), OK(VA1_4K, 1, P_RWU, 4) },
	{ "XD in PML4E removes x", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_XD), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWU, 4) },
	{ "XD in PDE pointer removes x", .va = VA1, .access = W_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TBF(2, T_TBL | T_XD), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWU, 4) },
	{ "XD in PML4E removes x of a 1g page", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_XD), LEAF1G(T_RW | T_US), 0, 0),
	  OK(VA1_1G, 3, P_RWU, 2) },
	/* 4.6.1: W needs R/W=1 in every entry; U needs U/S=1 in every entry. */
	{ "R/W=0 in PDPTE removes w", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TBF(3, T_P | T_US), TB(2), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RXU, 4) },
	{ "R/W=0 in PML4E removes w of a 2m page", .va = VA1, .access = X_, .priv = U_,
	  .pte = L4(TBF(4, T_P | T_US), TB(3), LEAF2M(T_RW | T_US), 0),
	  OK(VA1_2M, 2, P_RXU, 3) },
	{ "U/S=0 in PDE pointer removes u", .va = VA1, .access = R_, .priv = S_,
	  .pte = L4(TB(4), TB(3), TBF(2, T_P | T_RW), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWX, 4) },
	{ "read-only supervisor page", .va = VA1, .access = R_, .priv = S_,
	  .pte = PATH4K(0), OK(VA1_4K, 1, P_RX, 4) },
	/* 4.6.1: with NXE=0 every page is executable. */
	{ "NXE=0 user fetch", .ctl = C_NONXE, .va = VA1, .access = X_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "NXE=0 supervisor fetch", .ctl = C_NONXE, .va = VA1, .access = X_, .priv = S_,
	  .pte = PATH4K(0), OK(VA1_4K, 1, P_RX, 4) },
	/* 4.6.1: CR0.WP=0 lets supervisor writes ignore R/W (w stays unreported). */
	{ "WP=0 supervisor write to read-only supervisor page", .ctl = C_NOWP, .va = VA1,
	  .access = W_, .priv = S_, .pte = PATH4K(0), OK(VA1_4K, 1, P_RX, 4) },
	{ "WP=0 supervisor write to read-only user page", .ctl = C_NOWP, .va = VA1,
	  .access = W_, .priv = S_, .pte = PATH4K(T_US), OK(VA1_4K, 1, P_RXU, 4) },
	{ "WP=0 supervisor write, R/W=0 in PML4E", .ctl = C_NOWP, .va = VA1, .access = W_,
	  .priv = S_, .pte = L4(TBF(4, T_P | T_US), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RXU, 4) },
	{ "WP=0 supervisor write to read-only 1g page", .ctl = C_NOWP, .va = VA1,
	  .access = W_, .priv = S_, .pte = PATH1G(0), OK(VA1_1G, 3, P_RX, 2) },
	/* Upper half: VA 0xffff800012345678, PML4 index 256. */
	{ "upper half 4k", .va = VA4H, .access = R_, .priv = S_, .pte = PATH4K(T_RW),
	  OK(0x0000000123456678ull, 1, P_RWX, 4) },
	{ "upper half 2m", .va = VA4H, .access = W_, .priv = S_, .pte = PATH2M(T_RW),
	  OK(0x0000000123545678ull, 2, P_RWX, 3) },
	{ "upper half 1g", .va = VA4H, .access = X_, .priv = S_, .pte = PATH1G(T_RW),
	  OK(0x0000000152345678ull, 3, P_RWX, 2) },
	/* 4.5: bits M-1:12 are address; with M=46 bit 45 is the top one. */
	{ "MAXPHYADDR 46, frame bit 45", .maxphy = 46, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TB(2), (1ull << 45) | LEAF4K(T_RW | T_US)),
	  OK((1ull << 45) | VA1_4K, 1, P_RWXU, 4) },
	{ "MAXPHYADDR 52, frame bit 51", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TB(2), (1ull << 51) | LEAF4K(T_RW | T_US)),
	  OK((1ull << 51) | VA1_4K, 1, P_RWXU, 4) },
	/* Bits 58:52 are ignored, not reserved, whatever MAXPHYADDR is. */
	{ "MAXPHYADDR 46, bit 52 ignored", .maxphy = 46, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | (1ull << 52)), TB(3), TB(2),
		    (1ull << 52) | LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	/* highest_translation_level 2: no 1G pages, 2M pages still fine. */
	{ "no 1G pages: 2m leaf still fine", .htl = 2, .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH2M(T_RW | T_US), OK(VA1_2M, 2, P_RWXU, 3) },
	/* SMEP only restricts supervisor fetches; SMAP only supervisor data. */
	{ "SMEP: user fetch from user page", .ctl = C_SMEP, .va = VA1, .access = X_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "SMAP: user write to user page", .ctl = C_SMAP, .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
};
VECTOR_SUITE(translate, translate_vectors)

/* ------------------------------------------------------------------------- */
/* Canonical addresses (SDM 3.3.7.1, 4.5): #GP, error code 0, nothing read.  */
/* ------------------------------------------------------------------------- */
static struct wv noncanonical_vectors[] = {
	/* The paths are valid for the index bits, so only canonicality can fail. */
	{ "bit 47 set, 63:48 clear", .va = 0x0000800000000000ull, .access = R_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US), NONCANON(4) },
	{ "bit 47 clear, 63:48 set", .va = 0xffff7ffffffff000ull, .access = W_, .priv = S_,
	  .pte = PATH4K(T_RW | T_US), NONCANON(4) },
	{ "only bit 63 set", .va = 0x8000000000001000ull, .access = X_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US), NONCANON(4) },
	{ "57-bit VA under 4-level paging", .va = VA5, .access = R_, .priv = S_,
	  .pte = PATH4K(T_RW | T_US), NONCANON(4) },
	{ "bit 48 set", .va = 0x0001000000000000ull, .access = R_, .priv = S_,
	  .pte = PATH4K(T_RW | T_US), NONCANON(4) },
	/* 5-level paging: bits 63:57 must equal bit 56. */
	{ "la57: bit 56 set, 63:57 clear", .levels = 5, .va = 0x0100000000000000ull,
	  .access = R_, .priv = U_, .pte = L5(TB(5), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  NONCANON(5) },
	{ "la57: bit 56 clear, 63:57 set", .levels = 5, .va = 0xfe00000000000000ull,
	  .access = W_, .priv = S_, .pte = L5(TB(5), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  NONCANON(5) },
	{ "la57: only bit 63 set", .levels = 5, .va = 0x8000000000000000ull,
	  .access = X_, .priv = S_, .pte = L5(TB(5), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  NONCANON(5) },
};
VECTOR_SUITE(noncanonical, noncanonical_vectors)

/* ------------------------------------------------------------------------- */
/* Not present (4.7: P=0 in the code; W/R, U/S, I/D describe the access).   */
/* ------------------------------------------------------------------------- */
static struct wv notpresent_vectors[] = {
	{ "PML4E, user read", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(0, TB(3), TB(2), LEAF4K(T_RW | T_US)), NP(4, PF_U, 1) },
	{ "PDPTE, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = L4(TB(4), 0, TB(2), LEAF4K(T_RW | T_US)), NP(3, PF_W | PF_U, 2) },
	{ "PDE, supervisor read", .va = VA1, .access = R_, .priv = S_,
	  .pte = L4(TB(4), TB(3), 0, LEAF4K(T_RW | T_US)), NP(2, 0, 3) },
	{ "PTE, supervisor write", .va = VA1, .access = W_, .priv = S_,
	  .pte = L4(TB(4), TB(3), TB(2), 0), NP(1, PF_W, 4) },
	/* I/D is set for fetches when NXE=1 or SMEP=1 (4.7). */
	{ "PTE, user fetch, NXE=1", .va = VA1, .access = X_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TB(2), 0), NP(1, PF_U | PF_ID, 4) },
	{ "PDE, supervisor fetch, NXE=1", .va = VA1, .access = X_, .priv = S_,
	  .pte = L4(TB(4), TB(3), 0, 0), NP(2, PF_ID, 3) },
	{ "PTE, user fetch, NXE=0 SMEP=0: I/D clear", .ctl = C_NONXE, .va = VA1, .access = X_,
	  .priv = U_, .pte = L4(TB(4), TB(3), TB(2), 0), NP(1, PF_U, 4) },
	{ "PML4E, supervisor fetch, NXE=0 SMEP=0: I/D clear", .ctl = C_NONXE, .va = VA1,
	  .access = X_, .priv = S_, .pte = L4(0, 0, 0, 0), NP(4, 0, 1) },
	{ "PTE, supervisor fetch, NXE=0 SMEP=1: I/D set", .ctl = C_NONXE | C_SMEP, .va = VA1,
	  .access = X_, .priv = S_, .pte = L4(TB(4), TB(3), TB(2), 0), NP(1, PF_ID, 4) },
	/* 4.5: reserved bits are not checked in an entry whose P flag is 0. */
	{ "P=0 with reserved address bits and PS", .maxphy = 46, .va = VA1, .access = R_,
	  .priv = U_, .pte = L4(TB(4), (1ull << 51) | T_PS | T_RW | T_US, 0, 0), NP(3, PF_U, 2) },
	{ "P=0 PML4E with PS", .va = VA1, .access = W_, .priv = S_,
	  .pte = L4(T_PS | T_RW, 0, 0, 0), NP(4, PF_W, 1) },
	{ "P=0 with XD while NXE=0", .ctl = C_NONXE, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TB(3), T_XD | T_RW | T_US, 0), NP(2, PF_U, 3) },
	{ "P=0 2m-looking PDE with low bits", .va = VA1, .access = R_, .priv = S_,
	  .pte = L4(TB(4), TB(3), (PA2M | T_PS | (1ull << 13)), 0), NP(2, 0, 3) },
	/* Rights are checked only for a complete translation: a missing PTE under
	 * a supervisor-only PML4E is "not present" (P=0), not a protection fault. */
	{ "PTE absent under U/S=0 PML4E, user read", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_P | T_RW), TB(3), TB(2), 0), NP(1, PF_U, 4) },
	{ "PTE absent under read-only PDPTE, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = L4(TB(4), TBF(3, T_P | T_US), TB(2), 0), NP(1, PF_W | PF_U, 4) },
	{ "PTE absent under XD PDE, user fetch", .va = VA1, .access = X_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TBF(2, T_TBL | T_XD), 0), NP(1, PF_U | PF_ID, 4) },
};
VECTOR_SUITE(notpresent, notpresent_vectors)

/* ------------------------------------------------------------------------- */
/* Reserved bits (4.5; 4.7: P=1 and RSVD=1 in the code).                     */
/* ------------------------------------------------------------------------- */
#define RV_PHYS REASON_X86_RSVD_PHYS_BITS
#define RV_PS   REASON_X86_RSVD_PS
#define RV_LOW  REASON_X86_RSVD_LARGE_LOW
#define RV_XD   REASON_X86_RSVD_XD
#define PF_RS   (PF_P | PF_RSVD)
static struct wv reserved_vectors[] = {
	/* Bits 51:M of every present entry (tables 4-15 .. 4-20), M = 46 here. */
	{ "PML4E address bit 46 (M=46)", .maxphy = 46, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | (1ull << 46)), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  RSVD(RV_PHYS, 4, PF_RS | PF_U, 1) },
	{ "PDPTE pointer address bit 51 (M=46)", .maxphy = 46, .va = VA1, .access = R_,
	  .priv = S_, .pte = L4(TB(4), TBF(3, T_TBL | (1ull << 51)), TB(2), LEAF4K(T_RW)),
	  RSVD(RV_PHYS, 3, PF_RS, 2) },
	{ "PDE pointer address bit 47 (M=46)", .maxphy = 46, .va = VA1, .access = W_,
	  .priv = U_, .pte = L4(TB(4), TB(3), TBF(2, T_TBL | (1ull << 47)), LEAF4K(T_RW | T_US)),
	  RSVD(RV_PHYS, 2, PF_RS | PF_W | PF_U, 3) },
	{ "PTE address bit 46 (M=46)", .maxphy = 46, .va = VA1, .access = W_, .priv = S_,
	  .pte = L4(TB(4), TB(3), TB(2), (1ull << 46) | LEAF4K(T_RW)),
	  RSVD(RV_PHYS, 1, PF_RS | PF_W, 4) },
	{ "2m leaf address bit 50 (M=46)", .maxphy = 46, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TB(3), (1ull << 50) | LEAF2M(T_RW | T_US), 0),
	  RSVD(RV_PHYS, 2, PF_RS | PF_U, 3) },
	{ "1g leaf address bit 48 (M=46)", .maxphy = 46, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), (1ull << 48) | LEAF1G(T_RW | T_US), 0, 0),
	  RSVD(RV_PHYS, 3, PF_RS | PF_U, 2) },
	{ "PTE address bit 39 (M=39)", .maxphy = 39, .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TB(2), (1ull << 39) | LEAF4K(T_RW | T_US)),
	  RSVD(RV_PHYS, 1, PF_RS | PF_U, 4) },
	/* Table 4-15: PS (bit 7) of a PML4E is reserved. */
	{ "PS in PML4E, user read", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_PS), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  RSVD(RV_PS, 4, PF_RS | PF_U, 1) },
	{ "PS in PML4E, supervisor write", .va = VA1, .access = W_, .priv = S_,
	  .pte = L4(PA1G | T_P | T_RW | T_PS, 0, 0, 0), RSVD(RV_PS, 4, PF_RS | PF_W, 1) },
	/* Without 1-GByte page support PS of a PDPTE is reserved (4.5); with
	 * highest_translation_level 1, PS of a PDE too. */
	{ "PS in PDPTE without 1G pages", .htl = 2, .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH1G(T_RW | T_US), RSVD(RV_PS, 3, PF_RS | PF_U, 2) },
	{ "PS in PDE with 4K pages only", .htl = 1, .va = VA1, .access = R_, .priv = S_,
	  .pte = PATH2M(T_RW), RSVD(RV_PS, 2, PF_RS, 3) },
	/* Table 4-18: bits 20:13 of a 2M leaf are reserved (bit 12 is PAT). */
	{ "2m leaf bit 13", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TB(3), (1ull << 13) | LEAF2M(T_RW | T_US), 0),
	  RSVD(RV_LOW, 2, PF_RS | PF_U, 3) },
	{ "2m leaf bit 20", .va = VA1, .access = W_, .priv = S_,
	  .pte = L4(TB(4), TB(3), (1ull << 20) | LEAF2M(T_RW), 0),
	  RSVD(RV_LOW, 2, PF_RS | PF_W, 3) },
	/* Table 4-16: bits 29:13 of a 1G leaf are reserved. */
	{ "1g leaf bit 13", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), (1ull << 13) | LEAF1G(T_RW | T_US), 0, 0),
	  RSVD(RV_LOW, 3, PF_RS | PF_U, 2) },
	{ "1g leaf bit 21", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), (1ull << 21) | LEAF1G(T_RW | T_US), 0, 0),
	  RSVD(RV_LOW, 3, PF_RS | PF_U, 2) },
	{ "1g leaf bit 29", .va = VA1, .access = W_, .priv = U_,
	  .pte = L4(TB(4), (1ull << 29) | LEAF1G(T_RW | T_US), 0, 0),
	  RSVD(RV_LOW, 3, PF_RS | PF_W | PF_U, 2) },
	/* 4.5: "If IA32_EFER.NXE = 0 and the P flag ... is 1, the XD flag is reserved." */
	{ "XD in PML4E while NXE=0", .ctl = C_NONXE, .va = VA1, .access = R_, .priv = S_,
	  .pte = L4(TBF(4, T_TBL | T_XD), TB(3), TB(2), LEAF4K(T_RW)),
	  RSVD(RV_XD, 4, PF_RS, 1) },
	{ "XD in PDPTE pointer while NXE=0", .ctl = C_NONXE, .va = VA1, .access = W_,
	  .priv = U_, .pte = L4(TB(4), TBF(3, T_TBL | T_XD), TB(2), LEAF4K(T_RW | T_US)),
	  RSVD(RV_XD, 3, PF_RS | PF_W | PF_U, 2) },
	{ "XD in PTE while NXE=0", .ctl = C_NONXE, .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US | T_XD), RSVD(RV_XD, 1, PF_RS | PF_U, 4) },
	{ "XD in 2m leaf while NXE=0", .ctl = C_NONXE, .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH2M(T_RW | T_US | T_XD), RSVD(RV_XD, 2, PF_RS | PF_W | PF_U, 3) },
	/* I/D on a reserved-bit fault: fetch with NXE=0 SMEP=0 -> clear... */
	{ "XD in PTE while NXE=0, supervisor fetch: I/D clear", .ctl = C_NONXE, .va = VA1,
	  .access = X_, .priv = S_, .pte = PATH4K(T_RW | T_XD), RSVD(RV_XD, 1, PF_RS, 4) },
	/* ...SMEP=1 -> set; NXE=1 -> set. */
	{ "XD in PTE while NXE=0, SMEP=1 fetch: I/D set", .ctl = C_NONXE | C_SMEP, .va = VA1,
	  .access = X_, .priv = S_, .pte = PATH4K(T_RW | T_XD), RSVD(RV_XD, 1, PF_RS | PF_ID, 4) },
	{ "reserved address bit, user fetch, NXE=1", .maxphy = 46, .va = VA1, .access = X_,
	  .priv = U_, .pte = L4(TB(4), TB(3), TB(2), (1ull << 46) | LEAF4K(T_RW | T_US)),
	  RSVD(RV_PHYS, 1, PF_RS | PF_U | PF_ID, 4) },
	/* No translation wins over access rights: a reserved bit in the PTE under a
	 * supervisor-only PML4E is a reserved-bit fault (4.7: RSVD). */
	{ "reserved bit below U/S=0 PML4E, user read", .maxphy = 46, .va = VA1, .access = R_,
	  .priv = U_, .pte = L4(TBF(4, T_P | T_RW), TB(3), TB(2), (1ull << 46) | LEAF4K(T_RW)),
	  RSVD(RV_PHYS, 1, PF_RS | PF_U, 4) },
	/* The walk stops at the first entry with a reserved bit. */
	{ "reserved bits at levels 3 and 1: level 3 reported", .maxphy = 46, .va = VA1,
	  .access = R_, .priv = U_,
	  .pte = L4(TB(4), TBF(3, T_TBL | (1ull << 47)), TB(2), (1ull << 47) | LEAF4K(T_RW | T_US)),
	  RSVD(RV_PHYS, 3, PF_RS | PF_U, 2) },
};
VECTOR_SUITE(reserved, reserved_vectors)

/* ------------------------------------------------------------------------- */
/* Access rights: U/S, R/W with CR0.WP, XD (4.6.1; 4.7: P=1).                */
/* ------------------------------------------------------------------------- */
#define RS_US REASON_X86_USER_SUPERVISOR
#define RS_RO REASON_X86_WRITE_READONLY
#define RS_XD REASON_X86_XD
static struct wv permission_vectors[] = {
	/* User accesses need U/S=1 in every entry. */
	{ "U/S=0 in PTE, user read", .va = VA1, .access = R_, .priv = U_, .pte = PATH4K(T_RW),
	  PERM(RS_US, 1, PF_P | PF_U, 4) },
	{ "U/S=0 in PTE, user write", .va = VA1, .access = W_, .priv = U_, .pte = PATH4K(T_RW),
	  PERM(RS_US, 1, PF_P | PF_W | PF_U, 4) },
	{ "U/S=0 in PTE, user fetch, NXE=1", .va = VA1, .access = X_, .priv = U_,
	  .pte = PATH4K(T_RW), PERM(RS_US, 1, PF_P | PF_U | PF_ID, 4) },
	{ "U/S=0 in PTE, user fetch, NXE=0: I/D clear", .ctl = C_NONXE, .va = VA1, .access = X_,
	  .priv = U_, .pte = PATH4K(T_RW), PERM(RS_US, 1, PF_P | PF_U, 4) },
	{ "U/S=0 in PML4E, user read", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_P | T_RW), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  PERM(RS_US, 1, PF_P | PF_U, 4), .deny = 4 },
	{ "U/S=0 in PDE pointer, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = L4(TB(4), TB(3), TBF(2, T_P | T_RW), LEAF4K(T_RW | T_US)),
	  PERM(RS_US, 1, PF_P | PF_W | PF_U, 4), .deny = 2 },
	{ "U/S=0 in 1g leaf, user read", .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH1G(T_RW), PERM(RS_US, 3, PF_P | PF_U, 2) },
	{ "U/S=0 in 2m leaf, user read", .va = VA1, .access = R_, .priv = U_,
	  .pte = PATH2M(T_RW), PERM(RS_US, 2, PF_P | PF_U, 3) },
	/* User writes need R/W=1 in every entry, whatever CR0.WP is. */
	{ "R/W=0 in PTE, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH4K(T_US), PERM(RS_RO, 1, PF_P | PF_W | PF_U, 4) },
	{ "R/W=0 in PTE, user write, WP=0", .ctl = C_NOWP, .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH4K(T_US), PERM(RS_RO, 1, PF_P | PF_W | PF_U, 4) },
	{ "U/S=0 in PDPTE and PDE, user read: the higher entry refused", .va = VA1, .access = R_, .priv = U_,
	  .pte = L4(TB(4), TBF(3, T_P | T_RW), TBF(2, T_P | T_RW), LEAF4K(T_RW | T_US)),
	  PERM(RS_US, 1, PF_P | PF_U, 4), .deny = 3 },
	{ "R/W=0 in PDPTE pointer, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = L4(TB(4), TBF(3, T_P | T_US), TB(2), LEAF4K(T_RW | T_US)),
	  PERM(RS_RO, 1, PF_P | PF_W | PF_U, 4), .deny = 3 },
	{ "R/W=0 in 2m leaf, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH2M(T_US), PERM(RS_RO, 2, PF_P | PF_W | PF_U, 3) },
	/* Supervisor writes need R/W=1 everywhere when CR0.WP=1. */
	{ "R/W=0 in PTE, supervisor write, WP=1", .va = VA1, .access = W_, .priv = S_,
	  .pte = PATH4K(0), PERM(RS_RO, 1, PF_P | PF_W, 4) },
	{ "R/W=0 in PML4E, supervisor write, WP=1", .va = VA1, .access = W_, .priv = S_,
	  .pte = L4(TBF(4, T_P | T_US), TB(3), TB(2), LEAF4K(T_RW)),
	  PERM(RS_RO, 1, PF_P | PF_W, 4), .deny = 4 },
	{ "R/W=0 in 2m leaf, supervisor write, WP=1", .va = VA1, .access = W_, .priv = S_,
	  .pte = PATH2M(0), PERM(RS_RO, 2, PF_P | PF_W, 3) },
	{ "R/W=0 in user PTE, supervisor write, WP=1", .va = VA1, .access = W_, .priv = S_,
	  .pte = PATH4K(T_US), PERM(RS_RO, 1, PF_P | PF_W, 4) },
	/* Two rules broken at once: the code describes the access either way. */
	{ "U/S=0 and R/W=0 in PTE, user write", .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH4K(0), .any_reason = true, PERM(RS_US, 1, PF_P | PF_W | PF_U, 4) },
	/* Fetches with NXE=1 need XD=0 in every entry. */
	{ "XD in PTE, user fetch", .va = VA1, .access = X_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US | T_XD), PERM(RS_XD, 1, PF_P | PF_U | PF_ID, 4) },
	{ "XD in PTE, supervisor fetch", .va = VA1, .access = X_, .priv = S_,
	  .pte = PATH4K(T_RW | T_XD), PERM(RS_XD, 1, PF_P | PF_ID, 4) },
	{ "XD in PDE pointer, supervisor fetch", .va = VA1, .access = X_, .priv = S_,
	  .pte = L4(TB(4), TB(3), TBF(2, T_TBL | T_XD), LEAF4K(T_RW)),
	  PERM(RS_XD, 1, PF_P | PF_ID, 4), .deny = 2 },
	{ "XD in PML4E, user fetch", .va = VA1, .access = X_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_XD), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  PERM(RS_XD, 1, PF_P | PF_U | PF_ID, 4), .deny = 4 },
	{ "XD in 1g leaf, user fetch", .va = VA1, .access = X_, .priv = U_,
	  .pte = PATH1G(T_RW | T_US | T_XD), PERM(RS_XD, 3, PF_P | PF_U | PF_ID, 2) },
	{ "XD in PML4E over 2m leaf, supervisor fetch", .va = VA1, .access = X_, .priv = S_,
	  .pte = L4(TBF(4, T_TBL | T_XD), TB(3), LEAF2M(T_RW), 0),
	  PERM(RS_XD, 2, PF_P | PF_ID, 3), .deny = 4 },
};
VECTOR_SUITE(permission, permission_vectors)

/* ------------------------------------------------------------------------- */
/* SMEP and SMAP (4.6.1): only for user-mode addresses, i.e. U/S=1 at every  */
/* level; SMAP only for data accesses and only while EFLAGS.AC=0.            */
/* ------------------------------------------------------------------------- */
static struct wv smep_smap_vectors[] = {
	{ "SMEP: supervisor fetch from user page", .ctl = C_SMEP, .va = VA1, .access = X_,
	  .priv = S_, .pte = PATH4K(T_RW | T_US),
	  PERM(REASON_X86_SMEP, 1, PF_P | PF_ID, 4) },
	{ "SMEP: supervisor fetch from user page, NXE=0 (I/D from SMEP)",
	  .ctl = C_SMEP | C_NONXE, .va = VA1, .access = X_, .priv = S_,
	  .pte = PATH4K(T_RW | T_US), PERM(REASON_X86_SMEP, 1, PF_P | PF_ID, 4) },
	{ "SMEP: supervisor fetch from user 2m page", .ctl = C_SMEP, .va = VA1, .access = X_,
	  .priv = S_, .pte = PATH2M(T_US), PERM(REASON_X86_SMEP, 2, PF_P | PF_ID, 3) },
	{ "SMEP: supervisor-mode address (U/S=0 in PML4E) is fine", .ctl = C_SMEP, .va = VA1,
	  .access = X_, .priv = S_,
	  .pte = L4(TBF(4, T_P | T_RW), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWX, 4) },
	{ "SMEP: supervisor read from user page is fine", .ctl = C_SMEP, .va = VA1,
	  .access = R_, .priv = S_, .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "SMAP: supervisor read from user page", .ctl = C_SMAP, .va = VA1, .access = R_,
	  .priv = S_, .pte = PATH4K(T_RW | T_US), PERM(REASON_X86_SMAP, 1, PF_P, 4) },
	{ "SMAP: supervisor write to user page", .ctl = C_SMAP, .va = VA1, .access = W_,
	  .priv = S_, .pte = PATH4K(T_RW | T_US), PERM(REASON_X86_SMAP, 1, PF_P | PF_W, 4) },
	{ "SMAP: supervisor read from user 1g page", .ctl = C_SMAP, .va = VA1, .access = R_,
	  .priv = S_, .pte = PATH1G(T_US), PERM(REASON_X86_SMAP, 3, PF_P, 2) },
	{ "SMAP: AC=1 supervisor read from user page", .ctl = C_SMAP, .ac = true, .va = VA1,
	  .access = R_, .priv = S_, .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "SMAP: AC=1 supervisor write to user page", .ctl = C_SMAP, .ac = true, .va = VA1,
	  .access = W_, .priv = S_, .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "SMAP: AC=1 supervisor write to read-only user page, WP=1", .ctl = C_SMAP, .ac = true,
	  .va = VA1, .access = W_, .priv = S_, .pte = PATH4K(T_US),
	  PERM(RS_RO, 1, PF_P | PF_W, 4) },
	{ "SMAP: AC=1 supervisor write to read-only user page, WP=0", .ctl = C_SMAP | C_NOWP,
	  .ac = true, .va = VA1, .access = W_, .priv = S_, .pte = PATH4K(T_US),
	  OK(VA1_4K, 1, P_RXU, 4) },
	{ "SMAP: supervisor fetch from user page is fine (SMEP=0)", .ctl = C_SMAP, .va = VA1,
	  .access = X_, .priv = S_, .pte = PATH4K(T_RW | T_US), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "SMAP: supervisor-mode address (U/S=0 in PDPTE) is fine", .ctl = C_SMAP, .va = VA1,
	  .access = R_, .priv = S_,
	  .pte = L4(TB(4), TBF(3, T_P | T_RW), TB(2), LEAF4K(T_RW | T_US)),
	  OK(VA1_4K, 1, P_RWX, 4) },
};
VECTOR_SUITE(smep_smap, smep_smap_vectors)

/* ------------------------------------------------------------------------- */
/* Protection keys (4.6.2; 4.7 PK flag): data accesses to user-mode addresses */
/* with key i = leaf bits 62:59; ADi blocks all data accesses, WDi blocks     */
/* user writes and supervisor writes when CR0.WP=1.                           */
/* ------------------------------------------------------------------------- */
#define RS_AD REASON_X86_PKEY_AD
#define RS_WD REASON_X86_PKEY_WD
static struct wv pkey_vectors[] = {
	{ "AD: user read", .ctl = C_PKE, .pkru = PKRU_AD(5), .va = VA1, .access = R_,
	  .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_AD, 1, PF_P | PF_U | PF_PK, 4) },
	{ "AD: user write", .ctl = C_PKE, .pkru = PKRU_AD(5), .va = VA1, .access = W_,
	  .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_AD, 1, PF_P | PF_W | PF_U | PF_PK, 4) },
	{ "AD: supervisor read of user page", .ctl = C_PKE, .pkru = PKRU_AD(5), .va = VA1,
	  .access = R_, .priv = S_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_AD, 1, PF_P | PF_PK, 4) },
	{ "AD: supervisor write of user page, WP=0", .ctl = C_PKE | C_NOWP, .pkru = PKRU_AD(5),
	  .va = VA1, .access = W_, .priv = S_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_AD, 1, PF_P | PF_W | PF_PK, 4) },
	{ "AD: key 0 (PKRU bit 0)", .ctl = C_PKE, .pkru = PKRU_AD(0), .va = VA1, .access = R_,
	  .priv = U_, .pte = PATH4K(T_RW | T_US), PERM(RS_AD, 1, PF_P | PF_U | PF_PK, 4) },
	{ "AD: key 15 in a 2m leaf (PKRU bit 30)", .ctl = C_PKE, .pkru = PKRU_AD(15), .va = VA1,
	  .access = R_, .priv = U_, .pte = PATH2M(T_RW | T_US | T_PK(15)),
	  PERM(RS_AD, 2, PF_P | PF_U | PF_PK, 3) },
	{ "WD: user write", .ctl = C_PKE, .pkru = PKRU_WD(5), .va = VA1, .access = W_,
	  .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_WD, 1, PF_P | PF_W | PF_U | PF_PK, 4) },
	{ "WD: user write, WP=0", .ctl = C_PKE | C_NOWP, .pkru = PKRU_WD(5), .va = VA1,
	  .access = W_, .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_WD, 1, PF_P | PF_W | PF_U | PF_PK, 4) },
	{ "WD: key 9 in a 1g leaf, user write", .ctl = C_PKE, .pkru = PKRU_WD(9), .va = VA1,
	  .access = W_, .priv = U_, .pte = PATH1G(T_RW | T_US | T_PK(9)),
	  PERM(RS_WD, 3, PF_P | PF_W | PF_U | PF_PK, 2) },
	{ "WD: supervisor write of user page, WP=1", .ctl = C_PKE, .pkru = PKRU_WD(5),
	  .va = VA1, .access = W_, .priv = S_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  PERM(RS_WD, 1, PF_P | PF_W | PF_PK, 4) },
	{ "WD: supervisor write of user page, WP=0 is fine", .ctl = C_PKE | C_NOWP,
	  .pkru = PKRU_WD(5), .va = VA1, .access = W_, .priv = S_,
	  .pte = PATH4K(T_RW | T_US | T_PK(5)), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "WD: user read is fine", .ctl = C_PKE, .pkru = PKRU_WD(5), .va = VA1, .access = R_,
	  .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "AD: user fetch is fine", .ctl = C_PKE, .pkru = PKRU_AD(5) | PKRU_WD(5), .va = VA1,
	  .access = X_, .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	{ "AD: supervisor fetch from user page is fine (SMEP=0)", .ctl = C_PKE,
	  .pkru = PKRU_AD(5), .va = VA1, .access = X_, .priv = S_,
	  .pte = PATH4K(T_RW | T_US | T_PK(5)), OK(VA1_4K, 1, P_RWXU, 4) },
	{ "AD: supervisor-mode address is fine", .ctl = C_PKE, .pkru = PKRU_AD(5), .va = VA1,
	  .access = R_, .priv = S_,
	  .pte = L4(TBF(4, T_P | T_RW), TB(3), TB(2), LEAF4K(T_RW | T_US | T_PK(5))),
	  OK(VA1_4K, 1, P_RWX, 4) },
	{ "other keys disabled, key 5 clear", .ctl = C_PKE, .pkru = 0xffffffffu & ~(3u << 10),
	  .va = VA1, .access = W_, .priv = U_, .pte = PATH4K(T_RW | T_US | T_PK(5)),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	{ "PKE=0 ignores PKRU", .pkru = 0xffffffffu, .va = VA1, .access = W_, .priv = U_,
	  .pte = PATH4K(T_RW | T_US | T_PK(5)), OK(VA1_4K, 1, P_RWXU, 4) },
	/* Only the leaf's bits 62:59 are a key; in pointers they are ignored. */
	{ "key bits in pointers are ignored", .ctl = C_PKE, .pkru = PKRU_AD(7), .va = VA1,
	  .access = R_, .priv = U_,
	  .pte = L4(TBF(4, T_TBL | T_PK(7)), TBF(3, T_TBL | T_PK(7)), TBF(2, T_TBL | T_PK(7)),
		    LEAF4K(T_RW | T_US | T_PK(3))),
	  OK(VA1_4K, 1, P_RWXU, 4) },
	/* 4.7: PK is set whenever the key disallows the data access, even when the
	 * access also breaks another rule (keys are checked first: Xen, QEMU). */
	{ "AD and R/W=0: PK still set", .ctl = C_PKE, .pkru = PKRU_AD(5), .va = VA1,
	  .access = W_, .priv = U_, .pte = PATH4K(T_US | T_PK(5)), .any_reason = true,
	  PERM(RS_AD, 1, PF_P | PF_W | PF_U | PF_PK, 4) },
	{ "AD and SMAP: PK still set", .ctl = C_PKE | C_SMAP, .pkru = PKRU_AD(5), .va = VA1,
	  .access = R_, .priv = S_, .pte = PATH4K(T_RW | T_US | T_PK(5)), .any_reason = true,
	  PERM(RS_AD, 1, PF_P | PF_PK, 4) },
};
VECTOR_SUITE(pkeys, pkey_vectors)

/* ------------------------------------------------------------------------- */
/* 5-level paging (4.5, table 4-14: PML5E; bits 56:48 index the PML5).       */
/* ------------------------------------------------------------------------- */
#define PATH5_4K(f) L5(TB(5), TB(4), TB(3), TB(2), LEAF4K(f))
static struct wv la57_vectors[] = {
	{ "4k via PML5", .levels = 5, .va = VA5, .access = R_, .priv = U_,
	  .pte = PATH5_4K(T_RW | T_US), OK(0x0000000123456678ull, 1, P_RWXU, 5) },
	{ "4k via PML5, upper half", .levels = 5, .va = VA5H, .access = W_, .priv = S_,
	  .pte = PATH5_4K(T_RW), OK(0x0000000123456678ull, 1, P_RWX, 5) },
	{ "2m via PML5", .levels = 5, .va = VA5, .access = R_, .priv = U_,
	  .pte = L5(TB(5), TB(4), TB(3), LEAF2M(T_RW | T_US), 0),
	  OK(0x0000000123545678ull, 2, P_RWXU, 4) },
	{ "1g via PML5", .levels = 5, .va = VA5, .access = R_, .priv = U_,
	  .pte = L5(TB(5), TB(4), LEAF1G(T_RW | T_US), 0, 0),
	  OK(0x0000000152345678ull, 3, P_RWXU, 3) },
	/* Canonical for 57 bits although not for 48 (PML5 index 128 / 0). */
	{ "bit 55 set is canonical", .levels = 5, .va = 0x0080000000000000ull, .access = R_,
	  .priv = U_, .pte = PATH5_4K(T_RW | T_US), OK(PA4K, 1, P_RWXU, 5) },
	{ "bit 47 set is canonical", .levels = 5, .va = 0x0000800000000abcull, .access = R_,
	  .priv = U_, .pte = PATH5_4K(T_RW | T_US), OK(PA4K | 0xabc, 1, P_RWXU, 5) },
	/* Table 4-14: PS of a PML5E is reserved; so is PS of a PML4E (4-15). */
	{ "PS in PML5E", .levels = 5, .va = VA5, .access = R_, .priv = U_,
	  .pte = L5(TBF(5, T_TBL | T_PS), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  RSVD(RV_PS, 5, PF_RS | PF_U, 1) },
	{ "PS in PML4E under PML5", .levels = 5, .va = VA5, .access = W_, .priv = S_,
	  .pte = L5(TB(5), TBF(4, T_TBL | T_PS), TB(3), TB(2), LEAF4K(T_RW)),
	  RSVD(RV_PS, 4, PF_RS | PF_W, 2) },
	{ "PML5E address bit 46 (M=46)", .levels = 5, .maxphy = 46, .va = VA5, .access = R_,
	  .priv = S_, .pte = L5(TBF(5, T_TBL | (1ull << 46)), TB(4), TB(3), TB(2), LEAF4K(T_RW)),
	  RSVD(RV_PHYS, 5, PF_RS, 1) },
	{ "XD in PML5E while NXE=0", .levels = 5, .ctl = C_NONXE, .va = VA5, .access = R_,
	  .priv = U_, .pte = L5(TBF(5, T_TBL | T_XD), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  RSVD(RV_XD, 5, PF_RS | PF_U, 1) },
	{ "PML5E not present", .levels = 5, .va = VA5, .access = W_, .priv = U_,
	  .pte = L5(0, TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)), NP(5, PF_W | PF_U, 1) },
	{ "U/S=0 in PML5E, user read", .levels = 5, .va = VA5, .access = R_, .priv = U_,
	  .pte = L5(TBF(5, T_P | T_RW), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  PERM(RS_US, 1, PF_P | PF_U, 5), .deny = 5 },
	{ "R/W=0 in PML5E, user write", .levels = 5, .va = VA5, .access = W_, .priv = U_,
	  .pte = L5(TBF(5, T_P | T_US), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  PERM(RS_RO, 1, PF_P | PF_W | PF_U, 5), .deny = 5 },
	{ "XD in PML5E, user fetch", .levels = 5, .va = VA5, .access = X_, .priv = U_,
	  .pte = L5(TBF(5, T_TBL | T_XD), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  PERM(RS_XD, 1, PF_P | PF_U | PF_ID, 5), .deny = 5 },
	{ "XD in PML5E removes x", .levels = 5, .va = VA5, .access = R_, .priv = U_,
	  .pte = L5(TBF(5, T_TBL | T_XD), TB(4), TB(3), TB(2), LEAF4K(T_RW | T_US)),
	  OK(0x0000000123456678ull, 1, P_RWU, 5) },
};
VECTOR_SUITE(la57, la57_vectors)

/* ------------------------------------------------------------------------- */
/* The PTEs read, by hand: VA1 -> PML4 255 (0x7f8), PDPT 175 (0x578),        */
/* PD 111 (0x378), PT 241 (0x788).                                           */
/* ------------------------------------------------------------------------- */
Test(walk_x86_64, steps_by_hand_4k, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_RW | T_US);
	struct walk_result res;

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_path(&fx, VA1, pte);
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_assert_eq(res.nr_steps, 4);
	static const struct {
		unsigned level;
		uint64_t table;
		unsigned index;
		uint64_t pte_addr;
	} want[] = {
		{ 4, 0x40000, 255, 0x407f8 },
		{ 3, 0x30000, 175, 0x30578 },
		{ 2, 0x20000, 111, 0x20378 },
		{ 1, 0x10000, 241, 0x10788 },
	};
	for (unsigned i = 0; i < 4; i++) {
		cr_expect_eq(res.steps[i].level, want[i].level, "step %u", i);
		cr_expect_eq(res.steps[i].table, want[i].table, "step %u", i);
		cr_expect_eq(res.steps[i].index, want[i].index, "step %u", i);
		cr_expect_eq(res.steps[i].pte_addr, want[i].pte_addr, "step %u: 0x%llx", i,
			     (unsigned long long)res.steps[i].pte_addr);
		/* the value read, before the walk set A */
		cr_expect_eq(res.steps[i].pte, pte[want[i].level], "step %u", i);
	}
	cr_expect_eq(res.pa, 0x123456234ull);
}

/* VA5 -> PML5 171 (0x558), PML4 411 (0xcd8), PDPT 444 (0xde0), PD 145 (0x488), PT 325 (0xa28). */
Test(walk_x86_64, steps_by_hand_la57, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH5_4K(T_RW);
	static const uint64_t want[] = { 0x50558, 0x40cd8, 0x30de0, 0x20488, 0x10a28 };
	struct walk_result res;

	x86fx_setup(&fx, 5, 0, 0);
	x86fx_path(&fx, VA5, pte);
	x86fx_walk(&fx, VA5, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok);
	cr_assert_eq(res.nr_steps, 5);
	for (unsigned i = 0; i < 5; i++)
		cr_expect_eq(res.steps[i].pte_addr, want[i], "step %u: 0x%llx", i,
			     (unsigned long long)res.steps[i].pte_addr);
	cr_expect_eq(res.pa, 0x123456678ull);
	cr_expect_eq(res.level, 1);
}

/* VA4H -> PML4 256 (0x800), PDPT 0, PD 145 (0x488): a 2M leaf, three steps. */
Test(walk_x86_64, steps_by_hand_2m_upper_half, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH2M(T_RW);
	static const uint64_t want[] = { 0x40800, 0x30000, 0x20488 };
	struct walk_result res;

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_path(&fx, VA4H, pte);
	x86fx_walk(&fx, VA4H, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok);
	cr_assert_eq(res.nr_steps, 3);
	for (unsigned i = 0; i < 3; i++)
		cr_expect_eq(res.steps[i].pte_addr, want[i], "step %u: 0x%llx", i,
			     (unsigned long long)res.steps[i].pte_addr);
	cr_expect_eq(res.pa, 0x123545678ull);
	cr_expect_eq(res.page_size, SZ_2M);
}

/* A root that is not 4K-aligned is not our concern; a root anywhere in the
 * machine's memory is: the walk starts at req.root, not at a fixed node. */
Test(walk_x86_64, root_is_taken_from_request, .fini = fx_fini)
{
	struct walk_result res;
	struct walk_request req = { .root = 0x7000, .va = VA1, .access = ACCESS_READ,
				    .priv = PRIV_USER };

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_put(&fx, 0x7000 + 255 * 8, NODE(3) | T_TBL);
	x86fx_put(&fx, NODE(3) + 175 * 8, NODE(2) | T_TBL);
	x86fx_put(&fx, NODE(2) + 111 * 8, LEAF2M(T_RW | T_US));
	walk(&fx.w, &req, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.pa, VA1_2M);
	cr_expect_eq(res.steps[0].pte_addr, 0x77f8ull);
}

/* ------------------------------------------------------------------------- */
/* Accessed and dirty flags (4.8).                                           */
/* ------------------------------------------------------------------------- */

/* Reads back the entry at `level` on VA1's path. */
static uint64_t slot(unsigned level)
{
	return x86fx_get(&fx, x86fx_slot(VA1, level));
}

static void ad_setup(const uint64_t pte[6])
{
	x86fx_setup(&fx, 4, 0, 0);
	x86fx_path(&fx, VA1, pte);
}

/* "Whenever the processor uses a paging-structure entry as part of
 * linear-address translation, it sets the accessed flag in that entry." */
Test(walk_x86_64_ad, read_sets_accessed_everywhere, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_RW | T_US);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(slot(l), pte[l] | T_A, "level %u: 0x%llx", l,
			     (unsigned long long)slot(l));
	cr_expect(res.set_accessed);
	cr_expect(!res.set_dirty);
	cr_expect_eq(res.leaf_pte, pte[1] | T_A);
}

/* "Whenever there is a write to a linear address, the processor sets the dirty
 * flag (if it is not already set) in the paging-structure entry that
 * identifies the final physical address" -- only there: bit 6 of a pointer is
 * ignored and never set. */
Test(walk_x86_64_ad, write_sets_dirty_on_leaf_only, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_RW | T_US);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok);
	for (unsigned l = 4; l >= 2; l--)
		cr_expect_eq(slot(l), pte[l] | T_A, "level %u: 0x%llx", l,
			     (unsigned long long)slot(l));
	cr_expect_eq(slot(1), pte[1] | T_A | T_D, "leaf: 0x%llx", (unsigned long long)slot(1));
	cr_expect(res.set_accessed);
	cr_expect(res.set_dirty);
	cr_expect_eq(res.leaf_pte, pte[1] | T_A | T_D);
}

Test(walk_x86_64_ad, write_2m_sets_dirty_on_pde, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH2M(T_RW | T_US);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(slot(4), pte[4] | T_A);
	cr_expect_eq(slot(3), pte[3] | T_A);
	cr_expect_eq(slot(2), pte[2] | T_A | T_D, "2m leaf: 0x%llx", (unsigned long long)slot(2));
	cr_expect_eq(slot(1), 0, "nothing below a 2m leaf is touched");
}

Test(walk_x86_64_ad, write_1g_sets_dirty_on_pdpte, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH1G(T_RW | T_US);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok);
	cr_expect_eq(slot(4), pte[4] | T_A);
	cr_expect_eq(slot(3), pte[3] | T_A | T_D, "1g leaf: 0x%llx", (unsigned long long)slot(3));
	cr_expect_eq(slot(2), 0);
}

Test(walk_x86_64_ad, fetch_sets_accessed_only, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_RW | T_US);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_EXEC, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(slot(1), pte[1] | T_A);
	cr_expect(!res.set_dirty);
}

/* Flags already set: nothing to write, nothing reported as set by the walk. */
Test(walk_x86_64_ad, already_set_flags_unchanged, .fini = fx_fini)
{
	static const uint64_t pte[6] = L4(TBF(4, T_TBL | T_A), TBF(3, T_TBL | T_A),
					  TBF(2, T_TBL | T_A), LEAF4K(T_RW | T_US | T_A | T_D));
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(slot(l), pte[l], "level %u", l);
	cr_expect(!res.set_accessed);
	cr_expect(!res.set_dirty);
	cr_expect_eq(res.leaf_pte, pte[1]);
}

Test(walk_x86_64_ad, accessed_set_dirty_clear_write, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_RW | T_US | T_A);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(slot(1), pte[1] | T_D);
	cr_expect(!res.set_accessed);
	cr_expect(res.set_dirty);
}

/* A write permitted by CR0.WP=0 to a read-only page is still a write: D is set. */
Test(walk_x86_64_ad, wp0_supervisor_write_sets_dirty, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(0);
	struct walk_result res;

	ad_setup(pte);
	fx.ctl.wp = false;
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok);
	cr_expect_eq(slot(1), pte[1] | T_A | T_D);
}

Test(walk_x86_64_ad, no_ad_update_leaves_memory_alone, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_RW | T_US);
	struct walk_result res;
	struct walk_request req = { .root = NODE(4), .va = VA1, .access = ACCESS_WRITE,
				    .priv = PRIV_USER, .no_ad_update = true };

	ad_setup(pte);
	walk(&fx.w, &req, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.pa, VA1_4K);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(slot(l), pte[l], "level %u: 0x%llx", l, (unsigned long long)slot(l));
}

Test(walk_x86_64_ad, no_ad_update_on_fault_leaves_memory_alone, .fini = fx_fini)
{
	static const uint64_t pte[6] = L4(TB(4), TB(3), TB(2), 0);
	struct walk_result res;
	struct walk_request req = { .root = NODE(4), .va = VA1, .access = ACCESS_READ,
				    .priv = PRIV_USER, .no_ad_update = true };

	ad_setup(pte);
	walk(&fx.w, &req, &res);
	cr_assert(!res.ok);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(slot(l), pte[l], "level %u", l);
}

/* Rights are denied: the pointers used on the way down have A, the leaf does
 * not (the access never happened). */
Test(walk_x86_64_ad, permission_fault_leaves_leaf_alone, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH4K(T_US);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_PERMISSION);
	for (unsigned l = 4; l >= 2; l--)
		cr_expect_eq(slot(l), pte[l] | T_A, "level %u: 0x%llx", l,
			     (unsigned long long)slot(l));
	cr_expect_eq(slot(1), pte[1], "leaf: 0x%llx", (unsigned long long)slot(1));
}

Test(walk_x86_64_ad, smap_fault_leaves_2m_leaf_alone, .fini = fx_fini)
{
	static const uint64_t pte[6] = PATH2M(T_RW | T_US);
	struct walk_result res;

	ad_setup(pte);
	fx.ctl.smap = true;
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_assert(!res.ok);
	cr_expect_eq(slot(4), pte[4] | T_A);
	cr_expect_eq(slot(3), pte[3] | T_A);
	cr_expect_eq(slot(2), pte[2], "2m leaf: 0x%llx", (unsigned long long)slot(2));
}

Test(walk_x86_64_ad, not_present_sets_accessed_above, .fini = fx_fini)
{
	static const uint64_t pte[6] = L4(TB(4), TB(3), 0, 0);
	struct walk_result res;

	ad_setup(pte);
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(slot(4), pte[4] | T_A);
	cr_expect_eq(slot(3), pte[3] | T_A);
	cr_expect_eq(slot(2), 0);
}

/* An entry with a reserved bit set is not used for translation: it does not get
 * A (QEMU sets A only after the reserved-bit check); the entries above do. */
Test(walk_x86_64_ad, reserved_bit_entry_not_marked, .fini = fx_fini)
{
	static const uint64_t pte[6] = L4(TB(4), TB(3), TBF(2, T_TBL | (1ull << 46)),
					  LEAF4K(T_RW | T_US));
	struct walk_result res;

	x86fx_setup(&fx, 4, 46, 0);
	x86fx_path(&fx, VA1, pte);
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_RESERVED_BIT);
	cr_expect_eq(slot(4), pte[4] | T_A);
	cr_expect_eq(slot(3), pte[3] | T_A);
	cr_expect_eq(slot(2), pte[2], "PDE with reserved bit: 0x%llx", (unsigned long long)slot(2));
	cr_expect_eq(slot(1), pte[1]);
}

Test(walk_x86_64_ad, non_canonical_touches_nothing, .fini = fx_fini)
{
	static const uint64_t va = 0x0000800000001000ull;
	static const uint64_t pte[6] = PATH4K(T_RW | T_US);
	struct walk_result res;

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_path(&fx, va, pte);
	x86fx_walk(&fx, va, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_NON_CANONICAL);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(x86fx_get(&fx, x86fx_slot(va, l)), pte[l], "level %u", l);
}

/* ------------------------------------------------------------------------- */
/* Odds and ends.                                                            */
/* ------------------------------------------------------------------------- */

/* A pointer to a node outside physical memory: the next read is a bus error. */
Test(walk_x86_64, pointer_outside_memory_is_bus_error, .fini = fx_fini)
{
	static const uint64_t pte[6] = L4(TB(4), 0x0000000200000000ull | T_TBL, 0, 0);
	struct walk_result res;

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_path(&fx, VA1, pte);
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_BUS_ERROR, "kind %s", fault_kind_name(res.fault.kind));
	/* the PDE could not be read */
	cr_expect_eq(res.fault.level, 2, "level %u", res.fault.level);
}

Test(walk_x86_64, root_outside_memory_is_bus_error, .fini = fx_fini)
{
	struct walk_result res;
	struct walk_request req = { .root = 0x0000000400000000ull, .va = VA1,
				    .access = ACCESS_READ, .priv = PRIV_SUPERVISOR };

	x86fx_setup(&fx, 4, 0, 0);
	walk(&fx.w, &req, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_BUS_ERROR, "kind %s", fault_kind_name(res.fault.kind));
	cr_expect_eq(res.fault.level, 4, "level %u", res.fault.level);
}

/* Physical memory need not start at 0 nor hold the data page: the walk only
 * reads nodes. */
Test(walk_x86_64, data_page_outside_memory_translates, .fini = fx_fini)
{
	static const uint64_t pte[6] = L4(TB(4), TB(3), TB(2),
					  0x000ffffffffff000ull | T_P | T_RW | T_US);
	struct walk_result res;

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_path(&fx, VA1, pte);
	x86fx_walk(&fx, VA1, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.pa, 0x000ffffffffff234ull);
}

/* The JSON names of the fault kinds an x86 walk produces (DESIGN.md). */
Test(walk_x86_64, fault_kind_names)
{
	cr_expect_str_eq(fault_kind_name(FAULT_NON_CANONICAL), "non-canonical");
	cr_expect_str_eq(fault_kind_name(FAULT_NOT_PRESENT), "not-present");
	cr_expect_str_eq(fault_kind_name(FAULT_RESERVED_BIT), "reserved-bit");
	cr_expect_str_eq(fault_kind_name(FAULT_PERMISSION), "permission");
	cr_expect_str_eq(fault_kind_name(FAULT_BUS_ERROR), "bus-error");
}

Test(walk_x86_64, reason_texts_exist)
{
	static const enum fault_reason r[] = {
		REASON_NON_CANONICAL, REASON_NOT_PRESENT, REASON_X86_RSVD_PHYS_BITS,
		REASON_X86_RSVD_PS, REASON_X86_RSVD_LARGE_LOW, REASON_X86_RSVD_XD,
		REASON_X86_USER_SUPERVISOR, REASON_X86_WRITE_READONLY, REASON_X86_XD,
		REASON_X86_SMEP, REASON_X86_SMAP, REASON_X86_PKEY_AD, REASON_X86_PKEY_WD,
	};

	for (unsigned i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		const char *t = walk_reason_text(r[i]);

		cr_expect(t && *t, "reason %d has no text", r[i]);
		for (unsigned j = 0; j < i; j++)
			cr_expect(!t || strcmp(t, walk_reason_text(r[j])) != 0,
				  "reasons %d and %d share the text \"%s\"", r[i], r[j], t);
	}
}

/* ------------------------------------------------------------------------- */
/* Effective permissions (4.6): what this privilege may do with these        */
/* control bits, asked of the same rule the walk applies.                    */
/* ------------------------------------------------------------------------- */
struct ev {
	char name[64];
	unsigned ctl;       /* C_* */
	uint32_t pkru;
	enum privilege priv;
	bool ac;
	uint64_t leaf;      /* the PTE's flags (pointers are P|RW|US) */
	unsigned perms;     /* PERM_* expected */
};

static struct ev effective_vectors[] = {
	/* CR0.WP=0: supervisor writes ignore R/W (4.6.1). */
	{ "WP=0: supervisor may write a read-only page", C_NOWP, 0, S_, false, 0, PERM_R | PERM_W | PERM_X },
	{ "WP=1: it may not", 0, 0, S_, false, 0, PERM_R | PERM_X },
	{ "WP=0 does not concern user mode", C_NOWP, 0, U_, false, T_US, PERM_R | PERM_X | PERM_U },
	/* SMEP: no supervisor fetch from a user page. */
	{ "SMEP: supervisor loses x on a user page", C_SMEP, 0, S_, false, T_RW | T_US, P_RWU },
	/* SMAP: no supervisor data access to a user page unless EFLAGS.AC=1. */
	{ "SMAP, AC=0: supervisor loses r and w", C_SMAP, 0, S_, false, T_RW | T_US, PERM_X | PERM_U },
	{ "SMAP, AC=1: it keeps them", C_SMAP, 0, S_, true, T_RW | T_US, P_RWXU },
	/* XD and NXE: without NXE, XD is reserved; with it, XD takes x from everyone. */
	{ "XD: user loses x", 0, 0, U_, false, T_RW | T_US | T_XD, P_RWU },
	/* PKRU (4.6.2): access-disable takes r and w of a user page, write-disable w. */
	{ "PKRU AD: user keeps only x", C_PKE, PKRU_AD(1), U_, false, T_RW | T_US | T_PK(1), PERM_X | PERM_U },
	{ "PKRU WD: user loses w", C_PKE, PKRU_WD(1), U_, false, T_RW | T_US | T_PK(1), P_RXU },
	{ "PKRU WD, WP=0: supervisor keeps w", C_PKE | C_NOWP, PKRU_WD(1), S_, false, T_RW | T_US | T_PK(1),
	  P_RWXU },
};

ParameterizedTestParameters(walk_x86_64_effective, perms)
{
	return cr_make_param_array(struct ev, effective_vectors, sizeof(effective_vectors) / sizeof(effective_vectors[0]));
}

ParameterizedTest(const struct ev *v, walk_x86_64_effective, perms, .fini = fx_fini)
{
	const uint64_t pte[6] = PATH4K(v->leaf);
	struct walk_request req = { .root = NODE(4), .va = VA1, .access = R_, .priv = v->priv, .smap_ac = v->ac };
	struct walk_result res;
	char got[6], want[6];

	x86fx_setup(&fx, 4, 0, 0);
	fx.ctl.wp = !(v->ctl & C_NOWP);
	fx.ctl.smep = v->ctl & C_SMEP;
	fx.ctl.smap = v->ctl & C_SMAP;
	fx.ctl.pke = v->ctl & C_PKE;
	fx.ctl.pkru = v->pkru;
	x86fx_path(&fx, VA1, pte);
	/* Reach the leaf with an access the page allows: a fetch, or a read where fetches are refused. */
	req.access = X_;
	walk(&fx.w, &req, &res);
	if (!res.ok) {
		req.access = R_;
		walk(&fx.w, &req, &res);
	}
	cr_assert(res.ok, "%s: the walk faulted (%s)", v->name, walk_reason_text(res.fault.reason));
	perms_format(walk_effective_perms(&fx.w, &req, &res), got);
	perms_format(v->perms, want);
	cr_expect_str_eq(got, want, "%s", v->name);
}
