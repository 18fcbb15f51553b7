/*
 * test_walk_riscv: the RISC-V hardware page walk (Sv39, Sv48, Sv57).
 *
 * Every expectation is derived by hand from the RISC-V privileged spec,
 * "Virtual Address Translation Process" (steps 1-8, with i = level - 1 and
 * LEVELS = nr_levels), the Sv39/Sv48/Sv57 sections (canonical VAs, PTE
 * format), Svpbmt, Svnapot and the A/D schemes (Svade: fault; Svadu: the
 * hardware sets A, and D on stores).  Recap of the steps as tested here:
 *
 *   1. a = satp.ppn * PAGESIZE, i = LEVELS-1 (VA bits 63..aw must equal bit aw-1,
 *      else a page fault with nothing read)
 *   2. pte = mem[a + va.vpn[i] * 8]; outside memory -> access fault (1/5/7)
 *   3. V=0, or R=0 && W=1, or reserved bits/encodings set -> page fault
 *      (bits 60:54; PBMT=3; PBMT!=0 or N=1 without the extension; bad NAPOT
 *      encoding; D, A, U, PBMT, N on a non-leaf PTE)
 *   4. R=1 or X=1 -> leaf (step 5); else i = i-1, i < 0 -> page fault
 *   5. R/W/X/U vs access, privilege, SUM, MXR -> page fault
 *   6. i > 0 && pte.ppn[i-1:0] != 0 -> misaligned superpage page fault
 *   7. A=0, or store && D=0: Svade page fault, or Svadu sets A (and D)
 *   8. pa = pte.ppn[LEVELS-1:i] : va.vpn[i-1:0] : va.pgoff
 *      (Svnapot: ppn[0][3:0] replaced by vpn[0][3:0], 64 KiB)
 *
 * Page fault scause: 12 fetch, 13 load, 15 store/AMO; access fault: 1, 5, 7.
 */
#include <stdlib.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "rv_fixture.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define TiB (1024ull * GiB)

/* The VA most fault rules use; canonical in Sv39, Sv48 and Sv57:
 * vpn[2]=0x48 vpn[1]=0x1a2 vpn[0]=0x167 offset 0xabc (vpn[3]=vpn[4]=0). */
#define VA_TEST 0x0000001234567abcull

/* Leaf PAs used with VA_TEST, aligned for the level they are mapped at. */
#define PA_4K 0x90345000ull
#define PA_2M 0x90400000ull
#define PA_1G 0x140000000ull

#define RWX (T_R | T_W | T_X)
#define AD (T_A | T_D)

/*
 * The vector tables.  Normally each vector is its own Criterion test, and so
 * its own process.  Built with MMUSIM_ONE_TEST_PER_TABLE (the per-table copy
 * of this suite that tests/valgrind.sh runs), each table is one test that runs
 * the same body over every vector in turn, so that memcheck pays its start-up
 * once per table instead of once per vector.  There a failed cr_assert ends
 * the rest of its table; the suite fails either way.  Generated tables live in
 * Criterion's shared arena (cr_malloc) when Criterion hands them to per-vector
 * processes, on the ordinary heap when the test itself builds them.
 */
#ifdef MMUSIM_ONE_TEST_PER_TABLE
#define vectors_malloc malloc
#define vectors_free free
#define WalkVectors(suite, name) static struct criterion_test_params name##_vectors(void)
#define WalkVectorTest(param, suite, name)                                          \
	static void name##_vector(param);                                            \
	Test(suite, name)                                                            \
	{                                                                            \
		struct criterion_test_params t = name##_vectors();                   \
		for (size_t i = 0; i < t.length; i++)                                \
			name##_vector((void *)((char *)t.params + i * t.size));      \
		if (t.cleanup)                                                       \
			t.cleanup(&t);                                               \
	}                                                                            \
	static void name##_vector(param)
#else
#define vectors_malloc cr_malloc
#define vectors_free cr_free
#define WalkVectors(suite, name) ParameterizedTestParameters(suite, name)
#define WalkVectorTest(param, suite, name) ParameterizedTest(param, suite, name)
#endif

static void free_params(struct criterion_test_params *crp)
{
	vectors_free(crp->params);
}

static void env_setup(struct rv_env *e, unsigned levels)
{
	cr_assert(rv_env_init(e, levels), "%s setup failed", rv_mode_name(levels));
}

/* Snapshot of the PTEs along va's path, to check that a walk left them alone. */
struct path_snap {
	uint64_t pte[PT_MAX_LEVELS + 1];
};

static void snap(struct rv_env *e, uint64_t va, struct path_snap *s)
{
	for (unsigned l = 1; l <= e->pc.nr_levels; l++)
		s->pte[l] = rv_read(e, rv_slot(e, va, l));
}

static void expect_path_unchanged(struct rv_env *e, uint64_t va, const struct path_snap *s,
				  const char *what)
{
	for (unsigned l = 1; l <= e->pc.nr_levels; l++) {
		uint64_t now = rv_read(e, rv_slot(e, va, l));
		cr_expect_eq(now, s->pte[l], "%s: PTE at level %u changed %#llx -> %#llx", what, l,
			     (unsigned long long)s->pte[l], (unsigned long long)now);
	}
}

/* Step 2, each level: steps[k] is level nr-k, its node, vpn index and PTE address. */
static void expect_steps(struct rv_env *e, uint64_t va, const struct walk_result *res,
			 unsigned last_level, const char *what)
{
	unsigned nr = e->pc.nr_levels;
	cr_expect_eq(res->nr_steps, nr - last_level + 1, "%s: nr_steps %u want %u", what,
		     res->nr_steps, nr - last_level + 1);
	for (unsigned k = 0; k < res->nr_steps && k <= nr - last_level; k++) {
		unsigned l = nr - k;
		cr_expect_eq(res->steps[k].level, l, "%s: steps[%u].level", what, k);
		cr_expect_eq(res->steps[k].table, rv_node(e, l), "%s: steps[%u].table", what, k);
		cr_expect_eq(res->steps[k].index, rv_vpn(va, l), "%s: steps[%u].index", what, k);
		cr_expect_eq(res->steps[k].pte_addr, rv_slot(e, va, l),
			     "%s: steps[%u].pte_addr %#llx want %#llx", what, k,
			     (unsigned long long)res->steps[k].pte_addr,
			     (unsigned long long)rv_slot(e, va, l));
	}
}

static unsigned perms_of(uint64_t pte)
{
	return ((pte & T_R) ? PERM_R : 0) | ((pte & T_W) ? PERM_W : 0) |
	       ((pte & T_X) ? PERM_X : 0) | ((pte & T_U) ? PERM_U : 0) |
	       ((pte & T_G) ? PERM_G : 0);
}

/* =====================================================================
 * Successful translations: step 8 PA assembly for every page size.
 * ===================================================================== */

struct xlate_vec {
	unsigned levels;
	uint64_t va;
	unsigned leaf_level;
	uint64_t leaf;          /* full leaf PTE */
	enum access_kind acc;
	enum privilege priv;
	uint64_t pa;            /* expected, computed by hand */
	uint64_t page_size;
};

WalkVectors(walk_riscv, translate)
{
	static struct xlate_vec v[] = {
		/* ---- Sv39, VA 0x1234567abc: vpn2=0x48 vpn1=0x1a2 vpn0=0x167 off=0xabc ---- */
		/* 4 KiB: pa = ppn << 12 | off */
		{3, VA_TEST, 1, T_PPN(PA_4K) | T_V | T_R | T_W | AD, ACCESS_READ, PRIV_SUPERVISOR,
		 0x90345abc, 4 * KiB},
		/* 2 MiB: pa.ppn[0] = vpn[0] = 0x167 -> 0x90400000 + 0x167000 + 0xabc */
		{3, VA_TEST, 2, T_PPN(PA_2M) | T_V | RWX | AD, ACCESS_WRITE, PRIV_SUPERVISOR,
		 0x90567abc, 2 * MiB},
		/* 1 GiB: pa = 0x140000000 + (va & 0x3fffffff) = 0x140000000 + 0x34567abc */
		{3, VA_TEST, 3, T_PPN(PA_1G) | T_V | T_R | T_X | T_A, ACCESS_EXEC, PRIV_SUPERVISOR,
		 0x174567abc, 1 * GiB},
		/* U page, user access */
		{3, VA_TEST, 1, T_PPN(PA_4K) | T_V | T_R | T_U | T_A, ACCESS_READ, PRIV_USER,
		 0x90345abc, 4 * KiB},
		/* PPN is 44 bits (53:10): all ones -> pa 0xfffffffffff000 | off */
		{3, VA_TEST, 1, T_PPN(0x00fffffffffff000ull) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x00fffffffffffabcull, 4 * KiB},
		/* A page outside simulated memory is fine; only PTE reads must hit memory */
		{3, VA_TEST, 1, T_PPN(0x1000) | T_V | T_R | T_A, ACCESS_READ, PRIV_SUPERVISOR,
		 0x1abc, 4 * KiB},
		/* Canonical boundary: 0x3fffffffff (bit 38 = 0), vpn2 = 0xff, 1 GiB at 0x80000000 */
		{3, 0x0000003fffffffffull, 3, T_PPN(0x80000000) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0xbfffffff, 1 * GiB},
		/* 0xffffffc000000000: bits 63..38 all 1, vpn2 = 0x100 */
		{3, 0xffffffc000000000ull, 3, T_PPN(0xc0000000) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0xc0000000, 1 * GiB},
		/* upper half through 3 levels: vpn2=0x102 vpn1=0 vpn0=0x1ff off=0x123 */
		{3, 0xffffffc0801ff123ull, 1, T_PPN(0x90001000) | T_V | T_R | T_W | AD,
		 ACCESS_WRITE, PRIV_SUPERVISOR, 0x90001123, 4 * KiB},
		/* Svnapot 64 KiB: pte.ppn = 0x90018 (ppn[0][3:0] = 1000); vpn0[3:0] = 7 replaces
		 * it -> 0x90017abc */
		{3, VA_TEST, 1, T_N | T_PPN(0x90018000) | T_V | T_R | T_W | AD, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90017abc, 64 * KiB},
		/* vpn0 = 0x160 -> low nibble 0 -> 0x90010123 */
		{3, 0x0000001234560123ull, 1, T_N | T_PPN(0x90018000) | T_V | T_R | AD, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90010123, 64 * KiB},
		/* vpn0 = 0x16f -> low nibble f -> 0x9001f123 */
		{3, 0x000000123456f123ull, 1, T_N | T_PPN(0x90018000) | T_V | T_X | T_A, ACCESS_EXEC,
		 PRIV_SUPERVISOR, 0x9001f123, 64 * KiB},

		/* ---- Sv48, VA 0x123456789abc: vpn3=0x24 vpn2=0xd1 vpn1=0xb3 vpn0=0x189 ---- */
		{4, 0x123456789abcull, 1, T_PPN(PA_4K) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90345abc, 4 * KiB},
		/* 0x90400000 + 0x189000 + 0xabc */
		{4, 0x123456789abcull, 2, T_PPN(PA_2M) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90589abc, 2 * MiB},
		/* 0x140000000 + (va & 0x3fffffff = 0x16789abc) */
		{4, 0x123456789abcull, 3, T_PPN(PA_1G) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x156789abc, 1 * GiB},
		/* 512 GiB terapage at 1 TiB: 0x10000000000 + (va & 0x7fffffffff = 0x3456789abc) */
		{4, 0x123456789abcull, 4, T_PPN(0x10000000000ull) | T_V | T_R | T_W | AD,
		 ACCESS_WRITE, PRIV_SUPERVISOR, 0x13456789abcull, 512 * GiB},
		/* Svnapot: vpn0 0x189 -> nibble 9 -> 0x90019abc */
		{4, 0x123456789abcull, 1, T_N | T_PPN(0x90018000) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90019abc, 64 * KiB},
		/* Canonical boundary: 0x7fffffffffff, vpn3 = 0xff, terapage at 512 GiB */
		{4, 0x00007fffffffffffull, 4, T_PPN(0x8000000000ull) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0xffffffffffull, 512 * GiB},
		/* 0xffff800000000000: vpn3 = 0x100 */
		{4, 0xffff800000000000ull, 4, T_PPN(0x10000000000ull) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x10000000000ull, 512 * GiB},
		/* The Sv39 VA works unchanged in Sv48 (vpn3 = 0) */
		{4, VA_TEST, 2, T_PPN(PA_2M) | T_V | RWX | AD, ACCESS_EXEC, PRIV_SUPERVISOR,
		 0x90567abc, 2 * MiB},

		/* ---- Sv57, VA 0xfedcba98765432: vpn4=0xfe vpn3=0x1b9 vpn2=0xea vpn1=0xc3
		 *      vpn0=0x165 off=0x432 ---- */
		{5, 0x00fedcba98765432ull, 1, T_PPN(PA_4K) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90345432, 4 * KiB},
		/* 0x90400000 + 0x165000 + 0x432 */
		{5, 0x00fedcba98765432ull, 2, T_PPN(PA_2M) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90565432, 2 * MiB},
		/* 0x140000000 + 0x18765432 */
		{5, 0x00fedcba98765432ull, 3, T_PPN(PA_1G) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x158765432ull, 1 * GiB},
		/* 0x10000000000 + 0x3a98765432 */
		{5, 0x00fedcba98765432ull, 4, T_PPN(0x10000000000ull) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x13a98765432ull, 512 * GiB},
		/* 256 TiB petapage at 2^48: + (va & 0xffffffffffff = 0xdcba98765432) */
		{5, 0x00fedcba98765432ull, 5, T_PPN(0x1000000000000ull) | T_V | T_R | T_A,
		 ACCESS_READ, PRIV_SUPERVISOR, 0x1dcba98765432ull, 256 * TiB},
		/* Svnapot: vpn0 0x165 -> nibble 5 */
		{5, 0x00fedcba98765432ull, 1, T_N | T_PPN(0x90018000) | T_V | T_R | T_A, ACCESS_READ,
		 PRIV_SUPERVISOR, 0x90015432, 64 * KiB},
		/* Canonical boundary: 0x00ffffffffffffff, vpn4 = 0xff */
		{5, 0x00ffffffffffffffull, 5, T_PPN(0x1000000000000ull) | T_V | T_R | T_A,
		 ACCESS_READ, PRIV_SUPERVISOR, 0x1ffffffffffffull, 256 * TiB},
		/* 0xff00000000000000: vpn4 = 0x100 */
		{5, 0xff00000000000000ull, 5, T_PPN(0x2000000000000ull) | T_V | T_R | T_A,
		 ACCESS_READ, PRIV_SUPERVISOR, 0x2000000000000ull, 256 * TiB},
		{5, VA_TEST, 1, T_PPN(PA_4K) | T_V | T_X | T_U | T_A, ACCESS_EXEC, PRIV_USER,
		 0x90345abc, 4 * KiB},
	};
	return cr_make_param_array(struct xlate_vec, v, sizeof(v) / sizeof(v[0]));
}

WalkVectorTest(struct xlate_vec *p, walk_riscv, translate)
{
	struct rv_env e;
	struct walk_result res;
	env_setup(&e, p->levels);

	rv_map(&e, p->va, p->leaf_level, p->leaf);
	rv_walk(&e, p->va, p->acc, p->priv, &res);

	cr_assert(res.ok, "%s va %#llx: fault kind %d reason %d level %u", rv_mode_name(p->levels),
		  (unsigned long long)p->va, res.fault.kind, res.fault.reason, res.fault.level);
	cr_expect_eq(res.pa, p->pa, "%s va %#llx: pa %#llx want %#llx", rv_mode_name(p->levels),
		     (unsigned long long)p->va, (unsigned long long)res.pa,
		     (unsigned long long)p->pa);
	cr_expect_eq(res.level, p->leaf_level, "level %u want %u", res.level, p->leaf_level);
	cr_expect_eq(res.page_size, p->page_size, "page_size %#llx want %#llx",
		     (unsigned long long)res.page_size, (unsigned long long)p->page_size);
	cr_expect_eq(res.perms, perms_of(p->leaf), "perms %#x want %#x", res.perms,
		     perms_of(p->leaf));
	expect_steps(&e, p->va, &res, p->leaf_level, rv_mode_name(p->levels));
	rv_env_fini(&e);
}

/* Step 2 by hand for one walk: literal node addresses, indices and PTE values. */
Test(walk_riscv, sv39_steps_literal)
{
	struct rv_env e;
	struct walk_result res;
	env_setup(&e, 3);
	/* root 0x80001000 [0x48] -> 0x80002000 [0x1a2] -> 0x80003000 [0x167] -> 0x90345000 */
	rv_write(&e, 0x80001240, 0x20000801);                  /* PPN 0x80002, V */
	rv_write(&e, 0x80002d10, 0x20000c01);                  /* PPN 0x80003, V */
	rv_write(&e, 0x80003b38, 0x240d14c7);                  /* PPN 0x90345, D A R W V */
	rv_walk(&e, VA_TEST, ACCESS_WRITE, PRIV_SUPERVISOR, &res);

	cr_assert(res.ok);
	cr_expect_eq(res.pa, 0x90345abc);
	cr_expect_eq(res.level, 1);
	cr_expect_eq(res.page_size, 4096);
	cr_expect_eq(res.perms, PERM_R | PERM_W);
	cr_expect_eq(res.leaf_pte, 0x240d14c7);
	cr_assert_eq(res.nr_steps, 3);
	cr_expect_eq(res.steps[0].level, 3);
	cr_expect_eq(res.steps[0].table, 0x80001000);
	cr_expect_eq(res.steps[0].index, 0x48);
	cr_expect_eq(res.steps[0].pte_addr, 0x80001240);
	cr_expect_eq(res.steps[0].pte, 0x20000801);
	cr_expect_eq(res.steps[1].level, 2);
	cr_expect_eq(res.steps[1].table, 0x80002000);
	cr_expect_eq(res.steps[1].index, 0x1a2);
	cr_expect_eq(res.steps[1].pte_addr, 0x80002d10);
	cr_expect_eq(res.steps[1].pte, 0x20000c01);
	cr_expect_eq(res.steps[2].level, 1);
	cr_expect_eq(res.steps[2].table, 0x80003000);
	cr_expect_eq(res.steps[2].index, 0x167);
	cr_expect_eq(res.steps[2].pte_addr, 0x80003b38);
	cr_expect_eq(res.steps[2].pte, 0x240d14c7);
	rv_env_fini(&e);
}

/* A leaf built with make_leaf() walks to the same PA (encoder and walker agree). */
Test(walk_riscv, make_leaf_then_walk)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct rv_env e;
		struct walk_result res;
		env_setup(&e, levels);
		struct page_prop prop = {.flags = PROP_R | PROP_W | PROP_A | PROP_D | PROP_U,
					 .cache = CACHE_WC};
		uint64_t leaf = pt_arch_riscv64.make_leaf(&e.pc, PA_2M, &prop, 2);
		rv_map(&e, VA_TEST, 2, leaf);
		rv_walk(&e, VA_TEST, ACCESS_WRITE, PRIV_USER, &res);
		cr_expect(res.ok, "%s", rv_mode_name(levels));
		cr_expect_eq(res.pa, 0x90567abc);
		cr_expect_eq(res.level, 2);
		cr_expect_eq(res.perms, PERM_R | PERM_W | PERM_U);
		rv_env_fini(&e);
	}
}

/* RSW (bits 9:8): "the implementation shall ignore this field", on pointers and leaves. */
Test(walk_riscv, rsw_ignored)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct rv_env e;
		struct walk_result res;
		env_setup(&e, levels);
		rv_map(&e, VA_TEST, 1, T_PPN(PA_4K) | T_V | T_R | AD | T_RSW0 | T_RSW1);
		for (unsigned l = 2; l <= levels; l++)
			rv_write(&e, rv_slot(&e, VA_TEST, l),
				 rv_read(&e, rv_slot(&e, VA_TEST, l)) | T_RSW0 | T_RSW1);
		rv_walk(&e, VA_TEST, ACCESS_READ, PRIV_SUPERVISOR, &res);
		cr_expect(res.ok, "%s: fault %d reason %d level %u", rv_mode_name(levels),
			  res.fault.kind, res.fault.reason, res.fault.level);
		cr_expect_eq(res.pa, 0x90345abc);
		cr_expect_eq(res.perms, PERM_R);
		rv_env_fini(&e);
	}
}

/* PBMT NC/IO with Svpbmt translate normally (leaf only). */
Test(walk_riscv, pbmt_nc_io_translate)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		for (unsigned pbmt = 1; pbmt <= 2; pbmt++) {
			struct rv_env e;
			struct walk_result res;
			env_setup(&e, levels);
			rv_map(&e, VA_TEST, 2, T_PBMT(pbmt) | T_PPN(PA_2M) | T_V | T_R | T_W | AD);
			rv_walk(&e, VA_TEST, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
			cr_expect(res.ok, "%s PBMT=%u: fault %d reason %d", rv_mode_name(levels),
				  pbmt, res.fault.kind, res.fault.reason);
			cr_expect_eq(res.pa, 0x90567abc);
			rv_env_fini(&e);
		}
	}
}

/* =====================================================================
 * Fault rules: steps 3-7, every rule in every mode for every access it
 * applies to.  scause is the page fault "corresponding to the original
 * access type"; the walk must not touch A/D on a fault.
 * ===================================================================== */

enum {
	O_USER = 1u << 0,      /* U-mode access (default S-mode) */
	O_SUM = 1u << 1,
	O_MXR = 1u << 2,
	O_SVADE = 1u << 3,     /* Svade instead of Svadu */
	O_NO_PBMT = 1u << 4,   /* Svpbmt not implemented */
	O_NO_NAPOT = 1u << 5,  /* Svnapot not implemented */
};

enum { AR = 1u << ACCESS_READ, AW = 1u << ACCESS_WRITE, AX = 1u << ACCESS_EXEC, ARWX = 7 };

#define LVL_ROOT 99u  /* "the root", i.e. nr_levels */

struct fault_rule {
	const char *name;
	unsigned leaf_level;   /* where the final PTE sits */
	uint64_t leaf;         /* its bits (PPN added from leaf_pa) */
	uint64_t leaf_pa;
	unsigned mod_level;    /* a pointer PTE to tamper with (0: none) */
	uint64_t mod_set;
	uint64_t mod_clear;
	unsigned opts;
	unsigned accesses;
	enum fault_kind kind;
	enum fault_reason reason; /* REASON_NONE: either of several is acceptable */
	unsigned level;        /* expected fault.level (LVL_ROOT allowed) */
};

#define LEAF_OK (T_V | RWX | AD)

static const struct fault_rule rules[] = {
	/* ---- step 3: V = 0 ---- */
	{"leaf V=0", 1, RWX | AD, PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_NOT_PRESENT, REASON_NOT_PRESENT, 1},
	{"zero PTE at level 1", 1, 0, 0, 0, 0, 0, 0, ARWX,
	 FAULT_NOT_PRESENT, REASON_NOT_PRESENT, 1},
	/* "If V is not set, all other bits in the PTE are don't-cares" */
	{"V=0, every other bit set", 1, ~T_V & ~T_PPN_MASK, 0x00fffffffffff000ull, 0, 0, 0, 0, ARWX,
	 FAULT_NOT_PRESENT, REASON_NOT_PRESENT, 1},
	{"pointer V=0 at level 2", 1, LEAF_OK, PA_4K, 2, 0, T_V, 0, ARWX,
	 FAULT_NOT_PRESENT, REASON_NOT_PRESENT, 2},
	{"root V=0", 1, LEAF_OK, PA_4K, LVL_ROOT, 0, T_V, 0, ARWX,
	 FAULT_NOT_PRESENT, REASON_NOT_PRESENT, LVL_ROOT},
	{"superpage V=0 at level 2", 2, RWX | AD, PA_2M, 0, 0, 0, 0, ARWX,
	 FAULT_NOT_PRESENT, REASON_NOT_PRESENT, 2},

	/* ---- step 3: R=0 W=1 ---- */
	{"W only (would look like a pointer)", 1, T_V | T_W | AD, PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_W_WITHOUT_R, 1},
	{"W+X without R", 1, T_V | T_W | T_X | AD, PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_W_WITHOUT_R, 1},
	{"W without R at level 2", 2, T_V | T_W | AD, PA_2M, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_W_WITHOUT_R, 2},
	{"W+X+U without R, user", 1, T_V | T_W | T_X | T_U | AD, PA_4K, 0, 0, 0, O_USER, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_W_WITHOUT_R, 1},

	/* ---- step 3: bits 60:54 ---- */
	{"leaf bit 54", 1, LEAF_OK | T_RSVD(54), PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 1},
	{"leaf bit 57", 1, LEAF_OK | T_RSVD(57), PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 1},
	{"leaf bit 60", 1, LEAF_OK | T_RSVD(60), PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 1},
	{"megapage bit 58", 2, LEAF_OK | T_RSVD(58), PA_2M, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 2},
	{"gigapage bit 55", 3, LEAF_OK | T_RSVD(55), PA_1G, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 3},
	{"pointer bit 55 at level 2", 1, LEAF_OK, PA_4K, 2, T_RSVD(55), 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 2},
	{"root pointer bit 60", 1, LEAF_OK, PA_4K, LVL_ROOT, T_RSVD(60), 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, LVL_ROOT},

	/* ---- step 3: Svpbmt ---- */
	{"leaf PBMT=3", 1, LEAF_OK | T_PBMT(3), PA_4K, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_PBMT_RESERVED, 1},
	{"gigapage PBMT=3", 3, LEAF_OK | T_PBMT(3), PA_1G, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_PBMT_RESERVED, 3},
	{"leaf PBMT=1 without Svpbmt", 1, LEAF_OK | T_PBMT(1), PA_4K, 0, 0, 0, O_NO_PBMT, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_PBMT_UNSUPPORTED, 1},
	{"leaf PBMT=2 without Svpbmt", 1, LEAF_OK | T_PBMT(2), PA_4K, 0, 0, 0, O_NO_PBMT, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_PBMT_UNSUPPORTED, 1},
	{"megapage PBMT=1 without Svpbmt", 2, LEAF_OK | T_PBMT(1), PA_2M, 0, 0, 0, O_NO_PBMT,
	 ARWX, FAULT_RESERVED_BIT, REASON_RV_PBMT_UNSUPPORTED, 2},
	{"leaf PBMT=3 without Svpbmt", 1, LEAF_OK | T_PBMT(3), PA_4K, 0, 0, 0, O_NO_PBMT, ARWX,
	 FAULT_RESERVED_BIT, REASON_NONE, 1},

	/* ---- step 3: Svnapot (only level-1 leaf with ppn[3:0] = 1000 is valid) ---- */
	{"N without Svnapot", 1, LEAF_OK | T_N, 0x90018000, 0, 0, 0, O_NO_NAPOT, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_UNSUPPORTED, 1},
	{"N ppn[3:0]=0000", 1, LEAF_OK | T_N, 0x90010000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"N ppn[3:0]=1001", 1, LEAF_OK | T_N, 0x90019000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"N ppn[3:0]=0001", 1, LEAF_OK | T_N, 0x90011000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"N ppn[3:0]=0010", 1, LEAF_OK | T_N, 0x90012000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"N ppn[3:0]=0100", 1, LEAF_OK | T_N, 0x90014000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"N ppn[3:0]=1100", 1, LEAF_OK | T_N, 0x9001c000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"N on megapage (i=1, ppn[3:0]=0)", 2, LEAF_OK | T_N, PA_2M, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 2},
	/* reserved encoding wins over the misaligned superpage of step 6 */
	{"N on megapage (ppn[3:0]=1000)", 2, LEAF_OK | T_N, PA_2M | 0x8000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 2},
	{"N on gigapage", 3, LEAF_OK | T_N, PA_1G, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 3},

	/* ---- step 3: D, A, U, N, PBMT on a non-leaf PTE ---- */
	{"pointer A", 1, LEAF_OK, PA_4K, 2, T_A, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 2},
	{"pointer D", 1, LEAF_OK, PA_4K, 2, T_D, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 2},
	{"pointer U", 1, LEAF_OK | T_U, PA_4K, 2, T_U, 0, O_USER, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 2},
	{"pointer N", 1, LEAF_OK, PA_4K, 2, T_N, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 2},
	{"pointer PBMT=1", 1, LEAF_OK, PA_4K, 2, T_PBMT(1), 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 2},
	{"pointer PBMT=2", 1, LEAF_OK, PA_4K, 2, T_PBMT(2), 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 2},
	{"pointer PBMT=3", 1, LEAF_OK, PA_4K, 2, T_PBMT(3), 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_NONE, 2},
	{"root pointer A+D", 1, LEAF_OK, PA_4K, LVL_ROOT, T_A | T_D, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, LVL_ROOT},
	{"root pointer U", 1, LEAF_OK, PA_4K, LVL_ROOT, T_U, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, LVL_ROOT},
	{"pointer PBMT=1 without Svpbmt", 1, LEAF_OK, PA_4K, 2, T_PBMT(1), 0, O_NO_PBMT, ARWX,
	 FAULT_RESERVED_BIT, REASON_NONE, 2},
	{"pointer N without Svnapot", 1, LEAF_OK, PA_4K, 2, T_N, 0, O_NO_NAPOT, ARWX,
	 FAULT_RESERVED_BIT, REASON_NONE, 2},

	/* ---- step 4: pointer at the last level ---- */
	{"pointer at level 1", 1, T_V, 0x80010000, 0, 0, 0, 0, ARWX,
	 FAULT_NO_LEAF, REASON_NO_LEAF, 1},
	{"global pointer at level 1", 1, T_V | T_G, 0x80010000, 0, 0, 0, 0, ARWX,
	 FAULT_NO_LEAF, REASON_NO_LEAF, 1},
	/* step 3 comes first: D on a non-leaf PTE is reserved */
	{"pointer with D at level 1", 1, T_V | T_D, 0x80010000, 0, 0, 0, 0, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_NONLEAF_ATTR, 1},

	/* ---- step 5: R/W/X ---- */
	{"load from X-only", 1, T_V | T_X | AD, PA_4K, 0, 0, 0, 0, AR,
	 FAULT_PERMISSION, REASON_RV_NOT_READABLE, 1},
	{"store to R-only", 1, T_V | T_R | AD, PA_4K, 0, 0, 0, 0, AW,
	 FAULT_PERMISSION, REASON_RV_NOT_WRITABLE, 1},
	{"store to R+X", 1, T_V | T_R | T_X | AD, PA_4K, 0, 0, 0, 0, AW,
	 FAULT_PERMISSION, REASON_RV_NOT_WRITABLE, 1},
	{"store to X-only with MXR", 1, T_V | T_X | AD, PA_4K, 0, 0, 0, O_MXR, AW,
	 FAULT_PERMISSION, REASON_RV_NOT_WRITABLE, 1},
	{"fetch from R-only", 1, T_V | T_R | AD, PA_4K, 0, 0, 0, 0, AX,
	 FAULT_PERMISSION, REASON_RV_NOT_EXECUTABLE, 1},
	{"fetch from R+W", 1, T_V | T_R | T_W | AD, PA_4K, 0, 0, 0, 0, AX,
	 FAULT_PERMISSION, REASON_RV_NOT_EXECUTABLE, 1},
	{"fetch from R-only with MXR", 1, T_V | T_R | AD, PA_4K, 0, 0, 0, O_MXR, AX,
	 FAULT_PERMISSION, REASON_RV_NOT_EXECUTABLE, 1},
	{"store to R-only megapage", 2, T_V | T_R | AD, PA_2M, 0, 0, 0, 0, AW,
	 FAULT_PERMISSION, REASON_RV_NOT_WRITABLE, 2},
	{"fetch from R+W gigapage", 3, T_V | T_R | T_W | AD, PA_1G, 0, 0, 0, 0, AX,
	 FAULT_PERMISSION, REASON_RV_NOT_EXECUTABLE, 3},
	{"user load from U X-only", 1, T_V | T_X | T_U | AD, PA_4K, 0, 0, 0, O_USER, AR,
	 FAULT_PERMISSION, REASON_RV_NOT_READABLE, 1},
	{"user store to U R-only", 1, T_V | T_R | T_U | AD, PA_4K, 0, 0, 0, O_USER, AW,
	 FAULT_PERMISSION, REASON_RV_NOT_WRITABLE, 1},
	{"user fetch from U R+W", 1, T_V | T_R | T_W | T_U | AD, PA_4K, 0, 0, 0, O_USER, AX,
	 FAULT_PERMISSION, REASON_RV_NOT_EXECUTABLE, 1},

	/* ---- step 5: U bit, SUM ---- */
	{"user access to U=0", 1, LEAF_OK, PA_4K, 0, 0, 0, O_USER, ARWX,
	 FAULT_PERMISSION, REASON_RV_USER_NOT_U, 1},
	{"user access to U=0, SUM=1 (no effect in U-mode)", 1, LEAF_OK, PA_4K, 0, 0, 0,
	 O_USER | O_SUM, ARWX, FAULT_PERMISSION, REASON_RV_USER_NOT_U, 1},
	{"user access to U=0 gigapage", 3, LEAF_OK, PA_1G, 0, 0, 0, O_USER, ARWX,
	 FAULT_PERMISSION, REASON_RV_USER_NOT_U, 3},
	{"supervisor load/store to U page, SUM=0", 1, LEAF_OK | T_U, PA_4K, 0, 0, 0, 0, AR | AW,
	 FAULT_PERMISSION, REASON_RV_SUPERVISOR_U_NOSUM, 1},
	{"supervisor load/store to U megapage, SUM=0", 2, LEAF_OK | T_U, PA_2M, 0, 0, 0, O_MXR,
	 AR | AW, FAULT_PERMISSION, REASON_RV_SUPERVISOR_U_NOSUM, 2},
	{"supervisor fetch from U page, SUM=0", 1, LEAF_OK | T_U, PA_4K, 0, 0, 0, 0, AX,
	 FAULT_PERMISSION, REASON_RV_SUPERVISOR_U_FETCH, 1},
	{"supervisor fetch from U page, SUM=1", 1, LEAF_OK | T_U, PA_4K, 0, 0, 0, O_SUM, AX,
	 FAULT_PERMISSION, REASON_RV_SUPERVISOR_U_FETCH, 1},
	{"supervisor load from U X-only, SUM=1 MXR=0", 1, T_V | T_X | T_U | AD, PA_4K, 0, 0, 0,
	 O_SUM, AR, FAULT_PERMISSION, REASON_RV_NOT_READABLE, 1},
	{"supervisor load from U X-only, SUM=0 MXR=1", 1, T_V | T_X | T_U | AD, PA_4K, 0, 0, 0,
	 O_MXR, AR, FAULT_PERMISSION, REASON_RV_SUPERVISOR_U_NOSUM, 1},

	/* ---- step 6: misaligned superpage ---- */
	{"megapage ppn[0]=1", 2, LEAF_OK, PA_2M + 0x1000, 0, 0, 0, 0, ARWX,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 2},
	{"megapage ppn[0]=0x1ff", 2, LEAF_OK, PA_2M + 0x1ff000, 0, 0, 0, 0, ARWX,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 2},
	{"gigapage ppn[1]!=0", 3, LEAF_OK, PA_1G + 0x200000, 0, 0, 0, 0, ARWX,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 3},
	{"gigapage ppn[0]!=0", 3, LEAF_OK, PA_1G + 0x1000, 0, 0, 0, 0, ARWX,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 3},
	{"user megapage misaligned", 2, LEAF_OK | T_U, PA_2M + 0x3000, 0, 0, 0, O_USER, ARWX,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 2},

	/* ---- ordering: 3 before 5, 5 before 6 ---- */
	{"reserved bit beats permission", 1, T_V | T_R | AD | T_RSVD(54), PA_4K, 0, 0, 0, 0, AW | AX,
	 FAULT_RESERVED_BIT, REASON_RV_RSVD_BITS, 1},
	{"bad NAPOT beats permission", 1, T_V | T_R | AD | T_N, 0x90010000, 0, 0, 0, 0, AW | AX,
	 FAULT_RESERVED_BIT, REASON_RV_NAPOT_BAD, 1},
	{"PBMT=3 beats U check", 1, LEAF_OK | T_PBMT(3), PA_4K, 0, 0, 0, O_USER, ARWX,
	 FAULT_RESERVED_BIT, REASON_RV_PBMT_RESERVED, 1},
	{"permission beats misaligned", 2, T_V | T_R | AD, PA_2M + 0x1000, 0, 0, 0, 0, AW,
	 FAULT_PERMISSION, REASON_RV_NOT_WRITABLE, 2},
	{"U check beats misaligned", 3, LEAF_OK, PA_1G + 0x200000, 0, 0, 0, O_USER, ARWX,
	 FAULT_PERMISSION, REASON_RV_USER_NOT_U, 3},

	/* ---- step 7: Svade ---- */
	{"Svade A=0 load/fetch", 1, T_V | RWX | T_D, PA_4K, 0, 0, 0, O_SVADE, AR | AX,
	 FAULT_ACCESSED_DIRTY, REASON_A_CLEAR, 1},
	{"Svade A=0 D=1 store", 1, T_V | RWX | T_D, PA_4K, 0, 0, 0, O_SVADE, AW,
	 FAULT_ACCESSED_DIRTY, REASON_A_CLEAR, 1},
	{"Svade A=0 D=0", 1, T_V | RWX, PA_4K, 0, 0, 0, O_SVADE, ARWX,
	 FAULT_ACCESSED_DIRTY, REASON_NONE, 1},
	{"Svade A=1 D=0 store", 1, T_V | RWX | T_A, PA_4K, 0, 0, 0, O_SVADE, AW,
	 FAULT_ACCESSED_DIRTY, REASON_D_CLEAR, 1},
	{"Svade A=0 megapage", 2, T_V | RWX | T_D, PA_2M, 0, 0, 0, O_SVADE, AR | AX,
	 FAULT_ACCESSED_DIRTY, REASON_A_CLEAR, 2},
	{"Svade D=0 gigapage store", 3, T_V | RWX | T_A, PA_1G, 0, 0, 0, O_SVADE, AW,
	 FAULT_ACCESSED_DIRTY, REASON_D_CLEAR, 3},
	{"Svade A=0 NAPOT", 1, T_V | RWX | T_N, 0x90018000, 0, 0, 0, O_SVADE, AR | AX,
	 FAULT_ACCESSED_DIRTY, REASON_A_CLEAR, 1},
	{"Svade user A=0", 1, T_V | RWX | T_U, PA_4K, 0, 0, 0, O_SVADE | O_USER, AR | AX,
	 FAULT_ACCESSED_DIRTY, REASON_A_CLEAR, 1},
	/* ordering: 5 before 7, 6 before 7 */
	{"Svade: permission beats A=0", 1, T_V | T_R, PA_4K, 0, 0, 0, O_SVADE, AW | AX,
	 FAULT_PERMISSION, REASON_NONE, 1},
	{"Svade: U check beats A=0", 1, T_V | RWX, PA_4K, 0, 0, 0, O_SVADE | O_USER, ARWX,
	 FAULT_PERMISSION, REASON_RV_USER_NOT_U, 1},
	{"Svade: misaligned beats A=0", 2, T_V | RWX, PA_2M + 0x1000, 0, 0, 0, O_SVADE, ARWX,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 2},
	{"Svade: misaligned beats D=0", 3, T_V | RWX | T_A, PA_1G + 0x1000, 0, 0, 0, O_SVADE, AW,
	 FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, 3},
};

#define NR_RULES (sizeof(rules) / sizeof(rules[0]))

struct rule_param {
	unsigned rule;
	unsigned levels;
	unsigned access;
};

WalkVectors(walk_riscv, fault_rules)
{
	size_t n = 0;
	for (unsigned r = 0; r < NR_RULES; r++)
		for (unsigned a = 0; a < 3; a++)
			if (rules[r].accesses & (1u << a))
				n += 3;
	struct rule_param *p = vectors_malloc(n * sizeof(*p));
	size_t k = 0;
	for (unsigned r = 0; r < NR_RULES; r++)
		for (unsigned levels = 3; levels <= 5; levels++)
			for (unsigned a = 0; a < 3; a++)
				if (rules[r].accesses & (1u << a))
					p[k++] = (struct rule_param){r, levels, a};
	return cr_make_param_array(struct rule_param, p, n, free_params);
}

static void apply_opts(struct rv_env *e, unsigned opts)
{
	e->ctl.sum = opts & O_SUM;
	e->ctl.mxr = opts & O_MXR;
	e->ctl.ad = (opts & O_SVADE) ? AD_SVADE : AD_SVADU;
	e->ctl.svpbmt = !(opts & O_NO_PBMT);
	e->ctl.svnapot = !(opts & O_NO_NAPOT);
}

WalkVectorTest(struct rule_param *p, walk_riscv, fault_rules)
{
	const struct fault_rule *r = &rules[p->rule];
	enum access_kind acc = (enum access_kind)p->access;
	struct rv_env e;
	struct walk_result res;
	char what[200];

	snprintf(what, sizeof(what), "%s, %s %s: \"%s\"", rv_mode_name(p->levels),
		 (r->opts & O_USER) ? "user" : "supervisor", rv_access_name(acc), r->name);
	env_setup(&e, p->levels);
	apply_opts(&e, r->opts);

	rv_map(&e, VA_TEST, r->leaf_level, T_PPN(r->leaf_pa) | r->leaf);
	if (r->mod_level) {
		unsigned ml = r->mod_level == LVL_ROOT ? p->levels : r->mod_level;
		uint64_t a = rv_slot(&e, VA_TEST, ml);
		rv_write(&e, a, (rv_read(&e, a) | r->mod_set) & ~r->mod_clear);
	}
	struct path_snap before;
	snap(&e, VA_TEST, &before);

	rv_walk(&e, VA_TEST, acc, (r->opts & O_USER) ? PRIV_USER : PRIV_SUPERVISOR, &res);

	unsigned want_level = r->level == LVL_ROOT ? p->levels : r->level;
	cr_assert_not(res.ok, "%s: translated to %#llx, want a fault", what,
		      (unsigned long long)res.pa);
	cr_expect_eq(res.fault.kind, r->kind, "%s: kind %s want %s", what,
		     fault_kind_name(res.fault.kind), fault_kind_name(r->kind));
	if (r->reason != REASON_NONE)
		cr_expect_eq(res.fault.reason, r->reason, "%s: reason %d (%s) want %d (%s)", what,
			     res.fault.reason, walk_reason_text(res.fault.reason), r->reason,
			     walk_reason_text(r->reason));
	cr_expect_eq(res.fault.level, want_level, "%s: level %u want %u", what, res.fault.level,
		     want_level);
	cr_expect_eq(res.fault.code, rv_page_fault_cause(acc), "%s: scause %llu want %llu", what,
		     (unsigned long long)res.fault.code,
		     (unsigned long long)rv_page_fault_cause(acc));
	/* Every PTE read, from the root down to the one that faulted. */
	expect_steps(&e, VA_TEST, &res, want_level, what);
	/* A faulting walk never sets A or D (step 7 is reached only on success). */
	expect_path_unchanged(&e, VA_TEST, &before, what);
	rv_env_fini(&e);
}

/* Svnapot table: only ppn[0][3:0] matters; ppn[3:0] = 1000 with other bits set is valid. */
Test(walk_riscv, napot_upper_ppn_bits_free)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct rv_env e;
		struct walk_result res;
		env_setup(&e, levels);
		/* pte.ppn = 0x90028 (…0 0010 1000): base 0x90020000, vpn0 nibble 7 */
		rv_map(&e, VA_TEST, 1, T_N | T_PPN(0x90028000) | T_V | T_R | AD);
		rv_walk(&e, VA_TEST, ACCESS_READ, PRIV_SUPERVISOR, &res);
		cr_expect(res.ok, "%s", rv_mode_name(levels));
		cr_expect_eq(res.pa, 0x90027abc, "%s: pa %#llx", rv_mode_name(levels),
			     (unsigned long long)res.pa);
		cr_expect_eq(res.page_size, 64 * KiB);
		cr_expect_eq(res.level, 1);
		rv_env_fini(&e);
	}
}

/* =====================================================================
 * Step 5 matrix: privilege x SUM x MXR x R/W/X/U x access.
 * ===================================================================== */

struct perm_vec {
	enum privilege priv;
	bool sum, mxr;
	uint64_t bits;           /* leaf R/W/X/U */
	enum access_kind acc;
	bool ok;
	enum fault_reason reason; /* when !ok; REASON_NONE: any step-5 reason */
};

#define U_ PRIV_USER
#define S_ PRIV_SUPERVISOR

WalkVectors(walk_riscv, sum_mxr_matrix)
{
	static struct perm_vec v[] = {
		/* U-mode */
		{U_, 0, 0, T_U | T_R, ACCESS_READ, true, 0},
		{U_, 0, 0, T_U | T_R | T_W, ACCESS_WRITE, true, 0},
		{U_, 0, 0, T_U | T_X, ACCESS_EXEC, true, 0},
		{U_, 0, 0, T_U | T_X, ACCESS_READ, false, REASON_RV_NOT_READABLE},
		{U_, 0, 1, T_U | T_X, ACCESS_READ, true, 0},           /* MXR applies to U-mode */
		{U_, 1, 0, T_U | T_X, ACCESS_READ, false, REASON_RV_NOT_READABLE},
		{U_, 1, 1, T_R, ACCESS_READ, false, REASON_RV_USER_NOT_U},
		{U_, 0, 1, T_X, ACCESS_READ, false, REASON_RV_USER_NOT_U},
		{U_, 1, 0, T_R | T_W | T_X, ACCESS_EXEC, false, REASON_RV_USER_NOT_U},
		{U_, 0, 1, T_U | T_X, ACCESS_WRITE, false, REASON_RV_NOT_WRITABLE},
		/* S-mode, U=0 pages: SUM irrelevant */
		{S_, 0, 0, T_R, ACCESS_READ, true, 0},
		{S_, 1, 0, T_R, ACCESS_READ, true, 0},
		{S_, 0, 0, T_R | T_W, ACCESS_WRITE, true, 0},
		{S_, 0, 0, T_X, ACCESS_EXEC, true, 0},
		{S_, 1, 0, T_R | T_X, ACCESS_EXEC, true, 0},
		{S_, 0, 0, T_X, ACCESS_READ, false, REASON_RV_NOT_READABLE},
		{S_, 0, 1, T_X, ACCESS_READ, true, 0},                 /* MXR: X makes readable */
		{S_, 1, 1, T_X, ACCESS_READ, true, 0},
		{S_, 0, 1, T_R, ACCESS_READ, true, 0},
		{S_, 0, 1, T_X, ACCESS_WRITE, false, REASON_RV_NOT_WRITABLE},
		/* S-mode, U=1 pages */
		{S_, 0, 0, T_U | T_R, ACCESS_READ, false, REASON_RV_SUPERVISOR_U_NOSUM},
		{S_, 1, 0, T_U | T_R, ACCESS_READ, true, 0},
		{S_, 0, 0, T_U | T_R | T_W, ACCESS_WRITE, false, REASON_RV_SUPERVISOR_U_NOSUM},
		{S_, 1, 0, T_U | T_R | T_W, ACCESS_WRITE, true, 0},
		{S_, 1, 0, T_U | T_R, ACCESS_WRITE, false, REASON_RV_NOT_WRITABLE},
		{S_, 0, 0, T_U | T_X, ACCESS_EXEC, false, REASON_RV_SUPERVISOR_U_FETCH},
		{S_, 1, 0, T_U | T_X, ACCESS_EXEC, false, REASON_RV_SUPERVISOR_U_FETCH},
		{S_, 1, 1, T_U | T_R | T_W | T_X, ACCESS_EXEC, false, REASON_RV_SUPERVISOR_U_FETCH},
		{S_, 1, 1, T_U | T_X, ACCESS_READ, true, 0},           /* SUM + MXR */
		{S_, 1, 0, T_U | T_X, ACCESS_READ, false, REASON_RV_NOT_READABLE},
		{S_, 0, 1, T_U | T_X, ACCESS_READ, false, REASON_RV_SUPERVISOR_U_NOSUM},
		{S_, 0, 0, T_U | T_X, ACCESS_READ, false, REASON_NONE},  /* two reasons apply */
		{S_, 1, 1, T_U | T_R | T_W, ACCESS_WRITE, true, 0},
	};
	return cr_make_param_array(struct perm_vec, v, sizeof(v) / sizeof(v[0]));
}

WalkVectorTest(struct perm_vec *p, walk_riscv, sum_mxr_matrix)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		for (unsigned leaf_level = 1; leaf_level <= 2; leaf_level++) {
			struct rv_env e;
			struct walk_result res;
			char what[160];
			snprintf(what, sizeof(what), "%s L%u %s SUM=%d MXR=%d pte %#llx %s",
				 rv_mode_name(levels), leaf_level,
				 p->priv == PRIV_USER ? "user" : "supervisor", p->sum, p->mxr,
				 (unsigned long long)p->bits, rv_access_name(p->acc));
			env_setup(&e, levels);
			e.ctl.sum = p->sum;
			e.ctl.mxr = p->mxr;
			uint64_t pa = leaf_level == 1 ? PA_4K : PA_2M;
			rv_map(&e, VA_TEST, leaf_level, T_PPN(pa) | T_V | AD | p->bits);
			rv_walk(&e, VA_TEST, p->acc, p->priv, &res);
			if (p->ok) {
				cr_expect(res.ok, "%s: fault reason %d (%s)", what, res.fault.reason,
					  walk_reason_text(res.fault.reason));
				cr_expect_eq(res.pa, leaf_level == 1 ? 0x90345abc : 0x90567abc, "%s",
					     what);
			} else {
				cr_expect_not(res.ok, "%s: allowed", what);
				cr_expect_eq(res.fault.kind, FAULT_PERMISSION, "%s: kind %s", what,
					     fault_kind_name(res.fault.kind));
				if (p->reason != REASON_NONE)
					cr_expect_eq(res.fault.reason, p->reason,
						     "%s: reason %d (%s) want %d (%s)", what,
						     res.fault.reason,
						     walk_reason_text(res.fault.reason), p->reason,
						     walk_reason_text(p->reason));
				cr_expect_eq(res.fault.level, leaf_level, "%s", what);
				cr_expect_eq(res.fault.code, rv_page_fault_cause(p->acc), "%s", what);
			}
			rv_env_fini(&e);
		}
	}
}

/*
 * Effective permissions: what this mode may do to the page with these SUM and
 * MXR bits (step 5), as translate's `perms` reports them.  MXR makes an
 * executable page readable for loads; SUM lets S-mode load and store U pages,
 * never fetch from them.
 */
struct eff_vec {
	enum privilege priv;
	bool sum, mxr;
	uint64_t bits;           /* leaf R/W/X/U */
	enum access_kind allowed; /* an access the page allows, to reach the leaf */
	unsigned perms;
};

WalkVectors(walk_riscv, effective_perms)
{
	static struct eff_vec v[] = {
		{U_, 0, 1, T_U | T_X, ACCESS_EXEC, PERM_R | PERM_X | PERM_U},
		{U_, 0, 0, T_U | T_X, ACCESS_EXEC, PERM_X | PERM_U},
		{S_, 1, 0, T_U | T_R | T_W | T_X, ACCESS_READ, PERM_R | PERM_W | PERM_U},
		{S_, 1, 1, T_U | T_X, ACCESS_READ, PERM_R | PERM_U},
		{S_, 0, 0, T_R | T_W | T_X, ACCESS_READ, PERM_R | PERM_W | PERM_X},
		{U_, 1, 1, T_U | T_R | T_W, ACCESS_READ, PERM_R | PERM_W | PERM_U},
	};
	return cr_make_param_array(struct eff_vec, v, sizeof(v) / sizeof(v[0]));
}

WalkVectorTest(struct eff_vec *p, walk_riscv, effective_perms)
{
	struct rv_env e;
	struct walk_result res;
	struct walk_request req = { .root = RV_ROOT, .va = VA_TEST, .access = p->allowed, .priv = p->priv };
	char got[6], want[6];

	env_setup(&e, 3);
	e.ctl.sum = p->sum;
	e.ctl.mxr = p->mxr;
	rv_map(&e, VA_TEST, 1, T_PPN(PA_4K) | T_V | AD | p->bits);
	rv_walk(&e, VA_TEST, p->allowed, p->priv, &res);
	cr_assert(res.ok, "fault %s", walk_reason_text(res.fault.reason));
	perms_format(walk_effective_perms(&e.w, &req, &res), got);
	perms_format(p->perms, want);
	cr_expect_str_eq(got, want, "%s SUM=%d MXR=%d pte %#llx", p->priv == PRIV_USER ? "user" : "supervisor",
			 p->sum, p->mxr, (unsigned long long)p->bits);
	rv_env_fini(&e);
}

/* =====================================================================
 * Step 1 / Sv39-48-57 "Addressing": canonical VAs.
 * ===================================================================== */

struct canon_vec {
	unsigned levels;
	uint64_t va;
};

WalkVectors(walk_riscv, non_canonical)
{
	static struct canon_vec v[] = {
		{3, 0x0000004000000000ull},  /* bit 38 = 1, bits 63..39 = 0 */
		{3, 0xffffffbfffffffffull},  /* bit 38 = 0, bits 63..39 = 1 */
		{3, 0x0000008000000000ull},
		{3, 0x0000800000000000ull},  /* canonical in Sv48, not in Sv39 */
		{3, 0x8000000000000000ull},
		{3, 0x7fffffffffffffffull},
		{3, 0x0100001234567abcull},  /* VA_TEST with a stray high bit */
		{4, 0x0000800000000000ull},  /* bit 47 = 1, bits 63..48 = 0 */
		{4, 0xffff7fffffffffffull},
		{4, 0x0100001234567abcull},
		{4, 0x8000000000000000ull},
		{5, 0x0100000000000000ull},  /* bit 56 = 1, bits 63..57 = 0 */
		{5, 0xfeffffffffffffffull},
		{5, 0x8000001234567abcull},
	};
	return cr_make_param_array(struct canon_vec, v, sizeof(v) / sizeof(v[0]));
}

WalkVectorTest(struct canon_vec *p, walk_riscv, non_canonical)
{
	for (unsigned a = 0; a < 3; a++) {
		struct rv_env e;
		struct walk_result res;
		enum access_kind acc = (enum access_kind)a;
		env_setup(&e, p->levels);
		/* Map the slots the low VA bits select, so ignoring the high bits would succeed. */
		rv_map(&e, p->va, 1, T_PPN(PA_4K) | LEAF_OK);
		rv_walk(&e, p->va, acc, PRIV_SUPERVISOR, &res);
		cr_assert_not(res.ok, "%s va %#llx %s translated", rv_mode_name(p->levels),
			      (unsigned long long)p->va, rv_access_name(acc));
		cr_expect_eq(res.fault.kind, FAULT_NON_CANONICAL, "%s va %#llx: kind %s",
			     rv_mode_name(p->levels), (unsigned long long)p->va,
			     fault_kind_name(res.fault.kind));
		cr_expect_eq(res.fault.reason, REASON_NON_CANONICAL);
		cr_expect_eq(res.fault.level, p->levels);
		cr_expect_eq(res.fault.code, rv_page_fault_cause(acc), "scause %llu",
			     (unsigned long long)res.fault.code);
		cr_expect_eq(res.nr_steps, 0, "nothing may be read for a bad VA");
		rv_env_fini(&e);
	}
}

/* The Sv39 boundary named in the spec, end to end with 4 KiB pages. */
Test(walk_riscv, sv39_canonical_boundary)
{
	static const struct {
		uint64_t va;
		bool ok;
	} v[] = {
		{0x0000003fffffffffull, true},
		{0x0000004000000000ull, false},
		{0xffffffc000000000ull, true},
		{0xffffffbffffff000ull, false},
	};
	for (unsigned i = 0; i < 4; i++) {
		struct rv_env e;
		struct walk_result res;
		env_setup(&e, 3);
		rv_map(&e, v[i].va, 1, T_PPN(PA_4K) | LEAF_OK);
		rv_walk(&e, v[i].va, ACCESS_READ, PRIV_SUPERVISOR, &res);
		cr_expect_eq(res.ok, v[i].ok, "va %#llx", (unsigned long long)v[i].va);
		if (v[i].ok)
			cr_expect_eq(res.pa, PA_4K | (v[i].va & 0xfff));
		else
			cr_expect_eq(res.fault.code, SCAUSE_LOAD_PAGE);
		rv_env_fini(&e);
	}
}

/* =====================================================================
 * Step 2: a PTE address outside physical memory is an access fault.
 * ===================================================================== */

enum bus_case { BUS_ROOT_LOW, BUS_ROOT_END, BUS_ROOT_PTR, BUS_L2_PTR, BUS_CASES };

struct bus_param {
	unsigned levels;
	unsigned access;
	unsigned which;
};

WalkVectors(walk_riscv, bus_error)
{
	size_t n = 3 * 3 * BUS_CASES, k = 0;
	struct bus_param *p = vectors_malloc(n * sizeof(*p));
	for (unsigned levels = 3; levels <= 5; levels++)
		for (unsigned a = 0; a < 3; a++)
			for (unsigned c = 0; c < BUS_CASES; c++)
				p[k++] = (struct bus_param){levels, a, c};
	return cr_make_param_array(struct bus_param, p, n, free_params);
}

WalkVectorTest(struct bus_param *p, walk_riscv, bus_error)
{
	static const char *const names[] = {"root below memory", "root at end of memory",
					    "root pointer outside", "level-2 pointer outside"};
	enum access_kind acc = (enum access_kind)p->access;
	struct rv_env e;
	struct walk_result res;
	uint64_t root = RV_ROOT;
	unsigned want_level = 0;

	env_setup(&e, p->levels);
	rv_map(&e, VA_TEST, 1, T_PPN(PA_4K) | LEAF_OK);
	switch (p->which) {
	case BUS_ROOT_LOW:        /* memory starts at 0x80000000 */
		root = 0x1000;
		want_level = p->levels;
		break;
	case BUS_ROOT_END:        /* [0x80000000, 0xc0000000) */
		root = RV_MEM_BASE + RV_MEM_SIZE;
		want_level = p->levels;
		break;
	case BUS_ROOT_PTR:        /* the next node at 0x40000000 */
		rv_write(&e, rv_slot(&e, VA_TEST, p->levels), T_PPN(0x40000000) | T_V);
		want_level = p->levels - 1;
		break;
	case BUS_L2_PTR:          /* the level-1 node just past the end */
		rv_write(&e, rv_slot(&e, VA_TEST, 2), T_PPN(0xc0001000) | T_V);
		want_level = 1;
		break;
	}
	struct walk_request req = {.root = root, .va = VA_TEST, .access = acc,
				   .priv = PRIV_SUPERVISOR};
	res = (struct walk_result){0};
	walk(&e.w, &req, &res);

	cr_assert_not(res.ok, "%s %s %s: translated", rv_mode_name(p->levels), names[p->which],
		      rv_access_name(acc));
	cr_expect_eq(res.fault.kind, FAULT_BUS_ERROR, "%s %s: kind %s", rv_mode_name(p->levels),
		     names[p->which], fault_kind_name(res.fault.kind));
	cr_expect_eq(res.fault.reason, REASON_BUS_ERROR);
	cr_expect_eq(res.fault.code, rv_access_fault_cause(acc), "%s %s %s: scause %llu want %llu",
		     rv_mode_name(p->levels), names[p->which], rv_access_name(acc),
		     (unsigned long long)res.fault.code,
		     (unsigned long long)rv_access_fault_cause(acc));
	cr_expect_eq(res.fault.level, want_level, "%s %s: level %u want %u",
		     rv_mode_name(p->levels), names[p->which], res.fault.level, want_level);
	rv_env_fini(&e);
}

/* =====================================================================
 * G: "for non-leaf PTEs, the global setting implies that all mappings in
 * the subsequent levels of the page table are global".
 * ===================================================================== */

Test(walk_riscv, global_inheritance)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		for (unsigned leaf_level = 1; leaf_level <= 2; leaf_level++) {
			/* g_level 0: G nowhere; otherwise G on that level's PTE only. */
			for (unsigned g_level = 0; g_level <= levels; g_level++) {
				if (g_level && g_level < leaf_level)
					continue;
				struct rv_env e;
				struct walk_result res;
				env_setup(&e, levels);
				uint64_t pa = leaf_level == 1 ? PA_4K : PA_2M;
				rv_map(&e, VA_TEST, leaf_level, T_PPN(pa) | T_V | T_R | AD);
				if (g_level) {
					uint64_t a = rv_slot(&e, VA_TEST, g_level);
					rv_write(&e, a, rv_read(&e, a) | T_G);
				}
				rv_walk(&e, VA_TEST, ACCESS_READ, PRIV_SUPERVISOR, &res);
				cr_assert(res.ok, "%s leaf L%u G at L%u: fault %d reason %d",
					  rv_mode_name(levels), leaf_level, g_level, res.fault.kind,
					  res.fault.reason);
				unsigned want = PERM_R | (g_level ? PERM_G : 0);
				cr_expect_eq(res.perms, want, "%s leaf L%u G at L%u: perms %#x want %#x",
					     rv_mode_name(levels), leaf_level, g_level, res.perms,
					     want);
				rv_env_fini(&e);
			}
		}
	}
}

/* =====================================================================
 * Step 7 under Svadu: the walker sets A (and D on stores) in the leaf, in
 * memory, only when the access succeeds; never on pointers.
 * ===================================================================== */

struct ad_vec {
	unsigned leaf_level;
	uint64_t bits;           /* leaf bits without PPN */
	enum access_kind acc;
	uint64_t want_set;       /* bits the walk must add to the leaf in memory */
};

WalkVectors(walk_riscv, svadu_updates)
{
	static struct ad_vec v[] = {
		{1, T_V | RWX, ACCESS_READ, T_A},
		{1, T_V | RWX, ACCESS_EXEC, T_A},
		{1, T_V | RWX, ACCESS_WRITE, T_A | T_D},
		{1, T_V | RWX | T_A, ACCESS_WRITE, T_D},
		{1, T_V | RWX | T_D, ACCESS_READ, T_A},
		{1, T_V | RWX | T_A, ACCESS_READ, 0},
		{1, T_V | RWX | T_A, ACCESS_EXEC, 0},
		{1, T_V | RWX | AD, ACCESS_WRITE, 0},
		{2, T_V | T_R | T_W, ACCESS_WRITE, T_A | T_D},
		{2, T_V | T_R, ACCESS_READ, T_A},
		{3, T_V | T_X | T_G, ACCESS_EXEC, T_A},
		{3, T_V | T_R | T_W | T_A | T_RSW1, ACCESS_WRITE, T_D},
		{1, T_V | T_X, ACCESS_READ, T_A},        /* with MXR (set below for this row) */
	};
	return cr_make_param_array(struct ad_vec, v, sizeof(v) / sizeof(v[0]));
}

WalkVectorTest(struct ad_vec *p, walk_riscv, svadu_updates)
{
	static const uint64_t pas[] = {0, PA_4K, PA_2M, PA_1G};
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct rv_env e;
		struct walk_result res;
		env_setup(&e, levels);
		e.ctl.mxr = true;
		uint64_t leaf = T_PPN(pas[p->leaf_level]) | p->bits;
		uint64_t leaf_addr = rv_map(&e, VA_TEST, p->leaf_level, leaf);
		struct path_snap before;
		snap(&e, VA_TEST, &before);

		rv_walk(&e, VA_TEST, p->acc, PRIV_SUPERVISOR, &res);
		cr_assert(res.ok, "%s leaf %#llx %s: fault %d reason %d", rv_mode_name(levels),
			  (unsigned long long)leaf, rv_access_name(p->acc), res.fault.kind,
			  res.fault.reason);
		uint64_t now = rv_read(&e, leaf_addr);
		cr_expect_eq(now, leaf | p->want_set, "%s leaf %#llx %s: memory %#llx want %#llx",
			     rv_mode_name(levels), (unsigned long long)leaf,
			     rv_access_name(p->acc), (unsigned long long)now,
			     (unsigned long long)(leaf | p->want_set));
		cr_expect_eq(res.leaf_pte, leaf | p->want_set, "leaf_pte after update");
		cr_expect_eq(res.set_accessed, (p->want_set & T_A) != 0);
		cr_expect_eq(res.set_dirty, (p->want_set & T_D) != 0);
		/* steps[] hold the values read, before the update */
		cr_expect_eq(res.steps[res.nr_steps - 1].pte, leaf, "step value before update");
		/* pointers untouched */
		for (unsigned l = p->leaf_level + 1; l <= levels; l++)
			cr_expect_eq(rv_read(&e, rv_slot(&e, VA_TEST, l)), before.pte[l],
				     "%s: pointer at level %u modified", rv_mode_name(levels), l);

		/* A second identical access changes nothing more. */
		rv_walk(&e, VA_TEST, p->acc, PRIV_SUPERVISOR, &res);
		cr_expect(res.ok);
		cr_expect_eq(rv_read(&e, leaf_addr), leaf | p->want_set);
		cr_expect_not(res.set_accessed);
		cr_expect_not(res.set_dirty);
		rv_env_fini(&e);
	}
}

/* Svnapot: the update is written to the PTE that was read, with its own PPN. */
Test(walk_riscv, svadu_napot_keeps_encoding)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		struct rv_env e;
		struct walk_result res;
		env_setup(&e, levels);
		uint64_t leaf = T_N | T_PPN(0x90018000) | T_V | T_R | T_W;
		uint64_t addr = rv_map(&e, VA_TEST, 1, leaf);
		rv_walk(&e, VA_TEST, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
		cr_assert(res.ok, "%s", rv_mode_name(levels));
		cr_expect_eq(res.pa, 0x90017abc);
		cr_expect_eq(rv_read(&e, addr), leaf | T_A | T_D, "%s: %#llx", rv_mode_name(levels),
			     (unsigned long long)rv_read(&e, addr));
		rv_env_fini(&e);
	}
}

/* req.no_ad_update: the same answer, memory untouched. */
Test(walk_riscv, svadu_no_ad_update)
{
	for (unsigned levels = 3; levels <= 5; levels++) {
		for (unsigned a = 0; a < 3; a++) {
			struct rv_env e;
			struct walk_result res;
			env_setup(&e, levels);
			rv_map(&e, VA_TEST, 2, T_PPN(PA_2M) | T_V | RWX);
			struct path_snap before;
			snap(&e, VA_TEST, &before);
			rv_walk_ex(&e, VA_TEST, (enum access_kind)a, PRIV_SUPERVISOR, true, &res);
			cr_expect(res.ok, "%s %s", rv_mode_name(levels),
				  rv_access_name((enum access_kind)a));
			cr_expect_eq(res.pa, 0x90567abc);
			expect_path_unchanged(&e, VA_TEST, &before, "no_ad_update");
			rv_env_fini(&e);
		}
	}
}

/* Svadu: a fault at step 5 or 6 leaves A/D clear (covered for every rule above too). */
Test(walk_riscv, svadu_no_update_on_fault)
{
	static const struct {
		unsigned leaf_level;
		uint64_t pa;
		uint64_t bits;
		enum access_kind acc;
		enum privilege priv;
	} v[] = {
		{1, PA_4K, T_V | T_R, ACCESS_WRITE, PRIV_SUPERVISOR},         /* step 5 */
		{1, PA_4K, T_V | T_R | T_W, ACCESS_READ, PRIV_USER},          /* step 5, U */
		{1, PA_4K, T_V | T_R | T_U, ACCESS_READ, PRIV_SUPERVISOR},    /* step 5, SUM */
		{2, PA_2M + 0x1000, T_V | RWX, ACCESS_WRITE, PRIV_SUPERVISOR},/* step 6 */
		{1, 0x90010000, T_V | RWX | T_N, ACCESS_READ, PRIV_SUPERVISOR}, /* step 3 NAPOT */
	};
	for (unsigned levels = 3; levels <= 5; levels++)
		for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			struct rv_env e;
			struct walk_result res;
			env_setup(&e, levels);
			uint64_t leaf = T_PPN(v[i].pa) | v[i].bits;
			uint64_t addr = rv_map(&e, VA_TEST, v[i].leaf_level, leaf);
			rv_walk(&e, VA_TEST, v[i].acc, v[i].priv, &res);
			cr_expect_not(res.ok, "%s case %u", rv_mode_name(levels), i);
			cr_expect_eq(rv_read(&e, addr), leaf, "%s case %u: leaf became %#llx",
				     rv_mode_name(levels), i, (unsigned long long)rv_read(&e, addr));
			cr_expect_not(res.set_accessed);
			cr_expect_not(res.set_dirty);
			rv_env_fini(&e);
		}
}

/* Svade: success with A (and D for stores) preset; memory never written. */
Test(walk_riscv, svade_success_leaves_memory)
{
	for (unsigned levels = 3; levels <= 5; levels++)
		for (unsigned a = 0; a < 3; a++) {
			struct rv_env e;
			struct walk_result res;
			env_setup(&e, levels);
			e.ctl.ad = AD_SVADE;
			/* loads and fetches need only A; a store also needs D */
			uint64_t leaf = T_PPN(PA_4K) | T_V | RWX | T_A |
					(a == ACCESS_WRITE ? T_D : 0);
			uint64_t addr = rv_map(&e, VA_TEST, 1, leaf);
			rv_walk(&e, VA_TEST, (enum access_kind)a, PRIV_SUPERVISOR, &res);
			cr_expect(res.ok, "%s %s: fault %d reason %d", rv_mode_name(levels),
				  rv_access_name((enum access_kind)a), res.fault.kind,
				  res.fault.reason);
			cr_expect_eq(res.pa, 0x90345abc);
			cr_expect_eq(rv_read(&e, addr), leaf);
			cr_expect_not(res.set_accessed);
			cr_expect_not(res.set_dirty);
			rv_env_fini(&e);
		}
}

/* Walks are independent: two machines side by side (Sv39 and Sv57) do not interfere. */
Test(walk_riscv, two_machines)
{
	struct rv_env a, b;
	struct walk_result ra, rb;
	env_setup(&a, 3);
	env_setup(&b, 5);
	rv_map(&a, VA_TEST, 1, T_PPN(PA_4K) | LEAF_OK);
	rv_map(&b, VA_TEST, 2, T_PPN(PA_2M) | LEAF_OK);
	rv_walk(&a, VA_TEST, ACCESS_READ, PRIV_SUPERVISOR, &ra);
	rv_walk(&b, VA_TEST, ACCESS_READ, PRIV_SUPERVISOR, &rb);
	cr_expect(ra.ok && rb.ok);
	cr_expect_eq(ra.pa, 0x90345abc);
	cr_expect_eq(rb.pa, 0x90567abc);
	cr_expect_eq(ra.nr_steps, 3);
	cr_expect_eq(rb.nr_steps, 4);
	rv_env_fini(&a);
	rv_env_fini(&b);
}
