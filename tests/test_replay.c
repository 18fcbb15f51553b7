/*
 * replay / mmu: TLB and paging-structure-cache behaviour through the replay
 * engine.  Every expected count is worked out by hand in the comments, from
 * the counting rule (one access = one lookup per TLB level reached; a walk
 * reads one PTE per level it visits) and the small caches configured here.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sim/physmem.h"
#include "sim/replay.h"
#include "formats/config.h"
#include "formats/trace_text.h"

/*
 * x86_64 with tiny caches: a 4-entry fully associative data TLB and
 * instruction TLB (no level 2), a PDE cache (level 2), memory 100 cycles.
 */
static const char small_x86[] =
	"extends: x86_64\n"
	"tlb:\n"
	"  - {name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}\n"
	"  - {name: l1i, level: 1, kind: instruction, entries: 4, page_sizes: [4K]}\n"
	"pwc: [{level: 2, entries: 4}]\n"
	"memory_latency: 100\n";

struct fx {
	struct machine *m;
	struct replay r;
	FILE *csv;
	char csv_buf[4096];
};

static struct fx fx;

static void fx_start(const char *yaml, const struct replay_options *opt)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };

	memset(&fx, 0, sizeof(fx));
	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &fx.m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_init(&fx.r, fx.m, opt, "t.trace", &err), MM_OK, "%s", err.msg);
}

static void start_default(void)
{
	struct replay_options opt = { 0 };
	fx_start(small_x86, &opt);
}

static void fx_stop(void)
{
	replay_fini(&fx.r);
	machine_destroy(fx.m);
}

/* Replays text-format lines (one per string), asserting each applies. */
static void run(const char *const *lines)
{
	for (unsigned i = 0; lines[i]; i++) {
		char buf[128];
		struct trace_event ev;
		struct mm_error err = { 0 };

		snprintf(buf, sizeof(buf), "%s", lines[i]);
		cr_assert_eq(trace_parse_line(buf, &ev, &err), 1, "%s: %s", lines[i], err.msg);
		ev.line = i + 1;
		cr_assert_eq(replay_events(&fx.r, &ev, 1, &err), MM_OK, "%s: %s", lines[i], err.msg);
	}
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

static struct tlb_stats tlb(unsigned i)
{
	struct tlb_stats s;
	replay_tlb_totals(&fx.r, i, false, &s);
	return s;
}

static struct tlb_stats pwc(unsigned i)
{
	struct tlb_stats s;
	replay_tlb_totals(&fx.r, i, true, &s);
	return s;
}

#define ST (fx.r.mmu.stats)

static uint64_t translate_pa(uint64_t va, enum access_kind a)
{
	struct mmu_result res;
	mmu_translate(&fx.r.mmu, va, a, &res);
	cr_assert(res.ok, "0x%llx faulted: %d", (unsigned long long)va, res.fault.kind);
	return res.pa;
}

/* First read walks all 4 levels; the second read of the page hits. */
Test(replay, miss_then_hit_and_cycles, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "r 0x400008");
	cr_expect_eq(ST.accesses[ACCESS_READ], 2);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(0).misses, 1);
	cr_expect_eq(ST.walks, 1);
	cr_expect_eq(ST.pte_reads, 4);
	/* l1d 1 + PWC probe 1 + 4 PTE reads x 100, then l1d 1 */
	cr_expect_eq(ST.cycles, 1 + 1 + 400 + 1);
	cr_expect_eq(ST.walks_by_shift[12], 1);
}

/* A second page under the same PDE: the PDE cache hit leaves one PTE to read. */
Test(replay, pde_cache_shortens_walk, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "r 0x401000");
	cr_expect_eq(ST.walks, 2);
	cr_expect_eq(ST.pte_reads, 4 + 1);
	cr_expect_eq(pwc(0).misses, 1);
	cr_expect_eq(pwc(0).hits, 1);
	cr_expect_eq(translate_pa(0x401234, ACCESS_READ), 0x10001234);
}

/* Reads fill with D clear; the first write hits, re-walks to set D; the next write just hits. */
Test(replay, write_hit_with_d_clear_rewalks, .init = start_default, .fini = fx_stop)
{
	uint64_t pte;

	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "w 0x400000", "w 0x400010");
	cr_expect_eq(ST.dirty_rewalks, 1);
	cr_expect_eq(ST.walks, 2);
	cr_expect_eq(tlb(0).hits, 2);
	cr_expect_eq(tlb(0).misses, 1);
	/* the leaf PTE now has A (0x20) and D (0x40) */
	struct pt_mapping m;
	cr_assert(pt_query(fx.m->user, 0x400000, &m));
	pte = m.pte;
	cr_expect_eq(pte & 0x60, 0x60);
}

/*
 * A write hits an entry with D clear, but the PTE in memory was made
 * read-only meanwhile (no flush): the walk that would set D faults, and the
 * fault drops the stale entry, so the next read walks (SDM vol. 3 4.10.4.1).
 */
Test(replay, stale_entry_dropped_when_its_dirty_walk_faults, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "pte 0x400000 1 RW=0", "w 0x400000", "r 0x400000");
	cr_expect_eq(ST.dirty_rewalks, 1);
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 1);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(0).misses, 2);
	cr_expect_eq(ST.walks, 3);
}

/* A write hitting a read-only entry faults and drops it; the next read misses. */
Test(replay, permission_fault_on_hit_drops_entry, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K ru", "r 0x400000", "w 0x400000", "r 0x400000");
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 1);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(0).misses, 2);
	cr_expect_eq(ST.walks, 2);
}

/* Fetches go to l1i, data to l1d. */
Test(replay, instruction_and_data_tlbs, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rxu", "x 0x400000", "x 0x400004", "r 0x400000");
	cr_expect_eq(ST.accesses[ACCESS_EXEC], 2);
	cr_expect_eq(tlb(1).misses, 1);
	cr_expect_eq(tlb(1).hits, 1);
	cr_expect_eq(tlb(0).misses, 1);
}

/* Same VA in two address spaces: tagged entries do not mix. */
Test(replay, asids_keep_translations_apart, .init = start_default, .fini = fx_stop)
{
	RUN("asid 1", "map 0x400000 0x10000000 4K rwu", "r 0x400000",
	    "asid 2", "map 0x400000 0x20000000 4K rwu", "r 0x400000",
	    "asid 1", "r 0x400000");
	cr_expect_eq(tlb(0).misses, 2);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(translate_pa(0x400010, ACCESS_READ), 0x10000010);
	RUN("asid 2");
	cr_expect_eq(translate_pa(0x400010, ACCESS_READ), 0x20000010);
}

/* A global kernel entry serves every ASID; ASID flushes keep it, a full flush drops it. */
Test(replay, global_entries_and_flushes, .init = start_default, .fini = fx_stop)
{
	RUN("map 0xffff888000000000 0 1G rwg", "priv supervisor",
	    "asid 1", "r 0xffff888000001000",     /* miss */
	    "asid 2", "r 0xffff888000002000",     /* hit: global, same 1G entry */
	    "flush asid 2", "r 0xffff888000003000", /* hit: globals survive */
	    "flush va 0x400000", "r 0xffff888000004000", /* hit: another VA */
	    "flush", "r 0xffff888000005000");      /* miss */
	cr_expect_eq(tlb(0).misses, 2);
	cr_expect_eq(tlb(0).hits, 3);
	cr_expect_eq(ST.walks_by_shift[30], 2);
}

/* flush va VA asid N drops that ASID's entry only; flush va VA drops every ASID's. */
Test(replay, flush_va_scopes, .init = start_default, .fini = fx_stop)
{
	RUN("asid 1", "map 0x400000 0x10000000 4K rwu", "r 0x400000",
	    "asid 2", "map 0x400000 0x20000000 4K rwu", "r 0x400000",
	    "flush va 0x400000 asid 1",
	    "r 0x400000",                  /* asid 2: hit */
	    "asid 1", "r 0x400000",        /* miss */
	    "flush va 0x400123",
	    "r 0x400000", "asid 2", "r 0x400000"); /* both miss */
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(0).misses, 2 + 1 + 2);
}

/*
 * Arm TLB maintenance (Arm ARM DDI 0487, "TLB maintenance instructions"), on
 * a scenario of four l1d entries and three PDE-cache entries:
 *   N2  0x400000 of ASID 2, non-global      N3  0x400000 of ASID 3, non-global
 *   G   0x400000, global (filled in ASID 1) O2  0x401000 of ASID 2, non-global
 * and the PDE cache's entries for 0x400000's PDE in ASIDs 2, 3 and 1 (P2, P3,
 * P1; O2's walk hits P2).  The non-global entries are filled first: a global
 * one already there would serve ASIDs 2 and 3 and they would never fill.
 */
enum { N2 = 1, N3 = 2, G = 4, O2 = 8, P1 = 16, P2 = 32, P3 = 64, EVERY = 127 };

/*
 * l1i holds 4K only, so a 2M code page is cached as 4K pieces; INVLPG of any
 * address in the page drops them all (SDM vol. 3 4.10.4.1), so the next
 * fetch from another piece walks again.
 */
Test(replay, flush_va_drops_every_piece_of_a_large_page, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x200000 0x10000000 2M rwxu", "x 0x200000", "x 0x201000");
	cr_expect_eq(ST.walks, 2, "two pieces, two walks");
	RUN("x 0x201008");
	cr_expect_eq(ST.walks, 2, "a piece hits");
	RUN("flush va 0x200000", "x 0x201008");
	cr_expect_eq(ST.walks, 3, "the piece at 0x201000 survived the flush of its page");
}

static int note_entry(void *arg, const struct tlb_entry *e)
{
	unsigned *found = arg;
	const uint64_t va = e->tag << e->shift;

	if (e->level > 1) /* a PDE-cache entry */
		*found |= e->space == 1 ? P1 : e->space == 2 ? P2 : e->space == 3 ? P3 : 0;
	else if (e->global)
		*found |= va == 0x400000 ? G : 0;
	else if (e->space == 2)
		*found |= va == 0x400000 ? N2 : va == 0x401000 ? O2 : 0;
	else if (e->space == 3)
		*found |= va == 0x400000 ? N3 : 0;
	return MM_OK;
}

/* Which of the scenario's entries CPU cpu holds. */
static unsigned held(unsigned cpu)
{
	unsigned found = 0;

	tlb_for_each(fx.r.mmu.cpus[cpu]->tlb[0], note_entry, &found);
	tlb_for_each(fx.r.mmu.cpus[cpu]->pwc[2], note_entry, &found);
	return found;
}

static void map_scenario(void)
{
	RUN("asid 2", "map 0x400000 0x20000000 8K rwu", "asid 3", "map 0x400000 0x30000000 4K rwu",
	    "asid 1", "map 0x400000 0x10000000 4K rwug");
}

/* Fills CPU cpu's caches with the scenario's entries (and nothing else: it starts empty). */
static void fill_scenario(unsigned cpu)
{
	char select[16];

	snprintf(select, sizeof(select), "cpu %u", cpu);
	RUN(select, "asid 2", "r 0x400000", "r 0x401000", "asid 3", "r 0x400000", "asid 1", "r 0x400000");
	cr_assert_eq(held(cpu), EVERY);
}

/* What each form drops, from the Arm rules (and, for contrast, `flush va VA asid N`). */
Test(replay, tlbi_forms_drop_what_arm_says, .init = start_default, .fini = fx_stop)
{
	static const struct { const char *line; unsigned left; } cases[] = {
		/* every entry, global too, from any level */
		{ "tlbi vmalle1", 0 },
		/* ASID 2's non-global leaves and its walk-cache entries: globals stay */
		{ "tlbi aside1 asid 2", N3 | G | P1 | P3 },
		/* 0x400000's page: ASID 2's non-global entry, the global one, ASID 2's walk entries */
		{ "tlbi vae1 va 0x400abc asid 2", N3 | O2 | P1 | P3 },
		/* 0x400000's page in every ASID, globals too, walk entries of every ASID */
		{ "tlbi vaae1 va 0x400000", O2 },
		/* the same leaves as vae1 / vaae1; the walk caches keep everything */
		{ "tlbi vale1 va 0x400000 asid 2", N3 | O2 | P1 | P2 | P3 },
		{ "tlbi vaale1 va 0x400fff", O2 | P1 | P2 | P3 },
		/* INVPCID / sfence.vma VA, ASID: ASID 2's entry only, the global one stays */
		{ "flush va 0x400000 asid 2", N3 | G | O2 | P1 | P3 },
	};
	map_scenario();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RUN("tlbi vmalle1");
		fill_scenario(0);
		run((const char *const[]){ cases[i].line, NULL });
		cr_expect_eq(held(0), cases[i].left, "%s: left 0x%x, expected 0x%x", cases[i].line, held(0),
			     cases[i].left);
	}
}

/* An `is` form reaches every CPU; the plain form, like `flush`, only the current one. */
Test(replay, tlbi_is_reaches_every_cpu, .init = start_default, .fini = fx_stop)
{
	static const struct { const char *line; unsigned left0, left1; } cases[] = {
		{ "tlbi vae1 va 0x400000 asid 2", N3 | O2 | P1 | P3, EVERY },
		{ "tlbi vae1is va 0x400000 asid 2", N3 | O2 | P1 | P3, N3 | O2 | P1 | P3 },
		{ "tlbi vmalle1", 0, EVERY },
		{ "tlbi vmalle1is", 0, 0 },
		{ "tlbi aside1is asid 3", N2 | G | O2 | P1 | P2, N2 | G | O2 | P1 | P2 },
		{ "tlbi vaae1is va 0x400000", O2, O2 },
		{ "tlbi vale1is va 0x400000 asid 2", N3 | O2 | P1 | P2 | P3, N3 | O2 | P1 | P2 | P3 },
		{ "tlbi vaale1is va 0x400000", O2 | P1 | P2 | P3, O2 | P1 | P2 | P3 },
		{ "flush", 0, EVERY },
	};
	map_scenario();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RUN("tlbi vmalle1is");
		fill_scenario(1);
		fill_scenario(0);
		run((const char *const[]){ cases[i].line, NULL });
		cr_expect_eq(held(0), cases[i].left0, "%s: cpu 0 left 0x%x", cases[i].line, held(0));
		cr_expect_eq(held(1), cases[i].left1, "%s: cpu 1 left 0x%x", cases[i].line, held(1));
	}
	/* A broadcast TLBI is the hardware's, not an IPI: no shootdown. */
	cr_expect_eq(ST.shootdowns, 0);
}

/*
 * x86 INVLPG (`flush va VA`) drops every paging-structure-cache entry of the
 * current PCID, whatever its address (SDM vol. 3 4.10.4.1): 0x401000's walk
 * then misses the PDE cache its neighbour filled and reads 4 PTEs.  INVPCID
 * individual-address (`flush va VA asid N`) drops only what would translate
 * VA, so the PDE entry of 0x400000's table survives: 1 PTE.
 */
Test(replay, invlpg_drops_every_pde_cache_entry, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 8K rwu", "map 0x80000000 0x20000000 4K rwu", "r 0x400000", "r 0x80000000");
	cr_expect_eq(ST.pte_reads, 4 + 4);
	RUN("flush va 0x80000000 asid 0", "r 0x401000");
	cr_expect_eq(ST.pte_reads, 4 + 4 + 1);
	RUN("flush", "r 0x400000", "r 0x80000000", "flush va 0x80000000", "r 0x401000");
	cr_expect_eq(ST.pte_reads, 9 + 4 + 4 + 4);
	cr_expect_eq(pwc(0).hits, 1);
}

/*
 * A page fault drops the PDE-cache entry that would translate its VA (SDM
 * vol. 3 4.10.4.1: "these invalidations ensure that the page-fault exception
 * will not recur ... if it would not be caused by the contents of the paging
 * structures in memory").  The PDE of 0x400000's region is rewritten, without
 * a flush, to point at 0x600000's table, which maps its second page: the
 * stale PDE-cache entry makes 0x401000 fault once, then the walk reads the
 * new PDE from memory and succeeds.
 */
Test(replay, x86_page_fault_drops_stale_pde_cache_entry, .init = start_default, .fini = fx_stop)
{
	struct walk_request req = { .va = 0x600000, .access = ACCESS_READ, .priv = PRIV_USER };
	struct walk_result res;
	char set_pte[64];

	RUN("map 0x400000 0x10000000 4K rwu", "map 0x600000 0x20000000 8K rwu", "r 0x400000");
	req.root = fx.r.mmu.cur->root;
	walk(&fx.m->walker, &req, &res);
	cr_assert(res.ok && res.nr_steps == 4 && res.steps[2].level == 2);
	snprintf(set_pte, sizeof(set_pte), "set-pte 0x400000 2 0x%llx", (unsigned long long)res.steps[2].pte);
	run((const char *const[]){ set_pte, "r 0x401000", NULL });
	cr_expect_eq(ST.faults[FAULT_NOT_PRESENT], 1);
	cr_expect_eq(pwc(0).hits, 1);
	cr_expect_eq(translate_pa(0x401234, ACCESS_READ), 0x20001234);
	cr_expect_eq(ST.pte_reads, 4 + 1 + 4);
	cr_expect_eq(pwc(0).hits, 1);
}

/* After a last-level TLBI the walk starts from the PDE cache (1 PTE read); after vae1, from the root (4). */
Test(replay, tlbi_last_level_keeps_the_walk_cache_warm, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000");
	cr_expect_eq(ST.pte_reads, 4);
	RUN("tlbi vale1 va 0x400000 asid 0", "r 0x400000");
	cr_expect_eq(ST.walks, 2);
	cr_expect_eq(ST.pte_reads, 4 + 1);
	RUN("tlbi vaale1 va 0x400000", "r 0x400000");
	cr_expect_eq(ST.walks, 3);
	cr_expect_eq(ST.pte_reads, 4 + 1 + 1);
	RUN("tlbi vae1 va 0x400000 asid 0", "r 0x400000");
	cr_expect_eq(ST.walks, 4);
	cr_expect_eq(ST.pte_reads, 4 + 1 + 1 + 4);
	cr_expect_eq(pwc(0).hits, 2);
}

/* A VA inside a 2M page drops the whole 2M entry, and another VA of it then misses. */
Test(replay, tlbi_by_va_drops_a_larger_entry, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 2M rwu", "r 0x400000", "r 0x5ff000");
	cr_expect_eq(tlb(0).hits, 1);
	RUN("tlbi vae1 va 0x4a1234 asid 0", "r 0x5ff000");
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(0).misses, 2);
	cr_expect_eq(ST.walks_by_shift[21], 2);
}

/* Without auto flush an unmapped page still translates from the TLB: a stale hit. */
Test(replay, stale_translation_observed)
{
	struct replay_options opt = { .no_auto_flush = true, .check_stale = true };

	fx_start(small_x86, &opt);
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "unmap 0x400000 4K", "r 0x400000");
	cr_expect_eq(ST.faults[FAULT_NOT_PRESENT], 0);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(ST.stale_hits, 1);
	cr_expect_eq(ST.shootdowns, 0);
	fx_stop();
}

/* With auto flush (the default) the same trace faults instead. */
Test(replay, auto_flush_prevents_stale, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "unmap 0x400000 4K", "r 0x400000");
	cr_expect_eq(ST.faults[FAULT_NOT_PRESENT], 1);
	cr_expect_eq(tlb(0).hits, 0);
}

/* An edit on CPU 0 shoots down CPU 1's entry: one shootdown, and CPU 1 then misses. */
Test(replay, shootdown_reaches_other_cpus, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "cpu 1", "r 0x400000",
	    "cpu 0", "protect 0x400000 4K ru", "cpu 1", "w 0x400000");
	cr_expect_eq(ST.shootdowns, 1);
	cr_expect_eq(tlb(0).misses, 3, "cpu 1's write missed (its entry was shot down)");
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 1);
}

/* An 8-byte access at 0x400ffc touches two pages: two accesses. */
Test(replay, page_crossing_access_counts_twice, .init = start_default, .fini = fx_stop)
{
	struct trace_event ev = { .op = TRACE_ACCESS, .access = ACCESS_READ, .size = 8, .va = 0x400ffc };
	struct mm_error err = { 0 };

	RUN("map 0x400000 0x10000000 8K rwu");
	cr_assert_eq(replay_events(&fx.r, &ev, 1, &err), MM_OK);
	cr_expect_eq(ST.accesses[ACCESS_READ], 2);
	cr_expect_eq(tlb(0).misses, 2);
	ev.va = 0x401000; /* within one page: one access */
	cr_assert_eq(replay_events(&fx.r, &ev, 1, &err), MM_OK);
	cr_expect_eq(ST.accesses[ACCESS_READ], 3);
}

/*
 * Arm TBI0 (D8.2 "Address tagging"): VA bits 63:56 of a TTBR0 address are a
 * tag the translation ignores, so pointers to one page with different tags
 * are one translation: one walk, then TLB hits; a flush by a tagged VA drops
 * the page; demand paging maps the page the untagged VA names.
 */
static const char arm_tbi[] = "extends: aarch64\ncpu: { tbi0: true }\n";

Test(replay, tagged_pointers_share_a_translation, .fini = fx_stop)
{
	struct replay_options opt = { 0 };

	fx_start(arm_tbi, &opt);
	RUN("map 0x400000 0x40200000 4K rwu", "r 0x0100000000400000", "r 0x2a00000000400010", "r 0x400020");
	cr_expect_eq(ST.walks, 1, "three tags, one page");
	cr_expect_eq(tlb(1).hits, 2, "l1d");
	struct mmu_result res;
	cr_assert_eq(replay_translate(&fx.r, 0xff00000000400123, ACCESS_READ, &res, NULL), MM_OK);
	cr_expect(res.ok && res.pa == 0x40200123, "pa %#llx", (unsigned long long)res.pa);
	cr_expect_eq(ST.walks, 1, "a hit");
	RUN("flush va 0x7700000000400000", "r 0x400000");
	cr_expect_eq(ST.walks, 2, "the flush of a tagged VA dropped the page");
}

Test(replay, demand_paging_maps_a_tagged_pointers_page, .fini = fx_stop)
{
	struct replay_options opt = { .demand_page_size = 4096 };

	fx_start(arm_tbi, &opt);
	RUN("r 0x5500000000800010", "r 0x0000000000800020");
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(ST.walks, 1, "the second pointer hits the page the first one mapped");
	cr_expect_eq(ST.faults[FAULT_NOT_PRESENT] + ST.faults[FAULT_NON_CANONICAL], 0);
}

/* Demand paging: one access, one miss, one minor fault, no fault counted; then hits. */
Test(replay, demand_paging_counts_once)
{
	struct replay_options opt = { .demand_page_size = 4096 };

	fx_start(small_x86, &opt);
	RUN("r 0x400000", "w 0x400010", "x 0x401000");
	cr_expect_eq(ST.demand_paged, 2);
	cr_expect_eq(ST.accesses[ACCESS_READ], 1);
	cr_expect_eq(tlb(0).misses, 1);
	cr_expect_eq(tlb(0).hits, 1, "the write hits the entry the retry filled");
	cr_expect_eq(ST.dirty_rewalks, 1, "that entry was filled by a read: D clear");
	for (unsigned k = 0; k < FAULT_KIND_COUNT; k++)
		cr_expect_eq(ST.faults[k], 0);
	struct pt_mapping m;
	cr_assert(pt_query(fx.m->user, 0x401000, &m));
	cr_expect_eq(m.perms, PERM_R | PERM_W | PERM_X | PERM_U, "a fetch gets the same rwx user page");
	cr_assert(pt_query(fx.m->user, 0x400000, &m));
	cr_expect_eq(m.perms, PERM_R | PERM_W | PERM_X | PERM_U, "a data access gets the same rwx user page");
	fx_stop();
}

static uint64_t all_faults(void)
{
	uint64_t n = 0;
	for (unsigned k = 0; k < FAULT_KIND_COUNT; k++)
		n += ST.faults[k];
	return n;
}

/*
 * What both "one demand page serves code and data" traces below come to: no
 * fault, one demand-paged page, one miss and one hit in l1d and in l1i, three
 * walks (the faulted one, a dirty re-walk, the fetch's).
 */
static void expect_one_page_serves_all(void)
{
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 0);
	cr_expect_eq(all_faults(), 0);
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(tlb(0).misses, 1);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(1).misses, 1);
	cr_expect_eq(tlb(1).hits, 1);
	cr_expect_eq(ST.walks, 3);
}

/*
 * One 4K page read, written, then executed twice, as a loader or a JIT does:
 * the OS mapped it rwx for the user, so nothing but the first touch faults.
 *   r: l1d miss, walk ends not-present (walk 1), demand page, refill fills l1d
 *   w: l1d hit; entry clean, so a dirty re-walk (walk 2, 4K)
 *   x: l1i miss, walk (3, 4K) fills l1i
 *   x: l1i hit
 */
Test(replay, demand_paging_read_write_exec_one_page)
{
	struct replay_options opt = { .demand_page_size = 4096 };

	fx_start(small_x86, &opt);
	RUN("r 0x400000", "w 0x400008", "x 0x400010", "x 0x400014");
	expect_one_page_serves_all();
	cr_expect_eq(ST.walks_by_shift[12], 2, "the first walk ended in the not-present fault");
	cr_expect_eq(ST.dirty_rewalks, 1);
	fx_stop();
}

/*
 * Code and data in one 2M region (a small program's .text and .data), 2M
 * demand pages: one rwx 2M page serves both.
 *   x 0x400000: l1i miss, walk faults (1), one 2M page; l1i holds its 4K piece
 *   r 0x5ff000: l1d miss, walk (2, 2M) fills l1d with the 2M entry
 *   w 0x5ff008: l1d hit, clean: dirty re-walk (3, 2M)
 *   x 0x400004: l1i hit
 */
Test(replay, demand_paging_2m_code_and_data_share_a_page)
{
	struct replay_options opt = { .demand_page_size = 2 << 20 };
	struct pt_mapping m;

	fx_start(small_x86, &opt);
	RUN("x 0x400000", "r 0x5ff000", "w 0x5ff008", "x 0x400004");
	expect_one_page_serves_all();
	cr_expect_eq(ST.walks_by_shift[21], 2);
	cr_assert(pt_query(fx.m->user, 0x400000, &m));
	cr_expect_eq(m.size, 2 << 20);
	cr_expect_eq(m.perms, PERM_R | PERM_W | PERM_X | PERM_U);
	fx_stop();
}

/*
 * The demand-paged page is a user page: a supervisor access to it faults as
 * the SDM says (SMAP: data, SDM 4.6.1; SMEP: fetch), and that fault counts.
 *   priv supervisor, r 0x400000: walk faults not-present (1), page mapped,
 *     the retry faults (SMAP): 1 permission fault, nothing cached
 *   r 0x400000: l1d miss, walk (2) faults again: 2
 *   priv user, r 0x400000: l1d miss, walk (3) succeeds
 */
Test(replay, demand_paged_page_is_a_user_page_under_smap)
{
	static const char smap_x86[] =
		"extends: x86_64\n"
		"cpu: { smap: true, smep: true }\n"
		"tlb:\n"
		"  - {name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K]}\n";
	struct replay_options opt = { .demand_page_size = 4096 };

	fx_start(smap_x86, &opt);
	RUN("priv supervisor", "r 0x400000", "r 0x400000", "priv user", "r 0x400000");
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 2);
	cr_expect_eq(all_faults(), 2);
	cr_expect_eq(tlb(0).misses, 3);
	cr_expect_eq(ST.walks, 3);
	fx_stop();
}

/*
 * RISC-V: S-mode may load and store to a U page only with SUM, and never
 * fetch from one (privileged spec, "Supervisor Memory-Protection"); the
 * demand page is a U page.  Without SUM: the read maps the page, its retry
 * faults (1); with SUM the read passes, the fetch faults (1).
 */
Test(replay, demand_paged_page_is_a_u_page_for_s_mode)
{
	static const char *const cfgs[2] = {
		"extends: sv39\ncpu: { sum: false }\n",
		"extends: sv39\ncpu: { sum: true }\n",
	};
	struct replay_options opt = { .demand_page_size = 4096 };

	fx_start(cfgs[0], &opt);
	RUN("priv supervisor", "r 0x400000");
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 1);
	fx_stop();
	fx_start(cfgs[1], &opt);
	RUN("priv supervisor", "r 0x400000", "x 0x400004");
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 1, "the fetch");
	cr_expect_eq(all_faults(), 1);
	fx_stop();
}

/*
 * Svade: the hardware never sets A or D, so the OS maps the page accessed
 * and dirty (as Linux maps a writable anonymous page) and no A/D fault
 * follows.  r: miss, walk faults not-present, demand page; w: hit, D already
 * set: no re-walk; x: l1i miss, walk.
 */
Test(replay, demand_paging_under_svade_sets_a_and_d)
{
	static const char sv39_svade[] =
		"extends: sv39\n"
		"cpu: { ad: svade }\n"
		"tlb:\n"
		"  - {name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K]}\n"
		"  - {name: l1i, level: 1, kind: instruction, entries: 4, page_sizes: [4K]}\n";
	struct replay_options opt = { .demand_page_size = 4096 };

	fx_start(sv39_svade, &opt);
	RUN("r 0x400000", "w 0x400008", "x 0x400010");
	cr_expect_eq(all_faults(), 0);
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(ST.dirty_rewalks, 0);
	cr_expect_eq(ST.walks, 2);
	fx_stop();
}

/*
 * AArch64 without hardware dirty-state management (TCR_EL1.HD = 0, or HA = 0,
 * which HD needs: Cortex-A53/A72 have neither) keeps a page mapped without D
 * read-only (AP[2] = 1): the hardware never makes it writable.  Demand paging
 * mapped rwxu with A and no D there, so every write of a real program's trace
 * faulted (a lackey trace: 15218 of 15218 writes, `permission`).  As under
 * Svade, the OS maps the page dirty, as Linux maps a writable anonymous page
 * on a CPU without DBM: r, then w, then x, no fault.
 */
Test(replay, demand_paging_on_arm_without_hardware_dirty_maps_pages_dirty)
{
	static const char *const configs[] = { "extends: aarch64\ncpu: { hd: false }\n",
					       "extends: aarch64\ncpu: { ha: false }\n" };
	struct replay_options opt = { .demand_page_size = 4096 };

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		fx_start(configs[i], &opt);
		RUN("r 0x400000", "w 0x400008", "x 0x400010", "w 0x401000");
		cr_expect_eq(all_faults(), 0, "%s", configs[i]);
		cr_expect_eq(ST.demand_paged, 2, "%s", configs[i]);
		cr_expect_eq(ST.dirty_rewalks, 0, "%s", configs[i]);
		fx_stop();
	}
}

/* With 2M demand paging an untouched 2M region gets one large page. */
Test(replay, demand_paging_2m)
{
	struct replay_options opt = { .demand_page_size = 2 << 20 };
	struct pt_mapping m;

	fx_start(small_x86, &opt);
	RUN("r 0x600000", "r 0x7ff000");
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(tlb(0).hits, 1);
	cr_assert(pt_query(fx.m->user, 0x7ff000, &m));
	cr_expect_eq(m.size, 2 << 20);
	/* a region with a 4K page in it already gets 4K pages */
	RUN("map 0x800000 0x10000000 4K rwu", "r 0x801000");
	cr_assert(pt_query(fx.m->user, 0x801000, &m));
	cr_expect_eq(m.size, 4096);
	fx_stop();
}

/*
 * At 1G, a 1G region partly mapped falls back to the next size whose region
 * the fault shows unmapped: 2M where the PD entry is empty (the fault at
 * level 2), 4K inside the 2M region that holds the 4K page mapped by hand;
 * a free 1G region gets a 1G page.
 */
Test(replay, demand_paging_1g_falls_back_to_2m_then_4k)
{
	static const char yaml[] = "extends: x86_64\n";
	struct replay_options opt = { .demand_page_size = 1 << 30 };
	struct pt_mapping m;

	fx_start(yaml, &opt);
	RUN("map 0x40000000 0x100000000 4K rwu", "r 0x40001000", "r 0x40200000", "r 0x80000000");
	cr_expect_eq(ST.demand_paged, 3);
	cr_assert(pt_query(fx.m->user, 0x40001000, &m));
	cr_expect_eq(m.size, 4096);
	cr_assert(pt_query(fx.m->user, 0x40200000, &m));
	cr_expect_eq(m.size, 2 << 20, "0x40200000's 2M region is free: a 2M page, not 4K");
	cr_assert(pt_query(fx.m->user, 0x80000000, &m));
	cr_expect_eq(m.size, 1 << 30);
	fx_stop();
}

/*
 * A huge page needs a free aligned run of memory.  With 8 MiB of it, no 1G
 * page fits: each 1G region touched gets a 2M page while aligned 2M runs are
 * left (three: the first 2 MiB holds the page-table nodes), then 4K pages, as
 * Linux falls back from a transparent huge page.  The replay stopped at the
 * first access with "out of physical memory (2 frames of 4096 bytes in use)".
 */
Test(replay, demand_paging_falls_back_when_no_huge_frame_is_free)
{
	static const char yaml[] = "extends: x86_64\nmemory: { base: 0x0, size: 8M }\n";
	static const uint64_t va[] = { 0x40000000, 0x80000000, 0xc0000000, 0x100000000 };
	static const uint64_t size[] = { 2 << 20, 2 << 20, 2 << 20, 4096 };
	struct replay_options opt = { .demand_page_size = 1 << 30 };
	struct pt_mapping m;

	fx_start(yaml, &opt);
	RUN("r 0x40000000", "r 0x80000000", "r 0xc0000000", "r 0x100000000");
	cr_expect_eq(ST.demand_paged, 4);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert(pt_query(fx.m->user, va[i], &m), "0x%llx", (unsigned long long)va[i]);
		cr_expect_eq(m.size, size[i], "0x%llx: a %llu-byte page", (unsigned long long)va[i],
			     (unsigned long long)m.size);
	}
	fx_stop();
}

/*
 * stats reset after a warm-up: the counters start again from zero while the
 * TLB and PWC keep their entries, so the next reads of the two pages hit.
 * After the reset: 2 reads, 2 l1d hits (latency 1 each), nothing else.
 */
Test(replay, stats_reset_keeps_caches_warm, .init = start_default, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "r 0x401000", "stats reset", "r 0x400008",
	    "r 0x401008");
	cr_expect_eq(ST.accesses[ACCESS_READ], 2);
	cr_expect_eq(tlb(0).hits, 2);
	cr_expect_eq(tlb(0).misses, 0);
	cr_expect_eq(tlb(0).evictions, 0);
	cr_expect_eq(pwc(0).hits + pwc(0).misses, 0);
	cr_expect_eq(ST.walks, 0);
	cr_expect_eq(ST.pte_reads, 0);
	cr_expect_eq(ST.cycles, 2);
	cr_expect_eq(ST.walks_by_shift[12], 0);
	cr_expect_eq(tlb(0).hits_by_shift[12], 2);
}

/*
 * --warmup 3: the statistics reset right after the third access (one
 * demand-paged read, a hit, a fault), so only the last two count: a hit on
 * the warm page and a read of a fresh page (miss, walk faults not-present,
 * demand paged: 1 walk, 4 PTE reads, nothing in the faults).
 */
Test(replay, warmup_counts_only_after_n_accesses)
{
	struct replay_options opt = { .demand_page_size = 4096, .warmup = 3 };

	fx_start(small_x86, &opt);
	RUN("r 0x400000", "r 0x400008", "r 0xffff800000000000");
	cr_expect_eq(ST.accesses[ACCESS_READ], 0, "the third access ended the warm-up");
	cr_expect_eq(ST.faults[FAULT_NOT_PRESENT], 0, "the kernel-range fault was in the warm-up");
	RUN("r 0x400010", "r 0x402000");
	cr_expect_eq(ST.accesses[ACCESS_READ], 2);
	cr_expect_eq(tlb(0).hits, 1);
	cr_expect_eq(tlb(0).misses, 1);
	cr_expect_eq(ST.demand_paged, 1);
	cr_expect_eq(ST.walks, 1);
	cr_expect_eq(all_faults(), 0);
	fx_stop();
}

/* A warm-up longer than the trace never resets: everything is counted. */
Test(replay, warmup_longer_than_trace_resets_nothing)
{
	struct replay_options opt = { .demand_page_size = 4096, .warmup = 10 };

	fx_start(small_x86, &opt);
	RUN("r 0x400000", "r 0x400008");
	cr_expect_eq(ST.accesses[ACCESS_READ], 2);
	cr_expect_eq(ST.demand_paged, 1);
	fx_stop();
}

/* Svade: a page without A faults with accessed-dirty (scause 13) instead of being updated. */
Test(replay, svade_faults_on_clear_a)
{
	static const char sv39_svade[] = "extends: sv39\ncpu: { ad: svade }\n";
	struct replay_options opt = { 0 };

	fx_start(sv39_svade, &opt);
	RUN("map 0x400000 0x80200000 4K rwu", "r 0x400000",
	    "map 0x401000 0x80201000 4K rwua", "r 0x401000", "w 0x401000");
	cr_expect_eq(ST.faults[FAULT_ACCESSED_DIRTY], 2, "the read of the A=0 page, the write of the D=0 page");
	fx_stop();
}

Test(replay, interval_csv)
{
	char buf[1024] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct replay_options opt = { .interval = 2, .interval_out = f };

	fx_start(small_x86, &opt);
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "r 0x400000", "r 0x401000", "r 0x402000");
	replay_finish(&fx.r);
	fclose(f);
	/*
	 * rows at 2 and 4 accesses: l1d 1 miss of 2, then 1 miss of 2 (0x402000 faults: a miss too).
	 * Cycles (l1d and the PWC cost 1 a probe, a PTE read 100): the first read misses l1d (1) and
	 * the PWC (1), walks 4 levels (400); the second hits (1): 403.  Then 0x401000 and 0x402000
	 * each miss l1d (1), hit the level-2 PWC (1) and read one PTE (100): 2 reads, 204.
	 */
	cr_expect_str_eq(buf,
			 "accesses,l1d_miss_rate,l1i_miss_rate,walks,faults,pte_reads,cycles\n"
			 "2,0.500000,0.000000,1,0,4,403\n"
			 "4,1.000000,0.000000,2,1,2,204\n");
	fx_stop();
}

/*
 * Split arrays (as Skylake's): per level and access kind one array per page
 * size, probed in parallel.  Latencies differ so that "the slowest array,
 * once" shows in the cycle count: data level 1 costs max(1, 2, 3) = 3,
 * instruction level 1 max(1, 1) = 1, level 2 max(10, 7) = 10.  No PWC: every
 * walk reads one PTE per level it visits (4K: 4, 2M: 3, 1G: 2).
 */
static const char split_x86[] =
	"extends: x86_64\n"
	"tlb:\n"
	"  - {name: d4k, level: 1, kind: data, entries: 4, page_sizes: [4K], latency: 1}\n"
	"  - {name: d2m, level: 1, kind: data, entries: 2, page_sizes: [2M], latency: 2}\n"
	"  - {name: d1g, level: 1, kind: data, entries: 1, page_sizes: [1G], latency: 3}\n"
	"  - {name: i4k, level: 1, kind: instruction, entries: 4, page_sizes: [4K]}\n"
	"  - {name: i2m, level: 1, kind: instruction, entries: 2, page_sizes: [2M]}\n"
	"  - {name: s4k2m, level: 2, kind: unified, entries: 8, page_sizes: [4K, 2M], latency: 10}\n"
	"  - {name: s1g, level: 2, kind: unified, entries: 2, page_sizes: [1G], latency: 7}\n"
	"pwc: []\n"
	"memory_latency: 100\n";

enum { D4K, D2M, D1G, I4K, I2M, S4K2M, S1G };

static void start_split(void)
{
	struct replay_options opt = { 0 };
	fx_start(split_x86, &opt);
}

static void expect_counts(unsigned i, uint64_t hits, uint64_t misses, uint64_t evictions)
{
	struct tlb_stats s = tlb(i);
	cr_expect_eq(s.hits, hits, "%s hits %llu", fx.m->cfg.tlb[i].name, (unsigned long long)s.hits);
	cr_expect_eq(s.misses, misses, "%s misses %llu", fx.m->cfg.tlb[i].name, (unsigned long long)s.misses);
	cr_expect_eq(s.evictions, evictions, "%s evictions %llu", fx.m->cfg.tlb[i].name,
		     (unsigned long long)s.evictions);
}

/* One miss then one hit per page size: each counted in its own size's array, latency once. */
Test(split_tlb, each_array_counts_its_own_page_size, .init = start_split, .fini = fx_stop)
{
	RUN("map 0x400000 0x10000000 4K rwu", "map 0x200000 0x20000000 2M rwu",
	    "map 0x40000000 0x40000000 1G rwu",
	    "r 0x400000", "r 0x400008",      /* 4K: miss (walk 4), hit */
	    "r 0x200000", "r 0x3ff000",      /* 2M: miss (walk 3), hit in d2m (d4k probed too: no count) */
	    "r 0x40000000", "r 0x7fffffff"); /* 1G: miss (walk 2), hit */
	expect_counts(D4K, 1, 1, 0);
	expect_counts(D2M, 1, 1, 0);
	expect_counts(D1G, 1, 1, 0);
	expect_counts(S4K2M, 0, 2, 0); /* the 4K and the 2M miss */
	expect_counts(S1G, 0, 1, 0);
	expect_counts(I4K, 0, 0, 0);
	expect_counts(I2M, 0, 0, 0);
	cr_expect_eq(ST.walks, 3);
	cr_expect_eq(ST.pte_reads, 4 + 3 + 2);
	/* each access 3 at level 1; the three misses 10 at level 2 plus 100 per PTE read */
	cr_expect_eq(ST.cycles, 6 * 3 + 3 * 10 + 9 * 100);
}

/*
 * Three 2M pages through a 2-entry d2m: the third fill evicts the first
 * (LRU).  Reading the first again misses level 1 (charged to d2m, the array of
 * its size), hits s4k2m, and refills d2m, evicting the LRU 0x400000.
 */
Test(split_tlb, level_2_hit_refills_the_array_of_its_size, .init = start_split, .fini = fx_stop)
{
	RUN("map 0x200000 0x20000000 6M rwu",
	    "r 0x200000", "r 0x400000", "r 0x600000", "r 0x200000", "r 0x200000");
	expect_counts(D2M, 1, 4, 2);
	expect_counts(D4K, 0, 0, 0);
	expect_counts(D1G, 0, 0, 0);
	expect_counts(S4K2M, 1, 3, 0);
	expect_counts(S1G, 0, 0, 0);
	cr_expect_eq(ST.walks, 3);
	/* 3 walks: 3 + 10 + 3 x 100; the level-2 hit: 3 + 10; the last hit: 3 */
	cr_expect_eq(ST.cycles, 3 * (3 + 10 + 300) + 13 + 3);
}

/*
 * No instruction array holds 1G: a fetch from a 1G page fills the largest
 * size that fits, a 2M piece in i2m (and the whole 1G page in s1g).  Another
 * 2M piece of the same page misses i2m and hits s1g.
 */
Test(split_tlb, page_without_its_own_array_goes_to_the_largest_that_fits, .init = start_split,
     .fini = fx_stop)
{
	RUN("map 0x40000000 0x40000000 1G rwxu",
	    "x 0x40000000", "x 0x40100000", "x 0x40200000");
	expect_counts(I2M, 1, 2, 0);
	expect_counts(I4K, 0, 0, 0);
	expect_counts(S1G, 1, 1, 0);
	expect_counts(S4K2M, 0, 0, 0);
	cr_expect_eq(ST.walks, 1);
	cr_expect_eq(translate_pa(0x40234567, ACCESS_EXEC), 0x40234567);
	/* 1 + 10 + 2 x 100, then 1, then 1 + 10, then the translate_pa hit: 1 */
	cr_expect_eq(ST.cycles, 211 + 1 + 11 + 1);
}

/* A walk that faults returns no page size: the level's miss counts in its first array. */
Test(split_tlb, fault_charges_the_first_array, .init = start_split, .fini = fx_stop)
{
	RUN("r 0x900000", "x 0x900000");
	expect_counts(D4K, 0, 1, 0);
	expect_counts(I4K, 0, 1, 0);
	expect_counts(S4K2M, 0, 2, 0);
	expect_counts(D2M, 0, 0, 0);
	expect_counts(D1G, 0, 0, 0);
	expect_counts(I2M, 0, 0, 0);
	expect_counts(S1G, 0, 0, 0);
	cr_expect_eq(ST.faults[FAULT_NOT_PRESENT], 2);
}

/* A demand-paged access's miss moves to the array its retry fills (d2m), counted once. */
Test(split_tlb, demand_paged_miss_moves_to_the_array_it_fills)
{
	struct replay_options opt = { .demand_page_size = 2 << 20 };

	fx_start(split_x86, &opt);
	RUN("r 0x600000", "r 0x7ff000");
	cr_expect_eq(ST.demand_paged, 1);
	expect_counts(D4K, 0, 0, 0);
	expect_counts(D2M, 1, 1, 0);
	expect_counts(S4K2M, 0, 1, 0); /* its first array holds 2M too: nothing moves */
	expect_counts(S1G, 0, 0, 0);
	fx_stop();
}

/*
 * A refused hit in a size's array drops the entry from that array, and on x86
 * the level-2 copy too: a page fault invalidates "any TLB entry for that
 * address's page number" (SDM vol. 3 4.10.4.1).  The next read walks.
 */
Test(split_tlb, permission_fault_drops_the_entry_where_it_hit, .init = start_split, .fini = fx_stop)
{
	RUN("map 0x200000 0x20000000 2M ru", "r 0x200000", "w 0x200000");
	cr_expect_eq(ST.faults[FAULT_PERMISSION], 1);
	expect_counts(D2M, 1, 1, 0);
	cr_expect_eq(tlb_occupancy(fx.r.mmu.cur->tlb[D2M]), 0);
	cr_expect_eq(tlb_occupancy(fx.r.mmu.cur->tlb[S4K2M]), 0, "the level-2 copy goes too");
	RUN("r 0x200000");
	cr_expect_eq(ST.walks, 2);
}

/*
 * The interval series restarts at the warm-up's end: a row after 2 accesses
 * (l1d 1 miss of 2, 1 walk); the 3rd access ends the warm-up (no row: the
 * next was due at 4); then 2 more: a hit and a miss whose walk faults — the
 * row of the 2 accesses after the reset.
 */
Test(replay, interval_csv_restarts_after_warmup)
{
	char buf[1024] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct replay_options opt = { .interval = 2, .interval_out = f, .warmup = 3 };

	fx_start(small_x86, &opt);
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "r 0x400000", "r 0x401000", "r 0x401008",
	    "r 0x402000");
	replay_finish(&fx.r);
	fclose(f);
	cr_expect_str_eq(buf,
			 "accesses,l1d_miss_rate,l1i_miss_rate,walks,faults,pte_reads,cycles\n"
			 "2,0.500000,0.000000,1,0,4,403\n"
			 /* after the reset: 0x401008 hits (1); 0x402000 misses, hits the PWC, reads one PTE (102) */
			 "2,0.500000,0.000000,1,1,1,103\n");
	fx_stop();
}

/* An edit that fails stops the replay with the trace's file:line. */
Test(replay, bad_edit_names_line, .init = start_default, .fini = fx_stop)
{
	char line[] = "map 0x400001 0 4K r";
	struct trace_event ev;
	struct mm_error err = { 0 };

	cr_assert_eq(trace_parse_line(line, &ev, &err), 1);
	ev.line = 7;
	cr_expect_eq(replay_events(&fx.r, &ev, 1, &err), MM_EUNALIGNED);
	cr_expect_str_eq(err.msg, "t.trace:7: VA 0x400001 is not aligned to the 4096-byte page");
}

/*
 * Look-ahead prefetching is a hint to the host and must change nothing: a
 * miss-heavy workload (random pages, with maps, an unmapped hole, edits and
 * faults mixed in) replayed in one batch, where prefetching switches on, gives
 * exactly the statistics and memory of the same events replayed one at a time,
 * where it never runs.  Checked on both PTE families.
 */
static void replay_random(const char *yaml, bool batched, struct mmu_stats *stats, uint64_t *pte_sum)
{
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct replay_options opt = { 0 };
	struct mm_error err = { 0 };
	struct page_prop rw = { PROP_R | PROP_W | PROP_U, CACHE_WB };
	enum { N = 20000, PAGES = 65536 };
	static struct trace_event ev[N];
	uint64_t seed = 42, base = 0x40000000;

	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, base, cfg.mem_base + 0x201000, (PAGES - 4096) * 4096ull, &rw, &err), MM_OK,
		     "%s", err.msg);
	cr_assert_eq(replay_init(&r, m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
	for (unsigned i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		/* 4K leaves (the PA is 2M-misaligned); the last 4096 pages are a hole: faults */
		uint64_t page = (seed >> 33) % PAGES;
		ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = (uint8_t)((seed >> 20) % 3 == 1),
					      .size = 8, .va = base + page * 4096 + 8 * ((seed >> 40) & 511),
					      .line = i + 1 };
		if (i % 5000 == 4999)
			ev[i] = (struct trace_event){ .op = TRACE_UNMAP, .va = base + page * 4096, .len = 4096,
						      .line = i + 1 };
	}
	if (batched) {
		cr_assert_eq(replay_events(&r, ev, N, &err), MM_OK, "%s", err.msg);
		cr_assert(r.prefetch, "prefetching did not switch on");
	} else {
		for (unsigned i = 0; i < N; i++)
			cr_assert_eq(replay_events(&r, &ev[i], 1, &err), MM_OK, "%s", err.msg);
	}
	*stats = r.mmu.stats;
	*pte_sum = 0;
	for (uint64_t va = base; va < base + PAGES * 4096ull; va += 4096) {
		struct walk_request req = { .root = pt_root(m->user), .va = va, .no_ad_update = true };
		struct walk_result res;
		machine_walk(m, &req, &res);
		*pte_sum = *pte_sum * 31 + res.leaf_pte;
	}
	replay_fini(&r);
	machine_destroy(m);
}

static void check_prefetch_changes_nothing(const char *yaml)
{
	struct mmu_stats one, batch;
	uint64_t sum_one, sum_batch;

	replay_random(yaml, false, &one, &sum_one);
	replay_random(yaml, true, &batch, &sum_batch);
	cr_assert_gt(batch.walks, 15000, "%lu walks: the workload must be miss-heavy to switch prefetching on", (unsigned long)batch.walks);
	cr_assert_eq(memcmp(&one, &batch, sizeof(one)), 0, "statistics differ with prefetching");
	cr_assert_eq(sum_one, sum_batch, "PTEs in memory differ with prefetching");
}

Test(prefetch, changes_nothing_x86_64)
{
	check_prefetch_changes_nothing("extends: x86_64\n");
}

Test(prefetch, changes_nothing_sv39)
{
	check_prefetch_changes_nothing("extends: sv39\n");
}

/*
 * A memory too large for physmem's flat frame array makes the walker read
 * every PTE through physmem_read instead: the same workload must give the
 * same statistics and PTEs either way.
 */
static void check_memory_paths_agree(const char *small, const char *large)
{
	struct mmu_stats a, b;
	uint64_t sum_a, sum_b;

	replay_random(small, true, &a, &sum_a);
	replay_random(large, true, &b, &sum_b);
	cr_assert_gt(a.walks, 15000);
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "statistics differ between the two read paths");
	cr_assert_eq(sum_a, sum_b, "PTEs differ between the two read paths");
}

Test(walk_read_paths, flat_and_through_physmem_agree_x86_64)
{
	check_memory_paths_agree("extends: x86_64\n", "extends: x86_64\nmemory: { base: 0x0, size: 2T }\n");
}

Test(walk_read_paths, flat_and_through_physmem_agree_sv39)
{
	check_memory_paths_agree("extends: sv39\n", "extends: sv39\nmemory: { base: 0x80000000, size: 2T }\n");
}

/*
 * The prefetch memo remembers, per VA region (the span of one leaf table), the
 * host address of the leaf table a prefetch reached; a region whose walk ends
 * early gets no slot; clearing makes every slot stale at once, and any
 * page-table edit in a replay clears it.
 */
Test(prefetch, memo_fills_and_clears)
{
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct replay_options opt = { 0 };
	struct mm_error err = { 0 };
	struct page_prop rw = { PROP_R | PROP_W | PROP_U, CACHE_WB };
	struct walk_prefetch_memo *memo = walk_prefetch_memo_create();
	const char *yaml = "extends: x86_64\n";
	uint64_t va = 0x40000000, region = va >> 21, hole = 0x80000000;
	struct walk_prefetch_slot *s;

	cr_assert_not_null(memo);
	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, va, cfg.mem_base + 0x200000, 0x4000, &rw, &err), MM_OK, "%s", err.msg);
	s = &memo->slot[region % WALK_PREFETCH_MEMO_SLOTS];

	struct walk_request req = { .root = pt_root(m->user), .va = va, .no_ad_update = true };
	struct walk_result res;
	machine_walk(m, &req, &res);
	cr_assert(res.ok);
	cr_assert_eq(res.nr_steps, 4);
	const uint8_t *leaf_table = physmem_frame_peek(m->pm, res.steps[3].table);
	cr_assert_not_null(leaf_table);

	cr_expect_neq(s->epoch, memo->epoch, "a new memo has no slot");
	walk_prefetch(&m->walker, pt_root(m->user), va, memo);
	cr_assert_eq(s->epoch, memo->epoch, "a prefetch that reaches the leaf table fills the region's slot");
	cr_expect_eq(s->root, pt_root(m->user));
	cr_expect_eq(s->region, region);
	cr_expect_eq(s->leaf_table, leaf_table, "the slot holds the leaf table's host address");

	/* A region without a leaf table: the prefetch stops early and fills nothing. */
	struct walk_prefetch_slot *h = &memo->slot[(hole >> 21) % WALK_PREFETCH_MEMO_SLOTS];
	walk_prefetch(&m->walker, pt_root(m->user), hole, memo);
	cr_expect_neq(h->epoch, memo->epoch, "an unmapped region got a slot");

	walk_prefetch_memo_clear(memo);
	cr_expect_neq(s->epoch, memo->epoch, "a slot survived a clear");
	walk_prefetch_memo_destroy(memo);

	/* Replay: any map, unmap or protect clears the memo. */
	cr_assert_eq(replay_init(&r, m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
	r.prefetch_memo = walk_prefetch_memo_create();
	cr_assert_not_null(r.prefetch_memo);
	walk_prefetch(&m->walker, pt_root(m->user), va, r.prefetch_memo);
	s = &r.prefetch_memo->slot[region % WALK_PREFETCH_MEMO_SLOTS];
	cr_assert_eq(s->epoch, r.prefetch_memo->epoch);
	struct trace_event ev = { .op = TRACE_UNMAP, .va = va, .len = 0x1000, .line = 1 };
	cr_assert_eq(replay_events(&r, &ev, 1, &err), MM_OK, "%s", err.msg);
	cr_expect_neq(s->epoch, r.prefetch_memo->epoch, "the slot survived an unmap");
	replay_fini(&r);
	machine_destroy(m);
}

/*
 * A walk asked not to record its steps (what the MMU asks when it has no
 * PWC to fill) must still end exactly as a recording walk does: every field
 * of the result but steps[], for mapped, unmapped, read-only, supervisor and
 * non-canonical addresses, reads, writes and fetches.
 */
static void check_no_steps_same_result(const char *yaml, uint64_t base)
{
	struct machine_config cfg;
	struct machine *m;
	struct mm_error err = { 0 };
	struct page_prop rw = { PROP_R | PROP_W | PROP_U | PROP_A, CACHE_WB };
	struct page_prop ro = { PROP_R | PROP_X, CACHE_WB };
	uint64_t seed = 7;

	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, base, cfg.mem_base + 0x1000, 0x400000, &rw, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, base + 0x800000, cfg.mem_base + 0x800000, 0x200000, &ro, &err), MM_OK, "%s",
		     err.msg);
	for (unsigned i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t va = base + ((seed >> 20) % 0xc00000);
		if (i % 97 == 0)
			va ^= 1ull << 62; /* non-canonical */
		struct walk_request req = { .root = pt_root(m->user), .va = va, .access = (enum access_kind)(seed % 3),
					    .priv = (seed >> 8) & 1 ? PRIV_USER : PRIV_SUPERVISOR };
		struct walk_result with, without;
		machine_walk(m, &req, &with);
		req.no_steps = true;
		machine_walk(m, &req, &without);
		cr_assert_eq(with.ok, without.ok, "va 0x%lx", (unsigned long)va);
		cr_assert_eq(with.pa, without.pa);
		cr_assert_eq(with.level, without.level);
		cr_assert_eq(with.page_size, without.page_size);
		cr_assert_eq(with.perms, without.perms);
		cr_assert_eq(with.leaf_pte, without.leaf_pte);
		cr_assert_eq(with.nr_steps, without.nr_steps, "va 0x%lx", (unsigned long)va);
		cr_assert_eq(with.fault.kind, without.fault.kind);
		cr_assert_eq(with.fault.reason, without.fault.reason);
		cr_assert_eq(with.fault.level, without.fault.level);
		cr_assert_eq(with.fault.code, without.fault.code);
	}
	machine_destroy(m);
}

Test(walk_no_steps, same_result_x86_64)
{
	check_no_steps_same_result("extends: x86_64\n", 0x40000000);
}

Test(walk_no_steps, same_result_sv39)
{
	check_no_steps_same_result("extends: sv39\n", 0x40000000);
}

/* Through the table of hooks (x86_32 has no instantiated walk). */
Test(walk_no_steps, same_result_x86_32)
{
	check_no_steps_same_result("extends: x86_32\n", 0x40000000);
}

/*
 * An edit outside both index ranges is refused with the message machine_map
 * gives (one check for both): x86_64 with user [0, 128) and kernel
 * [384, 512) leaves top-level indexes 128..383 to neither; 0x900000000000 is
 * not canonical for 48-bit addresses (bits 63:47 differ).
 */
Test(replay, edit_outside_both_ranges)
{
	static const char gap[] =
		"extends: x86_64\n"
		"page_tables:\n"
		"  user: {top_level_index_range: [0, 128]}\n"
		"  kernel: {top_level_index_range: [384, 512]}\n";
	static const struct { const char *line; const char *msg; } cases[] = {
		{ "map 0x400000000000 0x10000000 4K rwu", /* index 128 */
		  "t.trace:1: VA 0x400000000000 (top-level index 128) is in neither the user range [0, 128) "
		  "nor the kernel range [384, 512)" },
		{ "unmap 0x900000000000 4K",
		  "t.trace:1: VA 0x900000000000 is not canonical for 48-bit addresses" },
	};
	struct replay_options opt = { 0 };

	fx_start(gap, &opt);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];
		struct trace_event ev;
		struct mm_error err = { 0 };

		snprintf(buf, sizeof(buf), "%s", cases[i].line);
		cr_assert_eq(trace_parse_line(buf, &ev, &err), 1, "%s", err.msg);
		ev.line = 1;
		cr_expect_eq(replay_events(&fx.r, &ev, 1, &err), MM_ERANGE, "%s", cases[i].line);
		cr_expect_str_eq(err.msg, cases[i].msg);
	}
	fx_stop();
}
