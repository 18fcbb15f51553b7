/* threads_to_cpus: the --threads-to-cpus option (see threads_to_cpus.h). */
#include "threads_to_cpus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"

/* The highest thread id a trace may carry, plus one (sim/trace_event.h's TRACE_THREAD_MAX). */
#define THREAD_IDS (1u << 20)

enum line_status { LINE_OK, LINE_END, LINE_TOO_LONG, LINE_NUL, LINE_ERROR };

/*
 * One line of at most size - 1 bytes into buf, without its '\n'.  fgets
 * would cut a longer line into several and stop at no NUL byte: /dev/zero,
 * all NULs and no line end, was read for ever.
 */
static enum line_status read_line(FILE *f, char *buf, size_t size)
{
	size_t len = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0')
			return LINE_NUL;
		if (len == size - 1)
			return LINE_TOO_LONG;
		buf[len++] = (char)c;
	}
	buf[len] = '\0';
	/* A read that fails (a directory: EISDIR) is no end of file: the map would be empty. */
	if (c == EOF && ferror(f))
		return LINE_ERROR;
	return c == EOF && len == 0 ? LINE_END : LINE_OK;
}

static int map_file(const char *command, const char *path, unsigned max_cpus, struct threads_to_cpus *out,
		    mmusim_error *err)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned n = 0;
	enum line_status st;

	if (!f)
		return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s: %s (one-each, round-robin:K or a file "
				     "of 'THREAD CPU' lines)", command, path, strerror(errno));
	while ((st = read_line(f, line, sizeof(line))) != LINE_END) {
		unsigned long thread, cpu;
		char extra;
		n++;
		if (st != LINE_OK) {
			int read_errno = errno;
			fclose(f);
			threads_to_cpus_free(out);
			if (st == LINE_ERROR)
				return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s: cannot read: %s", command,
						     path, strerror(read_errno));
			if (st == LINE_NUL)
				return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s:%u: NUL byte in the file "
						     "(a binary file?)", command, path, n);
			return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s:%u: line longer than %zu bytes",
					     command, path, n, sizeof(line) - 1);
		}
		line[strcspn(line, "#")] = 0;
		if (line[strspn(line, " \t")] == 0)
			continue;
		if (sscanf(line, "%lu %lu %c", &thread, &cpu, &extra) != 2 || thread >= THREAD_IDS || cpu >= max_cpus ||
		    strchr(line, '-')) {
			fclose(f);
			threads_to_cpus_free(out);
			return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s:%u: expected 'THREAD CPU', a "
					     "thread below %u and a CPU below %u", command, path, n, THREAD_IDS, max_cpus);
		}
		if (thread >= out->nr) {
			size_t nr = thread + 1 > 2 * out->nr ? thread + 1 : 2 * out->nr;
			uint16_t *t = realloc(out->cpu_of, nr * sizeof(*t));
			if (!t) {
				fclose(f);
				threads_to_cpus_free(out);
				return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
			}
			for (size_t i = out->nr; i < nr; i++)
				t[i] = 0xffff;
			out->cpu_of = t;
			out->nr = nr;
		}
		/* Two lines for one thread: which CPU it runs on would depend on which line came last. */
		if (out->cpu_of[thread] != 0xffff) {
			unsigned before = out->cpu_of[thread];
			fclose(f);
			threads_to_cpus_free(out);
			return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s:%u: thread %lu is mapped twice "
					     "(to CPU %u above)", command, path, n, thread, before);
		}
		out->cpu_of[thread] = (uint16_t)cpu;
	}
	fclose(f);
	return MMUSIM_OK;
}

int threads_to_cpus_parse(const char *command, const char *spec, unsigned max_cpus, struct threads_to_cpus *out,
			  mmusim_error *err)
{
	*out = (struct threads_to_cpus){ 0 };
	if (strcmp(spec, "one-each") == 0)
		return MMUSIM_OK;
	if (strncmp(spec, "round-robin:", 12) == 0) {
		char *end;
		unsigned long k = strtoul(spec + 12, &end, 10);
		if (*end || end == spec + 12 || spec[12] == '-' || k < 1 || k > max_cpus)
			return cli_set_error(err, MMUSIM_EINVAL, "%s: --threads-to-cpus %s: round-robin:K needs K from 1 "
					     "to %u CPUs", command, spec, max_cpus);
		out->round_robin = (unsigned)k;
		return MMUSIM_OK;
	}
	return map_file(command, spec, max_cpus, out, err);
}

int threads_to_cpus_apply(const struct threads_to_cpus *t, mmusim_mmu *mmu, mmusim_error *err)
{
	return mmusim_mmu_set_threads_to_cpus(mmu, t->round_robin, t->cpu_of, t->nr, err);
}

void threads_to_cpus_free(struct threads_to_cpus *t)
{
	free(t->cpu_of);
	*t = (struct threads_to_cpus){ 0 };
}

bool threads_to_cpus_is_file(const char *spec)
{
	return spec && strcmp(spec, "one-each") != 0 && strncmp(spec, "round-robin:", 12) != 0;
}
