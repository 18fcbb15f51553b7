/*
 * test_labs: the lab sheets in docs/labs/ are handouts whose printed outputs a
 * student compares with her screen, so every command in them is run and its
 * output compared, byte for byte, with what the sheet prints.
 *
 * The format (docs/labs/README.md says it for authors): in a ```console block a
 * line starting with "$ " is a command (a line ending in '\' continues it on the
 * next line); the lines after it, up to the next "$ " or the end of the block,
 * are its output: stdout, then stderr; a non-zero exit status is shown as a
 * last line "[exit status N]".  Commands run in order, by sh, in the source
 * directory, with this build's mmusim first on PATH (the sanitizer and valgrind
 * builds check their own binary) and NO_COLOR set.
 *
 * The answer sheets in docs/labs/answers/ are checked the same way.
 *
 * MMUSIM_LABS_UPDATE=1 writes the outputs the commands give back into the
 * sheets (then read the diff before committing it: the outputs are the lesson).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define SHEET_PATH_MAX 512

struct sheet_case {
	char path[SHEET_PATH_MAX];
};

/* A growing string. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		cr_assert_not_null(t->s);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_adds(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

ParameterizedTestParameters(labs, sheet)
{
	glob_t g;
	struct sheet_case *cases;
	size_t n = 0;

	/* The answer sheets too: they end with the quizzes' answer keys. */
	if (glob(MMUSIM_SOURCE_DIR "/docs/labs/*.md", 0, NULL, &g) != 0 ||
	    glob(MMUSIM_SOURCE_DIR "/docs/labs/answers/*.md", GLOB_APPEND | GLOB_NOCHECK, NULL, &g) != 0)
		return cr_make_param_array(struct sheet_case, NULL, 0);
	cases = cr_malloc(sizeof(*cases) * (g.gl_pathc ? g.gl_pathc : 1));
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *name = strrchr(g.gl_pathv[i], '/') + 1;

		if (strcmp(name, "README.md") == 0 || strcmp(name, "*.md") == 0 || strlen(g.gl_pathv[i]) >= SHEET_PATH_MAX)
			continue;
		snprintf(cases[n++].path, SHEET_PATH_MAX, "%s", g.gl_pathv[i]);
	}
	globfree(&g);
	return cr_make_param_array(struct sheet_case, cases, n);
}

/* Runs cmd with sh in the source directory; its stdout, then stderr, then "[exit status N]" if not 0. */
static char *run_sheet_command(const char *cmd)
{
	char *bin_dir = strdup(MMUSIM_BIN), *slash = strrchr(bin_dir, '/');
	FILE *out = tmpfile(), *err = tmpfile();
	struct text result = { 0 };
	char status_line[64];
	pid_t pid;
	int status;

	cr_assert(out && err && slash);
	*slash = '\0';
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		const char *path = getenv("PATH");
		size_t len = strlen(bin_dir) + strlen(path ? path : "/usr/bin:/bin") + 2;
		char *new_path = malloc(len);
		int in = open("/dev/null", O_RDONLY);

		snprintf(new_path, len, "%s:%s", bin_dir, path ? path : "/usr/bin:/bin");
		setenv("PATH", new_path, 1);
		setenv("NO_COLOR", "1", 1);
		setenv("LC_ALL", "C", 1);
		if (chdir(MMUSIM_SOURCE_DIR) != 0 || in < 0)
			_exit(126);
		dup2(in, 0);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	free(bin_dir);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	for (FILE *f = out; f; f = f == out ? err : NULL) {
		char *s = support_read_fd(fileno(f));

		text_adds(&result, s ? s : "");
		if (result.len && result.s[result.len - 1] != '\n')
			text_adds(&result, "\n");
		free(s);
		fclose(f);
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (status != 0) {
		snprintf(status_line, sizeof(status_line), "[exit status %d]\n", status);
		text_adds(&result, status_line);
	}
	if (!result.s)
		text_adds(&result, "");
	return result.s;
}

/* The lines of s (each without its '\n'); *n set. */
static char **split_lines(const char *s, size_t *n)
{
	size_t cap = 16;
	char **lines = malloc(cap * sizeof(*lines));

	*n = 0;
	while (*s) {
		const char *end = strchr(s, '\n');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (*n == cap)
			lines = realloc(lines, (cap *= 2) * sizeof(*lines));
		lines[(*n)++] = strndup(s, len);
		s += len + (end ? 1 : 0);
	}
	return lines;
}

/*
 * One unified-diff hunk from the first differing line to the last: what the
 * sheet says (-) against what the command printed (+), 3 lines of context.
 */
static void print_diff(const char *sheet, int line, const char *cmd, const char *want, const char *got)
{
	size_t nw, ng, pre = 0, suf = 0;
	char **w = split_lines(want, &nw), **g = split_lines(got, &ng);
	size_t from, to_w, to_g;

	while (pre < nw && pre < ng && strcmp(w[pre], g[pre]) == 0)
		pre++;
	while (suf < nw - pre && suf < ng - pre && strcmp(w[nw - 1 - suf], g[ng - 1 - suf]) == 0)
		suf++;
	from = pre > 3 ? pre - 3 : 0;
	to_w = nw - suf + (suf > 3 ? 3 : suf);
	to_g = ng - suf + (suf > 3 ? 3 : suf);
	fprintf(stderr, "%s:%d: the output of\n  $ %s\ndiffers from the sheet:\n--- %s (the sheet)\n+++ the output\n",
		sheet, line, cmd, sheet);
	/* An empty side's range starts at the line before it, as diff -u prints it. */
	fprintf(stderr, "@@ -%zu,%zu +%zu,%zu @@\n", from + (to_w > from), to_w - from, from + (to_g > from),
		to_g - from);
	for (size_t i = from; i < pre; i++)
		fprintf(stderr, " %s\n", w[i]);
	for (size_t i = pre; i < nw - suf; i++)
		fprintf(stderr, "-%s\n", w[i]);
	for (size_t i = pre; i < ng - suf; i++)
		fprintf(stderr, "+%s\n", g[i]);
	for (size_t i = nw - suf; i < to_w; i++)
		fprintf(stderr, " %s\n", w[i]);
	for (size_t i = 0; i < nw; i++)
		free(w[i]);
	for (size_t i = 0; i < ng; i++)
		free(g[i]);
	free(w);
	free(g);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Runs every command of the sheet at path; returns how many printed something else than it says. */
static int check_sheet(const char *path, bool update)
{
	char *md = read_text_file(path);
	size_t nlines, i = 0, commands = 0;
	char **lines;
	struct text rewritten = { 0 };
	int mismatches = 0;

	cr_assert_not_null(md, "cannot read %s", path);
	lines = split_lines(md, &nlines);
	while (i < nlines) {
		bool in_block = strcmp(lines[i], "```console") == 0;

		text_adds(&rewritten, lines[i]);
		text_adds(&rewritten, "\n");
		i++;
		if (!in_block)
			continue;
		while (i < nlines && !starts_with(lines[i], "```")) {
			struct text cmd = { 0 }, want = { 0 };
			size_t cmd_line = i + 1;
			char *got;

			cr_assert(starts_with(lines[i], "$ "), "%s:%zu: a console block must start with a '$ ' command",
				  path, i + 1);
			text_adds(&cmd, lines[i] + 2);
			text_adds(&rewritten, lines[i]);
			text_adds(&rewritten, "\n");
			while (cmd.len && cmd.s[cmd.len - 1] == '\\' && ++i < nlines) {
				text_adds(&cmd, "\n");
				text_adds(&cmd, lines[i]);
				text_adds(&rewritten, lines[i]);
				text_adds(&rewritten, "\n");
			}
			cr_assert_lt(i, nlines, "%s:%zu: the command never ends", path, cmd_line);
			i++;
			while (i < nlines && !starts_with(lines[i], "$ ") && !starts_with(lines[i], "```")) {
				text_adds(&want, lines[i++]);
				text_adds(&want, "\n");
			}
			if (!want.s)
				text_adds(&want, "");
			got = run_sheet_command(cmd.s);
			commands++;
			text_adds(&rewritten, got);
			if (strcmp(got, want.s) != 0 && mismatches++ == 0 && !update)
				print_diff(path, (int)cmd_line, cmd.s, want.s, got);
			free(cmd.s);
			free(want.s);
			free(got);
		}
		cr_assert_lt(i, nlines, "%s: a console block is not closed", path);
	}
	if (update && mismatches) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f);
		fputs(rewritten.s, f);
		fclose(f);
		fprintf(stderr, "%s: %d outputs rewritten\n", path, mismatches);
	}
	cr_expect_gt(commands, 0, "%s has no ```console block", path);
	for (size_t k = 0; k < nlines; k++)
		free(lines[k]);
	free(lines);
	free(rewritten.s);
	free(md);
	return mismatches;
}

ParameterizedTest(struct sheet_case *c, labs, sheet, .timeout = 600)
{
	bool update = getenv("MMUSIM_LABS_UPDATE") && strcmp(getenv("MMUSIM_LABS_UPDATE"), "1") == 0;
	int mismatches = check_sheet(c->path, update);

	cr_expect(update || mismatches == 0,
		  "%s: %d command(s) printed something else than the sheet says (the first diff is above)", c->path,
		  mismatches);
}

/* The checker itself: a right sheet passes; a changed output, or a failure not marked, is caught. */
Test(labs, checker_catches_a_changed_output_and_an_unmarked_failure)
{
	static const char *const right =
		"text\n```console\n$ mmusim --config toy translate --map '0x40 0x1240 64 rwu' \\\n    0x45\n"
		"0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n"
		"$ mmusim translate --map nonsense 0x1\n"
		"mmusim: --map:1: missing field: usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'\n"
		"[exit status 2]\n```\n";
	static const char *const changed =
		"```console\n$ mmusim --config toy translate --map '0x40 0x1240 64 rwu' 0x45\n"
		"0x45 r user: pa 0x1246 (64-byte page, level 1) perms rw-u-\n```\n";
	static const char *const unmarked =
		"```console\n$ mmusim translate --map nonsense 0x1\n"
		"mmusim: --map:1: missing field: usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'\n```\n";
	char *paths[3] = { write_temp_file(right, ".md"), write_temp_file(changed, ".md"),
			   write_temp_file(unmarked, ".md") };

	cr_expect_eq(check_sheet(paths[0], false), 0);
	cr_expect_eq(check_sheet(paths[1], false), 1);
	cr_expect_eq(check_sheet(paths[2], false), 1);
	for (int i = 0; i < 3; i++)
		remove_temp_file(paths[i]);
}
