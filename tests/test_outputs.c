/*
 * End to end: no command loses data or fails quietly.
 *  - stdout to /dev/full or closed: exit 1 and one line on stderr, every command;
 *  - output files to /dev/full: exit 1, "FILE: write error: ...";
 *  - an output that names an input (same path, symbolic or hard link): exit 2,
 *    and the input is byte for byte what it was;
 *  - a command that fails leaves no output file (a previous one stays);
 *  - binary traces: a cut is an error, a file from before end records a warning.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "temp_dir.h"

#define EXAMPLE MMUSIM_SOURCE_DIR "/traces/example.trace"
#define MAP "0x1000 0x2000 4K rwu"

enum std_out { TO_FULL, CLOSED };

/* Runs mmusim with stdout to /dev/full or closed, stdin from `input` (may be NULL); fills *r (no stdout). */
static void run_stdout(struct run_result *r, enum std_out mode, const char *input, const char *const *argv)
{
	char path[] = "/tmp/mmusim-test-XXXXXX";
	int err = mkstemp(path), argc = 0;
	const char *args[32] = { MMUSIM_BIN };
	int status;
	pid_t pid;

	cr_assert_geq(err, 0);
	unlink(path);
	while (argv[argc])
		args[argc + 1] = argv[argc], argc++;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int in = open(input ? input : "/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(err, 2);
		if (mode == TO_FULL) {
			int full = open("/dev/full", O_WRONLY);
			dup2(full, 1);
		} else {
			close(1);
		}
		exec_mmusim(args);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	memset(r, 0, sizeof(*r));
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->err = support_read_fd(err);
	close(err);
}

/*
 * Criterion hands each parameter to a fresh process image: no pointers in
 * them, only arrays; "@EX" stands for the example trace's path (long).
 */
struct std_case {
	char argv[12][40];
	char stdin_text[40];  /* for the shell */
};

static const struct std_case std_cases[] = {
	{ { "--help" }, "" },
	{ { "--version" }, "" },
	{ { "translate", "--help" }, "" },
	{ { "translate", "--map", MAP, "0x1000" }, "" },
	{ { "--json", "translate", "--map", MAP, "0x1000" }, "" },
	{ { "mappings", "--map", MAP }, "" },
	{ { "replay", "@EX" }, "" },
	{ { "--json", "replay", "@EX" }, "" },
	{ { "convert", "@EX", "-" }, "" },
	{ { "dump", "--elf", "/dev/null", "--map", MAP }, "" },
	{ { "explain", "--map", MAP, "0x1000" }, "" },
	{ { "show", "--map", MAP }, "" },
	{ { "show", "--dot", "--map", MAP }, "" },
	{ { "sweep", "--config", "x86_64", "--config", "x86_64_la57", "@EX" }, "" },
	{ { "merge", "@RESULT" }, "" },
	{ { "--config", "toy", "quiz", "--seed", "1" }, "" },
	{ { "--config", "toy", "quiz", "--seed", "1", "--answers" }, "" },
	{ { "shell", "--map", MAP }, "translate 0x1000\nmappings\n" },
	{ { "run", "--", "/bin/true" }, "" },
};

ParameterizedTestParameters(stdout_fails, exit_1_with_one_line)
{
	return cr_make_param_array(struct std_case, std_cases, sizeof(std_cases) / sizeof(std_cases[0]));
}

/* A replay --json result for merge, made fresh. */
static char *make_result(void)
{
	struct run_result r;
	char *path;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", EXAMPLE, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	path = write_temp_file(r.out, ".json");
	run_result_free(&r);
	return path;
}

ParameterizedTest(const struct std_case *c, stdout_fails, exit_1_with_one_line)
{
	const char *argv[12] = { 0 };
	char *result = NULL, *input = NULL;

	for (int i = 0; c->argv[i][0]; i++)
		argv[i] = strcmp(c->argv[i], "@RESULT") == 0 ? (result = make_result())
			: strcmp(c->argv[i], "@EX") == 0     ? EXAMPLE
							     : c->argv[i];
	if (c->stdin_text[0])
		input = write_temp_file(c->stdin_text, ".txt");
	if (strcmp(argv[0], "run") == 0 && !valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	for (int mode = TO_FULL; mode <= CLOSED; mode++) {
		struct run_result r;
		const char *want = mode == TO_FULL ? "mmusim: <stdout>: write error: No space left on device\n"
						   : "mmusim: <stdout>: write error: Bad file descriptor\n";
		run_stdout(&r, mode, input, argv);
		cr_expect_eq(r.status, 1, "%s, stdout %s: exit %d", argv[0], mode == TO_FULL ? "/dev/full" : "closed",
			     r.status);
		cr_expect_str_eq(r.err, want, "%s, stdout %s", argv[0], mode == TO_FULL ? "/dev/full" : "closed");
		run_result_free(&r);
	}
	remove_temp_file(result);
	remove_temp_file(input);
}

/* ---- output files that cannot be written ---- */

struct file_case {
	char argv[12][40];
};

static const struct file_case file_cases[] = {
	{ { "convert", "@EX", "/dev/full" } },
	{ { "replay", "--interval", "1", "--csv", "/dev/full", "@EX" } },
	{ { "replay", "--dump-elf", "/dev/full", "@EX" } },
	{ { "dump", "--elf", "/dev/full", "--map", MAP } },
	{ { "sweep", "--config", "x86_64", "--csv", "/dev/full", "@EX" } },
	{ { "merge", "--csv", "/dev/full", "@RESULT" } },
	{ { "report", "--html", "/dev/full", "--map", MAP } },
	{ { "show", "--svg", "/dev/full", "--map", MAP } },
	{ { "run", "--save-trace", "/dev/full", "--", "/bin/true" } },
};

ParameterizedTestParameters(file_fails, exit_1_with_one_line)
{
	return cr_make_param_array(struct file_case, file_cases, sizeof(file_cases) / sizeof(file_cases[0]));
}

ParameterizedTest(const struct file_case *c, file_fails, exit_1_with_one_line)
{
	const char *argv[12] = { 0 };
	char *result = NULL;
	struct run_result r;
	int argc = 0;

	if (access("/dev/full", W_OK) != 0)
		cr_skip_test("no /dev/full");
	for (; c->argv[argc][0]; argc++)
		argv[argc] = strcmp(c->argv[argc], "@RESULT") == 0 ? (result = make_result())
			     : strcmp(c->argv[argc], "@EX") == 0   ? EXAMPLE
								   : c->argv[argc];
	if (strcmp(argv[0], "show") == 0 && system("command -v dot >/dev/null 2>&1") != 0)
		cr_skip_test("no Graphviz dot");
	if (strcmp(argv[0], "run") == 0 && !valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 1, "%s: exit %d", argv[0], r.status);
	/* show --svg too: it said 'dot -Tsvg failed (exit status 1)' when dot wrote the file itself. */
	cr_expect_str_eq(r.err, "mmusim: /dev/full: write error: No space left on device\n", "%s", argv[0]);
	run_result_free(&r);
	remove_temp_file(result);
}

/* ---- an output that is an input ---- */

static char *slurp_path(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	char *s;

	cr_assert_geq(fd, 0, "%s", path);
	s = support_read_fd(fd);
	close(fd);
	*len = strlen(s);
	return s;
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *s = slurp_path(from, &len);
	FILE *f = fopen(to, "w");

	cr_assert_not_null(f);
	fwrite(s, 1, len, f);
	cr_assert_eq(fclose(f), 0);
	free(s);
}

/* argv names: @T the trace, @S a symlink to it, @H a hard link to it, @C a config file, @J a result. */
struct same_case {
	char argv[12][40];
	char output[4];      /* which of @T @S @H @C @J the output names */
	char input[4];       /* the input it is refused as (as given on the command line) */
};

static const struct same_case same_cases[] = {
	{ { "convert", "@T", "@T" }, "@T", "@T" },
	{ { "convert", "@T", "@S" }, "@S", "@T" },
	{ { "convert", "@S", "@H" }, "@H", "@S" },
	{ { "replay", "--interval", "1", "--csv", "@T", "@T" }, "@T", "@T" },
	{ { "replay", "--interval", "1", "--csv", "@H", "@T" }, "@H", "@T" },
	{ { "replay", "--dump-elf", "@S", "@T" }, "@S", "@T" },
	{ { "--config", "@C", "replay", "--interval", "1", "--csv", "@C", "@T" }, "@C", "@C" },
	{ { "dump", "--setup", "@T", "--elf", "@H" }, "@H", "@T" },
	{ { "report", "--html", "@T", "--replay", "@T" }, "@T", "@T" },
	{ { "report", "--setup", "@T", "--html", "@S" }, "@S", "@T" },
	{ { "show", "--setup", "@T", "--svg", "@T" }, "@T", "@T" },
	{ { "sweep", "--config", "x86_64", "--csv", "@H", "@T" }, "@H", "@T" },
	{ { "sweep", "--config", "@C", "--csv", "@C", "@T" }, "@C", "@C" },
	{ { "merge", "--csv", "@J", "@J" }, "@J", "@J" },
	{ { "run", "--setup", "@T", "--save-trace", "@T", "--", "/bin/true" }, "@T", "@T" },
};

ParameterizedTestParameters(same_file, refused_and_input_intact)
{
	return cr_make_param_array(struct same_case, same_cases, sizeof(same_cases) / sizeof(same_cases[0]));
}

ParameterizedTest(const struct same_case *c, same_file, refused_and_input_intact)
{
	char *dir = temp_dir_create(), *t = temp_dir_path(dir, "t.trace"), *s = temp_dir_path(dir, "s.trace"), *h = temp_dir_path(dir, "h.trace");
	char *cfg = temp_dir_path(dir, "c.yaml"), *json = temp_dir_path(dir, "r.json"), *result = make_result(), want[1024];
	const char *names[][2] = { { "@T", t }, { "@S", s }, { "@H", h }, { "@C", cfg }, { "@J", json } };
	const char *argv[12] = { 0 }, *output = NULL, *input = NULL;
	char *before[3];
	size_t len[3], after_len;
	struct run_result r;
	int argc = 0;

	copy_file(EXAMPLE, t);
	cr_assert_eq(symlink("t.trace", s), 0);
	cr_assert_eq(link(t, h), 0);
	copy_file(MMUSIM_SOURCE_DIR "/configs/x86_64.yaml", cfg);
	copy_file(result, json);
	for (; c->argv[argc][0]; argc++) {
		argv[argc] = c->argv[argc];
		for (size_t k = 0; k < 5; k++) {
			if (strcmp(c->argv[argc], names[k][0]) == 0)
				argv[argc] = names[k][1];
			if (strcmp(c->output, names[k][0]) == 0)
				output = names[k][1];
			if (strcmp(c->input, names[k][0]) == 0)
				input = names[k][1];
		}
	}
	before[0] = slurp_path(t, &len[0]);
	before[1] = slurp_path(cfg, &len[1]);
	before[2] = slurp_path(json, &len[2]);
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", output, input);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "");
	{
		const char *paths[3] = { t, cfg, json };
		for (int i = 0; i < 3; i++) {
			char *after = slurp_path(paths[i], &after_len);
			cr_expect_eq(after_len, len[i], "%s changed size", paths[i]);
			cr_expect_str_eq(after, before[i], "%s changed", paths[i]);
			free(after);
			free(before[i]);
		}
	}
	{
		struct stat st;
		cr_expect_eq(lstat(s, &st), 0);
		cr_expect(S_ISLNK(st.st_mode), "the symlink is still one");
	}
	cr_expect_eq(temp_dir_count(dir), 5, "no temporary file left");
	run_result_free(&r);
	remove_temp_file(result);
	free(t);
	free(s);
	free(h);
	free(cfg);
	free(json);
	temp_dir_remove(dir);
}

/* ---- a failed command writes no file ---- */

Test(convert, bad_line_leaves_no_output)
{
	char *dir = temp_dir_create(), *bad = temp_dir_path(dir, "bad.trace"), *out = temp_dir_path(dir, "out.bin"), *old = temp_dir_path(dir, "old.bin");
	struct run_result r;
	size_t len;
	char *text;
	FILE *f = fopen(bad, "w");

	/* 2000 good lines (more than one write buffer of events), then a bad one */
	for (int i = 0; i < 2000; i++)
		fprintf(f, "r 0x%x\n", 0x1000 + 64 * i);
	fputs("bogus 1\n", f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "convert", bad, out, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ":2001: unknown command 'bogus'") != NULL, "%s", r.err);
	cr_expect_neq(access(out, F_OK), 0, "no output at all, not a shorter one");
	run_result_free(&r);

	/* a file that already had the name keeps its bytes */
	f = fopen(old, "w");
	fputs("previous\n", f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "convert", bad, old, NULL), 0);
	cr_expect_eq(r.status, 2);
	text = slurp_path(old, &len);
	cr_expect_str_eq(text, "previous\n");
	free(text);
	cr_expect_eq(temp_dir_count(dir), 2, "bad.trace and old.bin only");
	run_result_free(&r);
	free(bad);
	free(out);
	free(old);
	temp_dir_remove(dir);
}

Test(replay, bad_trace_leaves_no_csv)
{
	char *dir = temp_dir_create(), *bad = temp_dir_path(dir, "bad.trace"), *csv = temp_dir_path(dir, "s.csv");
	struct run_result r;
	FILE *f = fopen(bad, "w");

	fputs("map 0x1000 0x2000 4K rw\nr 0x1000\nr 0x1000\nbogus\n", f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "replay", "--interval", "1", "--csv", csv, bad, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_neq(access(csv, F_OK), 0, "a time series cut at the bad line would look complete");
	run_result_free(&r);
	free(bad);
	free(csv);
	temp_dir_remove(dir);
}

/* ---- binary traces end to end ---- */

Test(binary_trace, cut_is_an_error_old_file_a_warning)
{
	char *dir = temp_dir_create(), *bin = temp_dir_path(dir, "t.bin"), *cut = temp_dir_path(dir, "cut.bin"), *old = temp_dir_path(dir, "old.bin");
	char want[1024];
	struct run_result r;
	size_t len;
	unsigned char *bytes;
	FILE *f;

	cr_assert_eq(run_mmusim(&r, "convert", EXAMPLE, bin, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	bytes = (unsigned char *)slurp_path(bin, &len);
	(void)len;
	{
		struct stat st;
		cr_assert_eq(stat(bin, &st), 0);
		len = (size_t)st.st_size; /* binary: strlen would stop at a NUL */
		f = fopen(bin, "rb");
		cr_assert_eq(fread(bytes, 1, len, f), len);
		fclose(f);
	}
	/* the last record before the end record goes: a cut at a record boundary */
	cr_assert_eq(bytes[len - 2], 0x8f);
	f = fopen(cut, "wb");
	fwrite(bytes, 1, len - 2, f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "replay", cut, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: byte %zu: truncated: no end record after %u records\n", cut, len - 2,
		 bytes[len - 1]);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);

	/* flags 0 and no end record: what mmusim wrote before; replays whole, with a warning */
	bytes[12] = 0;
	f = fopen(old, "wb");
	fwrite(bytes, 1, len - 2, f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "replay", old, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "accesses        4  (read 1, write 2, exec 1)") != NULL, "%s", r.out);
	snprintf(want, sizeof(want),
		 "mmusim: %s: warning: no end record: the trace may be truncated (a binary trace from before end records)\n",
		 old);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	/* convert brings it up to date: the warning once, then a file with its end record */
	cr_assert_eq(run_mmusim(&r, "convert", old, bin, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", bin, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	free(bytes);
	free(bin);
	free(cut);
	free(old);
	temp_dir_remove(dir);
}

/*
 * A memory image is mmap'd: one truncated by another program before mmusim walks it would
 * raise SIGBUS.  Ordered without sleeps: the image is mapped before the trace (a FIFO) is
 * opened, so once our open of the FIFO returns the image can be cut; the walk happens when
 * the trace ends.  mmusim must say so in one line and exit 2, not die of the signal.
 */
Test(shrinking_input, image_cut_while_mapped_is_one_line_exit_2)
{
	char *dir = temp_dir_create(), *img = temp_dir_path(dir, "img.elf"), *fifo = temp_dir_path(dir, "t.fifo");
	const char *dump[] = { "dump", "--elf", img, "--setup", EXAMPLE };
	struct run_result r;
	int err[2], status, fd;
	pid_t pid;

	cr_assert_eq(run_mmusim_argv(&r, 5, dump), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(pipe(err), 0);
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err[1], 2);
		exec_mmusim((const char *const[]){ MMUSIM_BIN, "replay", "--image", img, fifo, NULL });
		_exit(127);
	}
	close(err[1]);
	cr_assert((fd = open(fifo, O_WRONLY)) >= 0);   /* returns once mmusim opened the trace */
	cr_assert_eq(truncate(img, 0), 0);
	cr_assert_eq(write(fd, "r 0x401234\n", 11), 11);
	close(fd);
	char *msg = support_read_fd(err[0]);
	close(err[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status 0x%x, stderr %s", status, msg);
	cr_expect_str_eq(msg, "mmusim: an input file shrank or changed while it was mapped (SIGBUS): "
			      "results would be wrong, stopping\n");
	free(msg);
	free(img);
	free(fifo);
	temp_dir_remove(dir);
}

/*
 * valgrind --log-file without %p and a program that forks: the child writes
 * its accesses into the same log, under its own ==PID== lines (its summary
 * at exit).  The trace still replays (they are accesses), with a warning that
 * names the other process and its first line; one process's log has none.
 */
Test(outputs, lackey_trace_of_two_processes_is_warned)
{
	char *two = write_temp_file("==100== Lackey, an example Valgrind tool\n==100== Command: ./a\nI  00401000,3\n"
				    " S 00601000,8\n==101== \n==101== Counted 1 call to main()\n L 00601000,8\n",
				    ".lk");
	char *one = write_temp_file("==100== Lackey, an example Valgrind tool\nI  00401000,3\n==100== \n", ".lk");
	struct run_result r;
	char want[512];

	cr_assert_eq(run_mmusim(&r, "replay", two, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "accesses        3  (read 1, write 1, exec 1)") != NULL, "%s", r.out);
	snprintf(want, sizeof(want),
		 "mmusim: %s: warning: line 5 is process 101's, not 100's: a forked child wrote its accesses into "
		 "this trace too (valgrind --child-silent-after-fork=yes leaves them out), replayed as one address "
		 "space\n",
		 two);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", one, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	remove_temp_file(two);
	remove_temp_file(one);
}

/*
 * report --html over its --replay trace is refused before the replay runs: a
 * trace whose replay would fail (a bad line) still gets the refusal, not the
 * replay's error.
 */
Test(same_file, report_refuses_before_replaying)
{
	char *dir = temp_dir_create(), *t = temp_dir_path(dir, "t.trace"), want[600];
	FILE *f = fopen(t, "w");
	struct run_result r;

	cr_assert_not_null(f);
	fputs("r 0x1000\nbogus line\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run_mmusim(&r, "report", "--html", t, "--replay", t, NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", t, t);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	free(t);
	temp_dir_remove(dir);
}
