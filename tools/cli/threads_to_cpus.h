/*
 * threads_to_cpus: the --threads-to-cpus option of replay, sweep and run —
 * which CPU each `thread N` of a trace runs on: one-each (thread N on CPU N,
 * the default), round-robin:K (CPU N % K), or FILE (lines `THREAD CPU`;
 * threads it does not list run on their own number).
 */
#ifndef MMUSIM_TOOLS_CLI_THREADS_TO_CPUS_H
#define MMUSIM_TOOLS_CLI_THREADS_TO_CPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmusim.h"

struct threads_to_cpus {
	unsigned round_robin;     /* 0: one each */
	uint16_t *cpu_of;         /* FILE's table (malloc'd), 0xffff where a thread is not listed */
	size_t nr;
};

/*
 * Parses spec for `command` (its name starts the messages: "replay:
 * --threads-to-cpus FILE:3: expected 'THREAD CPU', ..."); CPUs must be below
 * max_cpus.  MMUSIM_EINVAL with the message, the table left NULL.
 */
int threads_to_cpus_parse(const char *command, const char *spec, unsigned max_cpus, struct threads_to_cpus *out,
			  mmusim_error *err);
/* spec names a FILE (not one-each or round-robin:K): an input no output may overwrite. */
bool threads_to_cpus_is_file(const char *spec);
/* Hands the mapping to mmu. */
int threads_to_cpus_apply(const struct threads_to_cpus *t, mmusim_mmu *mmu, mmusim_error *err);
void threads_to_cpus_free(struct threads_to_cpus *t);

#endif
