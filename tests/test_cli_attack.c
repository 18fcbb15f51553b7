/*
 * End to end, hostile inputs found by trying mmusim as an attacker would:
 *  - `run --save-trace` naming the program it runs (it replaced the program by the trace);
 *  - TLB names holding a quote, a comma or a line break in replay's JSON and
 *    --interval CSV (the JSON was invalid, the CSV header split into rows).
 */
#define _GNU_SOURCE /* setresuid, setresgid */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sanitized.h"
#include "support.h"
#include "temp_dir.h"
#include "time_limit.h"

#define EXAMPLE_TRACE MMUSIM_SOURCE_DIR "/traces/example.trace"

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;

	cr_assert(in && out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		cr_assert_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	cr_assert_eq(fclose(out), 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* `run --save-trace P -- P` wrote the trace over the program P once the run ended. */
Test(run_save_trace, naming_the_program_is_refused)
{
	char *dir = temp_dir_create(), *prog = temp_dir_path(dir, "prog"), *link = temp_dir_path(dir, "link");
	char want[8192], *before, *after;
	size_t len_before, len_after;
	struct run_result r;

	copy_file("/bin/true", prog);
	cr_assert_eq(chmod(prog, 0755), 0);
	cr_assert_eq(symlink("prog", link), 0);
	before = slurp(prog, &len_before);
	const char *outputs[] = { prog, link };
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "run", "--save-trace", outputs[i], "--", prog, NULL), 0);
		cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
		snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n",
			 outputs[i], prog);
		cr_expect_str_eq(r.err, want);
		cr_expect_str_eq(r.out, "");
		run_result_free(&r);
		after = slurp(prog, &len_after);
		cr_expect_eq(len_after, len_before, "the program changed size");
		cr_expect(memcmp(after, before, len_before) == 0, "the program changed");
		free(after);
	}
	cr_expect_eq(temp_dir_count(dir), 2, "prog and link only: no temporary file left");
	free(before);
	free(prog);
	free(link);
	temp_dir_remove(dir);
}

/*
 * A program whose name starts with '-', found in PATH ('--trace-mem=no') or
 * given by a path ('-d/prog'): valgrind took the name for one of its own
 * options ('valgrind: no program specified', or lackey told to trace nothing)
 * and the run failed.  It is traced as any program is.
 */
Test(run_valgrind, a_program_named_like_an_option_is_traced, .init = time_limit_120s)
{
	if (!valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	char *dir = temp_dir_create(), *sub = temp_dir_path(dir, "-d"), *opt = temp_dir_path(dir, "--trace-mem=no");
	char *prog = temp_dir_path(dir, "-d/prog"), *path;
	const char *old_path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
	struct run_result r;

	cr_assert_eq(mkdir(sub, 0755), 0);
	copy_file("/bin/true", opt);
	copy_file("/bin/true", prog);
	cr_assert_eq(chmod(opt, 0755), 0);
	cr_assert_eq(chmod(prog, 0755), 0);
	path = malloc(strlen(dir) + strlen(old_path) + 2);
	cr_assert_not_null(path);
	sprintf(path, "%s:%s", dir, old_path);
	cr_assert_eq(setenv("PATH", path, 1), 0);
	cr_assert_eq(chdir(dir), 0);
	const char *names[] = { "--trace-mem=no", "-d/prog" };
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "--json", "run", "--tracer", "valgrind", "--", names[i], NULL), 0);
		cr_expect_eq(r.status, 0, "%s: exit %d: %s", names[i], r.status, r.err);
		cr_expect(strstr(r.out, "\"exec\":") && !strstr(r.out, "\"exec\":0,"), "%s: %s", names[i], r.out);
		run_result_free(&r);
	}
	cr_assert_eq(chdir("/"), 0);
	free(path);
	free(sub);
	free(opt);
	free(prog);
	temp_dir_remove(dir);
}

/* A program that cannot run is still reported as before, --save-trace or not. */
Test(run_save_trace, a_missing_program_is_named_first)
{
	char *dir = temp_dir_create(), *out = temp_dir_path(dir, "out.trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "run", "--save-trace", out, "--", "/nonexistent/prog", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: run: cannot run '/nonexistent/prog': No such file or directory\n");
	cr_expect_eq(temp_dir_count(dir), 0, "no output file");
	run_result_free(&r);
	free(out);
	temp_dir_remove(dir);
}

/* Two TLBs whose names need quoting in JSON and CSV (YAML's "\n" is a line break). */
static const char odd_names_config[] =
	"extends: x86_64\n"
	"tlb:\n"
	"  - { name: \"a\\\"b,c\\nd\", level: 1, kind: data, entries: 4, page_sizes: [4K] }\n"
	"  - { name: \"<i>&x\", level: 1, kind: instruction, entries: 4, page_sizes: [4K] }\n"
	"pwc: []\n";

Test(tlb_names, quoted_in_replay_json)
{
	char *cfg = write_temp_file(odd_names_config, ".yaml");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\nr 0x1008\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"tlb\":{\"a\\\"b,c\\u000ad\":{\"hits\":1,\"misses\":1,") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, ",\"<i>&x\":{\"hits\":0,\"misses\":0,") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(trace);
}

Test(tlb_names, quoted_in_interval_csv_header)
{
	char *cfg = write_temp_file(odd_names_config, ".yaml");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\nr 0x1008\n", ".trace");
	char *dir = temp_dir_create(), *csv = temp_dir_path(dir, "i.csv"), *text;
	size_t len;
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", "--interval", "1", "--csv", csv, trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	text = slurp(csv, &len);
	cr_expect_str_eq(text, "accesses,\"a\"\"b,c\nd_miss_rate\",<i>&x_miss_rate,walks,faults,pte_reads,cycles\n"
			       "1,1.000000,0.000000,1,0,4,401\n" /* a 1-cycle l1d miss, 4 PTE reads of 100 */
			       "2,0.000000,0.000000,0,0,0,1\n");
	free(text);
	run_result_free(&r);
	free(csv);
	temp_dir_remove(dir);
	remove_temp_file(cfg);
	remove_temp_file(trace);
}

/*
 * sweep --emit-jobs: each job ends `> DIR/NNNN.json`, which the shell truncates
 * before mmusim runs; a result that is some job's trace, --setup or config
 * would be emptied (for every job reading it, in parallel), so it is refused.
 */
Test(sweep_emit_jobs, a_result_that_is_an_input_is_refused)
{
	char *dir = temp_dir_create(), *res = temp_dir_path(dir, "res"), *csvdir = temp_dir_path(dir, "csv");
	char one[4096], two[4096], csv2[4096], want[16384];
	struct run_result r;

	cr_assert_eq(mkdir(res, 0777), 0);
	cr_assert_eq(mkdir(csvdir, 0777), 0);
	snprintf(one, sizeof(one), "%s/0001.json", res);
	snprintf(two, sizeof(two), "%s/0002.json", res);
	snprintf(csv2, sizeof(csv2), "%s/0002.csv", csvdir);
	copy_file(MMUSIM_SOURCE_DIR "/traces/example.trace", two);
	copy_file(MMUSIM_SOURCE_DIR "/traces/example.trace", csv2);
	copy_file(MMUSIM_SOURCE_DIR "/configs/sv39.yaml", one);

	/* job 2's result is the --setup of both jobs */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--config", "sv39", "--emit-jobs", "--results", res,
				"--setup", two, MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", two, two);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);

	/* job 1's result is the config */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", one, "--emit-jobs", "--results", res,
				MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", one, one);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);

	/* job 2's interval CSV is the trace */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--config", "sv39", "--emit-jobs", "--results", res,
				"--interval", "10", "--csv-dir", csvdir, csv2, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", csv2, csv2);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);

	/* job 2's result is the --threads-to-cpus file */
	{
		FILE *t = fopen(two, "w");
		cr_assert(t);
		fputs("0 0\n", t);
		fclose(t);
	}
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--emit-jobs", "--results", res, "--threads-to-cpus",
				two, MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", MMUSIM_SOURCE_DIR "/traces/example.trace",
				NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", two, two);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	/* results that are no input are fine: old results get replaced by the jobs */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--emit-jobs", "--results", csvdir,
				MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "/0001.json'\n") != NULL, "%s", r.out);
	run_result_free(&r);
	free(res);
	free(csvdir);
	/* temp_dir_remove removes one level: empty the two folders first */
	remove(one);
	remove(two);
	remove(csv2);
	{
		char *d1 = temp_dir_path(dir, "res"), *d2 = temp_dir_path(dir, "csv");
		rmdir(d1);
		rmdir(d2);
		free(d1);
		free(d2);
	}
	temp_dir_remove(dir);
}

/*
 * A map over the whole user half (2^35 pages) needs more page-table nodes than
 * memory has: counted by hand, VA 0x1000.. with PA - VA = 0x1000 (4K leaves
 * only) needs 2^26 L1 + 2^17 L2 + 256 L3 tables = 67240192 nodes.  The count
 * went page by page (minutes, then this error); it must answer at once.
 */
Test(huge_map, refused_at_once_with_the_nodes_it_needs)
{
	char *trace = write_temp_file("map 0x1000 0x2000 0x7ffffffff000 rw\nr 0x1000\n", ".trace");
	char *cfg = write_temp_file("extends: x86_64\nmemory: { size: 1028K }\n", ".yaml");
	char want[8192];
	struct run_result r;
	const char *argv[] = { "replay", trace };
	const char *argv2[] = { "--config", cfg, "replay", "--setup", trace, trace };

	cr_assert_eq(run_mmusim_limited(&r, 0, 20, 2, argv), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want),
		 "mmusim: %s:1: out of physical memory: needs 67240192 page-table nodes, 16777214 frames free\n", trace);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	/*
	 * 2M- then 1G-aligned (PA = VA from 2M): [2M, 1G) is 2M leaves in one new
	 * L2 table, the rest 1G leaves in 256 new L3 tables: 257 nodes, and
	 * 1028K of memory has 257 frames, 2 of them holding the empty tables.
	 */
	free(trace);
	trace = write_temp_file("map 0x200000 0x200000 0x7fffffe00000 rw\n", ".trace");
	argv2[4] = argv2[5] = trace;
	cr_assert_eq(run_mmusim_limited(&r, 0, 20, 6, argv2), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want),
		 "mmusim: %s:1: out of physical memory: needs 257 page-table nodes, 255 frames free\n", trace);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * An output that is a dangling symbolic link: the file is created where the
 * link points (as `>` does), and the link stays a link; it was replaced by a
 * regular file.  A link into a missing folder or a loop of links is an error
 * that leaves the links as they were.
 */
Test(output_symlink, dangling_link_gets_its_target_and_stays_a_link)
{
	char *dir = temp_dir_create(), *sub = temp_dir_path(dir, "sub"), *link = temp_dir_path(dir, "out.bin");
	char *chain = temp_dir_path(dir, "chain"), *bad = temp_dir_path(dir, "bad"), *loop1 = temp_dir_path(dir, "loop1");
	char *loop2 = temp_dir_path(dir, "loop2"), target[4096], subtarget[4096], subl[4096], want[8192];
	struct run_result r;
	struct stat st;

	cr_assert_eq(mkdir(sub, 0777), 0);
	snprintf(target, sizeof(target), "%s/new.bin", dir);
	snprintf(subl, sizeof(subl), "%s/l", sub);
	snprintf(subtarget, sizeof(subtarget), "%s/t.bin", sub);
	cr_assert_eq(symlink("new.bin", link), 0);
	cr_assert_eq(symlink("sub/l", chain), 0);
	cr_assert_eq(symlink("t.bin", subl), 0); /* relative to sub/, not to the first link's folder */
	cr_assert_eq(symlink("/nonexistent-mmusim-dir/x", bad), 0);
	cr_assert_eq(symlink("loop2", loop1), 0);
	cr_assert_eq(symlink("loop1", loop2), 0);

	const char *links[] = { link, chain }, *targets[] = { target, subtarget };
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "convert", MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", links[i], NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_eq(lstat(links[i], &st), 0);
		cr_expect(S_ISLNK(st.st_mode), "%s is still a link", links[i]);
		cr_expect_eq(stat(targets[i], &st), 0, "%s was created", targets[i]);
		cr_expect(S_ISREG(st.st_mode) && st.st_size > 16);
		run_result_free(&r);
	}

	cr_assert_eq(run_mmusim(&r, "convert", MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", bad, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: cannot create: No such file or directory\n", bad);
	cr_expect_str_eq(r.err, want);
	cr_expect_eq(lstat(bad, &st), 0);
	cr_expect(S_ISLNK(st.st_mode), "the dangling link is still a link");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "convert", MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", loop1, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: cannot create: Too many levels of symbolic links\n", loop1);
	cr_expect_str_eq(r.err, want);
	cr_expect_eq(lstat(loop1, &st), 0);
	cr_expect(S_ISLNK(st.st_mode), "the looping link is still a link");
	run_result_free(&r);
	cr_expect_eq(temp_dir_count(dir), 7, "no temporary file left");

	remove(subl);
	remove(subtarget);
	rmdir(sub);
	free(sub);
	free(link);
	free(chain);
	free(bad);
	free(loop1);
	free(loop2);
	temp_dir_remove(dir);
}

/*
 * Two outputs of one command naming one file: the last to be committed
 * replaced the other (replay --log X --interval 1 --csv X kept only the log).
 * Refused before anything is written; a device may still be shared.
 */
Test(two_outputs, one_file_is_refused)
{
	char *dir = temp_dir_create(), *out = temp_dir_path(dir, "out"), *link = temp_dir_path(dir, "link");
	char *csvdir = temp_dir_path(dir, "csvs"), csv1[4096], want[8192];
	const char *trace = MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace";
	struct run_result r;

	cr_assert_eq(symlink("out", link), 0);
	snprintf(csv1, sizeof(csv1), "%s/0001.csv", csvdir);
	struct {
		const char *argv[12];
		const char *message;
	} cases[] = {
		{ { "replay", "--log", out, "--interval", "1", "--csv", out, trace },
		  "mmusim: replay: --csv and --log name the same file '%s': one would overwrite the other\n" },
		{ { "replay", "--dump-elf", out, "--log", out, trace },
		  "mmusim: replay: --dump-elf and --log name the same file '%s': one would overwrite the other\n" },
		{ { "mrc", "--csv", out, "--svg", out, trace },
		  "mmusim: mrc: --csv and --svg name the same file '%s': one would overwrite the other\n" },
		{ { "sweep", "--config", "x86_64", "--csv", csv1, "--interval", "1", "--csv-dir", csvdir, trace },
		  "mmusim: sweep: --csv-dir and --csv name the same file '%s': one would overwrite the other\n" },
	};
	const char *named[] = { out, out, out, csv1 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int argc = 0;
		while (cases[i].argv[argc])
			argc++;
		cr_assert_eq(run_mmusim_argv(&r, argc, cases[i].argv), 0);
		cr_expect_eq(r.status, 2, "case %zu: exit %d: %s", i, r.status, r.err);
		snprintf(want, sizeof(want), cases[i].message, named[i]);
		cr_expect_str_eq(r.err, want);
		cr_expect_str_eq(r.out, "");
		run_result_free(&r);
	}
	cr_expect_eq(temp_dir_count(dir), 1, "only the link: nothing written, no folder made");

	/* the same file through a link, once it exists */
	FILE *f = fopen(out, "w");
	cr_assert(f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "replay", "--log", link, "--dump-elf", out, trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want),
		 "mmusim: replay: --dump-elf and --log name the same file '%s': one would overwrite the other\n", link);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	/* /dev/null twice is fine: a device is written, not replaced */
	cr_assert_eq(run_mmusim(&r, "replay", "--log", "/dev/null", "--interval", "1", "--csv", "/dev/null", trace, NULL),
		     0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	free(out);
	free(link);
	free(csvdir);
	temp_dir_remove(dir);
}

/* Runs `mmusim shell < script`, stdout and stderr together; returns the output, *status the exit status. */
static char *shell_script(const char *script, int *status)
{
	char *in = write_temp_file(script, ".txt"), cmd[8192], buf[4096], *out = NULL;
	size_t len = 0, n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s shell < '%s' 2>&1", mmusim_command(), in);
	p = popen(cmd, "r");
	cr_assert(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		out = realloc(out, len + n + 1);
		memcpy(out + len, buf, n);
		len += n;
	}
	out = out ? out : calloc(1, 1);
	out[len] = '\0';
	*status = pclose(p);
	remove_temp_file(in);
	return out;
}

/*
 * shell: `pte` writes a PTE and tells no TLB, so a later walk can start at a
 * stale paging-structure-cache entry and fault elsewhere than the table says.
 * The answer gave the fault the MMU met (not-present at L1, through the L2
 * PWC entry) with the table's reason for another fault (PS set in the PML4E:
 * SDM vol. 3 4.7, a reserved bit, level 4): a reason that was not this fault's.
 * The fault drops the stale entries (SDM 4.10.4.1): the same access then
 * faults as the table says.
 */
Test(shell_cached_fault, reason_is_not_borrowed_from_another_fault)
{
	int status;
	char *out = shell_script("map 0x1000 0x2000 4K rwu\n"
				 "r 0x1000\n"       /* fills the PWCs */
				 "pte 0x1000 4 PS=1\n"
				 "r 0x2000\n"       /* the L2 PWC entry leads to the PTE at 0x4010, not present */
				 "r 0x2000\n", &status);

	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "0x2000 r user: fault not-present at level 1, #PF error code 0x4 (U): the walk went on "
			      "from a cached entry that the page table no longer agrees with\n"
			      "  mmu: walk of 1 read (pwc L2 hit), PTE L1 0x4010 from memory, fault not-present, 111 "
			      "cycles\n"
			      "  stale: a cached entry no longer agrees with the page table, which says: fault "
			      "reserved-bit at level 4, #PF error code 0xd (P U RSVD): PS is set at a level that cannot "
			      "map a page\n"
			      "0x2000 r user: fault reserved-bit at level 4, #PF error code 0xd (P U RSVD): PS is set at a "
			      "level that cannot map a page\n"
			      "  mmu: walk of 1 read (pwc L2 miss, pwc L3 miss, pwc L4 miss), PTE L4 0x1000 from memory, "
			      "fault reserved-bit, 113 cycles\n") != NULL, "%s", out);
	cr_expect(strstr(out, "(U): PS is set") == NULL, "%s", out);
	free(out);
}

/* `--image FIFO` waited forever for a writer (the OSTEP-config probe opened it blocking). */
Test(image_inputs, a_fifo_is_refused_at_once)
{
	char *dir = temp_dir_create(), *fifo = temp_dir_path(dir, "img"), want[8192];
	struct run_result r;
	const char *argv[] = { "mappings", "--image", fifo, "--root", "0" };

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(run_mmusim_limited(&r, 0, 10, 5, argv), 0);
	cr_expect_eq(r.status, 2, "exit %d (142: the alarm)", r.status);
	snprintf(want, sizeof(want), "mmusim: %s: not a regular file\n", fifo);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	free(fifo);
	temp_dir_remove(dir);
}

/*
 * A raw image is mapped, never read whole; but telling it from OSTEP's text
 * looked for the end of its first line, and a 16 GiB sparse image of zeros is
 * one line: every page was read (over a minute, gigabytes of page cache).
 * (16 GiB, not more: memcheck cannot map a larger file.)
 */
Test(image_inputs, a_huge_sparse_raw_image_is_not_read_whole)
{
	char *dir = temp_dir_create(), *img = temp_dir_path(dir, "mem.raw");
	struct run_result r;
	const char *argv[] = { "mappings", "--image", img, "--image-base", "0", "--root", "0x1000" };
	FILE *f = fopen(img, "w");

	cr_assert(f);
	fclose(f);
	cr_assert_eq(truncate(img, 16ll << 30), 0);
	cr_assert_eq(run_mmusim_limited(&r, 0, 20, 7, argv), 0);
	cr_expect_eq(r.status, 0, "exit %d (142: the alarm): %s", r.status, r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	free(img);
	temp_dir_remove(dir);
}

/* quiz's lists skipped an empty item quietly ("1,2,,3" asked about 1 2 3), as mrc --sets does not. */
Test(quiz_lists, an_empty_item_is_refused)
{
	static const struct {
		const char *option, *value, *err;
	} cases[] = {
		{ "--kinds", "translate,,pte",
		  "mmusim: quiz: bad --kinds 'translate,,pte' (expected a list of translate, pte, fault, tlb, replacement)\n" },
		{ "--kinds", "translate,",
		  "mmusim: quiz: bad --kinds 'translate,' (expected a list of translate, pte, fault, tlb, replacement)\n" },
		{ "--references", "1,2,,3",
		  "mmusim: quiz: bad --references '1,2,,3' (expected 1 to 32 page numbers from 0 to 31, comma-separated)\n" },
		{ "--page-sizes", ",64", "mmusim: quiz: bad --page-sizes ',64' (expected sizes such as 4K,2M)\n" },
	};
	struct run_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(cases[i].option, "--references") == 0)
			cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--kinds", "replacement", cases[i].option,
						cases[i].value, NULL), 0);
		else
			cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", cases[i].option, cases[i].value, NULL), 0);
		cr_expect_eq(r.status, 2, "%s %s: exit %d", cases[i].option, cases[i].value, r.status);
		cr_expect_str_eq(r.err, cases[i].err);
		cr_expect_str_eq(r.out, "");
		run_result_free(&r);
	}
}

/*
 * --threads-to-cpus FILE: /dev/zero (NULs, no line end) was read for ever, and
 * a line over 255 bytes was cut in two, its tail read as a line of its own
 * ("# ...300 bytes... 7 9" mapped thread 7 to CPU 9 from inside a comment).
 */
Test(threads_to_cpus_file, nul_bytes_and_long_lines_are_refused)
{
	char comment[400], *long_line, want[8192];
	struct run_result r;
	const char *trace = MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace";
	const char *argv[] = { "replay", "--threads-to-cpus", "/dev/zero", trace };

	cr_assert_eq(run_mmusim_limited(&r, 0, 10, 4, argv), 0);
	cr_expect_eq(r.status, 2, "exit %d (142: the alarm)", r.status);
	cr_expect_str_eq(r.err, "mmusim: replay: --threads-to-cpus /dev/zero:1: NUL byte in the file (a binary file?)\n");
	run_result_free(&r);

	memset(comment, 'a', sizeof(comment));
	comment[0] = '#';
	memcpy(comment + 300, " 7 9\n1 1\n", 10);
	long_line = write_temp_file(comment, ".txt");
	cr_assert_eq(run_mmusim(&r, "replay", "--threads-to-cpus", long_line, trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: replay: --threads-to-cpus %s:1: line longer than 255 bytes\n", long_line);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(long_line);
}

/* `replay --setup - -` read the setup from stdin, then replayed an empty trace: "accesses 0", exit 0. */
Test(stdin_twice, replay_and_report_refuse_it)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--setup", "-", "-", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: replay: stdin ('-') named 2 times, as --setup or the trace (it can be read once)\n");
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", "--setup", "-", "--setup", "-", MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace",
				NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: replay: stdin ('-') named 2 times, as --setup or the trace (it can be read once)\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "report", "--html", "/dev/null", "--setup", "-", "--replay", "-", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: report: stdin ('-') named 2 times, as --setup or the trace (it can be read once)\n");
	run_result_free(&r);
}

/* True once process pid has a descriptor open on a file in dir (its output, being written). */
static bool writes_into(pid_t pid, const char *dir)
{
	char fd_link[64], target[4096];

	for (int fd = 0; fd < 64; fd++) {
		snprintf(fd_link, sizeof(fd_link), "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(fd_link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, dir, strlen(dir)) == 0 && target[strlen(dir)] == '/')
			return true;
	}
	return false;
}

/*
 * A run killed while it writes (Ctrl-C, kill, the OOM killer) left its
 * temporary output beside the target, a hidden partial file per run
 * (".out.bin.3fa2c1", as large as the output had grown).  Killed by SIGKILL
 * here, which no handler can catch: nothing may be left in the folder.
 */
Test(killed_while_writing, leaves_no_temporary_file)
{
	static const char head[] = "map 0x1000 0x2000 4K rwu\nr 0x1000\n";
	char *dir = temp_dir_create(), *out = temp_dir_path(dir, "out.bin");
	int in[2], status;
	pid_t pid;

	cr_assert_eq(pipe(in), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(in[0], STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(in[1]);
		exec_mmusim((const char *const[]){ MMUSIM_BIN, "convert", "--format", "text", "-", out, NULL });
		_exit(127);
	}
	close(in[0]);
	cr_assert_eq(write(in[1], head, sizeof(head) - 1), (ssize_t)(sizeof(head) - 1));
	/* The trace has not ended (the pipe stays open): mmusim waits for more, its output open. */
	for (int tries = 0; tries < 500 && !writes_into(pid, dir); tries++)
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	cr_expect(writes_into(pid, dir), "mmusim never opened its output");
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(in[1]);
	cr_expect_eq(temp_dir_count(dir), 0, "a killed run left a file behind");
	free(out);
	temp_dir_remove(dir);
}

/*
 * A symbolic link that another user planted in a sticky world-writable folder
 * (/tmp) is not followed by `>` under fs.protected_symlinks; the output's
 * rename never follows a link, so it bypassed that rule and replaced the file
 * the link named (or created one where a dangling link pointed): root writing
 * /tmp/out.csv could be made to replace /etc/shadow.  Needs root, to give the
 * link to another user.
 */
Test(output_symlink, planted_in_a_sticky_folder_is_not_followed)
{
	char *dir = temp_dir_create(), *sticky = temp_dir_path(dir, "sticky"), *victim = temp_dir_path(dir, "victim");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\n", ".trace");
	const char *names[] = { "planted", "dangling" };
	char want[1024], *link, *after;
	struct run_result r;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a link to another user");
	cr_assert_eq(mkdir(sticky, 0777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	copy_file(trace, victim);
	for (int i = 0; i < 2; i++) {
		link = temp_dir_path(sticky, names[i]);
		cr_assert_eq(symlink(i == 0 ? victim : "/nonexistent-mmusim-target", link), 0);
		cr_assert_eq(lchown(link, 65534, (gid_t)-1), 0);
		cr_assert_eq(run_mmusim(&r, "convert", trace, link, NULL), 0);
		cr_expect_eq(r.status, 2, "%s", r.err);
		snprintf(want, sizeof(want), "mmusim: %s: cannot create: Permission denied (a symbolic link in a sticky "
			 "world-writable folder, owned by another user, is not followed)\n", link);
		cr_expect_str_eq(r.err, want);
		run_result_free(&r);
		free(link);
	}
	after = read_text_file(victim);
	cr_expect_str_eq(after, "map 0x1000 0x2000 4K rwu\nr 0x1000\n", "the victim was replaced");
	cr_expect_eq(access("/nonexistent-mmusim-target", F_OK), -1, "the dangling link's target was created");
	cr_expect_eq(temp_dir_count(sticky), 2, "the two links only");
	free(after);
	for (int i = 0; i < 2; i++) {
		link = temp_dir_path(sticky, names[i]);
		unlink(link);
		free(link);
	}
	rmdir(sticky);
	free(sticky);
	free(victim);
	remove_temp_file(trace);
	temp_dir_remove(dir);
}

/*
 * Another user's file planted in a sticky world-writable folder (/tmp) with
 * mode 0666: `>` as root is refused under fs.protected_regular, but the output
 * renamed a root-owned copy over it.  A file of the folder's owner, or our
 * own, is replaced as before.  Needs root, to give the file to another user.
 */
Test(output_file, another_users_file_in_a_sticky_folder_is_not_replaced)
{
	char *dir = temp_dir_create(), *sticky = temp_dir_path(dir, "sticky");
	char *planted = temp_dir_path(sticky, "planted.trace"), *mine = temp_dir_path(sticky, "mine.trace");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\n", ".trace");
	char want[1024], *after;
	struct run_result r;
	struct stat st;
	FILE *f;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a file to another user");
	cr_assert_eq(mkdir(sticky, 0777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	cr_assert(f = fopen(planted, "w"));
	fputs("planted\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(planted, 0666), 0);
	cr_assert_eq(chown(planted, 65534, 65534), 0);
	cr_assert_eq(run_mmusim(&r, "convert", trace, planted, NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: cannot create: Permission denied (a file in a sticky world-writable "
		 "folder, owned by another user, is not replaced)\n", planted);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	after = read_text_file(planted);
	cr_expect_str_eq(after, "planted\n", "the planted file was replaced");
	free(after);
	cr_assert_eq(stat(planted, &st), 0);
	cr_expect_eq(st.st_uid, 65534, "the planted file changed owner");
	/* The folder's owner (root) may replace its own file there. */
	copy_file(trace, mine);
	cr_assert_eq(run_mmusim(&r, "convert", trace, mine, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run_result_free(&r);
	cr_expect_eq(temp_dir_count(sticky), 2, "no temporary file is left");
	unlink(planted);
	unlink(mine);
	rmdir(sticky);
	free(planted);
	free(mine);
	free(sticky);
	remove_temp_file(trace);
	temp_dir_remove(dir);
}

/*
 * A config name with control characters (YAML's "\x01", "\e", DEL, C1's
 * "\u0085") went raw into report --html's page, where HTML and XML 1.0 allow
 * none of them (not even as &#x1;): each is U+FFFD now, a tab stays a tab.
 */
Test(report_html, control_characters_in_a_name_are_replaced)
{
	char *cfg = write_temp_file("extends: x86_64\nname: \"ev\\x01il\\e\\x7f\\u0085\\t<b>\"\n", ".yaml");
	char *dir = temp_dir_create(), *html = temp_dir_path(dir, "r.html"), *page;
	struct run_result r;
	size_t len;

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--config", cfg, "--map", "0x1000 0x2000 4K rwu", NULL),
		     0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run_result_free(&r);
	page = slurp(html, &len);
	cr_expect(strstr(page, "<title>mmusim report: ev\xef\xbf\xbdil\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\t&lt;b&gt;"
			       "</title>") != NULL, "%s", page);
	size_t bad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)page[i], next = i + 1 < len ? (unsigned char)page[i + 1] : 0;
		bad += (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
		       (c == 0xc2 && next >= 0x80 && next <= 0x9f);
	}
	cr_expect_eq(bad, 0, "%zu control characters in the page", bad);
	free(page);
	unlink(html);
	free(html);
	temp_dir_remove(dir);
	remove_temp_file(cfg);
}

/* merge read a file whole however large: `merge /dev/zero` grew until memory ran out. */
Test(merge_inputs, an_endless_file_is_refused_with_bounded_memory)
{
	const char *argv[] = { "merge", "/dev/zero" };
	struct run_result r;

	/* 1 GiB of address space bounds it, except in a sanitizer build (its shadow alone is more). */
	cr_assert_eq(run_mmusim_limited(&r, SANITIZED ? 0 : 1ull << 30, 60, 2, argv), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: /dev/zero: over 256 MiB: not replay reports (merge the results as separate "
				"files)\n");
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
}

/*
 * A file the user made read-only was replaced: the rename needs only the folder's
 * write permission, where `>` refuses ("cannot create ro.bin: Permission denied").
 * Root may write any file, as with `>`, so the test runs the command as nobody.
 */
Test(output_file, a_read_only_file_is_not_replaced)
{
	char *dir = temp_dir_create(), *out = temp_dir_path(dir, "ro.bin"), *trace = temp_dir_path(dir, "t.trace");
	char want[1024], *after;
	struct run_result r;
	FILE *f;

	cr_assert(f = fopen(trace, "w"));
	fputs("map 0x1000 0x2000 4K rwu\nr 0x1000\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert(f = fopen(out, "w"));
	fputs("precious\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(out, 0444), 0);
	if (geteuid() == 0) {
		/* This test's own process: Criterion runs each test in one. */
		cr_assert_eq(chown(dir, 65534, 65534), 0);
		cr_assert_eq(chown(out, 65534, 65534), 0);
		cr_assert_eq(setgid(65534), 0);
		cr_assert_eq(setuid(65534), 0);
	}
	if (access(MMUSIM_BIN, X_OK) != 0) {
		/* A build under a folder only root may enter (.ci/run's long-path checkout is in a 0700 mktemp). */
		free(out);
		free(trace);
		temp_dir_remove(dir);
		cr_skip_test("uid 65534 cannot run the binary where it was built");
	}
	cr_assert_eq(run_mmusim(&r, "convert", trace, out, NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: cannot create: Permission denied\n", out);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	after = read_text_file(out);
	cr_expect_str_eq(after, "precious\n", "the read-only file was replaced");
	cr_expect_eq(temp_dir_count(dir), 2, "no temporary file is left");
	free(after);
	free(out);
	free(trace);
	temp_dir_remove(dir);
}

/* An empty output name: the temporary file was made, then the rename failed as a 'write error', exit 1. */
Test(output_file, an_empty_name_cannot_be_created)
{
	char *dir = temp_dir_create();
	struct run_result r;

	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(run_mmusim(&r, "convert", MMUSIM_SOURCE_DIR "/traces/example.trace", "", NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: : cannot create: No such file or directory\n");
	cr_expect_eq(temp_dir_count(dir), 0, "no temporary file is left");
	run_result_free(&r);
	temp_dir_remove(dir);
}

/*
 * Two outputs of one command spelled differently ("out.csv" and "./out.csv")
 * before the file exists: both were written, the second over the first.
 */
Test(two_outputs, one_new_file_spelled_two_ways_is_refused)
{
	char *dir = temp_dir_create();
	struct run_result r;

	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(run_mmusim(&r, "mrc", "--csv", "out.csv", "--svg", "./out.csv",
				MMUSIM_SOURCE_DIR "/traces/example.trace", NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: mrc: --csv and --svg name the same file './out.csv': one would overwrite "
				"the other\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--student", "q.txt", "--instructor", "./q.txt", NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: quiz: --student and --instructor name the same file './q.txt': the answers "
				"would overwrite the questions\n");
	run_result_free(&r);
	cr_expect_eq(temp_dir_count(dir), 0, "nothing was written");
	/* A dangling link to the other output's name: the CSV was created through it, then replaced by the SVG. */
	cr_assert_eq(symlink("n.csv", "link.csv"), 0);
	cr_assert_eq(run_mmusim(&r, "mrc", "--csv", "link.csv", "--svg", "n.csv", MMUSIM_SOURCE_DIR "/traces/example.trace",
				NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: mrc: --csv and --svg name the same file 'n.csv': one would overwrite the "
				"other\n");
	run_result_free(&r);
	cr_expect_eq(temp_dir_count(dir), 1, "the link only");
	temp_dir_remove(dir);
}

/* quiz's handouts on a full disk: exit status 2 (bad input), where every other command says 1. */
Test(quiz_handout, a_full_disk_is_exit_status_1)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--student", "/dev/full", NULL), 0);
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: /dev/full: write error: No space left on device\n");
	run_result_free(&r);
}

/* --threads-to-cpus DIR: reading failed (EISDIR) and was taken as the end of an empty map, exit 0. */
Test(threads_to_cpus_file, a_folder_is_refused)
{
	char *dir = temp_dir_create(), want[1024];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--threads-to-cpus", dir, MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace",
				NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: replay: --threads-to-cpus %s: cannot read: Is a directory\n", dir);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	temp_dir_remove(dir);
}

/* merge DIR said only "DIR: read error", not why. */
Test(merge_inputs, a_folder_says_why_it_cannot_be_read)
{
	char *dir = temp_dir_create(), want[1024];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "merge", dir, NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: cannot read: Is a directory\n", dir);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	temp_dir_remove(dir);
}

/* Runs `mmusim ARGS...` with stdin from the file `in`; its stderr into err_path; returns the exit status. */
static int run_with_stdin_file(const char *in, const char *err_path, const char *const *argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(in, O_RDONLY), err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_WRONLY);
		if (fd < 0 || err < 0 || null < 0)
			_exit(127);
		dup2(fd, 0);
		dup2(null, 1);
		dup2(err, 2);
		exec_mmusim(argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * `mmusim mrc --csv t.trace - < t.trace`: the output is the file standard input
 * reads; "-" was never compared, so the CSV replaced the trace.
 */
Test(same_file, a_trace_on_stdin_is_an_input)
{
	char *dir = temp_dir_create(), *trace = temp_dir_path(dir, "t.trace"), *err = temp_dir_path(dir, "err");
	const char *text = "map 0x1000 0x2000 4K rwu\nr 0x1000\n";
	const char *mrc[] = { MMUSIM_BIN, "mrc", "--csv", trace, "-", NULL };
	const char *convert[] = { MMUSIM_BIN, "convert", "-", trace, NULL };
	const char *const *cases[] = { mrc, convert };
	char want[1024], *msg, *after;
	FILE *f;

	cr_assert(f = fopen(trace, "w"));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (standard input): choose another output file\n",
		 trace);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(run_with_stdin_file(trace, err, cases[i]), 2, "%s", cases[i][1]);
		msg = read_text_file(err);
		cr_expect_str_eq(msg, want, "%s", cases[i][1]);
		free(msg);
		after = read_text_file(trace);
		cr_expect_str_eq(after, text, "%s replaced its input", cases[i][1]);
		free(after);
	}
	free(trace);
	free(err);
	temp_dir_remove(dir);
}

/*
 * Auto-detection took a record of zeros for ChampSim (an instruction at ip 0):
 * `replay /dev/zero` ran for ever, and a zeroed file replayed as fetches at VA 0, exit 0.
 */
Test(zeroed_trace, is_not_read_as_champsim)
{
	static const unsigned char zeros[4096];
	char *path = write_temp_bytes(zeros, sizeof(zeros)), want[1024];
	const char *argv[] = { "replay", "--demand-paging", "/dev/zero" };
	struct run_result r;

	cr_assert_eq(run_mmusim_limited(&r, 0, 20, 3, argv), 0);
	cr_expect_eq(r.status, 2, "exit %d (142: the alarm)", r.status);
	cr_expect_str_eq(r.err, "mmusim: /dev/zero:1: NUL byte in a text trace (a binary file?)\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", "--demand-paging", path, NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s:1: NUL byte in a text trace (a binary file?)\n", path);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	/* Named as ChampSim, zeros are still records. */
	cr_assert_eq(run_mmusim(&r, "replay", "--format", "champsim", "--demand-paging", path, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "accesses        64  (read 0, write 0, exec 64)") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * An output named '-' goes to standard output, where these commands print their
 * report or table too: `mrc --csv - t > curve.csv` held the CSV and then the table,
 * `dump --elf -` the ELF file and then "wrote -: root ...". Refused, as `--log -` is.
 */
Test(stdout_outputs, mixed_with_the_report_are_refused)
{
	static const struct {
		const char *argv[10];
		const char *err;
	} cases[] = {
		{ { "replay", "--interval", "1", "--csv", "-", EXAMPLE_TRACE },
		  "mmusim: replay: --csv - would mix the CSV with the report on standard output: give a file\n" },
		{ { "replay", "--dump-elf", "-", EXAMPLE_TRACE },
		  "mmusim: replay: --dump-elf - would mix the ELF file with the report on standard output: give a file\n" },
		{ { "mrc", "--csv", "-", EXAMPLE_TRACE },
		  "mmusim: mrc: --csv - would mix the CSV with the table on standard output: give a file\n" },
		{ { "mrc", "--svg", "-", EXAMPLE_TRACE },
		  "mmusim: mrc: --svg - would mix the SVG with the table on standard output: give a file\n" },
		{ { "sweep", "--config", "x86_64", "--csv", "-", EXAMPLE_TRACE },
		  "mmusim: sweep: --csv - would mix the CSV with the table on standard output: give a file\n" },
		{ { "dump", "--elf", "-", "--setup", EXAMPLE_TRACE },
		  "mmusim: dump: --elf - would mix the ELF file with the summary on standard output: give a file\n" },
	};
	struct run_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int argc = 0;
		while (cases[i].argv[argc])
			argc++;
		cr_assert_eq(run_mmusim_argv(&r, argc, cases[i].argv), 0);
		cr_expect_eq(r.status, 2, "%s: exit %d: %s", cases[i].argv[0], r.status, r.err);
		cr_expect_str_eq(r.err, cases[i].err);
		cr_expect_str_eq(r.out, "", "%s printed before refusing", cases[i].argv[0]);
		run_result_free(&r);
	}
	/* merge takes results, not traces */
	char *json = write_temp_file("{\"trace\":\"t\",\"format\":\"text\",\"config\":\"x86_64\",\"accesses\":{\"total\":0,"
				     "\"read\":0,\"write\":0,\"exec\":0},\"walks\":0,\"pte_reads\":0,\"cycles\":0}\n", ".json");
	cr_assert_eq(run_mmusim(&r, "merge", "--csv", "-", json, NULL), 0);
	cr_expect_eq(r.status, 2, "merge: exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.err, "mmusim: merge: --csv - would mix the CSV with the table on standard output: give a file\n");
	run_result_free(&r);
	remove_temp_file(json);
}

/*
 * replacement opt reads the trace twice (the future, then the replay): stdin was
 * refused, but a FIFO (as `<(zcat t.gz)` gives) was opened again and waited for a
 * writer for ever.
 */
Test(opt_future, a_fifo_trace_is_refused_at_once)
{
	char *dir = temp_dir_create(), *fifo = temp_dir_path(dir, "trace.fifo"), want[1024];
	const char *argv[] = { "replay", "--demand-paging", "--resident-pages", "2", "--replacement", "opt", fifo };
	struct run_result r;

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	pid_t writer = fork();
	cr_assert_geq(writer, 0);
	if (writer == 0) { /* the trace, once, as a shell's <(...) would give it */
		static const char trace[] = "r 0x1000\nr 0x2000\nr 0x1000\n";
		int fd = open(fifo, O_WRONLY);
		free(fifo); /* memcheck checks this process's leaks at _exit too */
		free(dir);
		signal(SIGPIPE, SIG_IGN);
		_exit(fd >= 0 && write(fd, trace, sizeof(trace) - 1) > 0 ? 0 : 1);
	}
	cr_assert_eq(run_mmusim_limited(&r, 0, 20, 7, argv), 0);
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	cr_expect_eq(r.status, 2, "exit %d (142: the alarm)", r.status);
	snprintf(want, sizeof(want), "mmusim: replay: replacement opt reads the whole trace before the replay: %s is a "
		 "pipe or a device, which can be read once: give a regular file\n", fifo);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	free(fifo);
	temp_dir_remove(dir);
}

/* True when s[0, len) is valid UTF-8 (RFC 3629: no overlong forms, no surrogates). */
static bool valid_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i], n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
						 c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!n || i + n > len)
			return false;
		for (unsigned k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) || (c == 0xf0 && s[i + 1] < 0x90) ||
		    (c == 0xf4 && s[i + 1] >= 0x90))
			return false;
		i += n;
	}
	return true;
}

/*
 * A trace named in Latin-1 ("caf\xe9.trace"): replay --json wrote the byte raw, so
 * the JSON text was not UTF-8 (RFC 8259 8.1: Python's json.loads refused it). It is
 * \udce9 now, as Python's surrogateescape names the byte, and merge reads it back.
 */
Test(json_names, a_byte_that_is_not_utf8_is_escaped_and_merged_back)
{
	char *dir = temp_dir_create(), *trace = temp_dir_path(dir, "caf\xe9.trace"), *json = temp_dir_path(dir, "r.json");
	char *csv = temp_dir_path(dir, "m.csv"), *text, want[1024];
	struct run_result r;
	FILE *f;

	copy_file(EXAMPLE_TRACE, trace);
	cr_assert_eq(run_mmusim(&r, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(valid_utf8((const unsigned char *)r.out, strlen(r.out)), "not UTF-8: %s", r.out);
	snprintf(want, sizeof(want), "{\"trace\":\"%s/caf\\udce9.trace\",", dir);
	cr_expect(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
	cr_assert(f = fopen(json, "w"));
	fputs(r.out, f);
	cr_assert_eq(fclose(f), 0);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "merge", "--csv", csv, json, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	text = read_text_file(csv);
	cr_assert(text);
	snprintf(want, sizeof(want), "\n%s,x86_64,text,", trace);
	cr_expect(strstr(text, want) != NULL, "the CSV names the trace as it is: %s", text);
	free(text);
	free(trace);
	free(json);
	free(csv);
	temp_dir_remove(dir);
}

/* `mmusim shell < DIR`: the read error (EISDIR) was taken as the end of the script, exit 0. */
Test(shell_input, a_read_error_is_not_the_end_of_the_script)
{
	char *dir = temp_dir_create(), *err = temp_dir_path(dir, "err"), *msg;
	const char *argv[] = { MMUSIM_BIN, "shell", NULL };

	cr_expect_eq(run_with_stdin_file(dir, err, argv), 2);
	msg = read_text_file(err);
	cr_expect_str_eq(msg, "mmusim: <stdin>: cannot read: Is a directory\n");
	free(msg);
	free(err);
	temp_dir_remove(dir);
}

/*
 * An output name of 248 to 255 bytes is a valid name (NAME_MAX 255), but its
 * temporary name ".NAME.XXXXXX" was not: 'write error: File name too long', exit 1,
 * after all the work.
 */
Test(output_file, a_name_of_255_bytes_is_written)
{
	char *dir = temp_dir_create(), name[256], *out, *text;
	struct run_result r;

	memset(name, 'o', 255);
	name[255] = '\0';
	out = temp_dir_path(dir, name);
	cr_assert_eq(run_mmusim(&r, "convert", "--format", "text", EXAMPLE_TRACE, out, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", out, NULL), 0);
	cr_expect_eq(r.status, 0, "the trace written is read back: %s", r.err);
	run_result_free(&r);
	cr_expect_eq(temp_dir_count(dir), 1, "the output only, no temporary file");
	text = read_text_file(out);
	cr_expect(text != NULL);
	free(text);
	free(out);
	temp_dir_remove(dir);
}

/*
 * A text trace saved with a UTF-8 byte order mark (Notepad): its first line failed
 * as "unknown command 'map'", the mark invisible in the message.
 */
Test(text_trace, a_byte_order_mark_is_skipped)
{
	char *trace = write_temp_file("\xef\xbb\xbfmap 0x1000 0x2000 4K rwu\r\nr 0x1000\r\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--setup", trace, "0x1000", NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.out, "0x1000 r user: pa 0x2000 (4K page, level 1) perms rw-u-\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "accesses        1  (read 1, write 0, exec 0)") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

/* The shell's script with a byte order mark: its first command failed as "unknown command". */
Test(text_trace, a_shell_script_with_a_byte_order_mark)
{
	int status;
	char *out = shell_script("\xef\xbb\xbfmap 0x1000 0x2000 4K rwu\ntranslate 0x1000\n", &status);

	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "0x1000 r user: pa 0x2000 (4K page, level 1) perms rw-u-") != NULL, "%s", out);
	free(out);
}

/* --image-base with an ELF image was ignored without a word: the segments kept their own addresses. */
Test(image_inputs, an_image_base_for_an_elf_file_is_refused)
{
	char *dir = temp_dir_create(), *elf = temp_dir_path(dir, "m.elf"), want[1024];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "dump", "--elf", elf, "--setup", EXAMPLE_TRACE, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", elf, "--image-base", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: an ELF file places its memory itself: --image-base 0x1000 applies "
		 "to a raw image\n", elf);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", elf, "--image-base", "0", NULL), 0);
	cr_expect_eq(r.status, 0, "base 0 is the default: %s", r.err);
	run_result_free(&r);
	free(elf);
	temp_dir_remove(dir);
}

/*
 * A link planted by another user in a sticky world-writable folder that leads
 * to a FIFO or a device was followed: outputs that are not regular files are
 * opened directly, and that open skipped the fs.protected_symlinks rule the
 * rename path applies (root's /tmp/out.trace -> /dev/sda wrote the disk; here a
 * FIFO another process reads).  Needs root, to give the link to another user.
 */
Test(output_symlink, planted_link_to_a_fifo_is_not_followed)
{
	char *dir = temp_dir_create(), *sticky = temp_dir_path(dir, "sticky"), *fifo = temp_dir_path(dir, "fifo");
	char *link = temp_dir_path(sticky, "out.trace");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\n", ".trace");
	char want[1024], buf[64];
	struct run_result r;
	int reader;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a link to another user");
	cr_assert_eq(mkdir(sticky, 0777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	cr_assert_eq(mkfifo(fifo, 0666), 0);
	/* A reader, so that a wrong open does not block the test: it shows as bytes in the FIFO. */
	cr_assert((reader = open(fifo, O_RDONLY | O_NONBLOCK)) >= 0);
	cr_assert_eq(symlink(fifo, link), 0);
	cr_assert_eq(lchown(link, 65534, (gid_t)-1), 0);
	cr_assert_eq(run_mmusim(&r, "convert", trace, link, NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: cannot create: Permission denied (a symbolic link in a sticky "
		 "world-writable folder, owned by another user, is not followed)\n", link);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	cr_expect_leq(read(reader, buf, sizeof(buf)), 0, "the output went through the planted link");
	close(reader);
	cr_expect_eq(temp_dir_count(sticky), 1, "the link only");
	unlink(link);
	rmdir(sticky);
	free(link);
	free(sticky);
	free(fifo);
	remove_temp_file(trace);
	temp_dir_remove(dir);
}

/*
 * Another user's FIFO in a sticky world-writable folder (mkfifo /tmp/out.csv,
 * then read what root writes there): `>` opens it with O_CREAT, which the
 * kernel refuses under fs.protected_fifos, even to root; mmusim opened it
 * without O_CREAT, so the rule never applied.  A FIFO of our own there is
 * written as before.  Needs root, to give the FIFO to another user.
 */
Test(output_file, another_users_fifo_in_a_sticky_folder_is_not_opened)
{
	char *dir = temp_dir_create(), *sticky = temp_dir_path(dir, "sticky");
	char *planted = temp_dir_path(sticky, "planted.trace"), *mine = temp_dir_path(sticky, "mine.trace");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\n", ".trace");
	char want[1024], buf[4096];
	struct run_result r;
	int reader;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a FIFO to another user");
	cr_assert_eq(mkdir(sticky, 0777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	cr_assert_eq(mkfifo(planted, 0666), 0);
	cr_assert_eq(chown(planted, 65534, 65534), 0);
	cr_assert((reader = open(planted, O_RDONLY | O_NONBLOCK)) >= 0);
	cr_assert_eq(run_mmusim(&r, "convert", trace, planted, NULL), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: cannot create: Permission denied (a FIFO in a sticky world-writable "
		 "folder, owned by another user, is not opened)\n", planted);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	cr_expect_leq(read(reader, buf, sizeof(buf)), 0, "the planted FIFO was written");
	close(reader);
	/* Our own FIFO there is an output like any other. */
	cr_assert_eq(mkfifo(mine, 0666), 0);
	cr_assert((reader = open(mine, O_RDONLY | O_NONBLOCK)) >= 0);
	cr_assert_eq(run_mmusim(&r, "convert", trace, mine, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run_result_free(&r);
	cr_expect_gt(read(reader, buf, sizeof(buf)), 0, "our own FIFO got nothing");
	close(reader);
	cr_expect_eq(temp_dir_count(sticky), 2, "the two FIFOs only");
	unlink(planted);
	unlink(mine);
	rmdir(sticky);
	free(planted);
	free(mine);
	free(sticky);
	remove_temp_file(trace);
	temp_dir_remove(dir);
}

/*
 * A trace that forks a 256-page process 2000 times, then ends every child:
 * each fork scanned every address space's page records for the parent's and
 * each exit for the child's, and the page index put the same page of every
 * child in one run of probes (quadratic: over a minute).  It replays in a few
 * seconds.
 */
Test(os_trace, thousands_of_forks_and_exits_replay_in_linear_time, .init = time_limit_120s)
{
	char *dir = temp_dir_create(), *trace = temp_dir_path(dir, "forks.trace");
	/* Memcheck checks the same paths on fewer processes: 2000 would take it many minutes. */
	const unsigned forks = running_under_valgrind() ? 50 : 2000;
	struct run_result r;
	FILE *f;

	cr_assert(f = fopen(trace, "w"));
	fprintf(f, "mmap 0x10000000 0x100000 rw\n");
	for (unsigned i = 0; i < 256; i++)
		fprintf(f, "w 0x%x\n", 0x10000000 + i * 4096);
	for (unsigned c = 1; c <= forks; c++)
		fprintf(f, "fork %u\n", c);
	for (unsigned c = 1; c <= forks; c++)
		fprintf(f, "exit %u\n", c);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run_mmusim(&r, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "\"paging\":{\"page_faults\":256,\"major_faults\":0,\"evictions\":0,") != NULL,
		  "%s", r.out);
	run_result_free(&r);
	free(trace);
	temp_dir_remove(dir);
}

/*
 * Root writing into another user's file (`sudo mmusim replay ... --csv ~alice/out.csv`):
 * the new file renamed over it was root's, and alice could no longer write her own
 * file; `>` keeps the owner.  Owner, group and mode are the old file's now.
 */
Test(output_file, a_replaced_file_keeps_its_owner)
{
	char *dir = temp_dir_create(), *out = temp_dir_path(dir, "out.bin");
	char *trace = write_temp_file("map 0x1000 0x2000 4K rwu\nr 0x1000\n", ".trace");
	struct run_result r;
	struct stat st;
	FILE *f;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a file to another user");
	cr_assert(f = fopen(out, "w"));
	fputs("old\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chown(out, 65534, 65534), 0);
	cr_assert_eq(chmod(out, 0640), 0);
	cr_assert_eq(run_mmusim(&r, "convert", trace, out, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run_result_free(&r);
	cr_assert_eq(stat(out, &st), 0);
	cr_expect_eq(st.st_uid, 65534, "the file's owner became %u", (unsigned)st.st_uid);
	cr_expect_eq(st.st_gid, 65534, "the file's group became %u", (unsigned)st.st_gid);
	cr_expect_eq(st.st_mode & 07777, 0640, "mode %o", (unsigned)(st.st_mode & 07777));
	cr_expect_gt(st.st_size, 4, "the file was not replaced");
	cr_expect_eq(temp_dir_count(dir), 1, "no temporary file is left");
	unlink(out);
	free(out);
	remove_temp_file(trace);
	temp_dir_remove(dir);
}

/*
 * A file we may write in a folder we may not (a pre-made output in a shared or
 * read-only folder): `>` writes it, but the temporary file beside it could not be
 * made, 'cannot create: Permission denied'.  It is rewritten in place now: the
 * whole output, nothing of the old contents after it; a command that fails before
 * writing leaves the file as it was.  Runs as nobody (root writes any folder).
 */
Test(output_file, a_writable_file_in_a_read_only_folder_is_written_in_place)
{
	char *dir = temp_dir_create(), *out = temp_dir_path(dir, "out.bin"), *want = temp_dir_path(dir, "want.bin");
	char *trace = temp_dir_path(dir, "t.trace"), *bad = temp_dir_path(dir, "bad.trace"), *got, *ref;
	const char *old = "old contents, longer than the converted trace: every byte of them must go\n";
	bool root = geteuid() == 0;
	struct run_result r1, r2;
	size_t got_len, ref_len;
	FILE *f;

	cr_assert(f = fopen(trace, "w"));
	fputs("map 0x1000 0x2000 4K rwu\nr 0x1000\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert(f = fopen(bad, "w"));
	fputs("r 0x1000\nbogus\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run_mmusim(&r1, "convert", trace, want, NULL), 0);
	cr_assert_eq(r1.status, 0, "%s", r1.err);
	run_result_free(&r1);
	cr_assert(f = fopen(out, "w"));
	fputs(old, f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(out, 0666), 0);
	/* Root writes any folder: the commands run as nobody, the saved uid brings root back to clean up. */
	cr_assert_eq(chmod(dir, root ? 0755 : 0555), 0);
	if (root) {
		cr_assert_eq(setresgid(65534, 65534, 0), 0);
		cr_assert_eq(setresuid(65534, 65534, 0), 0);
	}
	bool runnable = access(MMUSIM_BIN, X_OK) == 0, writable = access(dir, W_OK) == 0;
	char *between = NULL;
	if (runnable) {
		cr_assert_eq(run_mmusim(&r1, "convert", bad, out, NULL), 0);
		between = read_text_file(out);
		cr_assert_eq(run_mmusim(&r2, "convert", trace, out, NULL), 0);
	}
	if (root) {
		cr_assert_eq(setresuid(0, 0, 0), 0);
		cr_assert_eq(setresgid(0, 0, 0), 0);
	}
	chmod(dir, 0700);
	if (!runnable) {
		temp_dir_remove(dir);
		cr_skip_test("uid 65534 cannot run the binary where it was built");
	}
	cr_expect_not(writable, "the folder is writable");

	/* A failure before the first byte: the file as it was. */
	cr_expect_eq(r1.status, 2, "exit %d: %s", r1.status, r1.err);
	run_result_free(&r1);
	cr_expect_str_eq(between, old);
	free(between);

	cr_expect_eq(r2.status, 0, "exit %d: %s", r2.status, r2.err);
	cr_expect_str_eq(r2.err, "");
	run_result_free(&r2);
	got = slurp(out, &got_len);
	ref = slurp(want, &ref_len);
	cr_expect_eq(got_len, ref_len);
	cr_expect(got_len == ref_len && memcmp(got, ref, ref_len) == 0, "the file is not the converted trace");
	cr_expect_eq(temp_dir_count(dir), 4, "no temporary file is left");
	free(got);
	free(ref);
	free(out);
	free(want);
	free(trace);
	free(bad);
	temp_dir_remove(dir);
}

/*
 * An output that is the file standard output goes to (`dump --elf d.elf > d.elf`,
 * `mrc --svg /dev/stdout t | ...`) was written into it with the command's own summary
 * or table: an ELF file starting 'wrote d.elf: ...', exit 0.  Refused as '-' is.
 */
Test(stdout_outputs, the_same_file_by_another_name_is_refused)
{
	char *dir = temp_dir_create(), *err = temp_dir_path(dir, "err.txt"), *elf = temp_dir_path(dir, "d.elf");
	char cmd[16384], want[8192], *text;

	snprintf(cmd, sizeof(cmd), "%s dump --elf '%s' --map '0x1000 0x2000 4K rw' > '%s' 2> '%s'", mmusim_command(),
		 elf, elf, err);
	cr_expect_eq(WEXITSTATUS(system(cmd)), 2);
	text = read_text_file(err);
	snprintf(want, sizeof(want), "mmusim: dump: --elf %s is standard output: it would mix the ELF file with the "
		 "summary printed there: give another file\n", elf);
	cr_expect_str_eq(text, want);
	free(text);

	snprintf(cmd, sizeof(cmd), "%s mrc --svg /dev/stdout '%s' 2> '%s' | cat > /dev/null",
		 mmusim_command(), EXAMPLE_TRACE, err);
	cr_expect_eq(system(cmd), 0);
	text = read_text_file(err);
	cr_expect_str_eq(text, "mmusim: mrc: --svg /dev/stdout is standard output: it would mix the SVG with the "
			       "table printed there: give another file\n");
	free(text);

	/* A device holds nothing to spoil: /dev/null for both is fine. */
	snprintf(cmd, sizeof(cmd), "%s mrc --svg /dev/null '%s' > /dev/null 2> '%s'", mmusim_command(), EXAMPLE_TRACE,
		 err);
	cr_expect_eq(system(cmd), 0);
	unlink(err);
	unlink(elf);
	free(err);
	free(elf);
	temp_dir_remove(dir);
}

/*
 * run --save-trace - wrote the binary trace onto standard output, between the
 * program's own output and the report: a file neither replay nor a reader could use,
 * exit 0.  Refused, by its name and as the file stdout goes to.
 */
Test(run_save_trace, standard_output_is_refused)
{
	char *dir = temp_dir_create(), *err = temp_dir_path(dir, "err.txt"), *out = temp_dir_path(dir, "t.bin");
	char cmd[16384], want[8192], *text;
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "run", "--save-trace", "-", "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "mmusim: run: --save-trace - would mix the trace with the program's output and the "
				"report on standard output: give a file\n");
	run_result_free(&r);
	snprintf(cmd, sizeof(cmd), "%s run --save-trace '%s' -- /bin/true > '%s' 2> '%s'", mmusim_command(), out, out,
		 err);
	cr_expect_eq(WEXITSTATUS(system(cmd)), 2);
	text = read_text_file(err);
	snprintf(want, sizeof(want), "mmusim: run: --save-trace %s is standard output: it would mix the trace with the "
		 "program's output and the report printed there: give another file\n", out);
	cr_expect_str_eq(text, want);
	free(text);
	unlink(err);
	unlink(out);
	free(err);
	free(out);
	temp_dir_remove(dir);
}
