/*
 * The test support's way of starting the binary: tests/valgrind.sh runs the
 * end-to-end suites natively and names a wrapper (MMUSIM_TEST_WRAPPER) that
 * starts the binary under memcheck.  A start that bypassed the wrapper would
 * leave that binary unchecked without a sign, so the three ways a test starts
 * it (run_mmusim, exec_mmusim, mmusim_command in a shell command) are checked
 * here with a wrapper that records what it was given.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "temp_dir.h"

struct recorder {
	char *dir, *script, *record;
};

/* A wrapper that appends its arguments, one per line, to a file, then runs them. */
static struct recorder recorder_start(void)
{
	struct recorder w = { temp_dir_create(), NULL, NULL };
	FILE *f;

	w.script = temp_dir_path(w.dir, "wrapper");
	w.record = temp_dir_path(w.dir, "record");
	cr_assert(f = fopen(w.script, "w"));
	fprintf(f, "#!/bin/sh\nprintf '%%s\\n' \"$@\" >> '%s'\nexec \"$@\"\n", w.record);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(w.script, 0700), 0);
	cr_assert_eq(setenv("MMUSIM_TEST_WRAPPER", w.script, 1), 0);
	return w;
}

static void recorder_end(struct recorder *w)
{
	unsetenv("MMUSIM_TEST_WRAPPER");
	free(w->script);
	free(w->record);
	temp_dir_remove(w->dir);
}

Test(support, run_mmusim_goes_through_the_wrapper)
{
	struct recorder w = recorder_start();
	struct run_result r;
	char *record;

	cr_assert_eq(run_mmusim(&r, "--version", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "mmusim ", 7) == 0, "%s", r.out);
	record = read_text_file(w.record);
	cr_assert_not_null(record, "the wrapper was not started");
	cr_expect_str_eq(record, MMUSIM_BIN "\n--version\n");
	/* Speed tests take their small inputs: the binary runs under memcheck. */
	cr_expect(running_under_valgrind());
	cr_expect_not(valgrind_usable());
	free(record);
	run_result_free(&r);
	recorder_end(&w);
}

Test(support, exec_mmusim_goes_through_the_wrapper)
{
	struct recorder w = recorder_start();
	int status;
	pid_t pid = fork();
	char *record;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDOUT_FILENO);
		exec_mmusim((const char *const[]){ "mmusim", "--config", "toy", "--version", NULL });
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	record = read_text_file(w.record);
	cr_assert_not_null(record, "the wrapper was not started");
	cr_expect_str_eq(record, MMUSIM_BIN "\n--config\ntoy\n--version\n");
	free(record);
	recorder_end(&w);
}

Test(support, mmusim_command_names_the_wrapper_first)
{
	struct recorder w = recorder_start();
	char cmd[8192], *record;

	snprintf(cmd, sizeof(cmd), "%s --version >/dev/null", mmusim_command());
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	record = read_text_file(w.record);
	cr_assert_not_null(record, "the wrapper was not started: %s", cmd);
	cr_expect_str_eq(record, MMUSIM_BIN "\n--version\n");
	free(record);
	recorder_end(&w);
}

Test(support, without_a_wrapper_the_binary_runs_itself)
{
	struct run_result r;

	unsetenv("MMUSIM_TEST_WRAPPER");
	cr_expect_str_eq(mmusim_command(), "'" MMUSIM_BIN "'");
	cr_assert_eq(run_mmusim(&r, "--version", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
}
