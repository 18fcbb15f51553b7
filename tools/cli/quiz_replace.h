/*
 * quiz_replace: page-replacement questions.  K frames, a policy (FIFO, LRU,
 * OPT, clock), a reference string of page numbers: which references fault,
 * and which page each fault evicts?  The answer is the OS layer's (os/,
 * through an mmusim_mmu with resident_pages = K): page p is the user page at
 * VA base + p x page size, demand-paged on its first touch.
 */
#ifndef MMUSIM_TOOLS_CLI_QUIZ_REPLACE_H
#define MMUSIM_TOOLS_CLI_QUIZ_REPLACE_H

#include <stdbool.h>
#include <stdint.h>

#include <mmusim.h>

#define QUIZ_REPL_MAX_REFS 32
#define QUIZ_REPL_MAX_FRAMES 8

/* What is asked; zero / NULL fields are drawn from the seed per question. */
struct quiz_repl_params {
	unsigned frames;
	const char *policy;          /* "fifo", "lru", "opt", "clock" */
	unsigned nr_refs;            /* a fixed reference string (--references), else drawn */
	unsigned refs[QUIZ_REPL_MAX_REFS];
};

struct quiz_repl_question {
	unsigned frames;
	const char *policy;
	unsigned n;
	unsigned ref[QUIZ_REPL_MAX_REFS];
	bool fault[QUIZ_REPL_MAX_REFS];
	int victim[QUIZ_REPL_MAX_REFS];  /* the page evicted by this reference's fault, -1: none */
	unsigned faults;
};

/* The policies a question may name, then NULL. */
extern const char *const quiz_repl_policies[];

/* Answers q (frames, policy, n, ref[] filled) on a fresh machine built from cfg. */
int quiz_repl_answer(const mmusim_config *cfg, struct quiz_repl_question *q, mmusim_error *err);

#endif
