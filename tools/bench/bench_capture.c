/*
 * bench_capture: how fast each tracer of `mmusim run` captures and replays
 * the same program.  The mmusim next to this binary runs it; its JSON
 * report (after the program's own output on stdout) gives the access counts.
 */
#define _GNU_SOURCE
#include "bench_capture.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

/* Runs argv with stdout captured (stderr to /dev/null); returns the seconds taken, or -1. */
static double timed_run(char *const *argv, char **out)
{
	int p[2];
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	double t0 = bench_now();
	pid_t pid;
	ssize_t k;
	int status;

	if (!buf || pipe(p) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((k = read(p[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)k;
		if (cap - len < 4096) {
			char *b = realloc(buf, cap *= 2);
			if (!b)
				break;
			buf = b;
		}
	}
	close(p[0]);
	buf[len] = 0;
	waitpid(pid, &status, 0);
	*out = buf;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? bench_now() - t0 : -1;
}

static uint64_t total_accesses(const char *out)
{
	const char *p = strstr(out, "\"accesses\":{\"total\":");
	return p ? strtoull(p + 20, NULL, 10) : 0;
}

static double best_of(unsigned repeat, char *const *argv, uint64_t *accesses)
{
	double best = -1;

	for (unsigned i = 0; i < repeat; i++) {
		char *out = NULL;
		double t = timed_run(argv, &out);
		if (t >= 0 && (best < 0 || t < best))
			best = t;
		if (out && accesses)
			*accesses = total_accesses(out);
		free(out);
	}
	return best;
}

void bench_capture(unsigned repeat, char *const *prog)
{
	char self[PATH_MAX], mmusim[PATH_MAX + 16], *def[3] = { "/usr/bin/sha256sum", mmusim, NULL };
	char *argv[64];
	const char *tracer[2] = { "qemu", "valgrind" };
	double secs[2];
	uint64_t acc[2] = { 0, 0 };
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int argc = 0;

	if (n <= 0)
		return;
	self[n] = 0;
	*strrchr(self, '/') = 0;
	snprintf(mmusim, sizeof(mmusim), "%s/mmusim", self);
	if (!prog)
		prog = def;
	double native = best_of(repeat, prog, NULL);
	for (int t = 0; t < 2; t++) {
		argc = 0;
		argv[argc++] = mmusim;
		argv[argc++] = "--json";
		argv[argc++] = "run";
		argv[argc++] = "--tracer";
		argv[argc++] = (char *)tracer[t];
		argv[argc++] = "--";
		for (int i = 0; prog[i] && argc < 63; i++)
			argv[argc++] = prog[i];
		argv[argc] = NULL;
		secs[t] = best_of(repeat, argv, &acc[t]);
	}
	printf("capture of %s%s (best of %u)\n", prog[0], prog[1] ? " ..." : "", repeat);
	printf("  program alone        %8.3f s\n", native);
	for (int t = 0; t < 2; t++)
		printf("  run --tracer %-8s %8.3f s  %12" PRIu64 " accesses  %6.1f M accesses/s\n", tracer[t], secs[t],
		       acc[t], secs[t] > 0 ? (double)acc[t] / secs[t] / 1e6 : 0.0);
	if (secs[0] > 0 && secs[1] > 0)
		printf("  qemu speed-up over lackey: %.1fx\n", secs[1] / secs[0]);
}
