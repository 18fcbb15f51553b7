/*
 * NULL pointer arguments (a NULL left by an earlier failure and passed on): the calls that
 * create objects or take names, paths, options and arrays return MMUSIM_EINVAL naming the
 * argument; each of these crashed (a segfault, or libyaml's assertion for the config text).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mmusim.h>

/* Runs call, which fills the caller's `err`. */
#define EXPECT_NULL_REFUSED(call, expected)                         \
	do {                                                        \
		memset(&err, 0, sizeof(err));                       \
		cr_expect_eq((call), MMUSIM_EINVAL, "%s", #call);   \
		cr_expect_str_eq(err.message, expected);            \
	} while (0)

Test(api_null, object_creation_refuses_null)
{
	mmusim_config *cfg = (mmusim_config *)1;
	mmusim_machine *m = (mmusim_machine *)1;
	mmusim_mmu *mmu = (mmusim_mmu *)1;
	mmusim_trace *t = (mmusim_trace *)1;
	mmusim_mrc *mrc = (mmusim_mrc *)1;
	mmusim_trace_writer *w;
	mmusim_output *o;
	mmusim_error err;

	EXPECT_NULL_REFUSED(mmusim_config_load(NULL, &cfg, &err), "mmusim_config_load: name_or_path is NULL");
	cr_expect_null(cfg, "*out is cleared");
	EXPECT_NULL_REFUSED(mmusim_config_load("x86_64", NULL, &err), "mmusim_config_load: out is NULL");
	EXPECT_NULL_REFUSED(mmusim_config_parse(NULL, 5, "x.yaml", &cfg, &err), "mmusim_config_parse: yaml is NULL");
	EXPECT_NULL_REFUSED(mmusim_config_from_image(NULL, &cfg, &err), "mmusim_config_from_image: path is NULL");
	EXPECT_NULL_REFUSED(mmusim_machine_create(NULL, &m, &err), "mmusim_machine_create: cfg is NULL");
	cr_expect_null(m);
	EXPECT_NULL_REFUSED(mmusim_mmu_create(NULL, NULL, &mmu, &err), "mmusim_mmu_create: m is NULL");
	cr_expect_null(mmu);
	EXPECT_NULL_REFUSED(mmusim_trace_open(NULL, MMUSIM_TRACE_AUTO, &t, &err), "mmusim_trace_open: path is NULL");
	cr_expect_null(t);
	EXPECT_NULL_REFUSED(mmusim_trace_open_opts(NULL, NULL, &t, &err), "mmusim_trace_open_opts: path is NULL");
	EXPECT_NULL_REFUSED(mmusim_trace_open_fd(0, NULL, MMUSIM_TRACE_AUTO, &t, &err),
			    "mmusim_trace_open_fd: name is NULL");
	EXPECT_NULL_REFUSED(mmusim_mrc_create(NULL, &mrc, &err), "mmusim_mrc_create: opt is NULL");
	cr_expect_null(mrc);
	EXPECT_NULL_REFUSED(mmusim_trace_writer_open(NULL, &w, &err), "mmusim_trace_writer_open: path is NULL");
	EXPECT_NULL_REFUSED(mmusim_output_open(NULL, &o, &err), "mmusim_output_open: path is NULL");
}

Test(api_null, parsers_refuse_null)
{
	mmusim_event ev[MMUSIM_TRACE_LINE_EVENTS];
	mmusim_error err = { 0 };
	uint32_t flags;
	uint64_t v;

	EXPECT_NULL_REFUSED(mmusim_parse_flags(NULL, &flags, &err), "mmusim_parse_flags: letters is NULL");
	EXPECT_NULL_REFUSED(mmusim_parse_number(NULL, false, &v, &err), "mmusim_parse_number: s is NULL");
	cr_expect_eq(mmusim_parse_trace_line(NULL, ev, &err), -1);
	cr_expect_str_eq(err.message, "mmusim_parse_trace_line: line is NULL");
	cr_expect_eq(mmusim_parse_trace_line_events("r 0x1000", NULL, MMUSIM_TRACE_LINE_EVENTS, &err), -1);
	cr_expect_str_eq(err.message, "mmusim_parse_trace_line_events: ev is NULL");
}

Test(api_null, machine_and_mmu_calls_refuse_null_arrays)
{
	mmusim_config *cfg;
	mmusim_machine *m, *img;
	mmusim_mmu *mmu;
	mmusim_error err;
	uint64_t pa;
	size_t done = 99;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	EXPECT_NULL_REFUSED(mmusim_mem_alloc(m, 4096, 4096, NULL, &err), "mmusim_mem_alloc: pa is NULL");
	EXPECT_NULL_REFUSED(mmusim_dump_elf(m, NULL, &err), "mmusim_dump_elf: path is NULL");
	EXPECT_NULL_REFUSED(mmusim_machine_open_image_opts(cfg, NULL, &(mmusim_image_options){ 0 }, &img, &err),
			    "mmusim_machine_open_image_opts: path is NULL");
	EXPECT_NULL_REFUSED(mmusim_machine_open_image_opts(cfg, "x.elf", NULL, &img, &err),
			    "mmusim_machine_open_image_opts: opt is NULL");
	EXPECT_NULL_REFUSED(mmusim_mmu_set_threads_to_cpus(mmu, 0, NULL, 5, &err),
			    "mmusim_mmu_set_threads_to_cpus: cpu_of is NULL");
	cr_expect_eq(mmusim_mmu_set_threads_to_cpus(mmu, 4, NULL, 0, &err), MMUSIM_OK, "no table: round-robin only");
	EXPECT_NULL_REFUSED(mmusim_mmu_replay_many(&mmu, 1, NULL, 1, NULL, &err), "mmusim_mmu_replay_many: t is NULL");
	EXPECT_NULL_REFUSED(mmusim_mmu_translate_many(mmu, NULL, NULL, 5, NULL, NULL, &done, &err),
			    "mmusim_mmu_translate_many: vas is NULL");
	cr_expect_eq(done, 0);
	cr_expect_eq(mmusim_mmu_translate_many(mmu, NULL, NULL, 0, NULL, NULL, NULL, &err), MMUSIM_OK,
		     "nothing to translate: no arrays needed");
	mmusim_request req = { .access = MMUSIM_READ };
	cr_expect_eq(mmusim_translate_many(m, NULL, &pa, 1, &pa, NULL), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), "mmusim_translate_many: req is NULL");
	cr_expect_eq(mmusim_translate_many(m, &req, &pa, 1, NULL, NULL), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), "mmusim_translate_many: pa is NULL");
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

/* max 0 returned 0, which reads as the trace's end: a reader stopped at once, trace unread. */
Test(api_null, trace_next_with_room_for_nothing_is_an_error)
{
	mmusim_event ev[4];
	mmusim_error err;
	mmusim_trace *t;
	long n;

	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_TRACE_AUTO, &t, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_trace_next(t, ev, 0, &err), -1);
	cr_expect_eq(err.code, MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "mmusim_trace_next: room for no event (max 0 or ev NULL)");
	cr_expect_eq(mmusim_trace_next(t, NULL, 4, &err), -1);
	n = mmusim_trace_next(t, ev, 4, &err);
	cr_expect_gt(n, 0, "nothing was consumed: %s", err.message);
	mmusim_trace_close(t);
}

/* The lookups with no err argument: a NULL name or out pointer is a refusal, not a segfault. */
Test(api_null, lookups_without_err_refuse_null)
{
	enum mmusim_trace_format fmt = MMUSIM_TRACE_LACKEY;
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_error err;
	uint64_t v = 7;

	cr_expect_eq(mmusim_trace_format_parse(NULL, &fmt), MMUSIM_EINVAL);
	cr_expect_eq(fmt, MMUSIM_TRACE_LACKEY, "*out is left alone");
	cr_expect_eq(mmusim_trace_format_parse("text", NULL), MMUSIM_EINVAL);
	cr_expect_null(mmusim_preset_yaml(NULL));
	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_not(mmusim_config_cpu_key(cfg, NULL, &v));
	cr_expect_not(mmusim_config_cpu_key(cfg, "wp", NULL));
	cr_expect_eq(v, 7);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mem_read(m, 0, 8, NULL), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), "mmusim_mem_read: val is NULL");
	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 0x1000, MMUSIM_PROP_R, MMUSIM_CACHE_WB, &err), MMUSIM_OK);
	cr_expect(mmusim_query(m, 0x400123, NULL), "NULL out: only whether it is mapped");
	cr_expect_not(mmusim_query(m, 0x401000, NULL));
	mmusim_request req = { .va = 0x1000 };
	mmusim_translation t;
	cr_expect_eq(mmusim_translate(m, NULL, &t), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), "mmusim_translate: req is NULL");
	cr_expect_eq(mmusim_translate(m, &req, NULL), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), "mmusim_translate: out is NULL");
	mmusim_mmu *mmu;
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_translate(mmu, 0x1000, MMUSIM_READ, NULL), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_mmu_last_error(mmu), "mmusim_mmu_translate: out is NULL");
	mmusim_stats s;
	mmusim_mmu_stats(mmu, &s);
	cr_expect_eq(s.accesses[MMUSIM_READ], 0, "a refused call translates nothing");
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

/*
 * A trace or event left NULL by a failed open (or never read) and passed on: each of these
 * segfaulted, where mmusim_mmu_replay_many already refused it.
 */
Test(api_null, trace_and_event_consumers_refuse_null)
{
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_mmu *mmu;
	mmusim_mrc *mrc;
	mmusim_trace_writer *w;
	mmusim_error err;
	enum mmusim_priv priv = MMUSIM_USER;
	char path[] = "/tmp/mmusim-null-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	EXPECT_NULL_REFUSED(mmusim_mmu_replay(mmu, NULL, &err), "mmusim_mmu_replay_progress: t is NULL");
	EXPECT_NULL_REFUSED(mmusim_mmu_replay_progress(mmu, NULL, NULL, NULL, &err),
			    "mmusim_mmu_replay_progress: t is NULL");
	EXPECT_NULL_REFUSED(mmusim_mmu_read_future(mmu, NULL, &err), "mmusim_mmu_read_future: t is NULL");
	EXPECT_NULL_REFUSED(mmusim_mmu_event(mmu, NULL, &err), "mmusim_mmu_event: ev is NULL");
	EXPECT_NULL_REFUSED(mmusim_apply_trace(m, NULL, &err), "mmusim_apply_trace: t is NULL");
	EXPECT_NULL_REFUSED(mmusim_apply_event(m, NULL, &priv, &err), "mmusim_apply_event: ev is NULL");
	EXPECT_NULL_REFUSED(mmusim_apply_event(m, &(mmusim_event){ .op = MMUSIM_EV_ACCESS, .va = 0x1000 }, NULL, &err),
			    "mmusim_apply_event: priv is NULL");
	cr_expect_eq(mmusim_trace_next(NULL, &(mmusim_event){ 0 }, 1, &err), -1);
	cr_expect_str_eq(err.message, "mmusim_trace_next: t is NULL");
	cr_assert_eq(mmusim_mrc_create(&(mmusim_mrc_options){ .max_entries = 64, .page_size = 4096 }, &mrc, &err),
		     MMUSIM_OK, "%s", err.message);
	EXPECT_NULL_REFUSED(mmusim_mrc_run(mrc, NULL, &err), "mmusim_mrc_run: t is NULL");
	cr_assert_eq(mmusim_trace_writer_open(path, &w, &err), MMUSIM_OK, "%s", err.message);
	EXPECT_NULL_REFUSED(mmusim_trace_writer_put(w, NULL, 1, &err), "mmusim_trace_writer_put: ev is NULL");
	cr_expect_eq(mmusim_trace_writer_put(w, NULL, 0, &err), MMUSIM_OK, "nothing to write: no array needed");
	cr_expect_eq(mmusim_trace_writer_close(w, &err), MMUSIM_OK, "%s", err.message);
	unlink(path);
	mmusim_mrc_destroy(mrc);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

/* Getters of several values: a NULL out skips the value the caller does not want (each crashed). */
Test(api_null, multi_value_getters_skip_null_outs)
{
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_mmu *mmu;
	mmusim_trace *t;
	mmusim_error err;
	unsigned cpu = 99, start = 0, end = 0;
	uint64_t size = 0;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_current(mmu, &cpu, NULL, NULL);
	cr_expect_eq(cpu, 0);
	mmusim_config_user_top_range(cfg, NULL, &end);
	cr_expect_eq(end, 256, "x86-64: the lower half's 256 top-level entries are the user's");
	mmusim_config_kernel_top_range(cfg, &start, NULL);
	cr_expect_eq(start, 256);
	cr_expect_str_eq(mmusim_root_register(m, NULL), "cr3");
	cr_assert_eq(mmusim_trace_open(MMUSIM_SOURCE_DIR "/traces/example.trace", MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK,
		     "%s", err.message);
	mmusim_trace_progress(t, NULL, &size);
	cr_expect_gt(size, 0);
	mmusim_trace_close(t);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

/*
 * The iterators refuse a NULL callback (each called it: a segfault), the
 * one-output calls a NULL output; level 0 has no index shift (it wrapped
 * round to 3 on x86-64: 12 + (0 - 1) x 9 in unsigned arithmetic).
 */
Test(api_null, iterators_refuse_a_null_callback)
{
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_mmu *mmu;
	mmusim_error err;
	mmusim_stats before;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_for_each_mapping(m, NULL, NULL), MMUSIM_EINVAL);
	cr_expect_str_eq(mmusim_machine_last_error(m), "mmusim_for_each_mapping: fn is NULL");
	cr_expect_eq(mmusim_mmu_for_each_tlb_entry(mmu, false, 0, NULL, NULL), MMUSIM_EINVAL);
	cr_expect_eq(mmusim_mmu_for_each_swapped_page(mmu, NULL, NULL), MMUSIM_EINVAL);
	cr_expect_eq(mmusim_config_cache_info(cfg, false, 0, NULL), MMUSIM_EINVAL);
	mmusim_mmu_stats(mmu, NULL);
	mmusim_mmu_stats(mmu, &before);
	cr_expect_eq(before.walks, 0);
	mmusim_perms_string(0, NULL);
	cr_expect_eq(mmusim_config_index_shift(cfg, 0), 0);
	cr_expect_eq(mmusim_config_index_shift(cfg, 1), 12);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

/*
 * A level the tables do not have (0, one past the top, 100, UINT_MAX): the
 * PTE functions shifted the page size by (level - 1) x index bits, past 63
 * bits (undefined: Sv32's level 100 gave the frame 0xfffc0000000000 of a PTE
 * whose level 6 gave 0).  They give 0, false and "" there; the levels the
 * tables have read as before.
 */
Test(api_null, pte_functions_give_nothing_for_a_level_the_tables_lack)
{
	const char *names[] = { "sv32", "x86_64", "aarch64" };
	const uint64_t pte = ~(uint64_t)0;

	for (unsigned k = 0; k < 3; k++) {
		mmusim_config *cfg;
		mmusim_error err;
		char buf[128];

		cr_assert_eq(mmusim_config_load(names[k], &cfg, &err), MMUSIM_OK, "%s", err.message);
		unsigned levels = mmusim_config_levels(cfg);
		const unsigned bad[] = { 0, levels + 1, 100, ~0u };
		for (unsigned i = 0; i < 4; i++) {
			unsigned level = bad[i];
			cr_expect_eq(mmusim_pte_address(cfg, pte, level), 0, "%s level %u", names[k], level);
			cr_expect_eq(mmusim_pte_leaf_frame(cfg, pte, level, pte), 0, "%s level %u", names[k], level);
			cr_expect_not(mmusim_pte_leaf(cfg, pte, level), "%s level %u", names[k], level);
			cr_expect_eq(mmusim_pte_address_mask(cfg, pte, level), 0, "%s level %u", names[k], level);
			cr_expect_eq(mmusim_pte_address_field(cfg, pte, level), 0, "%s level %u", names[k], level);
			cr_expect_eq(mmusim_pte_flags(cfg, pte, level), 0, "%s level %u", names[k], level);
			mmusim_pte_describe(cfg, pte, level, buf, sizeof(buf));
			cr_expect_str_eq(buf, "", "%s level %u", names[k], level);
		}
		mmusim_config_free(cfg);
	}

	/* In range: Sv32's level-2 leaf (a 4 MiB megapage, PPN 0x400 -> PA 0x400000) as before. */
	mmusim_config *sv32;
	mmusim_error err;
	char buf[128];
	cr_assert_eq(mmusim_config_load("sv32", &sv32, &err), MMUSIM_OK, "%s", err.message);
	const uint64_t leaf = (0x400ull << 10) | 0xcf; /* V R W X A D */
	cr_expect(mmusim_pte_leaf(sv32, leaf, 2));
	cr_expect_eq(mmusim_pte_leaf_frame(sv32, leaf, 2, 0x12345), 0x400000);
	cr_expect_eq(mmusim_pte_address(sv32, leaf, 2), 0x400000);
	mmusim_pte_describe(sv32, leaf, 2, buf, sizeof(buf));
	cr_expect_neq(buf[0], '\0');
	mmusim_config_free(sv32);
}
