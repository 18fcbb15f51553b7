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
 *
 * Other kinds of question (quiz_params.kinds) use the same table: the PTE
 * that would map a page, the entry that refuses an access, TLB hits and
 * misses (quiz_tlb.h), page replacement (quiz_replace.h).  Each draws from
 * its own stream of the seed, after the translations.
 */
#ifndef MMUSIM_TOOLS_CLI_QUIZ_GEN_H
#define MMUSIM_TOOLS_CLI_QUIZ_GEN_H

#include <stdint.h>

#include <mmusim.h>

#define QUIZ_MAX_QUESTIONS 100
#define QUIZ_MAX_BASE_PAGES 32        /* --mappings: at most this, and half a node's entries */
#define QUIZ_MAX_MAPPINGS (QUIZ_MAX_BASE_PAGES + 2)  /* + the huge page + the not-accessed page */
#define QUIZ_MAX_LEAF_NODES 32

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

/* The question kinds a quiz asks (--kinds), each a section of the quiz, in this order. */
enum quiz_ask {
	QUIZ_ASK_TRANSLATE = 1,      /* translate a VA: the PA or the fault */
	QUIZ_ASK_PTE = 2,            /* which PTE value, written where, maps a page */
	QUIZ_ASK_FAULT = 4,          /* which entry refuses an access, with what fault and code */
	QUIZ_ASK_TLB = 8,            /* TLB hit or miss for a sequence of VAs (quiz_tlb.h) */
	QUIZ_ASK_REPLACEMENT = 16,   /* page faults and victims of a replacement policy (quiz_replace.h) */
};

/* "Write this PTE": the page at va mapped to pa with flags, by one entry in an existing node. */
struct quiz_pte_question {
	uint64_t va, pa, size;
	uint32_t flags;              /* MMUSIM_PROP_* asked for */
	unsigned level;              /* the entry's level */
	uint64_t pte_addr;           /* where it goes */
	uint64_t pte;                /* the value mmusim_map writes there */
	unsigned nr_steps;           /* the walk to it, the last step that entry */
	mmusim_walk_step steps[MMUSIM_MAX_LEVELS];
};

#include "quiz_tlb.h"
#include "quiz_replace.h"

/* The knobs; quiz_params_default gives today's quiz. */
struct quiz_params {
	unsigned count;              /* questions per kind asked, 1..QUIZ_MAX_QUESTIONS */
	unsigned kinds;              /* enum quiz_ask bits */
	unsigned mappings;           /* base pages mapped (default 4) */
	/*
	 * 0: the base pages alternate between two last-level nodes.  Else the
	 * share of each last-level node's entries that the base pages fill:
	 * round(valid_share x entries per node) pages per node (at least 1), so
	 * that `mappings` pages take ceil(mappings / that) nodes.
	 */
	double valid_share;
	bool no_huge;                /* --page-sizes without the huge size */
	struct quiz_tlb_params tlb;
	struct quiz_repl_params repl;
	/* The YAML a TLB question's config extends (extends: PRESET plus the knobs); NULL: no TLB questions. */
	const char *tlb_base_yaml;
};

struct quiz {
	mmusim_machine *m;
	uint64_t seed;
	struct quiz_mapping maps[QUIZ_MAX_MAPPINGS];
	unsigned nr_maps;
	unsigned nr_base;            /* maps[0 .. nr_base-1] are the base pages */
	struct quiz_question q[QUIZ_MAX_QUESTIONS];
	unsigned nr_q;
	struct quiz_pte_question pte_q[QUIZ_MAX_QUESTIONS];
	unsigned nr_pte;
	struct quiz_question fault_q[QUIZ_MAX_QUESTIONS];
	unsigned nr_fault;
	struct quiz_tlb_question tlb_q[QUIZ_MAX_QUESTIONS];
	unsigned nr_tlb;
	struct quiz_repl_question repl_q[QUIZ_MAX_QUESTIONS];
	unsigned nr_repl;
};

void quiz_params_default(struct quiz_params *p);

/*
 * Generates `count` translate questions (1..QUIZ_MAX_QUESTIONS) over a machine built from
 * cfg.  Returns MMUSIM_OK with *out filled (free with quiz_free), or an error.
 */
int quiz_generate(const mmusim_config *cfg, uint64_t seed, unsigned count, struct quiz *out, mmusim_error *err);
/* The same with every knob: the questions of each kind in p->kinds. */
int quiz_generate_params(const mmusim_config *cfg, uint64_t seed, const struct quiz_params *p, struct quiz *out,
			 mmusim_error *err);
void quiz_free(struct quiz *q);

/* The walk a question asks about: in a virtual machine the guest's, answered with the GPA. */
void quiz_translate(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out);

#endif
