/*
 * The public API (include/mmusim.h) through the shared library: every object
 * is created, used and destroyed the way an embedder would, and each answer is
 * checked against values worked out from the specs or shown in README.md.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mmusim.h>
#include "../time_limit.h"

static mmusim_machine *new_machine(const char *preset)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load(preset, &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);  /* the machine keeps its own copy */
	return m;
}

Test(api, version_matches_header)
{
	char want[32];

	snprintf(want, sizeof(want), "%d.%d.%d", MMUSIM_VERSION_MAJOR, MMUSIM_VERSION_MINOR,
		 MMUSIM_VERSION_PATCH);
	cr_expect_str_eq(mmusim_version(), want);
	cr_expect_eq(mmusim_version_number(), (unsigned)MMUSIM_VERSION_NUMBER);
	cr_expect_gt(strlen(mmusim_git_revision()), 0);
	cr_expect_str_eq(mmusim_status_name(MMUSIM_EUNALIGNED), "unaligned");
	cr_expect_str_eq(mmusim_status_name(99), "unknown");
}

/* A file named by a long path keeps its name whole in a message; only the message's end is cut. */
Test(api, error_prefix_keeps_long_paths)
{
	mmusim_error e = { .code = MMUSIM_EINVAL, .message = "bad VA 'zz'" };
	char path[600];

	mmusim_error_prefix(&e, "t.trace:3");
	cr_expect_str_eq(e.message, "t.trace:3: bad VA 'zz'");
	cr_expect_eq(e.code, MMUSIM_EINVAL);
	memset(path, 'd', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	mmusim_error_prefix(&e, path);
	cr_expect_eq(strncmp(e.message, path, sizeof(path) - 1), 0);
	cr_expect_str_eq(e.message + sizeof(path) - 1, ": t.trace:3: bad VA 'zz'");
	mmusim_error_prefix(&e, path);  /* 1,2xx bytes: cut to the buffer, still terminated */
	cr_expect_eq(strlen(e.message), sizeof(e.message) - 1);
	cr_expect_eq(strncmp(e.message + sizeof(path) + 1, path, sizeof(e.message) - sizeof(path) - 2), 0);
	mmusim_error_prefix(NULL, "x");
	mmusim_error_prefix(&e, NULL);
}

Test(api, presets_and_config_queries)
{
	const char *const *names = mmusim_preset_names();
	const char *want[] = { "aarch64", "aarch64_16k", "aarch64_52", "aarch64_64k", "aarch64_vm", "ostep", "sv32", "sv39", "sv39x4",
			       "sv48", "sv48x4", "sv57", "toy", "x86_32", "x86_64", "x86_64_ept", "x86_64_la57", "x86_64_npt" };
	mmusim_config *cfg;
	mmusim_error err;
	unsigned n = 0;

	for (; names[n]; n++) {
		bool known = false;
		for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			known |= strcmp(names[n], want[i]) == 0;
		cr_expect(known, "unexpected preset %s", names[n]);
		cr_expect_not_null(mmusim_preset_yaml(names[n]));
	}
	cr_expect_eq(n, sizeof(want) / sizeof(want[0]));
	cr_expect_null(mmusim_preset_yaml("sv64"));

	cr_assert_eq(mmusim_config_load("sv39", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_str_eq(mmusim_config_name(cfg), "sv39");
	cr_expect_str_eq(mmusim_config_arch(cfg), "riscv64");
	cr_expect_eq(mmusim_config_levels(cfg), 3);
	cr_expect_eq(mmusim_config_va_bits(cfg), 39);
	cr_expect_eq(mmusim_config_page_size(cfg), 4096);
	cr_expect_eq(mmusim_config_leaf_size(cfg, 2), 2u << 20);
	cr_expect_eq(mmusim_config_leaf_size(cfg, 3), 1u << 30);
	cr_expect_eq(mmusim_config_leaf_size(cfg, 4), 0);
	cr_expect_eq(mmusim_config_memory_base(cfg), 0x80000000u);
	cr_expect_eq(mmusim_config_memory_size(cfg), 64ull << 30);
	cr_expect_eq(mmusim_config_kernel_start(cfg), 0xffffffc000000000ull);
	cr_expect_eq(mmusim_config_nr_pwcs(cfg), 0);  /* the SiFive U74 model has none */
	mmusim_config_free(cfg);
}

Test(api, config_errors_are_values_with_a_place)
{
	static const char bad[] = "extends: x86_64\nnr_levels: 9\n";
	mmusim_config *cfg = (mmusim_config *)1;
	mmusim_error err = { 0 };

	cr_expect_eq(mmusim_config_parse(bad, strlen(bad), "bad.yaml", &cfg, &err), MMUSIM_EINVAL);
	cr_expect_null(cfg);
	cr_expect_eq(err.code, MMUSIM_EINVAL);
	cr_expect(strncmp(err.message, "bad.yaml:2:", 11) == 0, "message: %s", err.message);

	cr_expect_neq(mmusim_config_load("/nonexistent/machine.yaml", &cfg, &err), MMUSIM_OK);
	cr_expect(strstr(err.message, "/nonexistent/machine.yaml") != NULL, "message: %s", err.message);
	/* err may be NULL: the status alone still says what happened */
	cr_expect_eq(mmusim_config_parse(bad, strlen(bad), NULL, &cfg, NULL), MMUSIM_EINVAL);
}

/* The README's Sv39 example: a user fetch at 0x400010 through a 4K page. */
Test(api, sv39_walk_with_steps)
{
	mmusim_machine *m = new_machine("sv39");
	mmusim_error err;
	mmusim_translation t;
	char perms[6];

	cr_assert_eq(mmusim_map(m, 0x400000, 0x80200000, 4096,
				MMUSIM_PROP_R | MMUSIM_PROP_X | MMUSIM_PROP_U, MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400010, .access = MMUSIM_EXEC }, &t);
	cr_assert(t.ok);
	cr_expect_eq(t.pa, 0x80200010);
	cr_expect_eq(t.level, 1);
	cr_expect_eq(t.page_size, 4096);
	mmusim_perms_string(t.perms, perms);
	cr_expect_str_eq(perms, "r-xu-");
	cr_assert_eq(t.nr_steps, 3);
	cr_expect_eq(mmusim_root(m), 0x80001000);
	cr_expect_eq(t.steps[0].level, 3);
	cr_expect_eq(t.steps[0].pte_addr, 0x80001000);
	cr_expect_eq(t.steps[1].pte_addr, 0x80002010);
	cr_expect_eq(t.steps[2].pte_addr, 0x80003000);
	cr_expect_eq(t.steps[1].index, 2);  /* VA[29:21] of 0x400010 */
	/* Each step's PTE is what physical memory holds there (A set since, by Svadu). */
	uint64_t pte;
	cr_assert_eq(mmusim_mem_read(m, t.steps[0].pte_addr, 8, &pte), MMUSIM_OK);
	cr_expect_eq(pte, t.steps[0].pte);
	cr_assert_eq(mmusim_mem_read(m, t.steps[2].pte_addr, 8, &pte), MMUSIM_OK);
	cr_expect_eq(pte, t.leaf_pte);
	cr_expect(pte & (1u << 6), "the walk set A in the leaf");
	mmusim_machine_destroy(m);
}

/* x86 #PF error codes (SDM 4.7): a user write to a read-only page is P|W|U = 0x7. */
static int count_one(void *arg, const mmusim_mapping *map)
{
	(void)map;
	++*(uint64_t *)arg;
	return 0;
}

Test(api, x86_faults_and_edits)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_error err;
	mmusim_translation t;
	uint32_t rxu;

	cr_assert_eq(mmusim_parse_flags("r-xu", &rxu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(rxu, MMUSIM_PROP_R | MMUSIM_PROP_X | MMUSIM_PROP_U);
	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 0x2000, rxu, MMUSIM_CACHE_WB, &err), MMUSIM_OK);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400123, .access = MMUSIM_WRITE }, &t);
	cr_assert(!t.ok);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_PERMISSION);
	cr_expect_str_eq(mmusim_fault_kind_name(t.fault_kind), "permission");
	cr_expect_eq(t.fault_code, 0x7);
	cr_expect_eq(t.fault_level, 1);
	cr_expect_gt(strlen(mmusim_fault_reason_text(t.fault_reason)), 10);

	cr_assert_eq(mmusim_protect(m, 0x400000, 0x1000, rxu | MMUSIM_PROP_W, MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400123, .access = MMUSIM_WRITE }, &t);
	cr_expect(t.ok);
	cr_expect_eq(t.pa, 0x200123);

	cr_assert_eq(mmusim_unmap(m, 0x401000, 0x1000, &err), MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x401000 }, &t);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_NOT_PRESENT);
	cr_expect_eq(t.fault_code, 0x4);  /* U, not P */

	cr_expect_eq(mmusim_map(m, 0x400800, 0x200000, 0x1000, rxu, MMUSIM_CACHE_WB, &err),
		     MMUSIM_EUNALIGNED);
	cr_expect_eq(err.code, MMUSIM_EUNALIGNED);
	cr_expect_gt(strlen(err.message), 0);
	cr_expect_eq(mmusim_parse_flags("rq", &rxu, &err), MMUSIM_EINVAL);

	/* Plant PS=1 in the PML4E: reserved (SDM 4.5), a #PF with RSVD: P|U|RSVD = 0xd. */
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t);
	cr_assert(t.ok);
	cr_assert_eq(t.steps[0].level, 4);
	cr_assert_eq(mmusim_mem_write(m, t.steps[0].pte_addr, 8, t.steps[0].pte | 0x80), MMUSIM_OK);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_RESERVED_BIT);
	cr_expect_eq(t.fault_level, 4);
	cr_expect_eq(t.fault_code, 0xd);
	/* No 512G page: the listing leaves out what the walk refuses (it listed 0..2^39). */
	uint64_t leaves = 0;
	cr_expect_eq(mmusim_for_each_mapping(m, count_one, &leaves), 0);
	cr_expect_eq(leaves, 0);
	mmusim_machine_destroy(m);
}

static int count_leaf(void *arg, const mmusim_mapping *map)
{
	uint64_t *sizes = arg;
	sizes[0]++;
	sizes[1] += map->size;
	return 0;
}

Test(api, query_iterate_and_address_spaces)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mapping map;
	mmusim_error err;
	uint64_t seen[2] = { 0, 0 };
	const uint64_t kva = 0xffff888000000000ull;

	/* 2 MiB aligned: one 2M leaf; kernel range: shared by every address space. */
	cr_assert_eq(mmusim_map(m, 0x600000, 0x400000, 2u << 20, MMUSIM_PROP_R | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_map(m, kva, 0, 4096, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_G,
				MMUSIM_CACHE_UC, &err), MMUSIM_OK, "%s", err.message);
	cr_assert(mmusim_query(m, 0x7ff123, &map));
	cr_expect_eq(map.va, 0x600000);
	cr_expect_eq(map.pa, 0x400000);
	cr_expect_eq(map.level, 2);
	cr_expect_eq(map.size, 2u << 20);
	cr_expect_eq(mmusim_for_each_mapping(m, count_leaf, seen), 0);
	cr_expect_eq(seen[0], 2);
	cr_expect_eq(seen[1], (2u << 20) + 4096);

	uint64_t root0 = mmusim_root(m);
	cr_assert_eq(mmusim_switch_asid(m, 7, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_current_asid(m), 7);
	cr_expect_neq(mmusim_root(m), root0);
	cr_expect(!mmusim_query(m, 0x600000, &map), "user mappings belong to ASID 0");
	cr_assert(mmusim_query(m, kva, &map), "kernel mappings are shared");
	cr_expect_eq(map.cache, MMUSIM_CACHE_UC);
	cr_expect_eq(map.flags & MMUSIM_PROP_G, MMUSIM_PROP_G);
	cr_expect_gt(mmusim_nr_nodes(m), 4);
	mmusim_machine_destroy(m);
}

Test(api, physical_memory)
{
	mmusim_machine *m = new_machine("sv39");
	mmusim_error err;
	uint64_t v = 1, pa;

	cr_expect_eq(mmusim_mem_read(m, 0x90000000, 8, &v), MMUSIM_OK);
	cr_expect_eq(v, 0, "never-written memory reads as zero");
	cr_expect_eq(mmusim_mem_write(m, 0x90000000, 8, 0x1122334455667788ull), MMUSIM_OK);
	cr_expect_eq(mmusim_mem_read(m, 0x90000004, 4, &v), MMUSIM_OK);
	cr_expect_eq(v, 0x11223344, "little-endian");
	cr_expect_eq(mmusim_mem_read(m, 0x1000, 8, &v), MMUSIM_EBUS, "below the base");
	cr_expect_eq(mmusim_mem_read(m, 0x90000001, 8, &v), MMUSIM_EINVAL, "misaligned");
	cr_assert_eq(mmusim_mem_alloc(m, 2u << 20, 2u << 20, &pa, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(pa & ((2u << 20) - 1), 0);
	cr_expect_geq(pa, 0x80000000u);
	mmusim_machine_destroy(m);
}

/*
 * mem_read and mem_write have no err argument: as the header's conventions say of such
 * calls, the message stays on the machine (mmusim_machine_last_error); it was empty.
 */
Test(api, physical_memory_errors_say_why)
{
	mmusim_machine *m = new_machine("sv39");
	mmusim_error err;
	uint64_t v = 1, pa;

	cr_expect_eq(mmusim_mem_read(m, 0x1000, 8, &v), MMUSIM_EBUS);
	cr_expect_str_eq(mmusim_machine_last_error(m), "read of 8 bytes at PA 0x1000: outside physical memory");
	cr_expect_eq(mmusim_mem_read(m, 0x90000001, 8, &v), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m),
			 "read of 8 bytes at PA 0x90000001: expected a size of 1, 2, 4 or 8 bytes at a PA aligned to it");
	cr_expect_eq(mmusim_mem_write(m, 0x90000000, 3, 0), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m),
			 "write of 3 bytes at PA 0x90000000: expected a size of 1, 2, 4 or 8 bytes at a PA aligned to it");
	cr_expect_eq(mmusim_mem_write(m, ~0ull - 7, 8, 0), MMUSIM_EBUS);
	cr_expect_str_eq(mmusim_machine_last_error(m),
			 "write of 8 bytes at PA 0xfffffffffffffff8: outside physical memory");

	/* the alignment was blamed on the size */
	cr_expect_eq(mmusim_mem_alloc(m, 4096, 3, &pa, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "data allocation aligned to 0x3: not a multiple of the 4096-byte frame");
	cr_expect_eq(mmusim_mem_alloc(m, 100, 4096, &pa, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "data allocation of 0x64 bytes is not frame-sized");
	mmusim_machine_destroy(m);
}

/* traces/tlb-demo.trace on the x86_64 preset: the figures README.md shows. */
Test(api, replay_a_trace_with_statistics)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mmu *mmu;
	mmusim_trace *t;
	mmusim_error err;
	mmusim_stats s;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_TRACE_AUTO, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_format(t), MMUSIM_TRACE_TEXT);
	cr_assert_eq(mmusim_mmu_replay(mmu, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_READ], 2);
	cr_expect_eq(s.accesses[MMUSIM_WRITE], 1);
	cr_expect_eq(s.accesses[MMUSIM_EXEC], 1);
	cr_expect_eq(s.walks, 2);
	cr_expect_eq(s.pte_reads, 5);
	cr_expect_eq(s.faults[MMUSIM_FAULT_PERMISSION], 1);
	cr_expect_eq(s.cycles, 535);
	cr_expect_eq(s.page_table_nodes, 5);
	cr_expect_eq(s.page_table_bytes, 5 * 4096);

	mmusim_cache_stats cs;
	const mmusim_config *cfg = mmusim_machine_config(m);
	uint64_t l1_lookups = 0;
	for (unsigned i = 0; i < mmusim_config_nr_tlbs(cfg); i++) {
		cr_assert_eq(mmusim_mmu_cache_stats(mmu, false, i, &cs), MMUSIM_OK);
		cr_expect_not_null(cs.name);
		if (cs.level == 1)
			l1_lookups += cs.hits + cs.misses;
	}
	cr_expect_eq(l1_lookups, 4, "one level-1 lookup per access");
	cr_expect_eq(mmusim_mmu_cache_stats(mmu, false, 99, &cs), MMUSIM_EINVAL);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

/* An access of more than 255 bytes (a drmemtrace XSAVE) is every page it touches; it was refused. */
Test(api, an_access_past_255_bytes_touches_every_page)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mmu_options opt = { .demand_page_size = 4096 };
	mmusim_mmu *mmu;
	mmusim_error err;
	mmusim_stats s;

	cr_assert_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_event ev = { .op = MMUSIM_EV_ACCESS, .access = MMUSIM_WRITE, .va = 0x400f00, .size = 4096, .line = 1 };
	cr_assert_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_WRITE], 2, "0x400f00 and 0x401000");
	cr_expect_eq(s.demand_paged, 2);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

Test(api, events_demand_paging_and_direct_translation)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mmu_options opt = { .demand_page_size = 4096 };
	mmusim_mmu *mmu;
	mmusim_error err;
	mmusim_mmu_result r;
	mmusim_stats s;

	cr_assert_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_event ev = { .op = MMUSIM_EV_ACCESS, .access = MMUSIM_WRITE, .va = 0x10000, .line = 1 };
	cr_assert_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_translate(mmu, 0x10008, MMUSIM_READ, &r), MMUSIM_OK);  /* now a TLB hit */
	cr_expect(r.ok);
	cr_expect_eq(r.page_size, 4096);
	/* A direct translation is demand paged as an access event is */
	cr_expect_eq(mmusim_mmu_translate(mmu, 0x20000, MMUSIM_READ, &r), MMUSIM_OK);
	cr_expect(r.ok, "the retried access");
	cr_expect_eq(r.page_size, 4096);
	/* the kernel range is not the program's: its fault stays, counted once */
	cr_expect_eq(mmusim_mmu_translate(mmu, 0xffff800000000000, MMUSIM_READ, &r), MMUSIM_OK);
	cr_expect(!r.ok);
	cr_expect_eq(r.fault_kind, MMUSIM_FAULT_NOT_PRESENT);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.demand_paged, 2);
	cr_expect_eq(s.accesses[MMUSIM_WRITE] + s.accesses[MMUSIM_READ], 4);
	cr_expect_eq(s.faults[MMUSIM_FAULT_NOT_PRESENT], 1);

	/* A flush empties the TLBs: the next access walks again. */
	uint64_t walks = s.walks;
	mmusim_mmu_flush(mmu, MMUSIM_FLUSH_ALL, 0, 0);
	mmusim_mmu_translate(mmu, 0x10000, MMUSIM_READ, &r);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.walks, walks + 1);

	ev = (mmusim_event){ .op = MMUSIM_EV_UNMAP, .va = 0x10800, .len = 4096, .line = 42 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EUNALIGNED);
	cr_expect(strncmp(err.message, "event:42:", 9) == 0, "message: %s", err.message);
	cr_expect_eq(mmusim_mmu_select_cpu(mmu, 5000, &err), MMUSIM_EINVAL);
	cr_expect_eq(mmusim_mmu_select_cpu(mmu, 1, &err), MMUSIM_OK);
	cr_expect_eq(mmusim_mmu_switch_asid(mmu, 3, &err), MMUSIM_OK);
	mmusim_mmu_set_priv(mmu, MMUSIM_SUPERVISOR);
	mmusim_mmu_destroy(mmu);

	opt.demand_page_size = 12345;
	cr_expect_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_EINVAL);
	mmusim_machine_destroy(m);
}

/*
 * The Arm scopes: MMUSIM_FLUSH_VA_ASID keeps a global entry (INVPCID), _GLOBAL
 * drops it too (TLBI VAE1); only MMUSIM_FLUSH_ALL_CPUS reaches another CPU.
 */
Test(api, flush_scope_with_globals_and_all_cpus)
{
	static const char bad_scope[] = "bad flush scope 64 (expected MMUSIM_FLUSH_ALL .. MMUSIM_FLUSH_VA_ASID_GLOBAL, "
					 "optionally | MMUSIM_FLUSH_LAST_LEVEL | MMUSIM_FLUSH_ALL_CPUS)";
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mmu *mmu;
	mmusim_error err;
	mmusim_mmu_result r;
	mmusim_stats s;
	mmusim_event ev;
	const uint32_t global = MMUSIM_PROP_R | MMUSIM_PROP_U | MMUSIM_PROP_G;

	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 4096, global, MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s",
		     err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* cpu 0: walk 1 */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 1, &err), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* cpu 1: walk 2 */
	cr_expect_eq(mmusim_mmu_flush(mmu, MMUSIM_FLUSH_VA_ASID, 0x400000, 0), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* the global entry stayed: a hit */
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.walks, 2);
	cr_expect_eq(mmusim_mmu_flush(mmu, MMUSIM_FLUSH_VA_ASID_GLOBAL, 0x400fff, 0), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* walk 3 */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 0, &err), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* cpu 0 kept its entry: a hit */
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.walks, 3);
	cr_expect_eq(mmusim_mmu_flush(mmu, MMUSIM_FLUSH_VA_ASID_GLOBAL | MMUSIM_FLUSH_ALL_CPUS, 0x400000, 0),
		     MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* walk 4 */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 1, &err), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);          /* walk 5 */
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.walks, 5);
	cr_expect_eq(s.shootdowns, 0, "a broadcast flush is no IPI");

	cr_expect_eq(mmusim_mmu_flush(mmu, (enum mmusim_flush_scope)(MMUSIM_FLUSH_ALL | 0x40), 0, 0), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_mmu_last_error(mmu), bad_scope);
	cr_assert_eq(mmusim_parse_trace_line("tlbi vale1is va 0x1000 asid 3", &ev, &err), 1, "%s", err.message);
	cr_expect_eq(ev.op, MMUSIM_EV_FLUSH);
	cr_expect_eq(ev.scope, MMUSIM_FLUSH_VA_ASID_GLOBAL | MMUSIM_FLUSH_LAST_LEVEL | MMUSIM_FLUSH_ALL_CPUS);
	cr_expect_eq(ev.va, 0x1000);
	cr_expect_eq(ev.n, 3);
	ev = (mmusim_event){ .op = MMUSIM_EV_FLUSH, .scope = MMUSIM_FLUSH_VA_ASID_GLOBAL, .n = 65536, .line = 2 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:2: asid 65536 is out of range (at most 65535)");
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

/*
 * One path: the same accesses as mmusim_mmu_translate calls and as access
 * events give the same statistics, demand paging and faults included.
 */
Test(api, translate_and_access_events_count_alike)
{
	static const struct { uint64_t va; enum mmusim_access a; } acc[] = {
		{ 0x10000, MMUSIM_READ }, { 0x10008, MMUSIM_WRITE }, { 0x10010, MMUSIM_EXEC },
		{ 0x200000, MMUSIM_EXEC }, { 0xffff800000000000, MMUSIM_READ }, { 0x10000, MMUSIM_READ },
	};
	mmusim_machine *m[2] = { new_machine("x86_64"), new_machine("x86_64") };
	mmusim_mmu_options opt = { .demand_page_size = 4096 };
	mmusim_mmu *mmu[2];
	mmusim_stats s[2];
	mmusim_error err;
	mmusim_mmu_result r;

	for (unsigned i = 0; i < 2; i++)
		cr_assert_eq(mmusim_mmu_create(m[i], &opt, &mmu[i], &err), MMUSIM_OK, "%s", err.message);
	for (unsigned k = 0; k < sizeof(acc) / sizeof(acc[0]); k++) {
		mmusim_event ev = { .op = MMUSIM_EV_ACCESS, .access = acc[k].a, .va = acc[k].va, .line = k + 1 };
		cr_assert_eq(mmusim_mmu_translate(mmu[0], acc[k].va, acc[k].a, &r), MMUSIM_OK);
		cr_assert_eq(mmusim_mmu_event(mmu[1], &ev, &err), MMUSIM_OK, "%s", err.message);
	}
	for (unsigned i = 0; i < 2; i++)
		mmusim_mmu_stats(mmu[i], &s[i]);
	cr_expect_eq(s[0].demand_paged, 2);
	cr_expect_eq(s[0].faults[MMUSIM_FAULT_NOT_PRESENT], 1);
	cr_expect_eq(s[0].faults[MMUSIM_FAULT_PERMISSION], 0, "demand pages are rwx");
	cr_expect(memcmp(&s[0], &s[1], sizeof(s[0])) == 0, "translations and events count alike");
	for (unsigned i = 0; i < 2; i++) {
		mmusim_mmu_destroy(mmu[i]);
		mmusim_machine_destroy(m[i]);
	}
}

/* Sums hits and misses of the level-1 TLBs. */
static void l1_counts(const mmusim_mmu *mmu, const mmusim_machine *m, uint64_t *hits, uint64_t *misses)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	mmusim_cache_stats cs;

	*hits = *misses = 0;
	for (unsigned i = 0; i < mmusim_config_nr_tlbs(cfg); i++) {
		cr_assert_eq(mmusim_mmu_cache_stats(mmu, false, i, &cs), MMUSIM_OK);
		if (cs.level == 1) {
			*hits += cs.hits;
			*misses += cs.misses;
		}
	}
}

/*
 * A statistics reset keeps the TLBs warm: two pages read, reset, read again —
 * two level-1 hits, no walk, as if the first reads never counted.  A warm-up
 * of one access, then the same; and the stats reset event.
 */
Test(api, stats_reset_and_warmup_keep_tlbs_warm)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mmu *mmu;
	mmusim_error err;
	mmusim_mmu_result r;
	mmusim_stats s;
	uint64_t hits, misses;

	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 0x2000, MMUSIM_PROP_R | MMUSIM_PROP_U, MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);
	mmusim_mmu_translate(mmu, 0x401000, MMUSIM_READ, &r);
	mmusim_mmu_stats_reset(mmu);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_READ] + s.walks + s.pte_reads + s.cycles, 0);
	cr_expect_eq(s.page_table_nodes, mmusim_nr_nodes(m), "the tables are not statistics");
	cr_expect_gt(s.page_table_nodes, 0);
	mmusim_mmu_translate(mmu, 0x400008, MMUSIM_READ, &r);
	mmusim_mmu_translate(mmu, 0x401008, MMUSIM_READ, &r);
	mmusim_mmu_stats(mmu, &s);
	l1_counts(mmu, m, &hits, &misses);
	cr_expect_eq(s.accesses[MMUSIM_READ], 2);
	cr_expect_eq(s.walks, 0);
	cr_expect_eq(hits, 2);
	cr_expect_eq(misses, 0);

	mmusim_mmu_warmup(mmu, 1);
	mmusim_mmu_translate(mmu, 0x400010, MMUSIM_READ, &r);   /* the warm-up: then a reset */
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_READ], 0);
	mmusim_mmu_translate(mmu, 0x401010, MMUSIM_READ, &r);
	mmusim_mmu_stats(mmu, &s);
	l1_counts(mmu, m, &hits, &misses);
	cr_expect_eq(s.accesses[MMUSIM_READ], 1);
	cr_expect_eq(hits, 1);

	mmusim_event ev = { .op = MMUSIM_EV_STATS_RESET, .line = 1 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_stats(mmu, &s);
	l1_counts(mmu, m, &hits, &misses);
	cr_expect_eq(s.accesses[MMUSIM_READ] + hits + misses, 0);
	/* a warm-up cancelled before it ends resets nothing */
	mmusim_mmu_warmup(mmu, 1);
	mmusim_mmu_warmup(mmu, 0);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_READ], 1);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

/* Every enum, flag and cache-policy argument outside its set is MMUSIM_EINVAL with a message. */
Test(api, bad_enum_flag_and_policy_arguments_are_refused)
{
	static const char bad_access[] = "bad access kind 7 (expected MMUSIM_READ, MMUSIM_WRITE or MMUSIM_EXEC)";
	static const char bad_priv[] = "bad privilege 2 (expected MMUSIM_USER or MMUSIM_SUPERVISOR)";
	static const char bad_flags[] = "bad page flags 0x200 (MMUSIM_PROP_* bits only: at most 0x1ff)";
	static const char bad_cache[] = "bad cache policy 5 (expected MMUSIM_CACHE_WB .. MMUSIM_CACHE_WP)";
	static const char bad_scope[] = "bad flush scope 5 (expected MMUSIM_FLUSH_ALL .. MMUSIM_FLUSH_VA_ASID_GLOBAL, "
					 "optionally | MMUSIM_FLUSH_LAST_LEVEL | MMUSIM_FLUSH_ALL_CPUS)";
	mmusim_machine *m = new_machine("x86_64");
	mmusim_mmu *mmu;
	mmusim_error err = { 0 };
	mmusim_translation t;
	mmusim_mmu_result r;
	mmusim_mapping map;
	mmusim_stats s;
	enum mmusim_priv priv = MMUSIM_USER;
	const uint32_t rwu = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U;

	/* the machine */
	cr_expect_eq(mmusim_map(m, 0x400000, 0x200000, 4096, 0x200, MMUSIM_CACHE_WB, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_flags);
	cr_expect_eq(mmusim_map(m, 0x400000, 0x200000, 4096, rwu, (enum mmusim_cache)5, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_cache);
	cr_expect_not(mmusim_query(m, 0x400000, &map), "a refused map maps nothing");
	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 4096, rwu, MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_protect(m, 0x400000, 4096, 0x200, MMUSIM_CACHE_WB, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_flags);
	cr_expect_eq(mmusim_protect(m, 0x400000, 4096, rwu, (enum mmusim_cache)-1, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "bad cache policy -1 (expected MMUSIM_CACHE_WB .. MMUSIM_CACHE_WP)");
	cr_expect_str_eq(mmusim_machine_last_error(m), "", "calls with an err argument leave it alone");
	cr_expect_eq(mmusim_translate(m, &(mmusim_request){ .va = 0x400000, .access = (enum mmusim_access)7 }, &t),
		     MMUSIM_EINVAL);
	cr_expect_not(t.ok);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_NONE);
	cr_expect_eq(t.nr_steps, 0, "nothing walked");
	cr_expect_str_eq(mmusim_machine_last_error(m), bad_access);
	cr_expect_eq(mmusim_translate(m, &(mmusim_request){ .va = 0x400000, .priv = (enum mmusim_priv)2 }, &t),
		     MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), bad_priv);
	cr_expect_eq(mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t), MMUSIM_OK);
	cr_expect(t.ok);

	/* events applied to the machine */
	mmusim_event ev = { .op = (enum mmusim_event_op)99 };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "bad event op 99 (expected MMUSIM_EV_ACCESS .. MMUSIM_EV_PTE_FIELD)");
	ev = (mmusim_event){ .op = MMUSIM_EV_ACCESS, .access = (enum mmusim_access)7, .va = 0x400000 };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_access);
	ev = (mmusim_event){ .op = MMUSIM_EV_PRIV, .n = 2 };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_priv);
	cr_expect_eq(priv, MMUSIM_USER);
	ev = (mmusim_event){ .op = MMUSIM_EV_MAP, .va = 0x500000, .pa = 0x300000, .len = 4096, .flags = rwu,
			     .cache = (enum mmusim_cache)5 };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_cache);
	ev = (mmusim_event){ .op = MMUSIM_EV_FLUSH, .scope = (enum mmusim_flush_scope)5 };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, bad_scope);
	ev = (mmusim_event){ .op = MMUSIM_EV_ASID, .n = 70000 };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "asid 70000 is out of range (at most 65535)");

	/* the mmu */
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_translate(mmu, 0x400000, (enum mmusim_access)7, &r), MMUSIM_EINVAL);
	cr_expect_not(r.ok);
	cr_expect_str_eq(mmusim_mmu_last_error(mmu), bad_access);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[0] + s.accesses[1] + s.accesses[2], 0, "a refused access is not counted");
	cr_expect_eq(mmusim_mmu_set_priv(mmu, (enum mmusim_priv)2), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_mmu_last_error(mmu), bad_priv);
	cr_expect_eq(mmusim_mmu_flush(mmu, (enum mmusim_flush_scope)5, 0, 0), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_mmu_last_error(mmu), bad_scope);
	unsigned cpu;
	uint16_t asid;
	mmusim_mmu_current(mmu, &cpu, &asid, &priv);
	cr_expect_eq(priv, MMUSIM_USER, "a refused privilege changes nothing");
	cr_expect_eq(mmusim_mmu_set_priv(mmu, MMUSIM_SUPERVISOR), MMUSIM_OK);
	cr_expect_eq(mmusim_mmu_flush(mmu, MMUSIM_FLUSH_ALL, 0, 0), MMUSIM_OK);
	ev = (mmusim_event){ .op = MMUSIM_EV_ACCESS, .access = (enum mmusim_access)7, .va = 0x400000, .line = 3 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:3: bad access kind 7 (expected MMUSIM_READ, MMUSIM_WRITE or MMUSIM_EXEC)");
	ev = (mmusim_event){ .op = (enum mmusim_event_op)256, .line = 4 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL, "not taken as op 0 (an access)");
	cr_expect_str_eq(err.message, "event:4: bad event op 256 (expected MMUSIM_EV_ACCESS .. MMUSIM_EV_PTE_FIELD)");
	ev = (mmusim_event){ .op = MMUSIM_EV_PROTECT, .va = 0x400000, .len = 4096, .flags = 0x200, .line = 5 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:5: bad page flags 0x200 (MMUSIM_PROP_* bits only: at most 0x1ff)");
	ev = (mmusim_event){ .op = MMUSIM_EV_PRIV, .n = 2, .line = 6 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:6: bad privilege 2 (expected MMUSIM_USER or MMUSIM_SUPERVISOR)");
	ev = (mmusim_event){ .op = MMUSIM_EV_FLUSH, .scope = MMUSIM_FLUSH_ASID, .n = 65536, .line = 7 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:7: asid 65536 is out of range (at most 65535)");
	/* was clamped to 255 bytes: a 4 KiB access from 0x400f00 touched one page instead of two */
	ev = (mmusim_event){ .op = MMUSIM_EV_ACCESS, .va = 0x400f00, .size = 65536, .line = 8 };
	cr_expect_eq(mmusim_mmu_event(mmu, &ev, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "event:8: access size 65536 is out of range (at most 65535 bytes)");
	mmusim_mmu_destroy(mmu);

	/* traces */
	char path[] = "/tmp/mmusim_api_enum_XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	mmusim_trace *tr;
	cr_expect_eq(mmusim_trace_open(path, (enum mmusim_trace_format)42, &tr, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "unknown trace format 42");
	mmusim_trace_writer *w;
	cr_assert_eq(mmusim_trace_writer_open(path, &w, &err), MMUSIM_OK, "%s", err.message);
	ev = (mmusim_event){ .op = MMUSIM_EV_ACCESS, .access = (enum mmusim_access)3 };
	cr_expect_eq(mmusim_trace_writer_put(w, &ev, 1, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "bad access kind 3 (expected MMUSIM_READ, MMUSIM_WRITE or MMUSIM_EXEC)");
	ev = (mmusim_event){ .op = MMUSIM_EV_ACCESS, .size = 256 };
	cr_expect_eq(mmusim_trace_writer_put(w, &ev, 1, &err), MMUSIM_EINVAL);
	char want[256];
	snprintf(want, sizeof(want), "%s: event 1: access size 256 does not fit the binary format (at most 255 bytes)",
		 path);
	cr_expect_str_eq(err.message, want);
	cr_expect_eq(mmusim_trace_writer_close(w, &err), MMUSIM_OK);
	/* an image's root source */
	mmusim_machine *img;
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	for (unsigned i = 0; i < 4096; i++)
		fputc(0, f);
	fclose(f);
	cr_expect_eq(mmusim_machine_open_image(mmusim_machine_config(m), path, 0, (enum mmusim_root_source)9, 0, &img,
					       &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "unknown root source 9");
	unlink(path);
	mmusim_machine_destroy(m);
}

Test(api, trace_reading_and_errors)
{
	char path[] = "/tmp/mmusim_api_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	mmusim_trace *t;
	mmusim_event ev[8];
	mmusim_error err;
	enum mmusim_trace_format fmt;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs("map 0x400000 0x1000 4K rwu cache=wc\nw 0x400010\nbogus 1\n", f);
	fclose(f);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_TEXT, &t, &err), MMUSIM_OK, "%s", err.message);
	long n = mmusim_trace_next(t, ev, 8, &err);
	if (n > 0) {
		cr_assert_eq(n, 2);
		cr_expect_eq(ev[0].op, MMUSIM_EV_MAP);
		cr_expect_eq(ev[0].cache, MMUSIM_CACHE_WC);
		cr_expect_eq(ev[0].len, 4096);
		cr_expect_eq(ev[1].op, MMUSIM_EV_ACCESS);
		cr_expect_eq(ev[1].access, MMUSIM_WRITE);
		cr_expect_eq(ev[1].line, 2);
		n = mmusim_trace_next(t, ev, 8, &err);
	}
	cr_expect_eq(n, -1);
	cr_expect(strstr(err.message, ":3: ") != NULL, "message: %s", err.message);
	mmusim_trace_close(t);
	unlink(path);

	cr_expect_eq(mmusim_trace_format_parse("lackey", &fmt), MMUSIM_OK);
	cr_expect_eq(fmt, MMUSIM_TRACE_LACKEY);
	cr_expect_str_eq(mmusim_trace_format_name(MMUSIM_TRACE_BINARY), "binary");
	cr_expect_eq(mmusim_trace_format_parse("pcap", &fmt), MMUSIM_EINVAL);
	cr_expect_neq(mmusim_trace_open("/nonexistent.trace", MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK);
	cr_expect(strstr(err.message, "/nonexistent.trace") != NULL, "message: %s", err.message);
}

/*
 * A root whose entries all point back at itself: the walk re-enters nodes at
 * most MMUSIM_FOR_EACH_MAX_REENTRIES times, then stops with
 * MMUSIM_FOR_EACH_LOOP, having listed at most 512 leaves per node entered.
 */
Test(api, for_each_mapping_stops_in_a_self_referencing_table, .init = time_limit_30s)
{
	mmusim_machine *m = new_machine("x86_64");
	uint64_t root = mmusim_root(m), seen[2] = { 0, 0 }, nodes = mmusim_nr_nodes(m);

	for (unsigned i = 0; i < 512; i++)
		cr_assert_eq(mmusim_mem_write(m, root + 8 * i, 8, root | 0x7), MMUSIM_OK);
	cr_expect_eq(mmusim_for_each_mapping(m, count_leaf, seen), MMUSIM_FOR_EACH_LOOP);
	cr_expect_gt(seen[0], 0);
	cr_expect_leq(seen[0], (nodes + MMUSIM_FOR_EACH_MAX_REENTRIES) * 512);
	/* One self-reference is a few re-entries: the walk ends normally (VA 0 maps the root's frame). */
	for (unsigned i = 1; i < 512; i++)
		cr_assert_eq(mmusim_mem_write(m, root + 8 * i, 8, 0), MMUSIM_OK);
	seen[0] = seen[1] = 0;
	cr_expect_eq(mmusim_for_each_mapping(m, count_leaf, seen), 0);
	cr_expect_eq(seen[0], 1);
	mmusim_machine_destroy(m);
}

/*
 * The decoder memory limit: a zstd frame (RFC 8878: magic, descriptor 0,
 * Window_Descriptor 0x70 = 2^(10 + 14) = 16 MiB, one raw last block of 15
 * bytes) decodes under the default limit and is refused under 8 MiB, as
 * needing more memory, not as damage.
 */
Test(api, trace_options_bound_the_decoder_memory)
{
	static const unsigned char frame[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x70, 0x79, 0x00, 0x00,
					       'r', ' ', '0', 'x', '0', '\n', 'w', ' ', '0', 'x', '1', '0', '0', '0', '\n' };
	char path[] = "/tmp/mmusim_api_zst_XXXXXX", want[160];
	int fd = mkstemp(path);
	mmusim_trace_options opt = { .format = MMUSIM_TRACE_TEXT, .decoder_memory = 8u << 20 };
	mmusim_event ev[4];
	mmusim_error err = { 0 };
	mmusim_trace *t;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, frame, sizeof(frame)), (ssize_t)sizeof(frame));
	close(fd);
	cr_assert_eq(mmusim_trace_open_opts(path, NULL, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_next(t, ev, 4, &err), 2, "%s", err.message);
	cr_expect_eq(ev[1].va, 0x1000);
	cr_expect_eq(mmusim_trace_format(t), MMUSIM_TRACE_TEXT);
	mmusim_trace_close(t);

	cr_assert_eq(mmusim_trace_open_opts(path, &opt, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_next(t, ev, 4, &err), -1);
	snprintf(want, sizeof(want), "%s: zstd data needs more memory than the limit (8 MiB); raise it with --decoder-memory",
		 path);
	cr_expect_str_eq(err.message, want);
	mmusim_trace_close(t);
	unlink(path);
}

/* Dump, then read the dump back as an image: the same walk, read-only. */
Test(api, dump_and_image_round_trip)
{
	char path[] = "/tmp/mmusim_api_elf_XXXXXX";
	mmusim_machine *m = new_machine("sv39"), *img;
	mmusim_error err;
	mmusim_translation t;
	uint64_t satp, v;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(mmusim_map(m, 0x400000, 0x80200000, 8192, MMUSIM_PROP_R | MMUSIM_PROP_X | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	/* satp: MODE 8 (Sv39) in bits 63:60, ASID 0, PPN of root 0x80001000 */
	cr_expect_str_eq(mmusim_root_register(m, &satp), "satp");
	cr_expect_eq(satp, 0x8000000000080001ull);
	cr_assert_eq(mmusim_dump_elf(m, path, &err), MMUSIM_OK, "%s", err.message);

	const mmusim_config *cfg = mmusim_machine_config(m);
	cr_assert_eq(mmusim_machine_open_image(cfg, path, 0, MMUSIM_ROOT_RECORDED, 0, &img, &err), MMUSIM_OK,
		     "%s", err.message);
	cr_expect_eq(mmusim_root(img), 0x80001000);
	mmusim_translate(img, &(mmusim_request){ .va = 0x401010, .access = MMUSIM_EXEC }, &t);
	cr_expect(t.ok);
	cr_expect_eq(t.pa, 0x80201010);
	cr_expect_eq(mmusim_mem_read(img, 0x80001000, 8, &v), MMUSIM_OK);
	cr_expect_eq(mmusim_map(img, 0x600000, 0x80400000, 4096, MMUSIM_PROP_R, MMUSIM_CACHE_WB, &err),
		     MMUSIM_EINVAL);
	cr_expect(strstr(err.message, "read-only") != NULL, "message: %s", err.message);
	cr_expect_eq(mmusim_switch_asid(img, 1, &err), MMUSIM_EINVAL);
	mmusim_machine_destroy(img);

	cr_assert_eq(mmusim_machine_open_image(cfg, path, 0, MMUSIM_ROOT_REGISTER, satp, &img, &err), MMUSIM_OK,
		     "%s", err.message);
	cr_expect_eq(mmusim_root(img), 0x80001000);
	mmusim_machine_destroy(img);
	/* A PTE address outside the image is the architecture's access fault. */
	cr_assert_eq(mmusim_machine_open_image(cfg, path, 0, MMUSIM_ROOT_PA, 0x90000000, &img, &err), MMUSIM_OK,
		     "%s", err.message);
	mmusim_translate(img, &(mmusim_request){ .va = 0x401010 }, &t);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_BUS_ERROR);
	cr_expect_eq(t.fault_code, 5, "load access fault");
	mmusim_machine_destroy(img);
	unlink(path);

	cr_expect_neq(mmusim_machine_open_image(cfg, "/nonexistent.elf", 0, MMUSIM_ROOT_RECORDED, 0, &img, &err),
		      MMUSIM_OK);
	cr_expect_null(img);
	cr_expect(strstr(err.message, "/nonexistent.elf") != NULL, "message: %s", err.message);
	mmusim_machine_destroy(m);
}

Test(api, describing_ptes_and_faults)
{
	mmusim_machine *m = new_machine("x86_64");
	const mmusim_config *cfg = mmusim_machine_config(m);
	mmusim_translation t;
	mmusim_error err;
	char buf[128];

	cr_expect_eq(mmusim_config_index_bits(cfg), 9);
	cr_expect_eq(mmusim_config_pte_size(cfg), 8);
	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 4096, MMUSIM_PROP_R | MMUSIM_PROP_U, MMUSIM_CACHE_WB,
				&err), MMUSIM_OK);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000, .access = MMUSIM_WRITE }, &t);
	cr_assert(!t.ok);
	mmusim_fault_describe(cfg, &t, buf, sizeof(buf));
	cr_expect(strstr(buf, "0x7") != NULL, "%s", buf);
	mmusim_pte_describe(cfg, t.steps[t.nr_steps - 1].pte, 1, buf, sizeof(buf));
	cr_expect(strncmp(buf, "P ", 2) == 0 && strstr(buf, "US") != NULL, "%s", buf);
	mmusim_machine_destroy(m);
}

Test(api, binary_trace_writer_round_trip)
{
	char path[] = "/tmp/mmusim_api_bin_XXXXXX";
	mmusim_event in[3] = {
		{ .op = MMUSIM_EV_MAP, .va = 0x400000, .pa = 0x1000, .len = 8192,
		  .flags = MMUSIM_PROP_R | MMUSIM_PROP_U, .cache = MMUSIM_CACHE_UC },
		{ .op = MMUSIM_EV_ACCESS, .access = MMUSIM_EXEC, .va = 0x400004, .size = 4 },
		{ .op = MMUSIM_EV_FLUSH, .scope = MMUSIM_FLUSH_VA_ASID, .va = 0x400000, .n = 9 },
	}, out[4];
	mmusim_trace_writer *w;
	mmusim_trace *t;
	mmusim_error err;
	uint64_t off, size;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(mmusim_trace_writer_open(path, &w, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_writer_put(w, in, 3, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_writer_close(w, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_format(t), MMUSIM_TRACE_BINARY);
	cr_assert_eq(mmusim_trace_next(t, out, 4, &err), 3, "%s", err.message);
	cr_expect_eq(out[0].cache, MMUSIM_CACHE_UC);
	cr_expect_eq(out[0].len, 8192);
	cr_expect_eq(out[0].flags, MMUSIM_PROP_R | MMUSIM_PROP_U);
	cr_expect_eq(out[1].va, 0x400004);
	cr_expect_eq(out[1].size, 4);
	cr_expect_eq(out[1].access, MMUSIM_EXEC);
	cr_expect_eq(out[2].scope, MMUSIM_FLUSH_VA_ASID);
	cr_expect_eq(out[2].n, 9);
	cr_expect_eq(mmusim_trace_next(t, out, 4, &err), 0);
	mmusim_trace_progress(t, &off, &size);
	cr_expect_eq(off, size);
	cr_expect_gt(size, 16);
	mmusim_trace_close(t);
	unlink(path);
}

Test(api, interval_rows_and_page_size_counters)
{
	mmusim_machine *m = new_machine("x86_64");
	char buf[4096] = { 0 };
	FILE *csv = fmemopen(buf, sizeof(buf) - 1, "w");
	mmusim_mmu_options opt = { .interval = 2, .interval_csv = csv };
	mmusim_mmu *mmu;
	mmusim_trace *t;
	mmusim_error err;
	mmusim_stats s;
	mmusim_cache_stats cs;

	cr_assert_not_null(csv);
	cr_assert_eq(mmusim_mmu_create(m, &opt, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_TRACE_AUTO, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_replay(mmu, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	mmusim_mmu_finish(mmu);
	fclose(csv);
	/* a header, then a row after accesses 2 and 4 */
	unsigned lines = 0;
	for (const char *p = buf; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 3, "%s", buf);
	cr_expect(strncmp(buf, "accesses,", 9) == 0, "%s", buf);
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.walks_by_page_shift[12], 2, "two walks, both ending in 4K pages");
	uint64_t hits_4k = 0;
	for (unsigned i = 0; i < mmusim_config_nr_tlbs(mmusim_machine_config(m)); i++) {
		cr_assert_eq(mmusim_mmu_cache_stats(mmu, false, i, &cs), MMUSIM_OK);
		hits_4k += cs.hits_by_page_shift[12];
	}
	cr_expect_eq(hits_4k, 2, "the second read and the fetch hit 4K entries");
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

Test(api, parsing_lines_and_numbers)
{
	mmusim_event ev;
	mmusim_error err;
	uint64_t n;

	cr_assert_eq(mmusim_parse_trace_line("map 0x400000 0x200000 8K rxu cache=wc", &ev, &err), 1, "%s",
		     err.message);
	cr_expect_eq(ev.op, MMUSIM_EV_MAP);
	cr_expect_eq(ev.len, 8192);
	cr_expect_eq(ev.flags, MMUSIM_PROP_R | MMUSIM_PROP_X | MMUSIM_PROP_U);
	cr_expect_eq(ev.cache, MMUSIM_CACHE_WC);
	cr_assert_eq(mmusim_parse_trace_line("flush va 0x1000 asid 3", &ev, &err), 1, "%s", err.message);
	cr_expect_eq(ev.op, MMUSIM_EV_FLUSH);
	cr_expect_eq(ev.scope, MMUSIM_FLUSH_VA_ASID);
	cr_expect_eq(ev.n, 3);
	cr_expect_eq(mmusim_parse_trace_line("   # nothing", &ev, &err), 0);
	cr_expect_eq(mmusim_parse_trace_line("jump 0x1000", &ev, &err), -1);
	cr_expect(strstr(err.message, "jump") != NULL, "message: %s", err.message);

	cr_expect_eq(mmusim_parse_number("8K", true, &n, &err), MMUSIM_OK);
	cr_expect_eq(n, 8192);
	cr_expect_eq(mmusim_parse_number("0x10", false, &n, &err), MMUSIM_OK);
	cr_expect_eq(n, 16);
	cr_expect_eq(mmusim_parse_number("8K", false, &n, &err), MMUSIM_EINVAL);
	cr_expect(strstr(err.message, "'8K'") != NULL, "message: %s", err.message);
	cr_expect_eq(mmusim_parse_number("99999999999999999999", false, &n, &err), MMUSIM_EOVERFLOW);
}

/* traces/example.trace applied directly: the ranges README.md's mappings example lists. */
Test(api, setup_from_a_trace)
{
	mmusim_machine *m = new_machine("x86_64");
	const mmusim_config *cfg = mmusim_machine_config(m);
	mmusim_trace *t;
	mmusim_error err;
	mmusim_mapping map;
	mmusim_translation tr;

	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/example.trace", MMUSIM_TRACE_TEXT, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_apply_trace(m, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	cr_assert(mmusim_query(m, 0x404000, &map));
	cr_expect_eq(map.pa, 0x10004000);
	cr_assert(mmusim_query(m, 0xffffc90000000000ull, &map));
	cr_expect_eq(map.pa, 0xfee00000);
	cr_expect_str_eq(mmusim_config_root_register(cfg), "cr3");

	/* Each pointer PTE holds the next table's address. */
	mmusim_translate(m, &(mmusim_request){ .va = 0x404000, .no_ad_update = true }, &tr);
	cr_assert(tr.ok);
	for (unsigned i = 0; i + 1 < tr.nr_steps; i++)
		cr_expect_eq(mmusim_pte_address(cfg, tr.steps[i].pte, tr.steps[i].level), tr.steps[i + 1].table);
	cr_expect_eq(mmusim_pte_address(cfg, tr.leaf_pte, tr.level), 0x10004000);

	/* priv changes the privilege of the accesses after it */
	enum mmusim_priv priv = MMUSIM_USER;
	mmusim_event ev = { .op = MMUSIM_EV_PRIV, .n = MMUSIM_SUPERVISOR };
	cr_expect_eq(mmusim_apply_event(m, &ev, &priv, &err), MMUSIM_OK);
	cr_expect_eq(priv, MMUSIM_SUPERVISOR);
	mmusim_machine_destroy(m);
}

Test(api, setup_errors_name_the_line)
{
	char path[] = "/tmp/mmusim_api_setup_XXXXXX";
	int fd = mkstemp(path);
	mmusim_machine *m = new_machine("x86_64");
	mmusim_trace *t;
	mmusim_error err;
	char want[64];

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "map 0x400000 0x1000 4K r\nmap 0x400800 0x2000 4K r\n", 50), 50);
	close(fd);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_TEXT, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_apply_trace(m, t, &err), MMUSIM_EUNALIGNED);
	snprintf(want, sizeof(want), "%s:2: ", path);
	cr_expect(strncmp(err.message, want, strlen(want)) == 0, "message: %s", err.message);
	mmusim_trace_close(t);
	unlink(path);
	mmusim_machine_destroy(m);
}

/* The formats the command line reads, each by name, read from its fixture. */
Test(api, every_trace_format_by_name)
{
	static const struct { const char *name, *fixture; enum mmusim_trace_format fmt; } formats[] = {
		{ "champsim", "loop.champsim.gz", MMUSIM_TRACE_CHAMPSIM },
		{ "din", "loop.din.xz", MMUSIM_TRACE_DIN },
		{ "pinatrace", "loop.pinatrace", MMUSIM_TRACE_PINATRACE },
	};
	enum mmusim_trace_format fmt;
	mmusim_error err = { 0 };

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char path[512];
		mmusim_trace *t;
		mmusim_event ev[4];

		cr_expect_eq(mmusim_trace_format_parse(formats[i].name, &fmt), MMUSIM_OK);
		cr_expect_eq(fmt, formats[i].fmt);
		cr_expect_str_eq(mmusim_trace_format_name(formats[i].fmt), formats[i].name);
		snprintf(path, sizeof(path), MMUSIM_SOURCE_DIR "/traces/fixtures/%s", formats[i].fixture);
		cr_assert_eq(mmusim_trace_open(path, formats[i].fmt, &t, &err), MMUSIM_OK, "%s", err.message);
		cr_expect_eq(mmusim_trace_format(t), formats[i].fmt);
		long n = mmusim_trace_next(t, ev, 4, &err);
		cr_expect_gt(n, 0, "%s: %s", formats[i].name, err.message);
		cr_expect_eq(ev[0].op, MMUSIM_EV_ACCESS, "%s", formats[i].name);
		mmusim_trace_close(t);
	}
	cr_expect_str_eq(mmusim_trace_format_name((enum mmusim_trace_format)99), "unknown");
	cr_expect_eq(mmusim_trace_format_parse("dinero", &fmt), MMUSIM_EINVAL);
}

struct progress_seen {
	unsigned calls;
	uint64_t offset, size;
};

static void note_progress(void *arg, uint64_t offset, uint64_t size)
{
	struct progress_seen *p = arg;

	p->calls++;
	p->offset = offset;
	p->size = size;
}

/* A replay with a progress callback counts what a plain replay counts, and ends at the file's size. */
Test(api, replay_reports_progress)
{
	mmusim_machine *m = new_machine("x86_64");
	struct progress_seen seen = { 0 };
	mmusim_mmu *mmu;
	mmusim_trace *t;
	mmusim_error err;
	mmusim_stats s;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_TRACE_AUTO, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_replay_progress(mmu, t, note_progress, &seen, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	cr_expect_eq(seen.calls, 1, "one batch for a small trace");
	cr_expect_gt(seen.size, 0);
	cr_expect_eq(seen.offset, seen.size, "the whole file was read");
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_READ] + s.accesses[MMUSIM_WRITE] + s.accesses[MMUSIM_EXEC], 4);
	cr_expect_eq(s.cycles, 535);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

/* One read of a trace, many mmus: each counts what its own replay counts; a bad line stops them all. */
Test(api, replay_many_matches_separate_replays)
{
	mmusim_machine *m[2] = { new_machine("x86_64"), new_machine("x86_64") };
	mmusim_mmu *mmu[2];
	mmusim_error errs[2], err;
	mmusim_trace *t;
	mmusim_stats s;

	for (unsigned i = 0; i < 2; i++)
		cr_assert_eq(mmusim_mmu_create(m[i], NULL, &mmu[i], &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_TRACE_AUTO, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_replay_many(mmu, 2, t, 0, errs, &err), MMUSIM_EINVAL, "no threads is refused");
	cr_expect_str_eq(err.message, "thread count 0 is out of range (1 to 256)");
	cr_expect_eq(mmusim_mmu_replay_many(mmu, 2, t, 257, errs, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "thread count 257 is out of range (1 to 256)");
	cr_assert_eq(mmusim_mmu_replay_many(mmu, 2, t, 2, errs, &err), MMUSIM_OK, "%s", err.message);
	mmusim_trace_close(t);
	for (unsigned i = 0; i < 2; i++) {
		cr_expect_eq(errs[i].code, MMUSIM_OK);
		mmusim_mmu_stats(mmu[i], &s);
		cr_expect_eq(s.walks, 2);
		cr_expect_eq(s.pte_reads, 5);
		cr_expect_eq(s.cycles, 535, "as replay_a_trace_with_statistics");
	}

	char path[] = "/tmp/mmusim-api-many-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("r 0x1000\nbogus\n", f);
	fclose(f);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_TEXT, &t, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_replay_many(mmu, 2, t, 1, NULL, &err), -1);
	cr_expect(strstr(err.message, ":2: ") != NULL, "names the line: %s", err.message);
	mmusim_trace_close(t);
	unlink(path);
	for (unsigned i = 0; i < 2; i++) {
		mmusim_mmu_destroy(mmu[i]);
		mmusim_machine_destroy(m[i]);
	}
}

/*
 * replay_many runs each mmu on its own thread over its own machine: an mmu named twice would be
 * replayed twice at once (a data race, every count doubled), two mmus over one machine would
 * demand-page into one page table from two threads.  Both are refused before anything runs.
 */
Test(api, replay_many_refuses_an_mmu_or_a_machine_named_twice)
{
	mmusim_machine *m[2] = { new_machine("x86_64"), new_machine("x86_64") };
	mmusim_mmu *mmu[3];
	mmusim_error err;
	mmusim_trace *t;
	mmusim_stats s;

	for (unsigned i = 0; i < 2; i++)
		cr_assert_eq(mmusim_mmu_create(m[i], NULL, &mmu[i], &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m[0], NULL, &mmu[2], &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_TRACE_AUTO, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	mmusim_mmu *same[2] = { mmu[1], mmu[1] };
	cr_expect_eq(mmusim_mmu_replay_many(same, 2, t, 2, NULL, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "mmu 1 is mmu 0: each replay needs its own mmu");
	mmusim_mmu *shared[3] = { mmu[0], mmu[1], mmu[2] };
	cr_expect_eq(mmusim_mmu_replay_many(shared, 3, t, 1, NULL, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "mmu 2 is over the machine of mmu 0: each replay needs its own machine");
	mmusim_mmu *none[2] = { mmu[0], NULL };
	cr_expect_eq(mmusim_mmu_replay_many(none, 2, t, 1, NULL, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "mmu 1 is NULL");
	mmusim_mmu_stats(mmu[1], &s);
	cr_expect_eq(s.accesses[MMUSIM_READ] + s.accesses[MMUSIM_WRITE] + s.accesses[MMUSIM_EXEC], 0,
		     "nothing ran");
	cr_assert_eq(mmusim_mmu_replay_many(mmu, 2, t, 2, NULL, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_stats(mmu[1], &s);
	cr_expect_eq(s.cycles, 535, "the trace was still whole for a correct call");
	mmusim_trace_close(t);
	for (unsigned i = 0; i < 3; i++)
		mmusim_mmu_destroy(mmu[i]);
	for (unsigned i = 0; i < 2; i++)
		mmusim_machine_destroy(m[i]);
}

/* A trace from a pipe: read to its end, errors named by the name given, the descriptor left open. */
Test(api, trace_from_a_descriptor)
{
	static const char text[] = "r 0x1000\nw 0x2000\nbogus\n";
	mmusim_event ev[8];
	mmusim_error err;
	mmusim_trace *t;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(p[1]);
	cr_expect_eq(mmusim_trace_open_fd(-1, "prog", MMUSIM_TRACE_TEXT, &t, &err), MMUSIM_EINVAL);
	cr_expect_null(t);
	cr_assert_eq(mmusim_trace_open_fd(p[0], "prog", MMUSIM_TRACE_TEXT, &t, &err), MMUSIM_OK, "%s", err.message);
	long n = mmusim_trace_next(t, ev, 8, &err);
	if (n > 0) {
		cr_expect_eq(n, 2);
		cr_expect_eq(ev[1].access, MMUSIM_WRITE);
		cr_expect_eq(ev[1].va, 0x2000);
		n = mmusim_trace_next(t, ev, 8, &err);
	}
	cr_expect_eq(n, -1);
	cr_expect_eq(strncmp(err.message, "prog:3: unknown command 'bogus'", 31), 0, "got: %s", err.message);
	mmusim_trace_close(t);
	cr_expect_eq(close(p[0]), 0, "the trace leaves the descriptor open");
}

/* Index fields by the SDM's 4-level layout (VA[47:39], [38:30], [29:21], [20:12]) and Sv32's 10-bit ones. */
Test(api, va_layout_by_level)
{
	mmusim_machine *x86 = new_machine("x86_64"), *sv32 = new_machine("sv32"), *sv39 = new_machine("sv39");
	const mmusim_config *c = mmusim_machine_config(x86), *n = mmusim_machine_config(sv32);
	const mmusim_config *r = mmusim_machine_config(sv39);

	cr_expect_eq(mmusim_config_index_shift(c, 1), 12);
	cr_expect_eq(mmusim_config_index_shift(c, 4), 39);
	cr_expect_eq(mmusim_va_index(c, 0x8040203000, 4), 1);
	cr_expect_eq(mmusim_va_index(c, 0x8040203000, 3), 1);
	cr_expect_eq(mmusim_va_index(c, 0x8040203000, 2), 1);
	cr_expect_eq(mmusim_va_index(c, 0x8040203000, 1), 3);
	cr_expect(mmusim_config_va_sign_extended(c));
	cr_expect(mmusim_va_canonical(c, 0xffff800000000000));
	cr_expect(!mmusim_va_canonical(c, 0x0000800000000000));
	cr_expect_eq(mmusim_config_entries_per_node(c), 512);
	cr_expect_eq(mmusim_config_entries_per_node(n), 1024);
	cr_expect_eq(mmusim_config_index_shift(n, 2), 22);
	cr_expect_eq(mmusim_va_index(n, 0xffc01000, 2), 0x3ff);
	cr_expect_eq(mmusim_va_index(n, 0xffc01000, 1), 1);
	/* No level 0 nor one above the root: 0, not bits from a shift by 992 (undefined in C; 564 on x86). */
	cr_expect_eq(mmusim_va_index(n, 0x123456789000, 99), 0);
	cr_expect_eq(mmusim_va_index(n, 0xffc01000, 3), 0);
	cr_expect_eq(mmusim_va_index(n, 0xffc01000, 0), 0);
	cr_expect_eq(mmusim_va_index(c, 0xffffffffffffffff, 5), 0);
	cr_expect(!mmusim_config_va_sign_extended(n));
	cr_expect(mmusim_va_canonical(n, 0xffffffff));
	cr_expect(!mmusim_va_canonical(n, 0x100000000));
	/* RV32's registers are 32 bits (XLEN); x86-64 and Sv39's are 64. */
	cr_expect_eq(mmusim_config_address_bits(n), 32);
	cr_expect_eq(mmusim_config_address_bits(c), 64);
	cr_expect_eq(mmusim_config_address_bits(r), 64);
	/* cr3 with PCID 0 is the root; satp is MODE=8 (Sv39) | ASID << 44 | PPN (priv spec 4.1.11). */
	cr_expect_eq(mmusim_config_root_register_value(c, 0x5000, 0), 0x5000);
	cr_expect_eq(mmusim_config_root_register_value(r, 0x80001000, 5), (8ull << 60) | (5ull << 44) | 0x80001);
	mmusim_machine_destroy(x86);
	mmusim_machine_destroy(sv32);
	mmusim_machine_destroy(sv39);
}

/* x86-64 PTEs: P is bit 0, PS makes an upper-level entry a leaf, the address is bits 51:12 of a 4K leaf. */
/* An x86_64 machine with one rw user page at 0x400000 -> 0x10000, and a walk of it by `access`. */
static mmusim_machine *machine_with_user_page(enum mmusim_access access, mmusim_translation *t)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_error err;

	cr_assert_eq(mmusim_map(m, 0x400000, 0x10000, 4096, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000, .access = access }, t);
	cr_assert(t->ok);
	return m;
}

Test(api, pte_present_leaf_address_and_flags)
{
	mmusim_translation t;
	mmusim_machine *m = machine_with_user_page(MMUSIM_WRITE, &t);
	const mmusim_config *cfg = mmusim_machine_config(m);

	cr_assert_eq(t.nr_steps, 4);
	cr_expect(mmusim_pte_present(cfg, t.steps[0].pte));
	cr_expect(!mmusim_pte_leaf(cfg, t.steps[0].pte, 4));
	cr_expect(mmusim_pte_leaf(cfg, t.leaf_pte, 1));
	cr_expect(!mmusim_pte_present(cfg, 0));
	cr_expect(!mmusim_pte_leaf(cfg, 0, 1));
	cr_expect(mmusim_pte_leaf(cfg, 0x83, 2), "P RW PS at level 2 maps a 2M page");
	cr_expect_eq(mmusim_pte_address_mask(cfg, t.leaf_pte, 1) & 0xfffff000, 0xfffff000);
	cr_expect_eq(mmusim_pte_address_mask(cfg, t.leaf_pte, 1) & 0xfff, 0);
	cr_expect_eq(mmusim_pte_address_mask(cfg, t.leaf_pte, 1) >> 52, 0);
	/* The write set A and D: not in the PTE as read, in the one left behind. */
	cr_expect(!(mmusim_pte_flags(cfg, t.steps[3].pte, 1) & MMUSIM_PROP_D));
	cr_expect(mmusim_pte_flags(cfg, t.leaf_pte, 1) & MMUSIM_PROP_A);
	cr_expect(mmusim_pte_flags(cfg, t.leaf_pte, 1) & MMUSIM_PROP_D);
	cr_expect(mmusim_pte_flags(cfg, t.leaf_pte, 1) & MMUSIM_PROP_W);
	mmusim_machine_destroy(m);
}

struct seen_entries {
	unsigned n;
	mmusim_tlb_entry e[8];
};

static int note_entry(void *arg, const mmusim_tlb_entry *e)
{
	struct seen_entries *s = arg;

	if (s->n < 8)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static int stop_at_first(void *arg, const mmusim_tlb_entry *e)
{
	(void)arg;
	(void)e;
	return 7;
}

/* The x86_64 preset's caches, and what a read and a write leave in the current CPU's TLBs. */
Test(api, tlb_contents_of_the_current_cpu)
{
	mmusim_machine *m = new_machine("x86_64");
	const mmusim_config *cfg = mmusim_machine_config(m);
	mmusim_cache_info ci;
	mmusim_mmu_result r;
	mmusim_error err;
	mmusim_mmu *mmu;
	struct seen_entries s = { 0 };
	enum mmusim_priv priv;
	unsigned cpu;
	uint16_t asid;

	cr_assert_eq(mmusim_config_cache_info(cfg, false, 1, &ci), MMUSIM_OK);
	cr_expect_str_eq(ci.name, "l1d");
	cr_expect_str_eq(ci.serves, "data");
	cr_expect_eq(ci.level, 1);
	cr_expect_eq(ci.entries, 64);
	cr_expect_eq(ci.ways, 4);
	/* Skylake: l1i l1d l1i_2m l1d_2m l1d_1g stlb stlb_1g (configs/x86_64.yaml) */
	cr_expect_eq(mmusim_config_cache_info(cfg, false, 2, &ci), MMUSIM_OK);
	cr_expect_str_eq(ci.name, "l1i_2m");
	cr_expect_str_eq(ci.serves, "instruction");
	cr_expect_eq(ci.entries, 8);
	cr_expect_eq(mmusim_config_cache_info(cfg, false, 5, &ci), MMUSIM_OK);
	cr_expect_str_eq(ci.name, "stlb");
	cr_expect_str_eq(ci.serves, "unified");
	cr_expect_eq(mmusim_config_cache_info(cfg, false, 7, &ci), MMUSIM_EINVAL);
	cr_expect_eq(mmusim_config_cache_info(cfg, true, mmusim_config_nr_pwcs(cfg), &ci), MMUSIM_EINVAL);

	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 0x2000, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x401010, MMUSIM_WRITE, &r);
	cr_assert(r.ok);
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 1, note_entry, &s), 0);
	cr_assert_eq(s.n, 1, "the write filled l1d once");
	cr_expect_eq(s.e[0].va, 0x401000);
	cr_expect_eq(s.e[0].pa, 0x201000);
	cr_expect_eq(s.e[0].size, 4096);
	cr_expect_eq(s.e[0].level, 1);
	cr_expect_eq(s.e[0].perms, MMUSIM_PERM_R | MMUSIM_PERM_W | MMUSIM_PERM_U, "no x: NX set");
	cr_expect(s.e[0].dirty, "a write caches the leaf with D set");
	cr_expect_not(s.e[0].global);
	s.n = 0;
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 0, note_entry, &s), 0);
	cr_expect_eq(s.n, 0, "no fetch: l1i is empty");
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 1, stop_at_first, NULL), 7);
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 9, note_entry, &s), MMUSIM_EINVAL);

	/* Another CPU has caches of its own, in its own address space. */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 3, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_switch_asid(mmu, 5, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_set_priv(mmu, MMUSIM_SUPERVISOR);
	mmusim_mmu_current(mmu, &cpu, &asid, &priv);
	cr_expect_eq(cpu, 3);
	cr_expect_eq(asid, 5);
	cr_expect_eq(priv, MMUSIM_SUPERVISOR);
	s.n = 0;
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 1, note_entry, &s), 0);
	cr_expect_eq(s.n, 0);
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 0, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_current(mmu, &cpu, &asid, &priv);
	cr_expect_eq(cpu, 0);
	cr_expect_eq(asid, 0);
	cr_expect_eq(priv, MMUSIM_USER);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

/* The toy preset's PTE bits (configs/toy.yaml); a hardware format has none to report. */
Test(api, pte_layout_top_ranges_and_pa_bits)
{
	mmusim_config *cfg;
	mmusim_error err;
	mmusim_pte_layout l;
	unsigned start, end;

	cr_assert_eq(mmusim_config_load("toy", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert(mmusim_config_pte_layout(cfg, &l));
	cr_expect_eq(l.valid, 0);
	cr_expect_eq(l.read, 1);
	cr_expect_eq(l.write, 2);
	cr_expect_eq(l.exec, 3);
	cr_expect_eq(l.user, 4);
	cr_expect_eq(l.huge, 5);
	cr_expect_eq(l.accessed, -1);
	cr_expect_eq(l.dirty, -1);
	cr_expect_eq(l.frame_shift, 6);
	cr_expect_eq(l.frame_width, 10);
	mmusim_config_free(cfg);

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_not(mmusim_config_pte_layout(cfg, &l));
	mmusim_config_user_top_range(cfg, &start, &end);
	cr_expect_eq(start, 0);
	cr_expect_eq(end, 256, "the lower half of the PML4");
	mmusim_config_kernel_top_range(cfg, &start, &end);
	cr_expect_eq(start, 256);
	cr_expect_eq(end, 512, "the upper half of the PML4");
	cr_expect_eq(mmusim_config_pa_bits(cfg), 52);
	mmusim_config_free(cfg);
}

static mmusim_config *parse_config(const char *yaml)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg = NULL;

	cr_assert_eq(mmusim_config_parse(yaml, strlen(yaml), "t.yaml", &cfg, &err), MMUSIM_OK, "%s", err.message);
	return cfg;
}

/*
 * SDM 4.3: with CR4.PSE=0, PS (bit 7) of a PDE is ignored.  PDE 0x2087 (P RW
 * US PS, bits 31:12 = 0x2000) then points to the page table at 0x2000; read
 * as a 4 MiB PDE it would map PA 0x100000000 (bit 13 = PA bit 32, PSE-36).
 */
Test(api, x86_32_pse_off_ps_is_ignored)
{
	mmusim_config *off = parse_config("extends: x86_32\nname: nopse\nhighest_translation_level: 1\n"
					  "cpu: { pse: false }\n"
					  "tlb:\n  - { name: l1, level: 1, kind: unified, entries: 16, ways: 4, page_sizes: [4K] }\n");
	mmusim_config *on = parse_config("extends: x86_32\n");

	cr_expect(!mmusim_pte_leaf(off, 0x2087, 2));
	cr_expect_eq(mmusim_pte_address(off, 0x2087, 2), 0x2000);
	cr_expect_eq(mmusim_pte_address_mask(off, 0x2087, 2), 0xfffff000, "bits 31:12 of a pointer");
	cr_expect(mmusim_pte_leaf(on, 0x2087, 2));
	cr_expect_eq(mmusim_pte_address(on, 0x2087, 2), 0x100000000ull);
	/* Bits 31:22 and 20:13 of a 4 MiB PDE (table 4-4), all below MAXPHYADDR 40. */
	cr_expect_eq(mmusim_pte_address_mask(on, 0x2087, 2), 0xffdfe000);
	mmusim_config_free(off);
	mmusim_config_free(on);
}

/* The address field the hardware uses: SDM tables 4-15..4-20 (M = MAXPHYADDR), Sv39 PPN fields. */
Test(api, address_field_of_leaves_and_maxphyaddr)
{
	mmusim_config *x52 = parse_config("extends: x86_64\n");
	mmusim_config *x40 = parse_config("extends: x86_64\nphys_addr_width: 40\n");
	mmusim_config *sv39 = parse_config("extends: sv39\n");

	cr_expect_eq(mmusim_pte_address_mask(x52, 0x80000083ull, 2), 0x000fffffffe00000ull, "2M PDE: 51:21");
	cr_expect_eq(mmusim_pte_address_mask(x52, 0x80000083ull, 3), 0x000fffffc0000000ull, "1G PDPTE: 51:30");
	cr_expect_eq(mmusim_pte_address_mask(x52, 0x80000003ull, 1), 0x000ffffffffff000ull, "PTE: 51:12");
	cr_expect_eq(mmusim_pte_address_mask(x40, 0x80000003ull, 1), 0x000000fffffff000ull, "PTE, M=40: 39:12");
	cr_expect_eq(mmusim_pte_address_mask(x40, 0x80000003ull, 4), 0x000000fffffff000ull, "PML4E, M=40: 39:12");
	cr_expect_eq(mmusim_pte_address_mask(x40, 0x80000083ull, 2), 0x000000ffffe00000ull, "2M PDE, M=40: 39:21");
	/* Sv39: PPN in 53:10; a megapage's PPN[0] (18:10) is zero, its frame is PPN[2]:PPN[1] = 53:19. */
	cr_expect_eq(mmusim_pte_address_mask(sv39, 0x2008000full, 2), 0x003ffffffff80000ull, "megapage: 53:19");
	cr_expect_eq(mmusim_pte_address_mask(sv39, 0x2008000full, 1), 0x003ffffffffffc00ull, "4K: 53:10");
	mmusim_config_free(x52);
	mmusim_config_free(x40);
	mmusim_config_free(sv39);
}

/* SDM 4.6: a user read needs U/S=1 in every entry; the PML4E's U/S=0 refuses, the leaf level is reported. */
Test(api, the_refusing_entry_and_its_name)
{
	mmusim_translation t;
	mmusim_machine *m = machine_with_user_page(MMUSIM_READ, &t);
	const mmusim_config *cfg = mmusim_machine_config(m);
	uint64_t pml4e;

	cr_assert_eq(mmusim_mem_read(m, t.steps[0].pte_addr, 8, &pml4e), MMUSIM_OK);
	cr_assert_eq(mmusim_mem_write(m, t.steps[0].pte_addr, 8, pml4e & ~4ull), MMUSIM_OK);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t);
	cr_assert(!t.ok);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_PERMISSION);
	cr_expect_eq(t.fault_level, 1);
	cr_expect_eq(t.fault_code, 0x5, "P|U");
	cr_expect_eq(t.refused_level, 4);
	cr_expect_eq(t.refused_pte_addr, t.steps[0].pte_addr);
	cr_expect_str_eq(mmusim_config_entry_name(cfg, t.refused_level), "PML4E");
	cr_expect_str_eq(mmusim_config_entry_name(cfg, 3), "PDPTE");
	cr_expect_str_eq(mmusim_config_entry_name(cfg, 2), "PDE");
	cr_expect_str_eq(mmusim_config_entry_name(cfg, 1), "PTE");
	/* A non-canonical VA reads no entry: none refused. */
	mmusim_translate(m, &(mmusim_request){ .va = 0x800000000000ull }, &t);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_NON_CANONICAL);
	cr_expect_eq(t.refused_level, 0);
	mmusim_machine_destroy(m);
}

/*
 * Two VMs on two CPUs (sv39x4, see tests/test_cli_vm.c for the host layout:
 * VM 0's GPA g at HPA 0xc0000000 + (g - 0x80000000), VM 1's at
 * 0x180000000 + ...).  Each CPU walks its own VM's tables whichever VM the
 * machine last ran, and its TLB entries carry the VMID.
 */
Test(api, vms_on_cpus)
{
	mmusim_machine *m = new_machine("sv39x4");
	const uint32_t rwu = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U;
	struct seen_entries s = { 0 };
	mmusim_mmu_result r;
	mmusim_error err;
	mmusim_mmu *mmu;

	cr_assert_eq(mmusim_map(m, 0x1000, 0x80200000, 0x1000, rwu, MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 1, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_event(mmu, &(mmusim_event){ .op = MMUSIM_EV_VM, .n = 1 }, &err), MMUSIM_OK, "%s",
		     err.message);
	cr_expect_eq(mmusim_current_vm(m), 1);
	cr_assert_eq(mmusim_map(m, 0x1000, 0x80300000, 0x1000, rwu, MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x1234, MMUSIM_READ, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.pa, 0x180300234);
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 1, note_entry, &s), 0);
	cr_assert_eq(s.n, 1);
	cr_expect_eq(s.e[0].vmid, 1);
	cr_expect_eq(s.e[0].asid, 0);
	/* CPU 0 still runs VM 0. */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 0, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_current_vm(m), 0);
	mmusim_mmu_translate(mmu, 0x1234, MMUSIM_READ, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.pa, 0xc0200234);
	/* The machine switched behind the mmu's back: the walk still uses CPU 0's VM. */
	cr_assert_eq(mmusim_switch_vm(m, 1, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x1238, MMUSIM_WRITE, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.pa, 0xc0200238);
	/* ... and an ASID switch names an address space of CPU 0's VM. */
	cr_assert_eq(mmusim_switch_vm(m, 1, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_switch_asid(mmu, 3, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_current_vm(m), 0);
	mmusim_mmu_destroy(mmu);

	cr_expect_str_eq(mmusim_config_stage2_root_register(mmusim_machine_config(m)), "hgatp");
	cr_expect_eq(mmusim_switch_vm(m, 256, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "vm 256 is out of range (at most 255)");
	mmusim_machine_destroy(m);
	m = new_machine("sv39");
	cr_expect_null(mmusim_config_stage2_root_register(mmusim_machine_config(m)));
	cr_expect_eq(mmusim_current_vm(m), 0);
	cr_expect_eq(mmusim_switch_vm(m, 0, &err), MMUSIM_OK);
	cr_expect_eq(mmusim_switch_vm(m, 2, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "vm 2: config sv39 has no stage2: block, so it runs no virtual machines");
	mmusim_machine_destroy(m);
}

/* Authoring through the API: a pte line of two fields is two events; applied, the PDPTE refuses user writes. */
Test(api, authoring_events)
{
	mmusim_machine *m = new_machine("x86_64");
	mmusim_event ev[MMUSIM_TRACE_LINE_EVENTS];
	mmusim_error err;
	mmusim_translation t;
	enum mmusim_priv priv = MMUSIM_USER;

	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 4096, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_parse_trace_line_events("pte 0x400000 3 rw=0 us=1", ev, MMUSIM_TRACE_LINE_EVENTS, &err), 2,
		     "%s", err.message);
	cr_expect_eq(ev[0].op, MMUSIM_EV_PTE_FIELD);
	cr_expect_eq(ev[0].n, 3);
	cr_expect_eq(ev[0].pa, 18 | (23 << 6), "'r' = 18, 'w' = 23");
	for (int i = 0; i < 2; i++)
		cr_assert_eq(mmusim_apply_event(m, &ev[i], &priv, &err), MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000, .access = MMUSIM_WRITE, .priv = MMUSIM_USER }, &t);
	cr_expect(!t.ok);
	cr_expect_eq(t.fault_code, 0x7, "P W U");
	cr_expect_eq(mmusim_parse_trace_line_events("poke 0x1000 1", ev, 4, &err), -1);
	cr_expect_str_eq(err.message, "room for fewer than MMUSIM_TRACE_LINE_EVENTS events");
	cr_assert_eq(mmusim_parse_trace_line("poke 0x1000000000 1", &ev[0], &err), 1, "%s", err.message);
	cr_expect_eq(mmusim_apply_event(m, &ev[0], &priv, &err), MMUSIM_ERANGE);
	cr_expect_str_eq(err.message, "poke: PA 0x1000000000 is outside memory [0x0, 0x1000000000)");
	ev[0].size = 3;
	cr_expect_eq(mmusim_apply_event(m, &ev[0], &priv, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "bad poke size 3 (expected 1, 2, 4 or 8 bytes)");
	mmusim_machine_destroy(m);
}

/*
 * mmusim_translate on a VM answers a stage-2 fault with stage 2's scause
 * (RISC-V Hypervisor extension: 21 load guest-page fault, 23 store/AMO), and
 * mmusim_fault_describe names it: it said "scause 21 (?)".
 */
Test(api, vm_fault_describe_names_guest_page_faults)
{
	mmusim_machine *m = new_machine("sv39x4");
	const uint32_t rwu = MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U;
	mmusim_translation t;
	mmusim_error err;
	char text[160];

	cr_assert_eq(mmusim_map(m, 0x1000, 0x80200000, 0x1000, rwu, MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_gunmap(m, 0x80200000, 0x1000, &err), MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x1234, .access = MMUSIM_READ, .priv = MMUSIM_USER }, &t);
	cr_assert(!t.ok);
	cr_expect_eq(t.fault_code, 21);
	mmusim_fault_describe(mmusim_machine_config(m), &t, text, sizeof(text));
	cr_expect_str_eq(text, "scause 21 (load guest-page fault)");
	mmusim_translate(m, &(mmusim_request){ .va = 0x1234, .access = MMUSIM_WRITE, .priv = MMUSIM_USER }, &t);
	cr_expect_eq(t.fault_code, 23);
	mmusim_fault_describe(mmusim_machine_config(m), &t, text, sizeof(text));
	cr_expect_str_eq(text, "scause 23 (store/AMO guest-page fault)");
	mmusim_machine_destroy(m);
}

/*
 * A 32-bit machine forms no VA wider than 32 bits (SDM vol. 3 4.3; Sv32 with
 * SXLEN = 32): the one-address walk and the MMU refuse one as out of range, as
 * the CLI does, rather than answer with a non-canonical fault (a #GP of
 * 64-bit mode).  The top 32-bit VA still walks.
 */
Test(api, va_beyond_a_32_bit_machine_is_out_of_range)
{
	static const char *const presets[] = { "x86_32", "sv32" };
	static const char *const msgs[] = { "VA 0x100000000 is out of range: x86_32 addresses are 32 bits",
					    "VA 0x100000000 is out of range: riscv32 addresses are 32 bits" };

	for (unsigned i = 0; i < 2; i++) {
		mmusim_machine *m = new_machine(presets[i]);
		mmusim_request req = { .va = 0x100000000ull, .access = MMUSIM_READ, .priv = MMUSIM_USER };
		mmusim_translation t;
		mmusim_mmu *mmu;
		mmusim_mmu_result r;
		mmusim_error err;

		cr_expect_eq(mmusim_translate(m, &req, &t), MMUSIM_ERANGE);
		cr_expect_str_eq(mmusim_machine_last_error(m), msgs[i]);
		req.va = 0xffffffffull;
		cr_expect_eq(mmusim_translate(m, &req, &t), MMUSIM_OK);
		cr_expect(!t.ok && t.fault_kind == MMUSIM_FAULT_NOT_PRESENT);
		cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
		cr_expect_eq(mmusim_mmu_translate(mmu, 0x100000000ull, MMUSIM_READ, &r), MMUSIM_ERANGE);
		cr_expect_str_eq(mmusim_mmu_last_error(mmu), msgs[i]);
		mmusim_mmu_destroy(mmu);
		mmusim_machine_destroy(m);
	}
}

/*
 * mmusim_fault_reason_describe names the reserved bits a RISC-V pointer sets,
 * by the privileged spec's names (D, A, U reserved in non-leaf PTEs); a rule
 * with nothing more to say keeps its sentence (x86's not-present PML4E).
 */
Test(api, fault_reason_names_the_set_bits)
{
	mmusim_machine *m = new_machine("sv39");
	mmusim_error err;
	mmusim_translation t;
	char buf[160];

	cr_assert_eq(mmusim_map(m, 0x400000, 0x80200000, 0x1000, MMUSIM_PROP_R | MMUSIM_PROP_U, MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t);
	cr_assert(t.ok);
	/* The level-2 pointer with U and D set (bits 4 and 7). */
	cr_assert_eq(mmusim_mem_write(m, t.steps[1].pte_addr, 8, t.steps[1].pte | 0x90), MMUSIM_OK);
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t);
	cr_assert(!t.ok);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_RESERVED_BIT);
	mmusim_fault_reason_describe(mmusim_machine_config(m), 0x400000, &t, buf, sizeof(buf));
	cr_expect_str_eq(buf, "D and U are set in a non-leaf PTE, where D, A, U, N and PBMT are reserved for future "
			      "standard use");
	/* A buffer too small is cut, never overrun. */
	mmusim_fault_reason_describe(mmusim_machine_config(m), 0x400000, &t, buf, 8);
	cr_expect_str_eq(buf, "D and U");
	mmusim_machine_destroy(m);

	m = new_machine("x86_64");
	mmusim_translate(m, &(mmusim_request){ .va = 0x400000 }, &t);
	cr_assert(!t.ok);
	mmusim_fault_reason_describe(mmusim_machine_config(m), 0x400000, &t, buf, sizeof(buf));
	cr_expect_str_eq(buf, "the PML4E is not present (P/V bit clear)");
	mmusim_machine_destroy(m);
}
