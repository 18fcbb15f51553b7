/*
 * sweep --interval N --csv-dir DIR: each (trace, config) replay's interval
 * CSV is byte for byte the one `replay --interval N --csv FILE` writes for
 * that config and trace, named DIR/0001.csv ... in the table's row order; a
 * replay that stopped leaves none; bad options and directories are refused
 * with a message before anything runs.
 */
#define _GNU_SOURCE /* unshare */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "support.h"
#include "temp_dir.h"

#define SRC MMUSIM_SOURCE_DIR "/"

static const char *const traces[] = { SRC "traces/lackey-sample.txt", SRC "traces/tlb-demo.trace" };

static char *small_config;

static void write_small_config(void)
{
	small_config = write_temp_file("extends: x86_64\nname: tiny-tlb\n"
				       "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K]}]\n"
				       "pwc: []\n",
				       ".yaml");
}

static void remove_small_config(void)
{
	remove_temp_file(small_config);
}

static void run_ok(int argc, const char *const *argv)
{
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* tlb-demo.trace has 4 accesses: --warmup 7 never ends there, and the replay says so; nothing else. */
	static const char note[] = "mmusim: " SRC "traces/tlb-demo.trace: warning: the warm-up (--warmup 7) never ended: "
				   "the trace has only 4 accesses, so nothing was reset and these statistics include "
				   "the warm-up\n";
	cr_expect(strcmp(r.err, "") == 0 || strcmp(r.err, note) == 0, "%s", r.err);
	run_result_free(&r);
}

Test(sweep_csv_dir, each_csv_equals_the_replays, .init = write_small_config, .fini = remove_small_config)
{
	const char *configs[] = { "x86_64", small_config, "sv39" };
	char *dir = temp_dir_create();
	cr_assert(dir);

	for (int jobs = 1; jobs <= 2; jobs++) {
		char *sub = temp_dir_path(dir, jobs == 1 ? "one" : "two");
		const char *argv[] = { "sweep", "--demand-paging", "--warmup", "7", "--interval", "5", "--csv-dir", sub,
				       "--jobs", jobs == 1 ? "1" : "2", "--config", configs[0], "--config", configs[1],
				       "--config", configs[2], traces[0], traces[1] };
		run_ok(18, argv);
		cr_expect_eq(temp_dir_count(sub), 6, "no file but the six CSVs");
		unsigned row = 0;
		for (size_t t = 0; t < 2; t++) {
			for (size_t c = 0; c < 3; c++) {
				char name[16];
				snprintf(name, sizeof(name), "%04u.csv", ++row);
				char *got_path = temp_dir_path(sub, name), *want_path = temp_dir_path(dir, "want.csv");
				const char *replay[] = { "--config", configs[c], "replay", "--demand-paging", "--warmup", "7",
							 "--interval", "5", "--csv", want_path, traces[t] };
				run_ok(11, replay);
				char *got = read_text_file(got_path), *want = read_text_file(want_path);
				cr_assert(got, "%s", got_path);
				cr_assert(want);
				cr_expect(strchr(want, '\n') != strrchr(want, '\n'), "rows below the header: %s", want);
				cr_expect_str_eq(got, want, "%s: trace %zu, config %zu", name, t, c);
				free(got);
				free(want);
				remove(want_path);
				free(got_path);
				free(want_path);
			}
		}
		char *files[6];
		for (unsigned i = 0; i < 6; i++) {
			char name[16];
			snprintf(name, sizeof(name), "%04u.csv", i + 1);
			files[i] = temp_dir_path(sub, name);
			remove(files[i]);
			free(files[i]);
		}
		rmdir(sub);
		free(sub);
	}
	temp_dir_remove(dir);
}

/* The machine that ran out of memory leaves no CSV (a shorter series would pass for whole); the other's is there. */
Test(sweep_csv_dir, a_failed_replay_leaves_no_csv)
{
	char *cfg = write_temp_file("extends: x86_64\nname: tiny-mem\nmemory: { size: 64K }\n", ".yaml");
	char *dir = temp_dir_create();
	struct run_result r;

	cr_assert(dir);
	cr_assert_eq(run_mmusim(&r, "sweep", "--demand-paging", "--interval", "100", "--csv-dir", dir, "--config",
				"x86_64", "--config", cfg, SRC "traces/fixtures/loop.din", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "mmusim: tiny-mem: ") == r.err, "%s", r.err);
	char *first = temp_dir_path(dir, "0001.csv"), *second = temp_dir_path(dir, "0002.csv");
	struct stat st;
	cr_expect_eq(stat(first, &st), 0, "x86_64's CSV");
	cr_expect_neq(stat(second, &st), 0, "tiny-mem's CSV");
	cr_expect_eq(temp_dir_count(dir), 1, "no temporary file left");
	remove(first);
	free(first);
	free(second);
	run_result_free(&r);
	temp_dir_remove(dir);
	remove_temp_file(cfg);
}

/*
 * A full disk: the folder sweep made for the CSVs was left behind, empty.
 * It is removed (a folder that was there before stays), and the write error
 * is the one line.  The full disk is a tmpfs filled to the brim, mounted in
 * this test's own mount namespace: needs root (or skips).
 */
Test(sweep_csv_dir, a_full_disk_leaves_no_folder_it_made)
{
	char *dir = temp_dir_create(), *fill = temp_dir_path(dir, "fill"), *made = temp_dir_path(dir, "made");
	char *there = temp_dir_path(dir, "there"), want[1024], block[4096] = { 0 };
	struct run_result r;
	struct stat st;
	int fd;

	/* A propagation change ignores the source and type: named anyway, for memcheck's check of mount's strings. */
	if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=64k") != 0)
		cr_skip_test("cannot mount a tmpfs here: %s", strerror(errno));
	cr_assert_geq(fd = open(fill, O_WRONLY | O_CREAT, 0600), 0);
	while (write(fd, block, sizeof(block)) > 0)
		;
	cr_assert_eq(errno, ENOSPC);
	close(fd);
	cr_assert_eq(mkdir(there, 0777), 0);
	for (int i = 0; i < 2; i++) {
		const char *csv_dir = i ? there : made;
		cr_assert_eq(run_mmusim(&r, "sweep", "--interval", "1", "--csv-dir", csv_dir, "--config", "x86_64",
					traces[1], NULL), 0);
		cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
		snprintf(want, sizeof(want), "mmusim: %s/0001.csv: write error: No space left on device\n", csv_dir);
		cr_expect_str_eq(r.err, want);
		run_result_free(&r);
	}
	cr_expect_neq(stat(made, &st), 0, "the folder sweep made is left behind");
	cr_expect_eq(stat(there, &st), 0, "the folder that was there is removed");
	umount2(dir, MNT_DETACH);
	free(fill);
	free(made);
	free(there);
	temp_dir_remove(dir);
}

/* --emit-jobs hands the CSV on to each job, under the name the sweep itself would give it. */
Test(sweep_csv_dir, emitted_jobs_write_the_same_names)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "sweep", "--emit-jobs", "--interval", "5", "--csv-dir", "csv", "--config", "x86_64",
				"--config", "sv39", "t.trace", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
			 "mkdir -p 'results' 'csv' && '" MMUSIM_BIN "' --config 'x86_64' --json replay --no-progress "
			 "--interval 5 --csv 'csv/0001.csv' 't.trace' > 'results/0001.json'\n"
			 "mkdir -p 'results' 'csv' && '" MMUSIM_BIN "' --config 'sv39' --json replay --no-progress "
			 "--interval 5 --csv 'csv/0002.csv' 't.trace' > 'results/0002.json'\n");
	run_result_free(&r);
}

static void expect_bad(int argc, const char *const *argv, const char *err)
{
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 2, "%s", err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, err);
	run_result_free(&r);
}

Test(sweep_csv_dir, bad_usage)
{
	char *file = write_temp_file("not a folder\n", ".txt"), *dir = temp_dir_create();
	char *missing = temp_dir_path(dir, "no/such"), want[512];
	const char *t = SRC "traces/tlb-demo.trace";

	expect_bad(4, (const char *[]){ "sweep", "--interval", "5", t },
		   "mmusim: sweep: --interval needs --csv-dir DIR for the time series\n");
	expect_bad(4, (const char *[]){ "sweep", "--csv-dir", dir, t }, "mmusim: sweep: --csv-dir needs --interval N\n");
	expect_bad(6, (const char *[]){ "sweep", "--interval", "0", "--csv-dir", dir, t },
		   "mmusim: bad --interval '0' (expected a positive number of accesses)\n");
	expect_bad(3, (const char *[]){ "sweep", "--csv-dir", NULL },
		   "mmusim: option --csv-dir needs a value (see mmusim --help)\n");
	expect_bad(6, (const char *[]){ "sweep", "--interval", "5", "--csv-dir", "", t },
		   "mmusim: sweep: bad --csv-dir '' (expected a directory)\n");
	snprintf(want, sizeof(want), "mmusim: sweep: --csv-dir '%s' is not a directory\n", file);
	expect_bad(6, (const char *[]){ "sweep", "--interval", "5", "--csv-dir", file, t }, want);
	snprintf(want, sizeof(want), "mmusim: sweep: --csv-dir '%s': cannot create: No such file or directory\n",
		 missing);
	expect_bad(6, (const char *[]){ "sweep", "--interval", "5", "--csv-dir", missing, t }, want);
	cr_expect_eq(temp_dir_count(dir), 0, "nothing written");
	free(missing);
	temp_dir_remove(dir);
	remove_temp_file(file);
}

/*
 * A symbolic link planted in a shared --csv-dir under a name sweep writes
 * (DIR/0002.csv -> a victim's file) was followed: the victim's file was
 * replaced by the CSV.  sweep names those files itself, so a link there is
 * refused before anything runs, and the victim keeps its contents.
 */
Test(sweep_csv_dir, a_planted_symbolic_link_is_refused)
{
	char *dir = temp_dir_create(), *victim = write_temp_file("keep me\n", ".txt");
	char *link = temp_dir_path(dir, "0002.csv"), want[1024], *after;
	struct stat st;

	cr_assert_eq(symlink(victim, link), 0);
	snprintf(want, sizeof(want),
		 "mmusim: sweep: --csv-dir: '%s' is a symbolic link: the folder's NNNN.csv are sweep's own files, "
		 "never followed elsewhere; remove it\n", link);
	expect_bad(10, (const char *[]){ "sweep", "--config", "x86_64", "--config", "sv39", "--interval", "5",
					 "--csv-dir", dir, SRC "traces/tlb-demo.trace" }, want);
	after = read_text_file(victim);
	cr_expect_str_eq(after, "keep me\n");
	cr_expect_eq(lstat(link, &st), 0);
	cr_expect(S_ISLNK(st.st_mode), "the link stays a link");
	cr_expect_eq(temp_dir_count(dir), 1, "nothing written beside the link");
	free(after);
	free(link);
	remove_temp_file(victim);
	temp_dir_remove(dir);
}
