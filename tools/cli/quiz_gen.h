/*
 * quiz_gen: reproducible paging exercises, in the spirit of the OSTEP paging
 * homework simulators (random problems from a seed, answers on request), for
 * any machine config; `mmusim quiz` prints them.  Built on the public API.
 *
 * From a seed, builds a small random address space in a fresh machine: a few
 * base-page mappings with different permissions (read-only, read-write,
 * executable, supervisor-only) sharing their upper nodes, one huge page where
 * the format has them, and then picks VAs to translate: some that succeed,
 * some not present (at the last level and higher up), some refused by the
 * permissions, and where the walk refuses a page whose accessed flag is clear
 * (Arm with TCR.HA=0, RISC-V Svade) such a page.  With a root per VA half
 * (AArch64) the supervisor-only page lies in the upper half.  Each question carries the walk's answer on the quiz's own
 * table, computed without A/D updates so the table stays as printed.  The
 * generator has its own PRNG (splitmix64): the same seed, config and count
 * give the same quiz on every host.
 */
#ifndef MMUSIM_TOOLS_CLI_QUIZ_GEN_H
#define MMUSIM_TOOLS_CLI_QUIZ_GEN_H

#include <stdint.h>

#include <mmusim.h>

#define QUIZ_MAX_QUESTIONS 100
#define QUIZ_MAX_MAPPINGS 8

/* What the generator aimed for; the answer is whatever the walk says. */
enum quiz_kind {
	QUIZ_MAPPED, QUIZ_HUGE, QUIZ_NOT_PRESENT_LEAF, QUIZ_NOT_PRESENT_UPPER, QUIZ_PERMISSION,
	QUIZ_ACCESS_FLAG,            /* a page whose accessed flag is clear, where the walk refuses one */
};

struct quiz_mapping {
	uint64_t va, pa, size;
	uint32_t flags;              /* MMUSIM_PROP_* */
};

struct quiz_question {
	enum quiz_kind kind;
	mmusim_request req;          /* the walk that answers it (no A/D updates) */
	mmusim_translation answer;
};

struct quiz {
	mmusim_machine *m;
	uint64_t seed;
	struct quiz_mapping maps[QUIZ_MAX_MAPPINGS];
	unsigned nr_maps;
	struct quiz_question q[QUIZ_MAX_QUESTIONS];
	unsigned nr_q;
};

/*
 * Generates `count` questions (1..QUIZ_MAX_QUESTIONS) over a machine built from
 * cfg.  Returns MMUSIM_OK with *out filled (free with quiz_free), or an error.
 */
int quiz_generate(const mmusim_config *cfg, uint64_t seed, unsigned count, struct quiz *out, mmusim_error *err);
void quiz_free(struct quiz *q);

/* The walk a question asks about: in a virtual machine the guest's, answered with the GPA. */
void quiz_translate(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out);

#endif
