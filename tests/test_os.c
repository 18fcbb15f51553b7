/*
 * os: the OS layer through the replay engine.  A property test compares the
 * page faults of each policy but clock (whose choices depend on the A bits
 * the walker sets) with a reference model of resident sets written here from
 * the policies' definitions: random reference strings over a few pages, each
 * frame count from 1 to 5.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "formats/config.h"
#include "formats/trace_text.h"
#include "os/os.h"
#include "os/key_map.h"
#include "sim/machine.h"
#include "sim/replay.h"
#include "time_limit.h"

enum { MAX_REFS = 64, MAX_FRAMES = 8, NR_PAGES = 7 };

/* The test's own generator (Marsaglia's xorshift64), for the reference strings and the random policy's model. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The model: `frames` slots filled in order while some are free; on a miss
 * with all full, the policy names a slot and the new page takes it.  fifo:
 * the slot filled longest ago; lru: the slot referenced longest ago; opt: the
 * slot whose page is referenced next furthest away (or never); random: the
 * slot xorshift64 (seeded) gives modulo the frame count.
 */
static unsigned model_faults(const char *policy, const unsigned *refs, unsigned n, unsigned frames, uint64_t seed)
{
	unsigned page[MAX_FRAMES], used = 0, faults = 0;
	unsigned loaded[MAX_FRAMES], last[MAX_FRAMES];
	uint64_t rng = seed;

	for (unsigned i = 0; i < n; i++) {
		unsigned s, hit = used;
		for (s = 0; s < used; s++)
			if (page[s] == refs[i])
				hit = s;
		if (hit < used) {
			last[hit] = i;
			continue;
		}
		faults++;
		if (used < frames) {
			s = used++;
		} else if (strcmp(policy, "random") == 0) {
			s = (unsigned)(next_random(&rng) % frames);
		} else {
			s = 0;
			for (unsigned k = 1; k < frames; k++) {
				if (strcmp(policy, "fifo") == 0 && loaded[k] < loaded[s])
					s = k;
				if (strcmp(policy, "lru") == 0 && last[k] < last[s])
					s = k;
				if (strcmp(policy, "opt") == 0) {
					unsigned nk = n, ns = n;
					for (unsigned j = i + 1; j < n; j++) {
						if (refs[j] == page[k] && nk == n)
							nk = j;
						if (refs[j] == page[s] && ns == n)
							ns = j;
					}
					if (nk > ns)
						s = k;
				}
			}
		}
		page[s] = refs[i];
		loaded[s] = last[s] = i;
	}
	return faults;
}

/* The engine: the same string as reads of page-sized addresses, with the OS layer limited to `frames`. */
static uint64_t engine_faults(const char *policy, const unsigned *refs, unsigned n, unsigned frames, uint64_t seed)
{
	static const char yaml[] = "extends: x86_64\n";
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct mm_error err = { 0 };
	struct trace_event ev[MAX_REFS];
	struct replay_options opt = {
		.os = true, .os_opt = { .resident_pages = frames, .replacement = policy, .seed = seed },
	};

	for (unsigned i = 0; i < n; i++)
		ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x100000 + refs[i] * 0x1000ull,
					      .line = i + 1 };
	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_init(&r, m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_future(&r, ev, n, true, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_events(&r, ev, n, &err), MM_OK, "%s", err.msg);
	uint64_t faults = replay_paging_stats(&r)->page_faults;
	cr_expect_eq(replay_paging_stats(&r)->evictions, faults > frames ? faults - frames : 0);
	replay_fini(&r);
	machine_destroy(m);
	return faults;
}

static void check_policy(const char *policy)
{
	uint64_t s = 0x2545f4914f6cdd1dull;

	for (unsigned round = 0; round < 60; round++) {
		unsigned refs[MAX_REFS], n = 8 + (unsigned)(next_random(&s) % (MAX_REFS - 8));
		unsigned frames = 1 + round % 5;
		uint64_t seed = 1 + round;
		for (unsigned i = 0; i < n; i++)
			refs[i] = (unsigned)(next_random(&s) % NR_PAGES);
		unsigned want = model_faults(policy, refs, n, frames, seed);
		uint64_t got = engine_faults(policy, refs, n, frames, seed);
		cr_assert_eq(got, want, "%s, %u frames, round %u: %llu faults, the model %u", policy, frames, round,
			     (unsigned long long)got, want);
	}
}

Test(os_model, fifo) { check_policy("fifo"); }
Test(os_model, lru) { check_policy("lru"); }
Test(os_model, opt) { check_policy("opt"); }
Test(os_model, random) { check_policy("random"); }

/* The opt policy refuses to run blind: its future must have been read. */
Test(os_model, opt_without_future_is_an_error)
{
	static const char yaml[] = "extends: x86_64\n";
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct mm_error err = { 0 };
	struct replay_options opt = { .os = true, .os_opt = { .resident_pages = 2, .replacement = "opt" } };
	struct trace_event ev = { .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x100000, .line = 1 };

	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_init(&r, m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
	cr_expect_eq(replay_events(&r, &ev, 1, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "t.trace:1: page fault at 0x100000: replacement opt needs the future: the trace must be read first");
	replay_fini(&r);
	machine_destroy(m);
}

/*
 * fork and copy-on-write, seen in the page tables: ASID 1 is the parent, 2
 * the child.  Events are replayed one batch at a time so the tables can be
 * read between them.
 */
struct os_run {
	struct machine *m;
	struct replay r;
	unsigned line;
};

static void os_run_start(struct os_run *o, struct replay_options *opt)
{
	static const char yaml[] = "extends: x86_64\n";
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &o->m, &err), MM_OK, "%s", err.msg);
	opt->os = true;
	cr_assert_eq(replay_init(&o->r, o->m, opt, "t.trace", &err), MM_OK, "%s", err.msg);
	o->line = 0;
}

static void os_run_end(struct os_run *o)
{
	replay_fini(&o->r);
	machine_destroy(o->m);
}

static int os_run_event(struct os_run *o, struct trace_event ev, struct mm_error *err)
{
	ev.line = ++o->line;
	return replay_events(&o->r, &ev, 1, err);
}

static void run_ok(struct os_run *o, struct trace_event ev)
{
	struct mm_error err = { 0 };

	cr_assert_eq(os_run_event(o, ev, &err), MM_OK, "%s", err.msg);
}

#define EV_ASID(a) ((struct trace_event){ .op = TRACE_ASID, .n = (a) })
#define EV_FORK(a) ((struct trace_event){ .op = TRACE_FORK, .n = (a) })
#define EV_EXIT(a) ((struct trace_event){ .op = TRACE_EXIT, .n = (a) })
#define EV_MMAP(addr, length, fl, sh) \
	((struct trace_event){ .op = TRACE_MMAP, .va = (addr), .len = (length), .prop = { (fl), CACHE_WB }, .n = (sh) })
#define EV_R(addr) ((struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = (addr) })
#define EV_W(addr) ((struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = (addr) })

#define RWU (PROP_R | PROP_W | PROP_U)

/* The leaf mapping va in asid's table; false when there is none. */
static bool leaf(struct os_run *o, uint16_t asid, uint64_t va, struct pt_mapping *mp)
{
	struct page_table *pt;

	cr_assert_eq(machine_space(o->m, asid, &pt, NULL), MM_OK);
	return pt_query(pt, va, mp);
}

static uint64_t nr_faults(struct os_run *o)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < FAULT_KIND_COUNT; k++)
		n += o->r.mmu.stats.faults[k];
	return n;
}

/* A private writable page: read-only and one frame in both after fork; the child's write copies it. */
Test(os_fork, child_write_copies_parent_keeps_frame)
{
	struct replay_options opt = { 0 };
	struct pt_mapping parent, child;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x10000, 0x1000, RWU, 0));
	run_ok(&o, EV_W(0x10000));
	run_ok(&o, EV_FORK(2));
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_assert(leaf(&o, 2, 0x10000, &child));
	cr_expect_eq(child.pa, parent.pa, "the child shares the parent's frame");
	cr_expect_eq(parent.prop.flags & PROP_W, 0u, "the parent's page is read-only after fork");
	cr_expect_eq(child.prop.flags & PROP_W, 0u, "the child's page is read-only after fork");
	const uint64_t frame = parent.pa;

	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_W(0x10000));
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 1u);
	cr_expect_eq(nr_faults(&o), 0u, "a COW fault is not a permission fault");
	cr_assert(leaf(&o, 2, 0x10000, &child));
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_expect_neq(child.pa, frame, "the child got a frame of its own");
	cr_expect_neq(child.prop.flags & PROP_W, 0u, "the child's copy is writable");
	cr_expect_eq(parent.pa, frame, "the parent's page is unchanged");
	cr_expect_eq(parent.prop.flags & PROP_W, 0u, "the parent keeps its read-only mapping until it writes");

	/* The parent is the last sharer: its write restores W on the same frame, no copy. */
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_W(0x10000));
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_expect_eq(parent.pa, frame);
	cr_expect_neq(parent.prop.flags & PROP_W, 0u);
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 1u);
	os_run_end(&o);
}

/*
 * A COW break rewrites the leaf and nothing else, as Linux's wp_page_copy
 * does (set_pte_at on the same PTE): the page alone in the parent's tables
 * keeps every table, so each level's entry is where it was, the table count
 * is unchanged, and the copy's frame is a fresh one, never a table's.
 */
Test(os_fork, cow_break_keeps_the_tables)
{
	struct replay_options opt = { 0 };
	struct pt_mapping parent;
	struct page_table *pt;
	struct os_run o;
	uint64_t slot_before[4], pte_before[4], slot, pte, nodes;
	unsigned stop;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x400000, 0x1000, RWU, 0));
	run_ok(&o, EV_W(0x400000));
	run_ok(&o, EV_FORK(2));
	cr_assert_eq(machine_space(o.m, 1, &pt, NULL), MM_OK);
	for (unsigned level = 1; level <= 4; level++)
		cr_assert_eq(pt_entry_slot(pt, 0x400000, level, &slot_before[level - 1], &pte_before[level - 1], &stop),
			     PT_SLOT_FOUND);
	nodes = pt_nr_nodes(pt);
	cr_assert(leaf(&o, 1, 0x400000, &parent));
	const uint64_t shared = parent.pa;

	run_ok(&o, EV_W(0x400000));
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 1u);
	cr_assert(leaf(&o, 1, 0x400000, &parent));
	cr_expect_neq(parent.pa, shared, "the parent got a copy");
	cr_expect_neq(parent.prop.flags & PROP_W, 0u);
	cr_expect_eq(pt_nr_nodes(pt), nodes, "no table freed or made");
	for (unsigned level = 1; level <= 4; level++) {
		cr_assert_eq(pt_entry_slot(pt, 0x400000, level, &slot, &pte, &stop), PT_SLOT_FOUND);
		cr_expect_eq(slot, slot_before[level - 1], "level %u's entry moved: 0x%llx, was 0x%llx", level,
			     (unsigned long long)slot, (unsigned long long)slot_before[level - 1]);
		if (level > 1)
			cr_expect_eq(pte, pte_before[level - 1], "level %u's entry changed", level);
		/* Every table the walk reads (the one holding each entry) is still a table: not the copy. */
		cr_expect_neq(parent.pa, slot_before[level - 1] & ~0xfffull,
			      "the copy took the frame of the level-%u table", level);
	}
	os_run_end(&o);
}

/*
 * An eviction clears the leaf and keeps the tables, as Linux's try_to_unmap
 * writes a swap entry into the same PTE: a page alone in its tables (A in
 * one 1G region, B in another) leaves them in place when it goes out, so a
 * walk to it reads down to its (not present) leaf, and its return reuses
 * them.
 */
Test(os_fork_limit, eviction_keeps_the_tables)
{
	struct replay_options opt = { .os_opt = { .resident_pages = 1, .replacement = "fifo" } };
	struct page_table *pt;
	struct os_run o;
	uint64_t slot_before[4], slot, pte, nodes;
	unsigned stop;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x400000, 0x1000, RWU, 0));
	run_ok(&o, EV_MMAP(0x40000000, 0x1000, RWU, 0));
	run_ok(&o, EV_W(0x400000));
	cr_assert_eq(machine_space(o.m, 1, &pt, NULL), MM_OK);
	for (unsigned level = 1; level <= 4; level++)
		cr_assert_eq(pt_entry_slot(pt, 0x400000, level, &slot_before[level - 1], &pte, &stop), PT_SLOT_FOUND);
	run_ok(&o, EV_W(0x40000000)); /* evicts A */
	cr_expect_eq(replay_paging_stats(&o.r)->evictions, 1u);
	nodes = pt_nr_nodes(pt);
	cr_expect_eq(nodes, 1u + 3u + 2u, "the root, A's PDPT, PD, PT, and B's PD and PT");
	cr_assert_eq(pt_entry_slot(pt, 0x400000, 1, &slot, &pte, &stop), PT_SLOT_FOUND, "A's tables were freed");
	cr_expect_eq(slot, slot_before[0]);
	cr_expect_eq(pte, 0u, "A's leaf is not present");
	run_ok(&o, EV_W(0x400000)); /* A back, B out */
	cr_expect_eq(pt_nr_nodes(pt), nodes);
	for (unsigned level = 1; level <= 4; level++) {
		cr_assert_eq(pt_entry_slot(pt, 0x400000, level, &slot, &pte, &stop), PT_SLOT_FOUND);
		cr_expect_eq(slot, slot_before[level - 1], "level %u's entry moved", level);
	}
	os_run_end(&o);
}

/*
 * munmap frees the tables it empties only where no other region covers their
 * span (Linux's free_pgd_range): A at 0x400000 is swapped out, its PTE not
 * present in the leaf table it shares with B at 0x401000; munmap of B keeps
 * that table (in Linux A's swap entry is there), so touching A again walks
 * down to A's leaf PTE, as before.  Once A goes too, every table under the
 * root does.
 */
Test(os_fork_limit, munmap_keeps_the_tables_a_region_still_spans)
{
	struct replay_options opt = { .os_opt = { .resident_pages = 1, .replacement = "fifo" } };
	struct page_table *pt;
	struct os_run o;
	uint64_t slot_before, slot, pte, nodes;
	unsigned stop;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x400000, 0x1000, RWU, 0));
	run_ok(&o, EV_MMAP(0x401000, 0x1000, RWU, 0));
	run_ok(&o, EV_W(0x400000));
	cr_assert_eq(machine_space(o.m, 1, &pt, NULL), MM_OK);
	cr_assert_eq(pt_entry_slot(pt, 0x400000, 1, &slot_before, &pte, &stop), PT_SLOT_FOUND);
	run_ok(&o, EV_W(0x401000)); /* evicts A: dirty, to swap */
	cr_expect_eq(replay_paging_stats(&o.r)->swap_outs, 1u);
	nodes = pt_nr_nodes(pt);
	cr_expect_eq(nodes, 4u, "the root, PDPT, PD and the PT A and B share");
	run_ok(&o, ((struct trace_event){ .op = TRACE_MUNMAP, .va = 0x401000, .len = 0x1000 }));
	cr_expect_eq(pt_nr_nodes(pt), nodes, "A's region still spans the leaf table: kept");
	cr_assert_eq(pt_entry_slot(pt, 0x400000, 1, &slot, &pte, &stop), PT_SLOT_FOUND, "A's leaf table was freed");
	cr_expect_eq(slot, slot_before);
	cr_expect_eq(pte, 0u);
	uint64_t reads = o.r.mmu.stats.pte_reads;
	/* A major fault at A's leaf PTE: 4 reads (the retry's walk is not counted); 1 when munmap freed the tables. */
	run_ok(&o, EV_R(0x400000));
	cr_expect_eq(replay_paging_stats(&o.r)->major_faults, 1u);
	cr_expect_eq(o.r.mmu.stats.pte_reads - reads, 4u, "%llu", (unsigned long long)(o.r.mmu.stats.pte_reads - reads));
	run_ok(&o, ((struct trace_event){ .op = TRACE_MUNMAP, .va = 0x400000, .len = 0x1000 }));
	cr_expect_eq(pt_nr_nodes(pt), 1u, "no region left: every table under the root freed");
	os_run_end(&o);
}

/* A read-only page stays shared: no copy, no fault in the child. */
Test(os_fork, read_only_page_shared_without_copy)
{
	struct replay_options opt = { 0 };
	struct pt_mapping parent, child;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x20000, 0x1000, PROP_R | PROP_U, 0));
	run_ok(&o, EV_R(0x20000));
	run_ok(&o, EV_FORK(2));
	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_R(0x20000));
	cr_assert(leaf(&o, 1, 0x20000, &parent));
	cr_assert(leaf(&o, 2, 0x20000, &child));
	cr_expect_eq(child.pa, parent.pa);
	cr_expect_eq(replay_paging_stats(&o.r)->page_faults, 1u, "only the parent's first touch");
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 0u);
	/* A write to it is a real permission fault, not a COW fault. */
	run_ok(&o, EV_W(0x20000));
	cr_expect_eq(o.r.mmu.stats.faults[FAULT_PERMISSION], 1u);
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 0u);
	os_run_end(&o);
}

/* mmap ... shared: one frame, writable in both, never copied. */
Test(os_fork, shared_region_not_copied)
{
	struct replay_options opt = { 0 };
	struct pt_mapping parent, child;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x30000, 0x1000, RWU, 1));
	run_ok(&o, EV_W(0x30000));
	run_ok(&o, EV_FORK(2));
	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_W(0x30000));
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_W(0x30000));
	cr_assert(leaf(&o, 1, 0x30000, &parent));
	cr_assert(leaf(&o, 2, 0x30000, &child));
	cr_expect_eq(child.pa, parent.pa);
	cr_expect_neq(parent.prop.flags & PROP_W, 0u);
	cr_expect_neq(child.prop.flags & PROP_W, 0u);
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 0u);
	cr_expect_eq(nr_faults(&o), 0u);
	os_run_end(&o);
}

/*
 * exit drops the child's references: its own copy's frame is freed (the next
 * page the parent needs reuses it: the free list is taken first) and the frame
 * it shared stays the parent's, whose write then just regains W (no copy).
 */
Test(os_exit, frees_frames_and_drops_references)
{
	struct replay_options opt = { 0 };
	struct pt_mapping mp;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x10000, 0x3000, RWU, 0));
	run_ok(&o, EV_W(0x10000));
	run_ok(&o, EV_W(0x11000));
	run_ok(&o, EV_FORK(2));
	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_W(0x10000));
	cr_assert(leaf(&o, 2, 0x10000, &mp));
	const uint64_t copy = mp.pa;
	cr_assert(leaf(&o, 1, 0x11000, &mp));
	const uint64_t shared = mp.pa;

	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_EXIT(2));
	cr_expect_not(leaf(&o, 2, 0x10000, &mp), "the child's pages are unmapped");
	cr_expect_not(leaf(&o, 2, 0x11000, &mp));
	run_ok(&o, EV_W(0x12000));
	cr_assert(leaf(&o, 1, 0x12000, &mp));
	cr_expect_eq(mp.pa, copy, "the child's copy was freed and reused");
	run_ok(&o, EV_W(0x11000));
	cr_assert(leaf(&o, 1, 0x11000, &mp));
	cr_expect_eq(mp.pa, shared);
	cr_expect_neq(mp.prop.flags & PROP_W, 0u);
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 1u, "the parent, alone on the frame, did not copy");
	os_run_end(&o);
}

/* Bad fork and exit events: a used child ASID (an exited one included), an ASID with no space. */
Test(os_fork, refusals)
{
	struct replay_options opt = { 0 };
	struct mm_error err = { 0 };
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	cr_expect_eq(os_run_event(&o, EV_FORK(1), &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "t.trace:2: fork: asid 1 is in use (a child needs a fresh address space; "
				  "an exited one is not reused)");
	cr_expect_eq(os_run_event(&o, EV_EXIT(7), &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "t.trace:3: exit: asid 7 has no address space");
	run_ok(&o, EV_FORK(2));
	run_ok(&o, EV_EXIT(2));
	cr_expect_eq(os_run_event(&o, EV_FORK(2), &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "t.trace:6: fork: asid 2 is in use (a child needs a fresh address space; "
				  "an exited one is not reused)");
	os_run_end(&o);
}

/* A page the OS mapped, made read-only by hand (protect), is not a COW page: a write to it is a permission fault. */
Test(os_fork, protect_by_hand_is_not_cow)
{
	struct replay_options opt = { 0 };
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x10000, 0x1000, RWU, 0));
	run_ok(&o, EV_W(0x10000));
	run_ok(&o, ((struct trace_event){ .op = TRACE_PROTECT, .va = 0x10000, .len = 0x1000,
					  .prop = { PROP_R | PROP_U, CACHE_WB } }));
	run_ok(&o, EV_W(0x10000));
	cr_expect_eq(o.r.mmu.stats.faults[FAULT_PERMISSION], 1u);
	cr_expect_eq(replay_paging_stats(&o.r)->cow_copies, 0u);
	os_run_end(&o);
}

static enum os_page_view view(struct os_run *o, uint16_t asid, uint64_t va, uint64_t *slot)
{
	return os_page_view(o->r.os, asid, va, slot);
}

/*
 * fork under a resident limit of 2 frames, fifo, worked by hand.  Parent 1
 * writes A (0x10000) and B (0x11000); fork 2 shares both frames (still 2
 * resident: a shared frame counts once).  The child reads C: A's frame (loaded
 * first) goes, unmapped in both, written to swap once.  The parent reads A
 * back (major fault), evicting B's frame (both unmapped, one swap-out); A
 * comes back read-only, copy-on-write, since the child names its swap slot
 * too.  The child's read of A then finds the frame in the swap cache: a minor
 * fault onto the same frame.  The child's write copies A into a frame of its
 * own, which takes C's (clean: dropped).  The parent, now alone with A's
 * swap slot, regains write on its frame without a copy.
 */
Test(os_fork_limit, shared_frame_goes_out_once_and_comes_back_shared)
{
	struct replay_options opt = { .os_opt = { .resident_pages = 2, .replacement = "fifo" } };
	struct pt_mapping parent, child;
	uint64_t slot_p, slot_c;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x10000, 0x3000, RWU, 0));
	run_ok(&o, EV_W(0x10000));
	run_ok(&o, EV_W(0x11000));
	run_ok(&o, EV_FORK(2));
	cr_expect_eq(os_resident_pages(o.r.os), 2u, "a frame two address spaces share counts once");
	cr_expect_eq(replay_paging_stats(&o.r)->evictions, 0u, "fork needs no frame");

	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_R(0x12000));
	const struct paging_stats *st = replay_paging_stats(&o.r);
	cr_expect_eq(st->evictions, 1u);
	cr_expect_eq(st->swap_outs, 1u, "the shared dirty frame is written out once");
	cr_expect_not(leaf(&o, 1, 0x10000, &parent), "A is unmapped in the parent");
	cr_expect_not(leaf(&o, 2, 0x10000, &child), "and in the child");
	cr_expect_eq(view(&o, 1, 0x10000, &slot_p), OS_VIEW_SWAPPED);
	cr_expect_eq(view(&o, 2, 0x10000, &slot_c), OS_VIEW_SWAPPED);
	cr_expect_eq(slot_p, slot_c, "both name one swap slot");
	cr_expect(leaf(&o, 1, 0x11000, &parent), "B is still resident");

	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_R(0x10000));
	cr_expect_eq(st->major_faults, 1u);
	cr_expect_eq(st->swap_ins, 1u);
	cr_expect_eq(st->evictions, 2u);
	cr_expect_eq(st->swap_outs, 2u, "B's shared frame went out once");
	cr_expect_not(leaf(&o, 1, 0x11000, &parent));
	cr_expect_not(leaf(&o, 2, 0x11000, &child));
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_expect_eq(parent.prop.flags & PROP_W, 0u, "back read-only: the child still names its contents");
	cr_expect_eq(view(&o, 1, 0x10000, &slot_p), OS_VIEW_COW);

	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_R(0x10000));
	cr_expect_eq(st->page_faults, 5u);
	cr_expect_eq(st->major_faults, 1u, "the swap cache makes the child's fault a minor one");
	cr_expect_eq(st->swap_ins, 1u);
	cr_expect_eq(st->evictions, 2u);
	cr_assert(leaf(&o, 2, 0x10000, &child));
	cr_expect_eq(child.pa, parent.pa, "the same frame");
	cr_expect_eq(os_resident_pages(o.r.os), 2u);

	run_ok(&o, EV_W(0x10000));
	cr_expect_eq(st->cow_copies, 1u);
	cr_expect_eq(nr_faults(&o), 0u);
	cr_expect_eq(st->evictions, 3u, "the copy's frame was C's");
	cr_expect_eq(st->swap_outs, 2u, "C was clean: dropped");
	cr_expect_eq(view(&o, 2, 0x12000, &slot_c), OS_VIEW_UNKNOWN);
	cr_assert(leaf(&o, 2, 0x10000, &child));
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_expect_neq(child.pa, parent.pa);
	cr_expect_neq(child.prop.flags & PROP_W, 0u);
	cr_expect_eq(parent.prop.flags & PROP_W, 0u);

	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_W(0x10000));
	const uint64_t frame = parent.pa;
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_expect_eq(parent.pa, frame, "alone with its swap slot: write regained in place");
	cr_expect_neq(parent.prop.flags & PROP_W, 0u);
	cr_expect_eq(st->cow_copies, 1u);
	cr_expect_eq(os_resident_pages(o.r.os), 2u);
	os_run_end(&o);
}

/*
 * A shared region under a limit of 1 frame: its frame goes out once for both,
 * and comes back writable in both on one frame (no copy-on-write for shared).
 */
Test(os_fork_limit, shared_region_stays_shared_through_swap)
{
	struct replay_options opt = { .os_opt = { .resident_pages = 1 } };
	struct pt_mapping parent, child;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x10000, 0x1000, RWU, 1));
	run_ok(&o, EV_MMAP(0x20000, 0x1000, RWU, 0));
	run_ok(&o, EV_W(0x10000));
	run_ok(&o, EV_FORK(2));
	run_ok(&o, EV_R(0x20000));             /* the shared frame goes out */
	const struct paging_stats *st = replay_paging_stats(&o.r);
	cr_expect_eq(st->swap_outs, 1u);
	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_W(0x10000));             /* back in for the child, evicting the parent's 0x20000 (clean) */
	cr_expect_eq(st->swap_ins, 1u);
	cr_expect_eq(st->cow_copies, 0u);
	cr_assert(leaf(&o, 2, 0x10000, &child));
	cr_expect_neq(child.prop.flags & PROP_W, 0u, "a shared page comes back writable");
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_R(0x10000));             /* the parent finds it in the swap cache */
	cr_assert(leaf(&o, 1, 0x10000, &parent));
	cr_expect_eq(parent.pa, child.pa, "one frame for both");
	cr_expect_neq(parent.prop.flags & PROP_W, 0u);
	cr_expect_eq(st->swap_ins, 1u);
	cr_expect_eq(st->major_faults, 1u);
	cr_expect_eq(os_resident_pages(o.r.os), 1u);
	os_run_end(&o);
}

/* exit of a process whose pages share swap slots and frames: the survivor keeps them. */
Test(os_fork_limit, exit_keeps_the_survivors_pages)
{
	struct replay_options opt = { .os_opt = { .resident_pages = 1 } };
	struct pt_mapping mp;
	uint64_t slot;
	struct os_run o;

	os_run_start(&o, &opt);
	run_ok(&o, EV_ASID(1));
	run_ok(&o, EV_MMAP(0x10000, 0x2000, RWU, 0));
	run_ok(&o, EV_W(0x10000));
	run_ok(&o, EV_FORK(2));
	run_ok(&o, EV_W(0x11000));             /* 0x10000's shared frame goes out */
	cr_expect_eq(view(&o, 2, 0x10000, &slot), OS_VIEW_SWAPPED);
	run_ok(&o, EV_EXIT(1));
	cr_expect_eq(os_resident_pages(o.r.os), 0u, "the parent's own frame is freed");
	cr_expect_eq(view(&o, 2, 0x10000, &slot), OS_VIEW_SWAPPED, "the child still names the swap slot");
	run_ok(&o, EV_ASID(2));
	run_ok(&o, EV_W(0x10000));
	const struct paging_stats *st = replay_paging_stats(&o.r);
	cr_expect_eq(st->swap_ins, 1u);
	cr_expect_eq(st->cow_copies, 0u, "the child alone with the slot: writable at once");
	cr_assert(leaf(&o, 2, 0x10000, &mp));
	cr_expect_neq(mp.prop.flags & PROP_W, 0u);
	os_run_end(&o);
}

/*
 * Property: random fork / exit / asid / access strings over a private
 * region, a shared one and a read-only one, under every policy and several
 * limits.  After every event: no permission fault (every write is to a
 * writable region: COW must absorb them all), at most `limit` frames, the
 * frames the live address spaces map are exactly the resident set, and a
 * private frame two pages map is writable in neither (else one's write would
 * reach the other), while a shared page is one frame in every address space
 * that maps it.
 */
enum { PRIV = 0x10000, PRIV_PAGES = 8, SHARED = 0x40000, SHARED_PAGES = 3, RO = 0x60000, MAX_ASIDS = 24 };

static void check_frames(struct os_run *o, const bool *live, uint64_t limit)
{
	struct { uint64_t pa; unsigned n; bool writable, shared; } seen[MAX_ASIDS * (PRIV_PAGES + SHARED_PAGES + 1)];
	unsigned nr = 0;

	for (uint16_t a = 1; a < MAX_ASIDS; a++) {
		if (!live[a])
			continue;
		for (unsigned i = 0; i < PRIV_PAGES + SHARED_PAGES + 1; i++) {
			const bool shared = i >= PRIV_PAGES && i < PRIV_PAGES + SHARED_PAGES;
			uint64_t va = i < PRIV_PAGES ? PRIV + i * 0x1000ull
				    : shared ? SHARED + (i - PRIV_PAGES) * 0x1000ull : RO;
			struct pt_mapping mp;
			if (!leaf(o, a, va, &mp))
				continue;
			unsigned k = 0;
			while (k < nr && seen[k].pa != mp.pa)
				k++;
			if (k == nr)
				seen[nr++] = (__typeof__(seen[0])){ mp.pa, 0, false, shared };
			seen[k].n++;
			seen[k].writable |= (mp.prop.flags & PROP_W) != 0;
		}
	}
	cr_assert_eq(nr, os_resident_pages(o->r.os), "%u frames mapped, %llu resident", nr,
		     (unsigned long long)os_resident_pages(o->r.os));
	if (limit)
		cr_assert_leq(nr, limit);
	/* One memory object: a shared page resident in several address spaces is one frame. */
	for (unsigned i = 0; i < SHARED_PAGES; i++) {
		uint64_t pa = UINT64_MAX;
		for (uint16_t a = 1; a < MAX_ASIDS; a++) {
			struct pt_mapping mp;
			if (!live[a] || !leaf(o, a, SHARED + i * 0x1000ull, &mp))
				continue;
			cr_assert(pa == UINT64_MAX || pa == mp.pa, "shared page 0x%llx in two frames",
				  (unsigned long long)(SHARED + i * 0x1000ull));
			pa = mp.pa;
		}
	}
	for (unsigned k = 0; k < nr; k++)
		cr_assert(seen[k].shared || seen[k].n == 1 || !seen[k].writable,
			  "private frame 0x%llx mapped %u times, writable", (unsigned long long)seen[k].pa, seen[k].n);
}

static void fork_property(const char *policy)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;

	for (unsigned round = 0; round < 24; round++) {
		const uint64_t limit = round % 6 == 5 ? 0 : 1 + round % 6;
		struct replay_options opt = { .os_opt = { .resident_pages = limit, .replacement = policy, .seed = round + 1 } };
		struct trace_event ev[400];
		bool live[MAX_ASIDS] = { false, true };
		uint16_t cur = 1, next_child = 2;
		unsigned n = 0;
		struct os_run o;

		/* The string first (opt reads it ahead), then the replay, event by event. */
		ev[n++] = EV_ASID(1);
		ev[n++] = EV_MMAP(PRIV, PRIV_PAGES * 0x1000ull, RWU, 0);
		ev[n++] = EV_MMAP(SHARED, SHARED_PAGES * 0x1000ull, RWU, 1);
		ev[n++] = EV_MMAP(RO, 0x1000, PROP_R | PROP_U, 0);
		while (n < 400) {
			unsigned x = (unsigned)(next_random(&s) % 100);
			if (x < 5 && next_child < MAX_ASIDS) {
				live[next_child] = true;
				ev[n++] = EV_FORK(next_child++);
			} else if (x < 8) {
				uint16_t a = (uint16_t)(1 + next_random(&s) % (MAX_ASIDS - 1));
				if (a != cur && live[a]) {
					live[a] = false;
					ev[n++] = EV_EXIT(a);
				}
			} else if (x < 18) {
				uint16_t a = (uint16_t)(1 + next_random(&s) % (MAX_ASIDS - 1));
				if (live[a])
					ev[n++] = EV_ASID(cur = a);
			} else {
				unsigned pick = (unsigned)(next_random(&s) % (PRIV_PAGES + SHARED_PAGES + 1));
				bool write = next_random(&s) % 5 < 2 && pick < PRIV_PAGES + SHARED_PAGES;
				uint64_t va = pick < PRIV_PAGES ? PRIV + pick * 0x1000ull
					    : pick < PRIV_PAGES + SHARED_PAGES ? SHARED + (pick - PRIV_PAGES) * 0x1000ull : RO;
				ev[n++] = write ? EV_W(va) : EV_R(va);
			}
		}
		bool alive[MAX_ASIDS] = { false, true };
		os_run_start(&o, &opt);
		struct mm_error err = { 0 };
		cr_assert_eq(replay_future(&o.r, ev, n, true, &err), MM_OK, "%s", err.msg);
		for (unsigned i = 0; i < n; i++) {
			run_ok(&o, ev[i]);
			if (ev[i].op == TRACE_FORK)
				alive[ev[i].n] = true;
			if (ev[i].op == TRACE_EXIT)
				alive[ev[i].n] = false;
			cr_assert_eq(nr_faults(&o), 0u, "%s, limit %llu, round %u, event %u: a fault", policy,
				     (unsigned long long)limit, round, i);
			check_frames(&o, alive, limit);
		}
		os_run_end(&o);
	}
}

Test(os_fork_limit, property_fifo) { fork_property("fifo"); }
Test(os_fork_limit, property_lru) { fork_property("lru"); }
Test(os_fork_limit, property_clock) { fork_property("clock"); }
Test(os_fork_limit, property_opt) { fork_property("opt"); }
Test(os_fork_limit, property_random) { fork_property("random"); }

/*
 * The page index hashed a key by its product's bits 17 and up, which a page
 * key's asid (bits 48 and up) never reaches: one page in 65536 address spaces
 * (a trace of forks) was one run of 65536 probes, each insert walking it
 * (minutes).  The keys spread: this takes milliseconds.
 */
Test(key_map, the_same_page_in_every_address_space_spreads, .init = time_limit_30s)
{
	struct key_map km = { 0 };
	uint64_t v;

	for (unsigned vpn = 0; vpn < 4; vpn++)
		for (unsigned asid = 0; asid < 65536; asid++)
			cr_assert(key_map_put(&km, page_key((uint16_t)asid, 0x10000 + vpn), asid * 4 + vpn));
	for (unsigned vpn = 0; vpn < 4; vpn++)
		for (unsigned asid = 0; asid < 65536; asid += 4099) {
			cr_assert(key_map_get(&km, page_key((uint16_t)asid, 0x10000 + vpn), &v));
			cr_expect_eq(v, asid * 4 + vpn);
		}
	cr_expect_not(key_map_get(&km, page_key(7, 0x20000), &v));
	key_map_fini(&km);
}
