/*
 * The OS layer through the public API: the mmu options that turn it on, the
 * paging counters, opt's future, and the region events.  Expected counts are
 * OSTEP ch. 22's (the reference string 0 1 2 0 1 3 0 3 1 2 1, 3 frames).
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

#define OSTEP MMUSIM_SOURCE_DIR "/traces/os/ostep_policies.trace"

static mmusim_machine *x86_machine(void)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	return m;
}

static mmusim_paging_stats replay_ostep(const char *policy)
{
	mmusim_machine *m = x86_machine();
	mmusim_mmu_options opt = { .resident_pages = 3, .replacement = policy };
	mmusim_paging_stats p;
	mmusim_error err = { 0 };
	mmusim_trace *t;
	mmusim_mmu *mmu;

	cr_assert_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_needs_future(mmu), strcmp(policy, "opt") == 0);
	cr_assert_eq(mmusim_trace_open(OSTEP, MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_read_future(mmu, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	cr_expect(!mmusim_mmu_needs_future(mmu));
	cr_assert_eq(mmusim_trace_open(OSTEP, MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_replay(mmu, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	cr_expect(mmusim_mmu_paging_stats(mmu, &p));
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	return p;
}

Test(api_os, ostep_policies_through_the_api)
{
	cr_expect_eq(replay_ostep("opt").page_faults, 5);
	cr_expect_eq(replay_ostep("fifo").page_faults, 7);
	cr_expect_eq(replay_ostep("lru").page_faults, 5);
	cr_expect_eq(replay_ostep("lru").evictions, 2);
}

Test(api_os, off_until_asked_then_regions_by_event)
{
	mmusim_machine *m = x86_machine();
	mmusim_paging_stats p;
	mmusim_error err = { 0 };
	mmusim_mmu *mmu;
	mmusim_mmu_result res;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect(!mmusim_mmu_paging_stats(mmu, &p));
	cr_expect_eq(p.page_faults, 0);
	cr_assert_eq(mmusim_mmu_event(mmu,
				      &(mmusim_event){ .op = MMUSIM_EV_MMAP, .va = 0x10000, .len = 0x2000,
						       .flags = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U, .line = 1 },
				      &err),
		     MMUSIM_OK, "%s", err.message);
	/* in the region: the page appears, the access succeeds; outside: a segfault, the fault stands */
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x10008, MMUSIM_WRITE, &res), MMUSIM_OK);
	cr_expect(res.ok);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x30000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_expect(!res.ok);
	cr_expect_eq(res.fault_kind, MMUSIM_FAULT_NOT_PRESENT);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_MUNMAP, .va = 0x10000, .len = 0x1000, .line = 2 },
				      &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x10008, MMUSIM_READ, &res), MMUSIM_OK);
	cr_expect(!res.ok);
	cr_expect(mmusim_mmu_paging_stats(mmu, &p));
	cr_expect_eq(p.page_faults, 1);
	cr_expect_eq(p.segfaults, 2);
	/* a bad event: sharing must be 0 or 1 */
	cr_expect_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_MMAP, .va = 0x40000, .len = 0x1000, .n = 2,
							    .line = 3 },
				      &err),
		     MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:3: bad mmap sharing 2 (expected 0: private, 1: shared)");
	cr_expect_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_MUNMAP, .va = 0x40000, .len = 0x1000, .line = 4 },
				      &err),
		     MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:4: munmap: no region in [0x40000, 0x41000)");
	/* statistics reset zeroes the paging counters too */
	mmusim_mmu_stats_reset(mmu);
	cr_expect(mmusim_mmu_paging_stats(mmu, &p));
	cr_expect_eq(p.segfaults, 0);
	mmusim_mmu_destroy(mmu);

	/* a setup refuses regions: they live in a replay */
	enum mmusim_priv priv = MMUSIM_USER;
	cr_expect_eq(mmusim_apply_event(m, &(mmusim_event){ .op = MMUSIM_EV_MMAP, .va = 0x10000, .len = 0x1000 }, &priv, &err),
		     MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "mmap declares a region of the OS layer: only replay runs it");
	mmusim_machine_destroy(m);
}

Test(api_os, unknown_policy_is_refused)
{
	mmusim_machine *m = x86_machine();
	mmusim_mmu_options opt = { .replacement = "belady" };
	mmusim_error err = { 0 };
	mmusim_mmu *mmu;

	cr_expect_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "unknown replacement policy 'belady' (expected fifo|lru|clock|opt|random)");
	cr_expect_null(mmu);
	mmusim_machine_destroy(m);
}

/* fork and exit by event: a COW copy counted, the bad ASIDs refused with the line, and a setup refuses both. */
Test(api_os, fork_and_exit_by_event)
{
	mmusim_machine *m = x86_machine();
	mmusim_paging_stats p;
	mmusim_error err = { 0 };
	mmusim_mmu *mmu;
	mmusim_mmu_result res;
	enum mmusim_priv priv = MMUSIM_USER;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_ASID, .n = 1, .line = 1 }, &err), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_event(mmu,
				      &(mmusim_event){ .op = MMUSIM_EV_MMAP, .va = 0x10000, .len = 0x1000,
						       .flags = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U, .line = 2 },
				      &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x10000, MMUSIM_WRITE, &res), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_FORK, .n = 2, .line = 3 }, &err), MMUSIM_OK,
		     "%s", err.message);
	/* the parent's write: the frame is shared with the child, a copy */
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x10000, MMUSIM_WRITE, &res), MMUSIM_OK);
	cr_expect(res.ok);
	cr_expect(mmusim_mmu_paging_stats(mmu, &p));
	cr_expect_eq(p.cow_copies, 1);
	cr_expect_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_FORK, .n = 2, .line = 4 }, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:4: fork: asid 2 is in use (a child needs a fresh address space; "
				      "an exited one is not reused)");
	cr_expect_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_FORK, .n = 65536, .line = 5 }, &err),
		     MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:5: asid 65536 is out of range (at most 65535)");
	cr_expect_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_EXIT, .n = 2, .line = 6 }, &err), MMUSIM_OK,
		     "%s", err.message);
	cr_expect_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_EXIT, .n = 8, .line = 7 }, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:7: exit: asid 8 has no address space");
	mmusim_mmu_destroy(mmu);

	cr_expect_eq(mmusim_apply_event(m, &(mmusim_event){ .op = MMUSIM_EV_FORK, .n = 2 }, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "fork creates a process of the OS layer: only replay runs it");
	cr_expect_eq(mmusim_apply_event(m, &(mmusim_event){ .op = MMUSIM_EV_EXIT, .n = 2 }, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "exit ends a process of the OS layer: only replay runs it");
	mmusim_machine_destroy(m);
}

static int note_swapped(void *arg, uint64_t va, uint64_t slot)
{
	uint64_t *seen = arg;

	seen[0]++;
	seen[1] = va;
	seen[2] = slot;
	return 0;
}

/*
 * What the OS knows of a page: one resident frame, fifo.  Writing 0x10000
 * then 0x11000 evicts the dirty 0x10000 to swap slot 0; after a fork the
 * resident page is shared copy-on-write.
 */
Test(api_os, page_views)
{
	mmusim_machine *m = x86_machine();
	mmusim_mmu_options opt = { .resident_pages = 1 };
	uint64_t slot = 99, seen[3] = { 0 };
	mmusim_error err = { 0 };
	mmusim_mmu_result res;
	mmusim_mmu *mmu;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_os_page(mmu, 0x10000, &slot), MMUSIM_OS_PAGE_NONE, "the OS layer is off");
	cr_expect_eq(slot, 0);
	cr_expect_eq(mmusim_mmu_for_each_swapped_page(mmu, note_swapped, seen), 0);
	cr_expect_eq(seen[0], 0);
	mmusim_mmu_destroy(mmu);

	cr_assert_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_MMAP, .va = 0x10000, .len = 0x2000,
							    .flags = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U, .line = 1 },
				      &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x10000, MMUSIM_WRITE, &res);
	cr_assert(res.ok);
	cr_expect_eq(mmusim_mmu_os_page(mmu, 0x10008, NULL), MMUSIM_OS_PAGE_RESIDENT);
	mmusim_mmu_translate(mmu, 0x11000, MMUSIM_WRITE, &res);
	cr_assert(res.ok);
	cr_expect_eq(mmusim_mmu_os_page(mmu, 0x10000, &slot), MMUSIM_OS_PAGE_SWAPPED);
	cr_expect_eq(slot, 0);
	cr_expect_eq(mmusim_mmu_os_page(mmu, 0x11000, NULL), MMUSIM_OS_PAGE_RESIDENT);
	cr_expect_eq(mmusim_mmu_os_page(mmu, 0x12000, NULL), MMUSIM_OS_PAGE_NONE, "never touched");
	cr_expect_eq(mmusim_mmu_for_each_swapped_page(mmu, note_swapped, seen), 0);
	cr_expect_eq(seen[0], 1);
	cr_expect_eq(seen[1], 0x10000);
	cr_expect_eq(seen[2], 0);
	mmusim_mmu_destroy(mmu);

	/* Without a limit (fork refuses one): the page a fork shares is copy-on-write in both. */
	mmusim_machine_destroy(m);
	m = x86_machine();
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_MMAP, .va = 0x10000, .len = 0x1000,
							    .flags = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U, .line = 1 },
				      &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x10000, MMUSIM_WRITE, &res);
	cr_assert(res.ok);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_FORK, .n = 1, .line = 2 }, &err), MMUSIM_OK,
		     "%s", err.message);
	cr_expect_eq(mmusim_mmu_os_page(mmu, 0x10000, NULL), MMUSIM_OS_PAGE_COW);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}
